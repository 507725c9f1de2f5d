import StarlingTimelines
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
