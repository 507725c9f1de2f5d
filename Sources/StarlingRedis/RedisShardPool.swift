import Logging
import Metrics
import NIOCore
import NIOPosix
import Synchronization

/// The multiplexed connections to one Redis server.
///
/// Each connection is a NIO channel on the shared event loops, shared by every caller: a call
/// encodes its pipeline into one buffer, hands it to the channel and awaits its replies, with no
/// lease, no lock held across I/O and no thread of its own. Calls are spread over `capacity`
/// connections round-robin. A connection that fails (the shard restarted, a reply timed out) is
/// closed, its outstanding calls fail with `RedisError.io`, and the next call dials anew, which is
/// how the pool recovers after a shard restarts.
public final class RedisShardPool: Sendable {
    public let host: String
    public let port: Int
    public let capacity: Int
    let timeout: TimeAmount
    let group: any EventLoopGroup
    private let slots: [ConnectionSlot]
    /// The event loop each slot's connection is dialled on: the pool's connections are spread over
    /// the loops, and a caller already running on a loop uses that loop's connections, so its
    /// pipeline is written and its replies completed without a thread hop.
    private let slotLoops: [any EventLoop]
    private let slotsByLoop: [ObjectIdentifier: [Int]]
    private let next = Atomic<Int>(0)
    private let callTimer: Timer
    private let errorCounter: Counter

    public var address: String { "\(host):\(port)" }

    /// - Parameters:
    ///   - capacity: multiplexed connections to this server.
    ///   - timeoutSeconds: connect timeout, and how long a pipeline may wait for its replies.
    ///   - group: the event loops the connections run on.
    public init(host: String, port: Int, capacity: Int, timeoutSeconds: Double,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.capacity = max(1, capacity)
        self.timeout = .milliseconds(Int64(timeoutSeconds * 1000))
        self.group = group
        self.slots = (0..<max(1, capacity)).map { _ in ConnectionSlot() }
        let loops = Array(group.makeIterator())
        self.slotLoops = slots.indices.map { loops[$0 % loops.count] }
        self.slotsByLoop = Dictionary(grouping: slots.indices) { ObjectIdentifier(loops[$0 % loops.count]) }
        self.callTimer = Timer(label: "starling_redis_call_duration_seconds", dimensions: [("shard", "\(host):\(port)")], preferredDisplayUnit: .seconds)
        self.errorCounter = Counter(label: "starling_redis_errors_total", dimensions: [("shard", "\(host):\(port)")])
    }

