import Foundation
import NIOCore
import NIOPosix
import Logging
import StarlingDomain
@testable import StarlingRedis
import Synchronization
import Testing

@Suite(.enabled(if: TestEnvironment.available, "needs STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct RedisClientTests {
    func redis() throws -> ShardedRedis {
        ShardedRedis(map: try ShardMap.parse(try #require(TestEnvironment.redisShards)), connectionsPerShard: 2)
    }

    @Test func pipelineReturnsOneReplyPerCommandInOrder() async throws {
        let redis = try redis()
        let key = "test:{\(UInt64.random(in: 0...UInt64.max))}"
        let replies = try await redis.pipeline(key: key, [
            RedisCommand("DEL", key), RedisCommand("RPUSH", key, "a", "b", "c"), RedisCommand("LRANGE", key, "0", "-1"),
            RedisCommand("GET", "missing:{\(key)}"), RedisCommand("INCRBY", key, "1"), RedisCommand("DEL", key),
        ])
        #expect(replies[1] == .integer(3))
        #expect(replies[2] == .array([.bulk(RESPBytes(Array("a".utf8))), .bulk(RESPBytes(Array("b".utf8))), .bulk(RESPBytes(Array("c".utf8)))]))
        #expect(replies[3] == .null)
        guard case .error(let message) = replies[4] else { Issue.record("INCRBY on a list must fail"); return }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(replies[5] == .integer(1))
        // Binary-safe arguments: NUL and invalid UTF-8 round-trip.
        let bytes: [UInt8] = [0, 255, 10, 13, 0x24]
        let echoed = try await redis.pipeline(key: key, [RedisCommand(bytes: [Array("SET".utf8), Array(key.utf8), bytes]),
                                                        RedisCommand(bytes: [Array("GET".utf8), Array(key.utf8)]),
                                                        RedisCommand("DEL", key)])
        #expect(echoed[1] == .bulk(RESPBytes(bytes)))
        try await redis.shutdown()
    }

    /// The multiplexed client's replies (built by `RESPReplyBuilder` as hiredis's reader parses)
    /// equal those of hiredis's own reply objects (`HiredisConnection`, the blocking client) for
    /// the same commands: every reply type, nested and empty arrays, a nil array, binary bytes, and
    /// a value far larger than one socket read, so that replies are split across reads.
    @Test func repliesBuiltAsTheReaderParsesEqualHiredisOwnReplies() async throws {
        let redis = try redis()
        let key = "test:{\(UInt64.random(in: 0...UInt64.max))}"
        let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let commands = [
            RedisCommand(bytes: [Array("SET".utf8), Array("\(key):large".utf8), large]),
            RedisCommand("SET", key, "plain"),
            RedisCommand(bytes: [Array("GET".utf8), Array("\(key):large".utf8)]),
            RedisCommand("GET", "\(key):missing"),
            RedisCommand("RPUSH", "\(key):list", "a", "", "c"),
            RedisCommand("LRANGE", "\(key):list", "0", "-1"),
            RedisCommand("LRANGE", "\(key):none", "0", "-1"),
            RedisCommand("INCRBY", "\(key):list", "1"),
            RedisCommand("EVAL", "return {1, {'a', false, {'b', -7}}, {}, redis.status_reply('FINE')}", "0"),
            RedisCommand("BLPOP", "\(key):none", "0.01"),
            RedisCommand(bytes: [Array("MGET".utf8), Array(key.utf8), Array("\(key):missing".utf8), Array("\(key):large".utf8)]),
            RedisCommand("DEL", key, "\(key):large", "\(key):list"),
        ]
        let built = try await redis.pipeline(key: key, commands)
        #expect(built[2] == .bulk(RESPBytes(large)))
        #expect(built[9] == .null, "BLPOP's timeout is a nil array")
        guard case .array(let mget) = built[10], mget.count == 3, case .bulk(let last) = mget[2] else {
            Issue.record("MGET: \(built[10])")
            return
        }
        #expect(last.count == large.count && last.array == large && last.elementsEqual(large))
        #expect(built[8] == .array([.integer(1), .array([.bulk(RESPBytes(Array("a".utf8))), .null,
                                                            .array([.bulk(RESPBytes(Array("b".utf8))), .integer(-7)])]),
                                    .array([]), .status("FINE")]))

        // The same commands again (the first run deleted what they write), through hiredis's own replies.
        let shard = redis.map.shards[redis.map.shardIndex(forKey: key)]
        let reference = try HiredisConnection(host: shard.host, port: shard.port, timeoutSeconds: 5).pipeline(commands)
        #expect(built.count == reference.count)
        for (index, (mine, theirs)) in zip(built, reference).enumerated() {
            #expect(mine == theirs, "reply \(index) of \(commands[index].name)")
        }
        try await redis.shutdown()
    }

    /// A pattern subscriber gets every message published on a matching channel, in order, with
    /// its channel and its bytes (binary, empty and larger than one socket read), none on other
    /// channels; and stops when told.
    @Test func subscriberReceivesMatchingMessagesInOrder() async throws {
        let redis = try redis()
        let shard = redis.map.shards[0]
        let prefix = "test-sub-\(UInt64.random(in: 0...UInt64.max)):"
        let subscriber = RedisSubscriber(addresses: [(shard.host, shard.port)], patterns: [prefix + "*"], logger: Logger(label: "test"))
        let received = Mutex<[(String, [UInt8])]>([])
        subscriber.start { channel, payload in received.withLock { $0.append((channel, payload)) } }
        defer { subscriber.stop() }
        let large = [UInt8]((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let sent: [(String, [UInt8])] = [(prefix + "a", [0, 255, 13, 10]), (prefix + "b", []), (prefix + "a", large)]
            + (0..<50).map { (prefix + "n", Array("message \($0)".utf8)) }
        // Published on the subscriber's server (shards do not share messages), one pipeline per call.
        func publish(_ messages: [(String, [UInt8])]) async throws {
            var batch = redis.batch()
            for (channel, payload) in messages { batch.add(RedisCommand.publish(channel, payload), shard: 0) }
            _ = try await redis.send(batch)
        }
        // Probes until the subscription is in place.
        let deadline = ContinuousClock.now + .seconds(10)
        while received.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline {
            try await publish([(prefix + "probe", [])])
            try await Task.sleep(for: .milliseconds(20))
        }
        func messages() -> [(String, [UInt8])] { received.withLock { $0 }.filter { $0.0 != prefix + "probe" } }
        for (channel, payload) in sent { try await publish([(channel, payload), ("other-" + prefix, payload)]) }
        while messages().count < sent.count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let got = messages()
        #expect(got.map(\.0) == sent.map(\.0))
        #expect(got.map(\.1) == sent.map(\.1))
        try await redis.shutdown()
    }

    /// A subscriber whose connection is dropped (the shard restarted, a `CLIENT KILL`) dials again
    /// and re-subscribes by itself; after `stop()` it receives nothing and does not come back.
    @Test func subscriberResubscribesAfterItsConnectionDrops() async throws {
        let redis = try redis()
        let shard = redis.map.shards[0]
        let channel = "test-resub-\(UInt64.random(in: 0...UInt64.max))"
        let subscriber = RedisSubscriber(addresses: [(shard.host, shard.port)], channels: [channel], logger: Logger(label: "test"))
        let received = Mutex<[String]>([])
        subscriber.start { _, payload in received.withLock { $0.append(String(decoding: payload, as: UTF8.self)) } }
        defer { subscriber.stop() }
        func publish(_ text: String) async throws -> Int64 {
            let reply = try await redis.pools[0].pipeline([RedisCommand("PUBLISH", channel, text)])[0]
            guard case .integer(let listeners) = reply else { return -1 }
            return listeners
        }
        /// Publishes `text` until it arrives (up to 10 s).
        func delivered(_ text: String) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                _ = try await publish(text)
                try await Task.sleep(for: .milliseconds(20))
                if received.withLock({ $0.contains(text) }) { return true }
            }
            return false
        }
        #expect(try await delivered("before"))
        #expect(subscriber.isSubscribed)
        // Drop every subscription connection on the shard (ours among them; others re-subscribe too).
        _ = try await redis.pools[0].pipeline([RedisCommand("CLIENT", "KILL", "TYPE", "pubsub")])
        #expect(try await delivered("after"), "re-subscribed after the connection dropped")
        subscriber.stop()
        try await Task.sleep(for: .milliseconds(200))  // the close reaches the event loop
        let count = received.withLock { $0.count }
        #expect(try await publish("stopped") == 0, "nobody listens on the channel after stop()")
        try await Task.sleep(for: .milliseconds(100))
        #expect(received.withLock { $0.count } == count)
        try await redis.shutdown()
    }

    /// A subscriber's liveness check: a healthy connection answers its `PING`s and is kept; a
    /// server that accepts and then says nothing (frozen, or gone behind a half-open connection)
    /// is left after two intervals of silence, and dialled again.
    @Test func aSilentServerIsLeftAndAHealthyOneKept() async throws {
        let redis = try redis()
        let shard = redis.map.shards[0]
        let healthy = RedisSubscriber(addresses: [(shard.host, shard.port)], channels: ["test-live-\(UInt64.random(in: 0...UInt64.max))"],
                                      logger: Logger(label: "test"), pingInterval: .milliseconds(200))
        healthy.start { _, _ in }
        defer { healthy.stop() }
        let deadline = ContinuousClock.now + .seconds(5)
        while !healthy.isSubscribed && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(healthy.isSubscribed)
        var dropped = false
        for _ in 0..<60 {  // 1.5 s, seven intervals with nothing published: three PINGs
            try await Task.sleep(for: .milliseconds(25))
            if !healthy.isSubscribed { dropped = true }
        }
        #expect(!dropped, "a connection that answers its PINGs is kept")

        let accepted = Atomic<Int>(0)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                accepted.add(1, ordering: .relaxed)
                return channel.eventLoop.makeSucceededVoidFuture()  // reads and never answers
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let silent = RedisSubscriber(addresses: [("127.0.0.1", port)], channels: ["anything"], logger: Logger(label: "test"),
                                     pingInterval: .milliseconds(50))
        silent.start { _, _ in }
        // Left after ~100 ms of silence, then dialled again after the one-second pause.
        let second = ContinuousClock.now + .seconds(5)
        while accepted.load(ordering: .relaxed) < 2 && ContinuousClock.now < second { try await Task.sleep(for: .milliseconds(20)) }
        #expect(accepted.load(ordering: .relaxed) >= 2, "the silent connection was closed and dialled again")
        #expect(!silent.isSubscribed)
        silent.stop()
        try await server.close()
        try await redis.shutdown()
    }

    @Test func routesKeysToTheShardThatOwnsTheirSlot() async throws {
        let redis = try redis()
        try #require(redis.pools.count >= 2)
        for user in Int64(1)...50 {
            let key = RedisKeys.home(user)
            _ = try await redis.send(key: key, RedisCommand("SET", "route-test:{\(user)}", "x", "EX", "60"))
            let owner = redis.shardIndex(forKey: key)
            for (index, pool) in redis.pools.enumerated() {
                let exists = try await pool.pipeline([RedisCommand("EXISTS", "route-test:{\(user)}")])[0]
                #expect(exists == .integer(index == owner ? 1 : 0))
            }
        }
        try await redis.shutdown()
    }

    @Test func poolReconnectsAfterTheServerDropsItsConnections() async throws {
        let redis = try redis()
        let pool = redis.pools[0]
        #expect(try await pool.pipeline([RedisCommand("PING")]) == [.status("PONG")])
        // Drop every client connection, as a restarting shard does.
        _ = try await pool.pipeline([RedisCommand("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no")])
        var recovered = false
        for _ in 0..<3 where !recovered {
            recovered = (try? await pool.pipeline([RedisCommand("PING")])) == [.status("PONG")]
        }
        #expect(recovered)
        try await redis.shutdown()
    }

    @Test func concurrentCallersShareASmallPool() async throws {
        let redis = try redis()
        let key = "counter:{\(UInt64.random(in: 0...UInt64.max))}"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask { _ = try await redis.send(key: key, RedisCommand("INCR", key)) }
            }
            try await group.waitForAll()
        }
        #expect(try await redis.send(key: key, RedisCommand("GET", key)).int64 == 200)
        _ = try await redis.send(key: key, RedisCommand("DEL", key))
        try await redis.shutdown()
    }

    /// Many callers on one multiplexed connection: each gets exactly its own replies, in order,
    /// however their pipelines interleave on the wire.
    @Test func multiplexedCallersEachGetTheirOwnReplies() async throws {
        let redis = ShardedRedis(map: try ShardMap.parse(try #require(TestEnvironment.redisShards)), connectionsPerShard: 1)
        let base = UInt64.random(in: 0...UInt64.max / 2)
        let key = "mux:{\(base)}"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<300 {
                group.addTask {
                    let field = "c\(caller)"
                    let depth = 1 + caller % 7
                    var commands = [RedisCommand("HSET", key, field, "0")]
                    for _ in 0..<depth { commands.append(RedisCommand("HINCRBY", key, field, "1")) }
                    commands.append(RedisCommand("HGET", key, field))
                    let replies = try await redis.pipeline(key: key, commands)
                    #expect(replies.count == depth + 2)
                    #expect(replies[depth].int64 == Int64(depth), "the last HINCRBY is this caller's own count")
                    #expect(replies[depth + 1].string == String(depth))
                }
            }
            try await group.waitForAll()
        }
        _ = try await redis.send(key: key, RedisCommand("DEL", key))
        try await redis.shutdown()
    }

    /// A reply that does not come in time closes the connection (replies are ordered, so a late one
    /// would land on the wrong caller); the next call dials anew and works.
    @Test func timedOutCallClosesTheConnectionAndTheNextCallRecovers() async throws {
        let redis = ShardedRedis(map: try ShardMap.parse(try #require(TestEnvironment.redisShards)), connectionsPerShard: 1,
                                 timeoutSeconds: 0.3)
        let key = "blocked:{\(UInt64.random(in: 0...UInt64.max))}"
        let start = ContinuousClock.now
        await #expect(throws: RedisError.self) {
            _ = try await redis.send(key: key, RedisCommand("BLPOP", key, "5"))  // answers after 5 s
        }
        #expect(ContinuousClock.now - start < .seconds(3), "the timeout, not the server, ended the call")
        #expect(try await redis.send(key: key, RedisCommand("PING")) == .status("PONG"))
        try await redis.shutdown()
    }

    /// A pipeline that may have been applied is not sent again when it holds a write that would
    /// count twice (issue: a retried pipeline re-sent `ZINCRBY`, counting a trend twice).
    @Test func aPipelineThatMayHaveBeenAppliedIsNotRepeatedUnlessIdempotent() async throws {
        let redis = ShardedRedis(map: try ShardMap.parse(try #require(TestEnvironment.redisShards)), connectionsPerShard: 1,
                                 timeoutSeconds: 0.3)
        let tag = UInt64.random(in: 0...UInt64.max)
        let counter = "counted:{\(tag)}", blocked = "blocked:{\(tag)}", trend = "trend:{\(tag)}"
        // INCR and ZINCRBY are applied at once; BLPOP then holds the reply past the timeout, which
        // closes the connection: the client cannot know the pipeline was applied.
        await #expect(throws: RedisError.self) {
            _ = try await redis.pipeline(key: counter, [RedisCommand("INCR", counter), RedisCommand("ZINCRBY", trend, "1", "tag"),
                                                         RedisCommand("BLPOP", blocked, "2")])
        }
        #expect(try await redis.send(key: counter, RedisCommand("GET", counter)) == .bulk(RESPBytes(Array("1".utf8))), "counted once, not twice")
        #expect(try await redis.send(key: trend, RedisCommand("ZSCORE", trend, "tag")) == .bulk(RESPBytes(Array("1".utf8))))
        #expect(RedisCommand("GET", "k").isIdempotent && RedisCommand("del", "k").isIdempotent)
        #expect(!RedisCommand("LPUSHX", "k", "v").isIdempotent && !RedisCommand("PUBLISH", "c", "m").isIdempotent)
        _ = try await redis.send(key: counter, RedisCommand("DEL", counter, trend))
        try await redis.shutdown()
    }

    @Test func unreachableShardFailsFastWithItsAddress() async throws {
        let redis = ShardedRedis(map: try ShardMap.parse("127.0.0.1:1"), connectionsPerShard: 1, timeoutSeconds: 0.5)
        await #expect {
            _ = try await redis.send(key: "k", RedisCommand("PING"))
        } throws: { error in
            "\(error)".contains("127.0.0.1:1")
        }
        try await redis.shutdown()
    }
}

