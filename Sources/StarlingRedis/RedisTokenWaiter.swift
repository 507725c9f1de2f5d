import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Waits for tokens in a Redis list (`BLPOP`), read on a thread of its own: each token pushed is
/// popped by exactly one waiter, whichever has waited longest, where a pub/sub message reaches
/// every subscriber. The fan-out workers use it for their wake-ups, so a post wakes one worker
/// process rather than all of them (each of the others leased, found nothing and went back).
///
/// The waiter owns one blocking hiredis connection. It blocks a second at a time, so it notices
/// `stop()`; a dropped connection, or an address that does not hold the key (a cluster node
/// answering `MOVED`), moves it to the next address, pausing a second after trying them all.
/// Tokens pushed while no waiter is connected wait in the list.
public final class RedisTokenWaiter: Sendable {
    /// Where the list may live: tried in turn after a failure (in cluster mode, every node).
    public let addresses: [(host: String, port: Int)]
    let key: String
    let logger: Logger
    private let stopped = Atomic<Bool>(false)

    public init(addresses: [(host: String, port: Int)], key: String, logger: Logger) {
        precondition(!addresses.isEmpty, "a waiter needs at least one address")  // callers pass the configured shards
        self.addresses = addresses
        self.key = key
        self.logger = logger
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    /// Blocks the calling thread until `stop()`, calling `onToken` with each token popped; run it
    /// on a dedicated thread.
    public func run(onToken: @Sendable (_ token: [UInt8]) -> Void) {
        let pop = RedisCommand("BLPOP", key, "1")
        let isStopped = { self.stopped.load(ordering: .relaxed) }
        // The socket's timeout outlasts the second BLPOP blocks for.
        keepConnected(to: addresses, timeoutSeconds: 3, isStopped: isStopped, onFailure: { address, error in
            logger.warning("Redis wake-up list unreachable; retrying", metadata: ["shard": "\(address)", "error": "\(error)"])
        }) { connection in
            while !isStopped() {
                switch try connection.pipeline([pop]).first {
                case .array(let pair) where pair.count == 2:
                    guard case .bulk(let token) = pair[1] else { continue }
                    if isStopped() {
                        // Popped after stop(), by a process on its way out: give it back, for a
                        // running one to take, rather than leave its row to the poll tick.
                        _ = try connection.pipeline([RedisCommand(bytes: [Array("LPUSH".utf8), Array(key.utf8), token.array])])
                        return
                    }
                    onToken(token.array)
                case .error(let message):
                    throw RedisError.server(message)
                default:
                    continue  // nil: nothing within the second
                }
            }
        }
    }
}
