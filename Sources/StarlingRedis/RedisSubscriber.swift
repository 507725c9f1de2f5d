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

    /// Blocks the calling thread until `stop()`; run it on a dedicated thread.
    public func run(onMessage: @Sendable (_ channel: String, _ payload: [UInt8]) -> Void) {
        var attempt = 0
        while !stopped.load(ordering: .relaxed) {
            let (host, port) = addresses[attempt % addresses.count]
            attempt += 1
            do {
                let connection = try HiredisConnection(host: host, port: port, timeoutSeconds: 2)
                _ = try connection.pipeline([RedisCommand(["PSUBSCRIBE"] + patterns)])
                try connection.readMessages(until: { self.stopped.load(ordering: .relaxed) }) { reply in
                    // ["pmessage", pattern, channel, payload]
                    guard case .array(let parts) = reply, parts.count == 4, parts[0].string == "pmessage",
                          let channel = parts[2].string, case .bulk(let payload) = parts[3] else { return }
                    onMessage(channel, payload.array)
                }
            } catch {
                if stopped.load(ordering: .relaxed) { return }
                logger.warning("Redis subscription lost; re-subscribing", metadata: ["shard": "\(host):\(port)", "error": "\(error)"])
                sleep(1)
            }
        }
    }
}

extension HiredisConnection {
    /// Reads pushed replies until `shouldStop` returns true. Blocking, with one-second waits.
    func readMessages(until shouldStop: () -> Bool, _ handle: (RESPValue) -> Void) throws {
        while !shouldStop() {
            var raw: UnsafeMutableRawPointer?
            // A reply may already be buffered from the last read.
            guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
                throw RedisError.io(address: address, reason: "protocol error")
            }
            if let raw {
                handle(Self.convert(raw.assumingMemoryBound(to: redisReply.self)))
                freeReplyObject(raw)
                continue
            }
            var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 1000)
            if ready < 0 && errno != EINTR { throw RedisError.io(address: address, reason: "poll failed") }
            if ready > 0 {
                guard redisBufferRead(context) == REDIS_OK else {
                    throw RedisError.io(address: address, reason: Self.errorString(context))
                }
            }
        }
    }
}
