import Logging
import Metrics
import NIOPosix
import Synchronization

/// A small pool of blocking hiredis connections to one Redis server.
///
/// Blocking calls run on a dedicated `NIOThreadPool` (never on the Swift concurrency pool or an
/// event loop). A connection that saw an I/O error is dropped and the next checkout dials anew,
/// which is how the pool recovers after a shard restarts.
public final class RedisShardPool: Sendable {
    public let host: String
    public let port: Int
    public let capacity: Int
    let timeoutSeconds: Double
    let threadPool: NIOThreadPool
    private let state: Mutex<State>
    private let callTimer: Timer
    private let errorCounter: Counter

    struct State {
        var idle: [HiredisConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<HiredisConnection?, Never>] = []
    }

    public var address: String { "\(host):\(port)" }

    public init(host: String, port: Int, capacity: Int, timeoutSeconds: Double, threadPool: NIOThreadPool) {
        self.host = host
        self.port = port
        self.capacity = max(1, capacity)
        self.timeoutSeconds = timeoutSeconds
        self.threadPool = threadPool
        self.state = Mutex(State())
        self.callTimer = Timer(label: "starling_redis_call_duration_seconds", dimensions: [("shard", "\(host):\(port)")], preferredDisplayUnit: .seconds)
        self.errorCounter = Counter(label: "starling_redis_errors_total", dimensions: [("shard", "\(host):\(port)")])
    }

    /// Sends the commands as one pipeline and returns one reply per command.
    ///
    /// If a pooled connection turns out to be dead (the shard restarted or dropped idle clients),
    /// the pipeline is sent once more on a new connection. Starling's writes tolerate a repeat:
    /// readers dedupe list entries, and the other writes are idempotent.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        if commands.isEmpty { return [] }
        do {
            return try await withLease { lease in try await lease.pipeline(commands) }
        } catch RedisError.io {
            discardIdle()  // after a restart every pooled connection is dead, not just this one
            return try await withLease { lease in try await lease.pipeline(commands) }
        }
    }

    private func discardIdle() {
        let dropped = state.withLock { state in
            let idle = state.idle
            state.idle = []
            state.open -= idle.count  // no waiter exists while connections sit idle
            return idle
        }
        _ = dropped  // freed here, outside the lock
    }

    /// Holds one connection for several round trips (for `WATCH`/`MULTI`/`EXEC`).
    public func withLease<T: Sendable>(_ body: (RedisLease) async throws -> T) async throws -> T {
        let connection = try await checkout()
        let lease = RedisLease(connection: connection, pool: self)
        do {
            let result = try await body(lease)
            checkin(connection)
            return result
        } catch {
            checkin(connection)
            throw error
        }
    }

    func run<T: Sendable>(_ connection: HiredisConnection, _ body: @escaping @Sendable (HiredisConnection) throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { callTimer.record(duration: ContinuousClock.now - start) }
        do {
            return try await threadPool.runIfActive { try body(connection) }
        } catch {
            errorCounter.increment()
            throw error
        }
    }

    private func checkout() async throws -> HiredisConnection {
        enum Next { case use(HiredisConnection), dial, wait }
        let next: Next = state.withLock { state in
            if let connection = state.idle.popLast() { return .use(connection) }
            if state.open < capacity {
                state.open += 1
                return .dial
            }
            return .wait
        }
        switch next {
        case .use(let connection):
            return connection
        case .dial:
            return try await dial()
        case .wait:
            // A returned connection, or nil when a slot freed up and we should dial ourselves.
            let handed: HiredisConnection? = await withCheckedContinuation { continuation in
                let immediate: HiredisConnection?? = state.withLock { state in
                    if let connection = state.idle.popLast() { return .some(connection) }
                    if state.open < capacity {
                        state.open += 1
                        return .some(nil)
                    }
                    state.waiters.append(continuation)
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
            if let handed { return handed }
            return try await dial()
        }
    }

    private func dial() async throws -> HiredisConnection {
        let (host, port, timeout) = (self.host, self.port, self.timeoutSeconds)
        do {
            return try await threadPool.runIfActive {
                try HiredisConnection(host: host, port: port, timeoutSeconds: timeout)
            }
        } catch {
            errorCounter.increment()
            releaseSlot()
            throw error
        }
    }

    private func checkin(_ connection: HiredisConnection) {
        if connection.isBroken {
            releaseSlot()
            return
        }
        let waiter: CheckedContinuation<HiredisConnection?, Never>? = state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(connection)
            return nil
        }
        waiter?.resume(returning: connection)
    }

    /// A connection was dropped: let a waiter dial in its place, or free the slot.
    private func releaseSlot() {
        let waiter: CheckedContinuation<HiredisConnection?, Never>? = state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.open -= 1
            return nil
        }
        waiter?.resume(returning: nil)
    }
}

/// A connection checked out of a `RedisShardPool` for the duration of `withLease`.
public struct RedisLease: Sendable {
    let connection: HiredisConnection
    let pool: RedisShardPool

    public func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        try await pool.run(connection) { try $0.pipeline(commands) }
    }

    public func send(_ command: RedisCommand) async throws -> RESPValue {
        try await pipeline([command])[0]
    }
}
