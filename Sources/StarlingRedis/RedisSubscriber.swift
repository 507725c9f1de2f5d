import CHiredis
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A subscription (to patterns, or to channels) on one Redis server, read on a thread of its own.
///
/// The subscriber owns one hiredis connection in subscribe mode. Its loop waits for the socket with
/// `poll` (one second at a time, so it notices `stop()`), reads with hiredis, and hands each message
/// to `onMessage`. A dropped connection is re-dialled after a second: pub/sub messages sent while it
/// was down are lost, which is what pub/sub promises; timelines themselves live in lists.
public final class RedisSubscriber: Sendable {
    /// Where to subscribe: tried in turn after a failure. A Redis Cluster delivers every message
    /// to every node, so in cluster mode one subscriber over all nodes is enough.
    public let addresses: [(host: String, port: Int)]
    let patterns: [String]
    let channels: [String]
    let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let confirmations = Atomic<Int>(0)

    /// Subscribes to `patterns` (`PSUBSCRIBE`), or when there are none to `channels` (`SUBSCRIBE`).
    public init(addresses: [(host: String, port: Int)], patterns: [String] = [], channels: [String] = [], logger: Logger) {
        precondition(!addresses.isEmpty, "a subscriber needs at least one address")  // callers pass the configured shards
        precondition(!patterns.isEmpty || !channels.isEmpty, "a subscriber needs something to subscribe to")
        self.addresses = addresses
        self.patterns = patterns
        self.channels = channels
        self.logger = logger
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    /// Whether Redis has confirmed the subscription (since the last connection was made): messages
    /// published from then on reach `onMessage`.
    public var isSubscribed: Bool { confirmations.load(ordering: .acquiring) > 0 }

    private static let pmessage = Array("pmessage".utf8), message = Array("message".utf8)
    private static let psubscribe = Array("psubscribe".utf8), subscribe = Array("subscribe".utf8)

    /// Blocks the calling thread until `stop()`; run it on a dedicated thread.
    public func run(onMessage: @Sendable (_ channel: String, _ payload: [UInt8]) -> Void) {
        let isStopped = { self.stopped.load(ordering: .relaxed) }
        let command = patterns.isEmpty ? RedisCommand(["SUBSCRIBE"] + channels) : RedisCommand(["PSUBSCRIBE"] + patterns)
        keepConnected(to: addresses, timeoutSeconds: 2, isStopped: isStopped, onFailure: { address, error in
            logger.warning("Redis subscription lost; re-subscribing", metadata: ["shard": "\(address)", "error": "\(error)"])
        }) { connection in
            self.confirmations.store(0, ordering: .releasing)  // a new connection: not subscribed until Redis says so
            try connection.subscribe(command, until: isStopped) { reply in
                // ["pmessage", pattern, channel, payload] or ["message", channel, payload]; and the
                // subscription's confirmations, ["psubscribe" or "subscribe", name, count].
                guard case .array(let parts) = reply, case .bulk(let kind)? = parts.first else { return }
                if parts.count == 4, kind == Self.pmessage, let channel = parts[2].string, case .bulk(let payload) = parts[3] {
                    onMessage(channel, payload.array)
                } else if parts.count == 3, kind == Self.message, let channel = parts[1].string, case .bulk(let payload) = parts[2] {
                    onMessage(channel, payload.array)
                } else if kind == Self.psubscribe || kind == Self.subscribe {
                    self.confirmations.add(1, ordering: .releasing)
                }
            }
        }
    }
}
