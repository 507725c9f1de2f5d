import Foundation
import StarlingDomain
import StarlingRedis
import Testing

/// The client in `cluster` mode, against a real Redis Cluster (`scripts/test` forms one of three masters).
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["STARLING_TEST_REDIS_CLUSTER"] != nil,
                             "needs STARLING_TEST_REDIS_CLUSTER (./scripts/test sets it)"))
struct RedisClusterTests {
    static var seeds: String { ProcessInfo.processInfo.environment["STARLING_TEST_REDIS_CLUSTER"] ?? "" }

    func connect() async throws -> ShardedRedis {
        let redis = ShardedRedis(map: try ShardMap.parse(Self.seeds), mode: .cluster, connectionsPerShard: 2)
        try await redis.refreshTopology()
        return redis
    }

    @Test func learnsTheSlotMapAndRoutesEveryKeyToItsOwner() async throws {
        let redis = try await connect()
        #expect(redis.map.shards.count == 3)
        var writes = redis.batch()
        let sets = (Int64(1)...200).map { user in
            writes.add(RedisCommand("SET", "cluster-route:{\(user)}", "v", "EX", "60"), routedBy: RedisKeys.home(user))
        }
        let replies = try await redis.send(writes)
        #expect(sets.allSatisfy { replies[$0] == .status("OK") }, "no command was refused or redirected away")
        var reads = redis.batch()
        let gets = (Int64(1)...200).map { reads.add(RedisCommand("GET", "cluster-route:{\($0)}"), routedBy: "cluster-route:{\($0)}") }
        let values = try await redis.send(reads)
        #expect(gets.allSatisfy { values[$0] == .bulk(RESPBytes(Array("v".utf8))) })
        try await redis.shutdown()
    }

    /// Fan-out pipelines end with WAIT on every master they touch; a master without a replica
    /// (this test cluster has none) answers after the wait with 0 acknowledgements, counted, and
    /// the writes themselves stand.
    @Test func waitRidesInEachShardsPipelineAndCountsMissingReplicas() async throws {
        let redis = try await connect()
        var batch = redis.batch()
        let sets = (Int64(1)...60).map { user in
            batch.add(RedisCommand("SET", "cluster-wait:{\(user)}", "v", "EX", "60"), routedBy: "cluster-wait:{\(user)}")
        }
        let waits = batch.waitForReplicas(1, timeoutMilliseconds: 20)
        #expect(waits.count == 3, "one WAIT per master the batch touches")
        let started = ContinuousClock.now
        let replies = try await redis.send(batch).throwingFirstError()
        #expect(ContinuousClock.now - started >= .milliseconds(20), "each master held its answer for the wait")
        #expect(sets.allSatisfy { replies[$0] == .status("OK") })
        #expect(replies.unreplicated(waits, replicas: 1) == 3)
        #expect(replies.unreplicated(waits, replicas: 0) == 0)
        try await redis.shutdown()
    }

    @Test func followsMovedWhenItsMapIsWrong() async throws {
        // A provisional map that assigns slots in the wrong order: most commands land on a node that
        // does not own the slot and get MOVED, which the client must follow.
        let seeds = try ShardMap.parse(Self.seeds).shards
        let wrong = try ShardMap.evenly(seeds.reversed())
        let redis = ShardedRedis(map: wrong, mode: .cluster, connectionsPerShard: 2)
        var byShard: [Int: [RedisCommand]] = [:]
        for user in Int64(1)...100 {
            byShard[redis.shardIndex(forKey: RedisKeys.home(user)), default: []].append(RedisCommand("SET", "moved:{\(user)}", String(user), "EX", "60"))
        }
        let replies = try await redis.pipelines(byShard)
        #expect(replies.values.flatMap { $0 }.allSatisfy { $0 == .status("OK") })
        for user in Int64(1)...100 {
            #expect(try await redis.send(key: "moved:{\(user)}", RedisCommand("GET", "moved:{\(user)}")).string == String(user))
        }
        #expect(redis.map != wrong, "the redirect taught the client the real map")
        try await redis.shutdown()
    }

    @Test func followsAskDuringASlotMigration() async throws {
        let redis = try await connect()
        let key = "ask:{\(UInt32.random(in: 0...UInt32.max))}"
        let slot = KeySlot.slot(of: key)
        let pools = redis.pools
        let source = pools[redis.map.shardIndex(forSlot: slot)]
        let target = try #require(pools.first { $0.address != source.address })
        let sourceId = try #require(try await source.pipeline([RedisCommand("CLUSTER", "MYID")])[0].string)
        let targetId = try #require(try await target.pipeline([RedisCommand("CLUSTER", "MYID")])[0].string)
        _ = try await target.pipeline([RedisCommand("CLUSTER", "SETSLOT", String(slot), "IMPORTING", sourceId)])
        _ = try await source.pipeline([RedisCommand("CLUSTER", "SETSLOT", String(slot), "MIGRATING", targetId)])
        defer {
            // Finish the migration so the cluster is left consistent: the slot now lives on the target.
            let all = pools
            Task {
                for pool in all { _ = try? await pool.pipeline([RedisCommand("CLUSTER", "SETSLOT", String(slot), "NODE", targetId)]) }
            }
        }
        // The key is not on the source, which is migrating the slot: the source answers ASK.
        let set = try await redis.send(key: key, RedisCommand("SET", key, "moved-along", "EX", "60"))
        #expect(set == .status("OK"))
        #expect(try await target.pipeline([RedisCommand("ASKING"), RedisCommand("GET", key)])[1].string == "moved-along",
                "the write went to the importing node")
        #expect(try await redis.send(key: key, RedisCommand("GET", key)).string == "moved-along")
        for pool in pools { _ = try await pool.pipeline([RedisCommand("CLUSTER", "SETSLOT", String(slot), "NODE", targetId)]) }
        try await redis.shutdown()
    }
}
