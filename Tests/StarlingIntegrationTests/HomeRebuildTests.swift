import StarlingDomain
import StarlingRedis
@testable import StarlingStore
@testable import StarlingTimelines
import Testing

/// A home list rebuilt from PostgreSQL while fan-out goes on (a shard restarted empty under load,
/// a returning inactive user).
@Suite(.enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct HomeRebuildTests {
    /// A status committed after the rebuild read PostgreSQL and pushed before the rebuilt ids are
    /// written must stay in the list: fan-out pushes with `LPUSHX`, which did nothing while the
    /// rebuild had the list deleted, and the status was then missing from that home for good (the
    /// fault tests' Redis shard scenario lost one this way).
    @Test func aStatusDeliveredDuringTheRebuildIsKept() async throws {
        try await Harness.with { h in
            let cache = TimelineCache(redis: h.redis, settings: TimelineSettings(listLength: 800, listTTLSeconds: 60))
            let user = Int64.random(in: 1 << 40 ..< 1 << 50)  // a list no other test touches
            let list = TimelineCache.List.home(user)
            try await cache.rebuild(list) {
                // What PostgreSQL held at the read; the worker then delivers a status committed just after it.
                try await cache.push([TimelineCache.HomeDelivery(statusId: 900, users: [user], redo: false)])
                return [700, 500]
            }
            let read = try await cache.read([list])
            #expect(read[list] == .some([900, 700, 500]))
        }
    }
}

/// Fan-out keeps every list newest first, however late a delivery comes: a first page reads only
/// the top of a list, so a late id pushed on top of newer ones would hide them from every page.
@Suite(.enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct HomeOrderTests {
    func builtHome(_ cache: TimelineCache, ids: [Int64] = []) async throws -> (Int64, TimelineCache.List) {
        let user = Int64.random(in: 1 << 40 ..< 1 << 50)  // a list no other test touches
        let list = TimelineCache.List.home(user)
        try await cache.rebuild(list) { ids }
        return (user, list)
    }

    func raw(_ h: Harness, _ list: TimelineCache.List) async throws -> [Int64] {
        try await h.redis.send(key: list.key, RedisCommand("LRANGE", list.key, "0", "-1")).array?.compactMap(\.int64) ?? []
    }

    /// A read renews a list's lifetime once per window (a quarter of the lifetime) on each node,
    /// not with two `EXPIRE`s on every read (`ListLifetimes`). The lifetime here is long enough that
    /// no window ends during the test.
    @Test func readsRenewAListsLifetimeOncePerWindow() async throws {
        try await Harness.with { h in
            let settings = TimelineSettings(listLength: 800, listTTLSeconds: 400_000_000)
            let cache = TimelineCache(redis: h.redis, settings: settings)
            let (user, list) = try await builtHome(cache, ids: [3, 2, 1])
            let keys = [list.key, RedisKeys.homeReady(user)]
            func shorten() async throws {
                for key in keys { _ = try await h.redis.send(key: key, RedisCommand("EXPIRE", key, "100")) }
            }
            func lifetimes() async throws -> [Int64] {
                var out: [Int64] = []
                for key in keys { out.append(try await h.redis.send(key: key, RedisCommand("TTL", key)).int64 ?? -2) }
                return out
            }
            try await shorten()
            #expect(try await cache.read([list]) == [list: [3, 2, 1]])
            #expect(try await lifetimes().allSatisfy { $0 > 1_000 }, "the first read in a window renews both keys")
            try await shorten()
            #expect(try await cache.read([list]) == [list: [3, 2, 1]])
            #expect(try await lifetimes().allSatisfy { $0 > 0 && $0 <= 100 }, "a second read in the window sends no EXPIRE")
            let otherNode = TimelineCache(redis: h.redis, settings: settings)
            #expect(try await otherNode.read([list]) == [list: [3, 2, 1]])
            #expect(try await lifetimes().allSatisfy { $0 > 1_000 }, "each node renews on its own")
        }
    }

    /// The memory of renewed lists: each list once per window, all again in the next window, and
    /// afresh once it holds `maxEntries` lists (so a node reading millions of homes stays bounded).
    @Test func renewedListsAreForgottenEachWindowAndWhenTooMany() {
        let lifetimes = ListLifetimes(maxEntries: 3)
        let (a, b, c) = (TimelineCache.List.home(1), TimelineCache.List.home(2), TimelineCache.List.list(owner: 1, id: 9))
        #expect(lifetimes.due([a, b], lifetimeSeconds: 400, now: 0) == [a, b])
        #expect(lifetimes.due([a, b], lifetimeSeconds: 400, now: 99) == [], "same window (100 s)")
        #expect(lifetimes.due([c, a], lifetimeSeconds: 400, now: 50) == [c])
        #expect(lifetimes.due([a], lifetimeSeconds: 400, now: 60) == [a], "three remembered: starts afresh")
        #expect(lifetimes.due([a, b], lifetimeSeconds: 400, now: 100) == [a, b], "a new window")
    }

    @Test func lateDeliveriesGoBelowNewerOnes() async throws {
        try await Harness.with { h in
            let cache = TimelineCache(redis: h.redis, settings: TimelineSettings(listLength: 800, listTTLSeconds: 60))
            let (user, list) = try await builtHome(cache)
            let newer = Array(Int64(1_000_001)...1_000_100), late = Array(Int64(1_000_000 - 99)...1_000_000)
            try await cache.push(newer.map { .init(statusId: $0, users: [user], redo: false) })
            // A retried job delivers 100 older statuses after them, one batch and one by one.
            try await cache.push(late.prefix(50).map { .init(statusId: $0, users: [user], redo: false, late: true) })
            for id in late.dropFirst(50) { try await cache.push(id, to: [list], redo: true) }
            let all = try await raw(h, list)
            // The top is sorted; what is older than the whole top sits just below it, in any order.
            #expect(Array(all.prefix(100)) == Array((newer + late).sorted(by: >).prefix(100)))
            #expect(Set(all) == Set(newer + late + [0]) && all.count == 201 && all.last == 0)
            // The first page's window (the top of the list) holds the newest.
            let top = try await cache.read([list], depth: 40)
            #expect(top[list] == .some(Array(newer.sorted(by: >).prefix(40))))
        }
    }

    /// A batch's on-time deliveries to one home go in one `LPUSHX`, oldest first: however the
    /// batch is ordered, and with an id given twice, the list reads newest first, each id once;
    /// a late delivery in the same batch is placed among them.
    @Test func aBatchOfDeliveriesToOneHomeLandsNewestFirstOnce() async throws {
        try await Harness.with { h in
            let cache = TimelineCache(redis: h.redis, settings: TimelineSettings(listLength: 800, listTTLSeconds: 60))
            let (user, list) = try await builtHome(cache, ids: [10])
            let (other, otherList) = try await builtHome(cache, ids: [10])
            try await cache.push([
                .init(statusId: 40, users: [user, other], redo: false),
                .init(statusId: 20, users: [user], redo: false),
                .init(statusId: 30, users: [user, other], redo: false),
                .init(statusId: 20, users: [user], redo: false),
                .init(statusId: 25, users: [user], redo: false, late: true),
            ])
            #expect(try await raw(h, list) == [40, 30, 25, 20, 10, 0])
            #expect(try await raw(h, otherList) == [40, 30, 10, 0])
            // The author's own lists take the same path (`push(toLists:)`).
            try await cache.push(toLists: [.init(statusId: 60, lists: [list], redo: false), .init(statusId: 50, lists: [list], redo: false)])
            #expect(try await raw(h, list).prefix(3) == [60, 50, 40])
        }
    }

    /// Two workers' batches finish in either order: a batch of older statuses delivered after a
    /// newer one must not bury the newer ones below a first page's window (an `LPUSHX` of the
    /// older batch's 100 ids on top would have).
    @Test func anOlderBatchDeliveredAfterANewerOneStaysBelowIt() async throws {
        try await Harness.with { h in
            let cache = TimelineCache(redis: h.redis, settings: TimelineSettings(listLength: 800, listTTLSeconds: 60))
            let (user, list) = try await builtHome(cache)
            let newer = Array(Int64(2_001)...2_100), older = Array(Int64(1_901)...2_000)
            try await cache.push(newer.map { .init(statusId: $0, users: [user], redo: false) })
            try await cache.push(older.map { .init(statusId: $0, users: [user], redo: false) })
            let all = try await raw(h, list)
            #expect(Array(all.prefix(100)) == newer.reversed())
            #expect(Set(all) == Set(newer + older + [0]) && all.count == 201)
            let top = try await cache.read([list], depth: 40)
            #expect(top[list] == .some(Array(newer.reversed().prefix(40))))
        }
    }

    /// A batch landing among a list's newest entries is merged with the list's sorted top: ids
    /// interleaved with it, one it already holds, and (in a list longer than the top) ones older
    /// than the whole top, which go below it. A short list is rewritten whole and keeps its expiry.
    @Test func aBatchAmongTheNewestIsMergedInOrder() async throws {
        try await Harness.with { h in
            let cache = TimelineCache(redis: h.redis, settings: TimelineSettings(listLength: 800, listTTLSeconds: 60))
            let sortedTop = TimelineCache.sortedTop
            // A long list: 150 even ids, so its top (the newest `sortedTop`) ends at 102.
            let existing = (Int64(1)...150).map { $0 * 2 }
            let (user, list) = try await builtHome(cache, ids: existing.reversed())
            let batch: [Int64] = [3, 51, 151, 201, 250, 299, 301, 401]  // 250 is already there
            try await cache.push(batch.map { .init(statusId: $0, users: [user], redo: false) })
            let all = try await raw(h, list)
            let expected = Set(existing + batch + [0])
            #expect(Set(all) == expected && all.count == expected.count && all.last == 0)
            let top = Array(all.prefix(sortedTop))
            #expect(top == top.sorted(by: >) && top.first == 401)
            #expect(all.dropFirst(sortedTop).allSatisfy { $0 < top.last! })
            #expect(try await cache.read([list], depth: 40)[list] == .some(Array(Set(existing + batch).sorted(by: >).prefix(40))))

            // A batch newer than all but the list's first few entries is merged with those alone
            // (`mergeWindow`): the same order, nothing lost or doubled.
            let window = Int64(TimelineCache.mergeWindow)
            let (third, long) = try await builtHome(cache, ids: existing.reversed())
            let nearTop: [Int64] = [300 - 2 * window + 3, 297, 298, 299, 303]  // 298 is already there
            try await cache.push(nearTop.map { .init(statusId: $0, users: [third], redo: false) })
            let merged = try await raw(h, long)
            #expect(merged == Set(existing + nearTop).sorted(by: >) + [0])

            // A short list (all of it is the top) takes the merge whole and keeps its expiry.
            let (other, short) = try await builtHome(cache, ids: [40, 30, 20, 10])
            _ = try await h.redis.send(key: short.key, RedisCommand("EXPIRE", short.key, "500"))
            try await cache.push([15, 35, 45].map { .init(statusId: $0, users: [other], redo: false) })
            #expect(try await raw(h, short) == [45, 40, 35, 30, 20, 15, 10, 0])
            let ttl = try await h.redis.send(key: short.key, RedisCommand("TTL", short.key)).int64 ?? -2
            #expect(ttl > 400 && ttl <= 500)
        }
    }

    @Test func aDeliveryIsNeverAddedTwiceAndAMissingListStaysMissing() async throws {
        try await Harness.with { h in
            let cache = TimelineCache(redis: h.redis, settings: TimelineSettings(listLength: 800, listTTLSeconds: 60))
            let (user, list) = try await builtHome(cache, ids: [30, 20, 10])
            for redo in [false, true, false] {
                try await cache.push([.init(statusId: 20, users: [user], redo: redo, late: true)])
                try await cache.push([.init(statusId: 40, users: [user], redo: redo, late: !redo)])
            }
            #expect(try await raw(h, list) == [40, 30, 20, 10, 0])
            let missing = TimelineCache.List.home(user + 1)
            try await cache.push([.init(statusId: 50, users: [user + 1], redo: false)])
            #expect(try await raw(h, missing) == [])
        }
    }

    @Test func aFullListKeepsItsNewestAndDropsALateStatusOlderThanAll() async throws {
        try await Harness.with { h in
            let cache = TimelineCache(redis: h.redis, settings: TimelineSettings(listLength: 10, listTTLSeconds: 60))
            let (user, list) = try await builtHome(cache)
            try await cache.push((Int64(101)...200).map { .init(statusId: $0, users: [user], redo: false) })
            let full = try await raw(h, list)
            #expect(full.count <= 10 + 1 + 32 && full.first == 200 && full == full.sorted(by: >))
            try await cache.push([.init(statusId: 5, users: [user], redo: false, late: true)])
            #expect(try await raw(h, list) == full)
        }
    }

    /// A shard that restarted has no scripts cached: `EVALSHA` answers `NOSCRIPT` and the client
    /// runs the script with `EVAL` instead (which caches it again).
    @Test func aShardThatForgotTheScriptStillGetsTheDelivery() async throws {
        try await Harness.with { h in
            let cache = TimelineCache(redis: h.redis, settings: TimelineSettings(listLength: 800, listTTLSeconds: 60))
            let (user, list) = try await builtHome(cache, ids: [10])
            _ = try await h.redis.send(key: list.key, RedisCommand("SCRIPT", "FLUSH"))
            try await cache.push([.init(statusId: 20, users: [user], redo: false)])
            try await cache.push([.init(statusId: 15, users: [user], redo: false, late: true)])
            #expect(try await raw(h, list) == [20, 15, 10, 0])
            // Several on time for one list go through `onTopScript`.
            _ = try await h.redis.send(key: list.key, RedisCommand("SCRIPT", "FLUSH"))
            try await cache.push([.init(statusId: 30, users: [user], redo: false), .init(statusId: 25, users: [user], redo: false)])
            #expect(try await raw(h, list) == [30, 25, 20, 15, 10, 0])
        }
    }
}

/// `StatusStore.newest`, the query behind home rebuilds and pulled pages, against the page
/// computed by hand from the same rows: authors who post a lot, a little, in bursts or not at all,
/// deleted statuses, and every kind of page bound.
@Suite(.enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct NewestOfAuthorsTests {
    @Test func itReturnsExactlyTheNewestOfTheAuthors() async throws {
        try await Harness.with { h in
            var authors: [Int64] = []
            for _ in 0..<6 { authors.append(try await h.register("newest").id) }
            // Ids from a range no other test writes (snowflakes of now are far above it), in an order
            // that interleaves the authors unevenly: one posts in a long burst at the top, one only
            // long ago, one never. Private, so that no public timeline shows them.
            let base = Int64.random(in: 1 << 40 ..< 1 << 41)
            var rows: [(id: Int64, author: Int64)] = []
            var generator = SystemRandomNumberGenerator()
            for step in Int64(0)..<400 {
                let author: Int64
                switch step {
                case 340...: author = authors[0]  // the newest 60 are one author's burst
                case ..<40: author = authors[step % 2 == 0 ? 1 : 2]  // author 1 stops posting early
                default: author = authors[[0, 2, 3, 3, 4].randomElement(using: &generator)!]
                }
                rows.append((base + step * 3, author))
            }
            let deleted = Set(rows.map(\.id).filter { _ in Int.random(in: 0..<10) == 0 })
            _ = try await h.database.query("test_newest_insert", """
                INSERT INTO statuses (id, account_id, text, visibility, created_at)
                SELECT i, a, 'newest', 'private', now() FROM unnest(\(rows.map(\.id))::bigint[], \(rows.map(\.author))::bigint[]) AS t(i, a)
                """).collect(Int64.self)
            _ = try await h.database.query("test_newest_delete",
                "UPDATE statuses SET deleted_at = now() WHERE id = ANY(\(Array(deleted)))").collect(Int64.self)

            let store = StatusStore(database: h.database)
            let choices: [[Int64]] = [authors, [authors[0]], [authors[1], authors[5]], [authors[5]],
                                      Array(authors[1...4]), authors + authors]
            let bounds: [(Int64, Int64)] = [(Int64.max, -1), (base + 1_000, -1), (Int64.max, base + 900),
                                            (base + 1_030, base + 1_000), (base + 120, base + 119)]
            for chosen in choices {
                for (upper, lower) in bounds {
                    for limit in [1, 3, 8, 20, 40, 800] {
                        let expected = rows.filter { Set(chosen).contains($0.author) && !deleted.contains($0.id) && $0.id < upper && $0.id > lower }
                            .map(\.id).sorted(by: >).prefix(limit)
                        let got = try await store.newest(limit: limit, of: chosen, below: upper, above: lower, label: "test_newest")
                        #expect(got == Array(expected), "authors \(chosen.map { authors.firstIndex(of: $0)! }), below \(upper - base), above \(lower - base), limit \(limit)")
                    }
                }
            }
        }
    }

    @Test func theFirstPassIsAShareOfThePage() {
        #expect(StatusStore.firstPassPerAuthor(limit: 800, authors: 46) == 35)
        #expect(StatusStore.firstPassPerAuthor(limit: 800, authors: 1) == 800)
        #expect(StatusStore.firstPassPerAuthor(limit: 20, authors: 1_000) == 8)
        #expect(StatusStore.firstPassPerAuthor(limit: 3, authors: 1_000) == 3)
    }
}
