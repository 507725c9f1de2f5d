import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One connection to Redis kept up for a long-lived use of its own, which cannot share the
/// multiplexed connections: a subscription (`RedisSubscriber`) or a blocking pop
/// (`RedisTokenWaiter`). It is a NIO channel on the shared event loops, so what it reads is handled
/// there, without a thread of its own to wake.
///
/// It dials `addresses` in turn: after a connection closes, or a dial fails, the next one; after
/// a failure on every address it reports it and pauses a second. `stop()` ends it: no dial starts
/// after it, and a dial that completes after it closes its channel at once.
final class KeptRedisConnection: Sendable {
    let addresses: [(host: String, port: Int)]
    /// What the connection is for, in the warning a failure logs.
    let purpose: String
    let logger: Logger
    let group: any EventLoopGroup
    private let stopped = Atomic<Bool>(false)
    /// The open channel, for `stop(closing:)` to close.
    private let open = Mutex<(any Channel)?>(nil)
    /// Why the open channel is closing, if its user said (logged with the reconnection).
    private let closeReason = Mutex<String?>(nil)

    init(addresses: [(host: String, port: Int)], purpose: String, logger: Logger, group: any EventLoopGroup) {
        precondition(!addresses.isEmpty, "a kept connection needs at least one address")  // callers pass the configured shards
        self.addresses = addresses
        self.purpose = purpose
        self.logger = logger
        self.group = group
    }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// No new connection after this; the open one is closed when `closing` (else its user closes it).
    func stop(closing: Bool) {
        let channel = open.withLock { channel in
            // Under the lock, so a dial completing now sees it and closes its own channel.
            stopped.store(true, ordering: .relaxed)
            return channel
        }
        if closing { channel?.close(promise: nil) }
    }

    /// Records why the connection is failing, for the warning its reconnection logs.
    func note(_ reason: String) {
        closeReason.withLock { $0 = reason }
    }

    /// Closes `channel` (the next address is dialled), recording why.
    func close(_ channel: any Channel, because reason: String) {
        note(reason)
        channel.close(promise: nil)
    }

    /// Starts dialling. Each connection gets a fresh handler from `makeHandler` (given the address
    /// dialled, for its errors), and is handed to
    /// `onOpen` (with that address) once connected; `onClose` runs when it closes, before the next dial.
    func start(makeHandler: @escaping @Sendable (_ address: String) -> any ChannelHandler,
               onOpen: @escaping @Sendable (_ channel: any Channel, _ address: String) -> Void = { _, _ in }, onClose: @escaping @Sendable () -> Void = {}) {
        dial(attempt: 0, makeHandler: makeHandler, onOpen: onOpen, onClose: onClose)
    }

    private func dial(attempt: Int, makeHandler: @escaping @Sendable (_ address: String) -> any ChannelHandler,
                      onOpen: @escaping @Sendable (any Channel, String) -> Void, onClose: @escaping @Sendable () -> Void) {
        if isStopped { return }
        let (host, port) = addresses[attempt % addresses.count]
        let loop = group.next()
        let next = { @Sendable (reason: String) in
            let redial: @Sendable () -> Void = { self.dial(attempt: attempt + 1, makeHandler: makeHandler, onOpen: onOpen, onClose: onClose) }
            if self.isStopped { return }
            if (attempt + 1) % self.addresses.count == 0 {
                self.logger.warning("Redis \(self.purpose) lost; reconnecting", metadata: ["shard": "\(host):\(port)", "error": "\(reason)"])
                loop.scheduleTask(in: .seconds(1)) { redial() }
            } else {
                redial()
            }
        }
        ClientBootstrap(group: loop)
            .connectTimeout(.seconds(2))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.socketOption(.so_keepalive), value: 1)  // an idle connection notices a vanished host, eventually
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(makeHandler("\(host):\(port)")) }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    next("\(error)")
                case .success(let channel):
                    let kept = self.open.withLock { open in
                        if self.isStopped { return false }
                        open = channel
                        return true
                    }
                    guard kept else { return channel.close(promise: nil) }
                    channel.closeFuture.whenComplete { _ in
                        self.open.withLock { open in if open === channel { open = nil } }
                        onClose()
                        next(self.closeReason.withLock { reason in defer { reason = nil }; return reason } ?? "connection closed")
                    }
                    onOpen(channel, "\(host):\(port)")
                }
            }
    }
}
