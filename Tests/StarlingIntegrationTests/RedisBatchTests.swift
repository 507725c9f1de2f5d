import StarlingDomain
@testable import StarlingRedis
import Testing

/// `RedisBatch` is the one place commands are grouped by shard: every command lands in the
/// pipeline of the shard that owns its key, in the order it was added, and its ticket finds its reply.
struct RedisBatchTests {
    static func threeShards() throws -> ShardMap {
        try ShardMap.parse("127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003")
    }

    @Test func everyCommandLandsOnceUnderTheShardOfItsKeyInOrder() throws {
        let map = try Self.threeShards()
        var batch = RedisBatch(map: map)
        var ids = (0..<1_500).map { Int64($0) }
        ids += (0..<1_500).map { Int64(1_000_000 + $0 * 7_919_117) }
        var tickets: [(Int64, RedisBatch.Ticket)] = []
        for id in ids { tickets.append((id, batch.add(RedisCommand("LPUSHX", RedisKeys.home(id), "1"), routedBy: RedisKeys.home(id)))) }
        #expect(Set(batch.commands.keys) == [0, 1, 2])
        #expect(batch.commands.values.reduce(0) { $0 + $1.count } == ids.count)
        for (shard, commands) in batch.commands {
            let expected = ids.filter { map.shardIndex(forKey: RedisKeys.home($0)) == shard }.map(RedisKeys.home)
            #expect(commands.map { String(decoding: $0.arguments[1], as: UTF8.self) } == expected, "input order kept per shard")
        }
        // Replies come back per shard, in pipeline order: each ticket finds its own command's reply.
        let replies = RedisBatchReplies(byShard: batch.commands.mapValues { commands in
            commands.map { RESPValue.bulk(RESPBytes($0.arguments[1])) }
        })
        for (id, ticket) in tickets {
            #expect(replies[ticket] == .bulk(RESPBytes(Array(RedisKeys.home(id).utf8))))
        }
    }

    @Test func knownPlacementAndHashTags() throws {
        let map = try Self.threeShards()
        var batch = RedisBatch(map: map)
        // home:{42} is slot 8000 (shard 1); home:{7} is slot 1716 (shard 0).
        #expect(batch.add(RedisCommand("GET", "home:{42}"), routedBy: "home:{42}").shard == 1)
        #expect(batch.add(RedisCommand("GET", "home:{7}"), routedBy: "home:{7}").shard == 0)
        // Every key of one owner shares the owner's hash tag, so its shard.
        let owner: Int64 = 123_456
        let shards = Set([RedisKeys.home(owner), RedisKeys.homeReady(owner), RedisKeys.actions(owner),
                          RedisKeys.actionsReady(owner), RedisKeys.actionsGeneration(owner)].map(batch.shard(forKey:)))
        #expect(shards.count == 1)
    }

    @Test func emptyBatchAndSingleShard() throws {
        #expect(RedisBatch(map: try Self.threeShards()).isEmpty)
        var batch = RedisBatch(map: try ShardMap.parse("127.0.0.1:7001"))
        for id in [5, 1, 9, 3] as [Int64] { batch.add(RedisCommand("GET", RedisKeys.status(id)), routedBy: RedisKeys.status(id)) }
        #expect(Array(batch.commands.keys) == [0])
        #expect(batch.commands[0]?.count == 4)
    }

    @Test func aMissingReplyReadsAsNullAndErrorsAreThrown() throws {
        var batch = RedisBatch(map: try Self.threeShards())
        let ticket = batch.add(RedisCommand("GET", "k"), shard: 2)
        #expect(RedisBatchReplies(byShard: [:])[ticket] == .null)
        #expect(throws: RedisError.self) { try RedisBatchReplies(byShard: [2: [.error("ERR boom")]]).throwingFirstError() }
    }
}
