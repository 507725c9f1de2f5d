import CHiredis
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A pattern subscription on one Redis server, read on a thread of its own.
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
    let logger: Logger
    private let stopped = Atomic<Bool>(false)

    public init(addresses: [(host: String, port: Int)], patterns: [String], logger: Logger) {
        precondition(!addresses.isEmpty, "a subscriber needs at least one address")  // callers pass the configured shards
        self.addresses = addresses
        self.patterns = patterns
        self.logger = logger
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    private static let pmessage = Array("pmessage".utf8)

    /// Blocks the calling thread until `stop()`; run it on a dedicated thread.
    public func run(onMessage: @Sendable (_ channel: String, _ payload: [UInt8]) -> Void) {
        let isStopped = { self.stopped.load(ordering: .relaxed) }
        keepConnected(to: addresses, timeoutSeconds: 2, isStopped: isStopped, onFailure: { address, error in
            logger.warning("Redis subscription lost; re-subscribing", metadata: ["shard": "\(address)", "error": "\(error)"])
        }) { connection in
            try connection.subscribe(RedisCommand(["PSUBSCRIBE"] + patterns), until: isStopped) { reply in
                // ["pmessage", pattern, channel, payload]; the subscription's confirmations are not.
                guard case .array(let parts) = reply, parts.count == 4, case .bulk(let kind) = parts[0], kind == Self.pmessage,
                      let channel = parts[2].string, case .bulk(let payload) = parts[3] else { return }
                onMessage(channel, payload.array)
            }
        }
    }
}
