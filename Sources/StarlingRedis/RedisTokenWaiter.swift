import Logging
import NIOCore
import NIOPosix

/// Waits for tokens in a Redis list (`BLPOP`) on a connection of its own: each token pushed is
/// popped by exactly one waiter, whichever has waited longest, where a pub/sub message reaches
/// every subscriber. The fan-out workers use it for their wake-ups, so a post wakes one worker
/// process rather than all of them (each of the others leased, found nothing and went back).
///
/// The connection is a NIO channel on the shared event loops (`KeptRedisConnection`), and each
/// reply is handled there, so a token wakes no thread of its own. It blocks a second at a time, so
/// it notices `stop()`; a dropped connection, or an address that does not hold the key (a cluster
/// node answering `MOVED`), moves it to the next address, pausing a second after trying them all.
/// Tokens pushed while no waiter is connected wait in the list.
public final class RedisTokenWaiter: Sendable {
    /// Where the list may live: tried in turn after a failure (in cluster mode, every node).
    public var addresses: [(host: String, port: Int)] { connection.addresses }
    let key: String
    private let connection: KeptRedisConnection

    public init(addresses: [(host: String, port: Int)], key: String, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.key = key
        self.connection = KeptRedisConnection(addresses: addresses, purpose: "wake-up list", logger: logger, group: group)
    }

    /// Ends the waiting within a second (the pop under way finishes first).
    public func stop() { connection.stop(closing: false) }

    /// Starts waiting and returns at once; `onToken` is called with each token popped, on the
    /// connection's event loop, so it must not block.
    public func start(onToken: @escaping @Sendable (_ token: [UInt8]) -> Void) {
        // The reply is due within the second BLPOP blocks for; the handler's timeout outlasts it.
        connection.start(makeHandler: { address in RedisChannelHandler(address: address, timeout: .seconds(3)) },
                         onOpen: { channel, address in self.pop(on: channel, address: address, onToken: onToken) })
    }

    private func pop(on channel: any Channel, address: String, onToken: @escaping @Sendable ([UInt8]) -> Void) {
        RedisChannelHandler.send([RedisCommand("BLPOP", key, "1")], to: channel, address: address).whenComplete { result in
            let replies: [RESPValue]
            switch result {
            case .success(let value): replies = value
            case .failure(let error): return self.connection.note("\(error)")  // the handler is closing the connection
            }
            switch replies.first {
            case .array(let pair) where pair.count == 2:
                guard case .bulk(let token) = pair[1] else { break }
                if self.connection.isStopped {
                    // Popped after stop(), by a process on its way out: give it back, for a
                    // running one to take, rather than leave its row to the poll tick.
                    let giveBack = RedisCommand(bytes: [Array("LPUSH".utf8), Array(self.key.utf8), token.array])
                    RedisChannelHandler.send([giveBack], to: channel, address: address).whenComplete { _ in channel.close(promise: nil) }
                    return
                }
                onToken(token.array)
            case .error(let message):
                // Not this node's key (`MOVED`), or a refusal: try the next address.
                return self.connection.close(channel, because: message)
            default:
                break  // nil: nothing within the second
            }
            if self.connection.isStopped { return channel.close(promise: nil) }
            self.pop(on: channel, address: address, onToken: onToken)
        }
    }
}