/// The RESP request text, byte for byte, as the protocol spells it (and `redisFormatCommandArgv` writes it).
@Suite struct RESPEncoderTests {
    static func encoded(_ commands: [RedisCommand]) -> [UInt8] {
        var buffer = ByteBuffer()
        RESPEncoder.write(commands, into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    @Test func commandsAreArraysOfBulkStrings() {
        #expect(Self.encoded([RedisCommand("GET", "k")]) == Array("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".utf8))
        #expect(Self.encoded([RedisCommand("SET", "k", ""), RedisCommand("PING")])
            == Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n".utf8))
        #expect(Self.encoded([]).isEmpty)
    }

    /// Counts of 10 and more digits' worth, binary bytes (CR, LF, NUL) copied as they are.
    @Test func longAndBinaryArgumentsKeepTheirLengths() {
        let binary: [UInt8] = [0, 13, 10, 255, 36, 42]
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: 12_345)
        let many = RedisCommand(bytes: [Array("SMISMEMBER".utf8)] + (0..<11).map { Array("m\($0)".utf8) })
        var expected = Array("*2\r\n$6\r\n".utf8) + binary + Array("\r\n$12345\r\n".utf8) + long + Array("\r\n".utf8)
        expected += Array("*12\r\n$10\r\nSMISMEMBER\r\n".utf8)
        for index in 0..<11 { expected += Array("$\(index < 10 ? 2 : 3)\r\nm\(index)\r\n".utf8) }
        let written = Self.encoded([RedisCommand(bytes: [binary, long]), many])
        #expect(written == expected)
        #expect(RESPEncoder.encodedSize([RedisCommand(bytes: [binary, long]), many]) == expected.count)
    }

    /// A packed command (every argument in one array) is written exactly as the same arguments
    /// held one array each, equals that command, and gives its arguments back; empty and binary
    /// arguments included, and arguments appended to a command of either kind.
    @Test func packedCommandsEncodeAsTheirSeparateForm() {
        let arguments: [[UInt8]] = [Array("SMISMEMBER".utf8), Array("acts:{7}".utf8), [], [0, 13, 10, 255]]
            + (0..<12).map { Array("f\($0)".utf8) }
        var packed = RedisCommand.packed(arguments[0], capacity: 4, arguments: 1)  // grows past its reservation
        for argument in arguments.dropFirst() { packed.appendArgument { $0 += argument } }
        let separate = RedisCommand(bytes: arguments)
        #expect(packed == separate)
        #expect(packed.arguments == arguments)
        #expect(packed.argumentCount == arguments.count)
        #expect(packed.name == "SMISMEMBER")
        #expect((0...arguments.count).map { packed.argument(at: $0) } == arguments.map { Optional($0) } + [nil])
        #expect(Self.encoded([packed, RedisCommand("PING"), packed]) == Self.encoded([separate, RedisCommand("PING"), separate]))
        #expect(RESPEncoder.encodedSize([packed]) == Self.encoded([separate]).count)
        var grown = RedisCommand("GET")
        grown.append(Array("k".utf8))
        grown.appendArgument { $0 += "v".utf8 }
        #expect(grown == RedisCommand("GET", "k", "v"))
        #expect(Self.encoded([grown]) == Array("*3\r\n$3\r\nGET\r\n$1\r\nk\r\n$1\r\nv\r\n".utf8))
    }

    /// Written after what the buffer already holds, not over it.
    @Test func appendsToTheBuffer() {
        var buffer = ByteBuffer(string: "+")
        RESPEncoder.write([RedisCommand("PING")], into: &buffer)
        #expect(buffer.readString(length: buffer.readableBytes) == "+*1\r\n$4\r\nPING\r\n")
    }
}

/// A bulk reply read as an integer over its bytes agrees with `Int64(String)` on every shape.
@Suite struct RESPIntegerTests {
    @Test func bulkIntegersReadAsInt64OfTheirStringDoes() {
        let texts = ["0", "7", "-7", "+7", "007", "-0", "123456789012345678", "9223372036854775807", "-9223372036854775808",
                     "9223372036854775808", "-9223372036854775809", "99999999999999999999", "", "-", "+", "1a", "a1", " 1",
                     "1 ", "--1", "+-1", "1.0", "١"]
        for text in texts {
            #expect(RESPValue.bulk(RESPBytes(Array(text.utf8))).int64 == Int64(text), "\(text)")
        }
        #expect(RESPValue.integer(42).int64 == 42 && RESPValue.status("12").int64 == 12 && RESPValue.null.int64 == nil)
    }
}