    /// Sends the commands as one pipeline and returns one reply per command.
    ///
    /// If the connection turns out to be dead (the shard restarted or dropped idle clients), the
    /// pipeline is sent once more on a new connection, but only when a repeat is harmless: it never
    /// reached the server (the write failed on a closed channel), or every command is idempotent.
    /// A pipeline that may have been applied and holds an `INCR`, `ZINCRBY` or `LPUSHX` fails
    /// instead: its caller decides (the fan-out's redo removes before it pushes again).
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        if commands.isEmpty { return [] }
        return try await finish(start(commands), commands)
    }

    /// A pipeline handed to its connection but not yet awaited (`start`, then `finish`).
    public struct PendingPipeline: Sendable {
        let slot: Int
        let started: ContinuousClock.Instant
        let replies: EventLoopFuture<[RESPValue]>
    }

    /// Hands the commands to a connection without waiting for their replies: a caller sending to
    /// several shards starts every pipeline, then awaits each (`ShardedRedis.pipelines`), with no
    /// child task per shard. On an open connection the write happens here, with no suspension.
    public func start(_ commands: [RedisCommand]) -> PendingPipeline {
        let slot = slotIndex()
        return PendingPipeline(slot: slot, started: ContinuousClock.now, replies: send(commands, on: slot))
    }

    /// The replies of a started pipeline (`pipeline`'s retry rule applies).
    public func finish(_ pending: PendingPipeline, _ commands: [RedisCommand]) async throws -> [RESPValue] {
        defer { callTimer.record(duration: ContinuousClock.now - pending.started) }
        do {
            return try await replies(pending.replies)
        } catch RedisError.io(_, let reason) where reason.hasPrefix(Self.notSent) || commands.allSatisfy(\.isIdempotent) {
            return try await replies(send(commands, on: pending.slot))
        }
    }

    /// A connection on the caller's event loop if it runs on one that has any, else the next one.
    private func slotIndex() -> Int {
        let turn = next.wrappingAdd(1, ordering: .relaxed).oldValue
        if let loop = MultiThreadedEventLoopGroup.currentEventLoop, let local = slotsByLoop[ObjectIdentifier(loop)] {
            return local[turn % local.count]
        }
        return turn % slots.count
    }

    /// Marks the reason of an `io` error for a pipeline that never left this process.
    static let notSent = "not sent: "

    /// The pipeline written to slot `index`'s connection (dialled first if it is not open).
    private func send(_ commands: [RedisCommand], on index: Int) -> EventLoopFuture<[RESPValue]> {
        if let channel = slots[index].openChannel() { return write(commands, to: channel) }
        return slots[index].channel(group: group) { self.dial(on: slotLoops[index]) }
            .flatMap { self.write(commands, to: $0) }
    }

    private func write(_ commands: [RedisCommand], to channel: any Channel) -> EventLoopFuture<[RESPValue]> {
        RedisChannelHandler.send(commands, to: channel, address: address)
    }

    /// Awaits replies; every failure is counted and comes out as a `RedisError`.
    private func replies(_ future: EventLoopFuture<[RESPValue]>) async throws -> [RESPValue] {
        do {
            return try await future.get()
        } catch let error as RedisError {
            errorCounter.increment()
            throw error
        } catch {
            errorCounter.increment()
            throw RedisError.io(address: address, reason: "\(error)")
        }
    }

    private func dial(on loop: any EventLoop) -> EventLoopFuture<any Channel> {
        let (address, timeout) = (self.address, self.timeout)
        return ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(address: address, timeout: timeout))
                }
            }
            .connect(host: host, port: port)
            .flatMapErrorThrowing { [address] error in
                throw RedisError.connectFailed(address: address, reason: "\(error)")
            }
    }

    /// Closes every connection (outstanding calls fail).
    public func close() async {
        for slot in slots {
            if let channel = slot.current() { try? await channel.close() }
        }
    }
}

/// One connection of a pool: absent, being dialled (callers share the dial), or open.
private final class ConnectionSlot: Sendable {
    private enum State {
        case idle
        case connecting(EventLoopFuture<any Channel>)
        case open(any Channel)
    }

    private let state = Mutex<State>(.idle)

    func current() -> (any Channel)? {
        state.withLock { if case .open(let channel) = $0 { channel } else { nil } }
    }

    /// The channel if it is open and active (the usual case: no future to wait on).
    func openChannel() -> (any Channel)? {
        state.withLock { if case .open(let channel) = $0, channel.isActive { channel } else { nil } }
    }

    /// The open channel, or a dial shared by every caller that arrives while it is under way.
    func channel(group: any EventLoopGroup, dial: () -> EventLoopFuture<any Channel>) -> EventLoopFuture<any Channel> {
        enum Action { case use(any Channel), wait(EventLoopFuture<any Channel>), dial(EventLoopPromise<any Channel>) }
        let action: Action = state.withLock { state in
            switch state {
            case .open(let channel) where channel.isActive: return .use(channel)
            case .connecting(let future): return .wait(future)
            default:
                let promise = group.next().makePromise(of: (any Channel).self)
                state = .connecting(promise.futureResult)
                return .dial(promise)
            }
        }
        switch action {
        case .use(let channel):
            return channel.eventLoop.makeSucceededFuture(channel)
        case .wait(let future):
            return future
        case .dial(let promise):
            dial().whenComplete { result in
                self.state.withLock { state in
                    switch result {
                    case .success(let channel): state = .open(channel)
                    case .failure: state = .idle
                    }
                }
                if case .success(let channel) = result {
                    // Forget the channel once it closes, so the next call dials a fresh one.
                    channel.closeFuture.whenComplete { _ in
                        self.state.withLock { state in
                            if case .open(let current) = state, current === channel { state = .idle }
                        }
                    }
                }
                promise.completeWith(result)
            }
            return promise.futureResult
        }
    }
}
