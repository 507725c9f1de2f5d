import Foundation
import StarlingDomain
@testable import StarlingRedis
import StarlingStore
@testable import StarlingTimelines
import Testing

/// Counters and the viewer's favourites/reblogs served from Redis: always current after the
/// viewer's own writes, bounded, and never overwritten by a rebuild that raced a write.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct InteractionCacheTests {
    /// A reader that missed a status's counters reads them from PostgreSQL and caches them; if a
    /// write changed them meanwhile, the fill is refused (the old counters would have stayed for
    /// as long as they live, an hour).
    @Test func aCounterFillThatRacedAWriteIsRefused() async throws {
        try await Harness.with { h in
            let cache = h.services.interactionCache, redis = h.services.redis
            let id = Int64.random(in: 1 << 40 ..< 1 << 50)  // a status no other test touches
            let key = RedisKeys.counts(id)
            var read = StatusInteractions()
            read.favouritesCount = 1
            let seen = try await cache.countGenerations([id])
            #expect(seen[id] == "")
            try await cache.invalidate(statuses: [id])  // a favourite committed while PostgreSQL was read
            try await cache.fillCounts([id: read], generations: seen)
            #expect(try await redis.send(key: key, RedisCommand("GET", key)) == .null)

            read.favouritesCount = 2
            try await cache.fillCounts([id: read], generations: try await cache.countGenerations([id]))
            #expect(try await redis.send(key: key, RedisCommand("GET", key)).string == "0 0 2")
            let ttl = try await redis.send(key: key, RedisCommand("TTL", key)).int64 ?? 0
            #expect(ttl > 3000 && ttl <= 3600)
            // A fill never overwrites counters already cached (`NX`), nor fills without a generation read.
            read.favouritesCount = 3
            try await cache.fillCounts([id: read], generations: try await cache.countGenerations([id]))
            try await cache.fillCounts([id + 1: read], generations: [:])
            #expect(try await redis.send(key: key, RedisCommand("GET", key)).string == "0 0 2")
            #expect(try await redis.send(key: RedisKeys.counts(id + 1), RedisCommand("GET", RedisKeys.counts(id + 1))) == .null)
        }
    }

    /// A page's rows and counters, read with one `MGET` per shard (`shards` mode), are what the
    /// one-`MGET`-per-status form (the only one a Redis Cluster allows) reads: rows, tombstones,
    /// counters, and nothing for what is not cached.
    @Test func aPageReadWithOneCommandPerShardMatchesOnePerStatus() async throws {
        try await Harness.with { h in
            let redis = h.services.redis, cache = h.services.cache
            let base = Int64.random(in: 1 << 40 ..< 1 << 50)
            let ids = (0..<24).map { base + Int64($0) * 7919 }  // spread over every shard
            let rows = ids.prefix(16).map { id in
                StatusRow(id: id, accountId: 1, text: "row \(id)", spoilerText: "", sensitive: false, visibility: .public, createdAt: Date())
            }
            try await cache.cache(Array(rows))
            try await cache.tombstone(ids[3])
            var counted = StatusInteractions()
            counted.reblogsCount = 4
            let countedIds = [ids[0], ids[5], ids[20]]  // ids[20] has counters but no row
            try await h.services.interactionCache.fillCounts(Dictionary(uniqueKeysWithValues: countedIds.map { ($0, counted) }),
                                                             generations: try await h.services.interactionCache.countGenerations(countedIds))

            func read(spanningSlots: Bool) async throws -> ([Int64: CachedStatus], [Int64: StatusInteractions], Int) {
                var batch = RedisBatch(map: redis.map, keysMaySpanSlots: spanningSlots)
                let tickets = cache.queueStatusesAndCounts(ids, in: &batch)
                let (statuses, counts) = try cache.statusesAndCounts(tickets, from: try await redis.send(batch))
                return (statuses, counts, batch.commands.values.reduce(0) { $0 + $1.count })
            }
            let (perShard, perShardCounts, perShardCommands) = try await read(spanningSlots: true)
            let (perStatus, perStatusCounts, perStatusCommands) = try await read(spanningSlots: false)
            #expect(perShard == perStatus && perShardCounts == perStatusCounts)
            #expect(perShardCommands <= redis.map.shards.count && perStatusCommands == ids.count)
            #expect(perShard[ids[3]] == .deleted && perShard.count == 16 && perShard[ids[20]] == nil)
            if case .row(let row)? = perShard[ids[1]] { #expect(row.text == "row \(ids[1])") } else { Issue.record("row not read") }
            #expect(Set(perShardCounts.keys) == Set(countedIds) && perShardCounts[ids[20]]?.reblogsCount == 4)
        }
    }

    @Test func favouritesAndReblogsShowAtOnceFromTheCache() async throws {
        try await Harness.with { h in
            let author = try await h.register("author"), fan = try await h.register("fan"), other = try await h.register("other")
            for reader in [fan, other] { try await h.follow(reader, author) }
            for reader in [fan, other] { try await h.buildHome(reader) }
            await h.drain()
            let status = try await h.post(author, "count me")
            await h.drain()

            func shown(_ user: Harness.User) async throws -> [String: Any] {
                let page = try await h.call(.get, "/api/v1/timelines/home", token: user.token).array
                return try #require(page.first { $0["id"] as? String == String(status) })
            }
            // Warm the caches: counters and both viewers' action sets are now in Redis.
            #expect(try await shown(fan)["favourites_count"] as? Int == 0)
            #expect(try await shown(other)["favourited"] as? Bool == false)
            let redis = h.services.redis
            #expect(try await redis.send(key: RedisKeys.counts(status), RedisCommand("GET", RedisKeys.counts(status))).string == "0 0 0")
            #expect(try await redis.send(key: RedisKeys.actionsReady(fan.id), RedisCommand("EXISTS", RedisKeys.actionsReady(fan.id))) == .integer(1))

            #expect(try await h.call(.post, "/api/v1/statuses/\(status)/favourite", token: fan.token).status == .ok)
            #expect(try await h.call(.post, "/api/v1/statuses/\(status)/reblog", token: other.token).status == .ok)
            let fanView = try await shown(fan)
            #expect(fanView["favourited"] as? Bool == true, "the fan's own favourite shows at once")
            #expect(fanView["reblogged"] as? Bool == false)
            #expect(fanView["favourites_count"] as? Int == 1)
            #expect(fanView["reblogs_count"] as? Int == 1)
            let otherView = try await h.call(.get, "/api/v1/statuses/\(status)", token: other.token).object
            #expect(otherView["favourited"] as? Bool == false, "flags are per viewer")
            #expect(otherView["reblogged"] as? Bool == true)
            let members = try await redis.send(key: RedisKeys.actions(fan.id), RedisCommand("SMEMBERS", RedisKeys.actions(fan.id)))
            #expect(members.array?.compactMap(\.string) == ["f\(status)"], "the rebuilt set holds the favourite")

            #expect(try await h.call(.post, "/api/v1/statuses/\(status)/unfavourite", token: fan.token).status == .ok)
            let after = try await shown(fan)
            #expect(after["favourited"] as? Bool == false)
            #expect(after["favourites_count"] as? Int == 0)

            // A reply bumps its parent's counter, a deleted reply takes it back.
            let reply = try await h.post(other, "@\(author.username) yes", inReplyTo: status)
            #expect(try await h.call(.get, "/api/v1/statuses/\(status)").object["replies_count"] as? Int == 1)
            #expect(try await h.call(.delete, "/api/v1/statuses/\(reply)", token: other.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/statuses/\(status)").object["replies_count"] as? Int == 0)
        }
    }

    /// A rebuild reads PostgreSQL, then installs its set only if no action of the viewer happened
    /// meanwhile: otherwise it would hide the action until the set expires.
    @Test func aRebuildThatRacedAWriteIsNotInstalled() async throws {
        let redis = ShardedRedis(map: try ShardMap.parse(try #require(TestEnvironment.redisShards)), connectionsPerShard: 1)
        let cache = InteractionCache(redis: redis)
        let viewer = Int64.random(in: 1...Int64.max / 2), status = Int64.random(in: 1...Int64.max / 2)
        let before = try await cache.lookup([status], viewer: viewer)
        let generation = try #require(before.rebuildGeneration, "no set yet: the lookup asks for a rebuild")
        #expect(before.flags[status] == nil)

        try await cache.invalidate(statuses: [status], actionsOf: viewer)  // the viewer favourites meanwhile
        try await cache.fillActions(viewer: viewer, favourites: [], reblogs: [], floor: 0, generation: generation)
        #expect(try await cache.lookup([status], viewer: viewer).rebuildGeneration != nil, "the stale rebuild was refused")

        let current = try #require(try await cache.lookup([status], viewer: viewer).rebuildGeneration)
        try await cache.fillActions(viewer: viewer, favourites: [status], reblogs: [], floor: 0, generation: current)
        let installed = try await cache.lookup([status], viewer: viewer)
        #expect(installed.rebuildGeneration == nil)
        #expect(installed.flags[status]?.favourited == true)
        #expect(installed.flags[status]?.reblogged == false)
        try await cache.invalidate(statuses: [status], actionsOf: viewer)
        try await redis.shutdown()
    }
}

/// The counters' cache value, read over its bytes.
@Suite struct CountsValueTests {
    @Test func countsParseAsFillCountsWritesThem() {
        let counts = InteractionCache.parseCounts(.bulk(RESPBytes(Array("12 0 9223372036854775807".utf8))))
        #expect(counts?.repliesCount == 12)
        #expect(counts?.reblogsCount == 0)
        #expect(counts?.favouritesCount == .max)
        #expect(InteractionCache.parseCounts(.bulk(RESPBytes(Array("-1 2 3".utf8))))?.repliesCount == -1)
    }

    @Test(arguments: ["", "1 2", "1 2 3 4", "1 2 3 ", " 1 2 3", "1 x 3", "1 2 99999999999999999999", "- 2 3", "1  2 3"])
    func anythingElseIsNoCounts(_ text: String) {
        #expect(InteractionCache.parseCounts(.bulk(RESPBytes(Array(text.utf8)))) == nil)
        #expect(InteractionCache.parseCounts(.null) == nil)
    }
}
