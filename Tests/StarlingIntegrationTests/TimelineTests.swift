import Foundation
import PostgresNIO
import StarlingDomain
import StarlingRedis
import StarlingStore
import Testing

/// Post, fan out, read: against the real PostgreSQL and Redis shards of the test run.
/// Serialized: each test drains the shared outbox with its own fan-out settings.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct TimelineTests {
    @Test func postFansOutToFollowersAndReadsBack() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob"), carol = try await h.register("carol")
            try await h.follow(bob, alice)
            try await h.follow(carol, alice)
            try await h.buildHome(bob)
            try await h.buildHome(carol)
            await h.drain()

            let first = try await h.post(alice, "hello #starling")
            let second = try await h.post(alice, "second post")
            await h.drain()

            #expect(try await h.redisHome(bob).prefix(2) == [second, first])
            #expect(try await h.redisHome(carol).prefix(2) == [second, first])
            #expect(try await h.home(bob) == [second, first])
            // The author sees their own statuses at home, as in Mastodon.
            #expect(try await h.home(alice).prefix(2) == [second, first])

            let page = try await h.call(.get, "/api/v1/timelines/home?limit=1", token: bob.token)
            #expect(page.ids == [String(second)])
            #expect(page.link == "<http://starling.test/api/v1/timelines/home?limit=1&max_id=\(second)>; rel=\"next\", <http://starling.test/api/v1/timelines/home?limit=1&min_id=\(second)>; rel=\"prev\"")
            #expect(try await h.home(bob, "max_id=\(second)") == [first])
            #expect(try await h.home(bob, "min_id=\(first)") == [second])
            #expect(try await h.home(bob, "since_id=\(second)") == [])

            let counts = try await h.account(alice)
            #expect(counts["statuses_count"] as? Int == 2)
            #expect(counts["followers_count"] as? Int == 2)
            #expect(try await h.account(bob)["following_count"] as? Int == 1)
        }
    }

    @Test func celebrityIsMergedAtReadTimeNotPushed() async throws {
        try await Harness.with { h in
            let star = try await h.register("star")
            var fans: [Harness.User] = []
            for _ in 0..<3 {
                let fan = try await h.register("fan")
                try await h.follow(fan, star)
                try await h.buildHome(fan)
                fans.append(fan)
            }
            let friend = try await h.register("friend")
            try await h.follow(fans[0], friend)
            await h.drain()

            let starPost = try await h.post(star, "I have three followers, so I am a celebrity here")
            let friendPost = try await h.post(friend, "I am not")
            await h.drain()

            // Not pushed: the fan's Redis home has the friend's status but not the celebrity's.
            let raw = try await h.redisHome(fans[0])
            #expect(raw.contains(friendPost))
            #expect(!raw.contains(starPost))
            // Merged at read time, in id order, through both the pull path and the rebuilt author list.
            #expect(try await h.home(fans[0]).prefix(2) == [friendPost, starPost])
            #expect(try await h.home(fans[0]).prefix(2) == [friendPost, starPost])
            #expect(try await h.home(fans[1]).first == starPost)
            // The celebrity sees their own status at home too.
            #expect(try await h.home(star).first == starPost)
        }
    }

    @Test func deletedStatusLeavesEveryTimeline() async throws {
        try await Harness.with { h in
            let author = try await h.register("author"), reader = try await h.register("reader"), other = try await h.register("other")
            try await h.follow(reader, author)
            try await h.buildHome(reader)
            let kept = try await h.post(author, "stays")
            let doomed = try await h.post(author, "goes")
            await h.drain()
            #expect(try await h.home(reader).prefix(2) == [doomed, kept])
            #expect(try await h.call(.get, "/api/v1/statuses/\(doomed)").status == .ok)  // now cached

            #expect(try await h.call(.delete, "/api/v1/statuses/\(doomed)", token: other.token).status == .forbidden)
            #expect(try await h.call(.delete, "/api/v1/statuses/999", token: author.token).status == .notFound)
            let deleted = try await h.call(.delete, "/api/v1/statuses/\(doomed)", token: author.token)
            #expect(deleted.status == .ok)
            #expect(deleted.string("text") == "goes")

            // Gone at once for readers (the cache holds a tombstone), before the worker has run.
            #expect(try await h.call(.get, "/api/v1/statuses/\(doomed)").status == .notFound)
            #expect(try await h.home(reader).first == kept)
            await h.drain()
            #expect(!(try await h.redisHome(reader).contains(doomed)))
            #expect(try await h.call(.delete, "/api/v1/statuses/\(doomed)", token: author.token).status == .notFound)
            #expect(try await h.account(author)["statuses_count"] as? Int == 1)
        }
    }

    /// Posts by one author leased in one batch share one read of the followers (`FanoutStore`):
    /// each still reaches exactly the followers its own rules admit.
    @Test func postsByOneAuthorInOneBatchEachReachTheirFollowers() async throws {
        try await Harness.with { h in
            let author = try await h.register("prolific"), other = try await h.register("other")
            let fan = try await h.register("fan"), both = try await h.register("both")
            try await h.follow(fan, author)
            try await h.follow(both, author)
            try await h.follow(both, other)
            for user in [fan, both] { try await h.buildHome(user) }
            await h.drain()
            let first = try await h.post(author, "one"), second = try await h.post(author, "two")
            let elsewhere = try await h.post(other, "from the other author")
            // A reply reaches only followers of both ends; it asks a different question of the same author.
            let reply = try await h.post(author, "@other a reply", inReplyTo: elsewhere)
            let third = try await h.post(author, "three")
            await h.drain()  // one lease takes all five
            #expect(try await h.redisHome(fan) == [third, second, first])
            #expect(try await h.redisHome(both) == [third, reply, elsewhere, second, first])
        }
    }

    @Test func chunkedFanOutRedoneAfterACrashShowsNoDuplicates() async throws {
        var options = Harness.Options()
        options.policy = FanoutPolicy(model: .hybrid, celebrityThreshold: 1000, chunkSize: 2, homeLength: 800)
        try await Harness.with(options) { h in
            let author = try await h.register("chunky")
            var followers: [Harness.User] = []
            for _ in 0..<5 {
                let follower = try await h.register("f")
                try await h.follow(follower, author)
                try await h.buildHome(follower)
                followers.append(follower)
            }
            await h.drain()
            let status = try await h.post(author, "to five followers in chunks of two")

            // A worker leases the first chunk, delivers it and dies before deleting its row.
            let outbox = OutboxStore(database: h.database)
            let leased = try await outbox.lease(limit: 1, for: .seconds(600))
            let job = try #require(leased.first)
            #expect(!job.isRedo, "a first lease is not a redo")
            try await h.worker.handle(job)
            #expect(try await !outbox.lease(limit: 10, for: .seconds(600)).contains { $0.id == job.id }, "a leased row is nobody else's")
            // The lease runs out (made due now, as after the lease); the next worker redoes the chunk.
            try await h.database.query("test_outbox_due", "UPDATE outbox SET available_at = now()")
            #expect(try await outbox.lease(limit: 1, for: .seconds(0)).first.map { $0.id == job.id && $0.isRedo } == true,
                    "the expired lease is taken again, as a redo")
            try await h.database.query("test_outbox_due", "UPDATE outbox SET available_at = now()")
            await h.drain()
            #expect(try await h.outboxDepth() == 0)

            for follower in followers {
                let raw = try await h.redisHome(follower)
                #expect(raw.filter { $0 == status }.count == 1, "every follower got the status once, even in Redis")
                #expect(try await h.home(follower).filter { $0 == status }.count == 1, "and sees it exactly once")
            }
        }
    }

    /// A lease never reads the outbox's whole heap, however many dead rows its churn left there
    /// (PostFunctionMigration.swift, `outboxLeaseByIndex`): the scans PostgreSQL counted for the
    /// lease alone, after 2,000 rows came and went and the statistics were taken.
    @Test func outboxLeaseReadsThroughTheIndex() async throws {
        try await Harness.with { h in
            try await h.database.query("test_outbox_churn", """
                INSERT INTO outbox (kind, status_id, account_id, available_at)
                SELECT 'follow', -g, -g, now() + interval '1 hour' FROM generate_series(1, 2000) g
                """)
            try await h.database.query("test_outbox_churn", "DELETE FROM outbox WHERE kind = 'follow' AND status_id < 0")
            try await h.database.query("test_outbox_analyze", "ANALYZE outbox")
            let (sequential, indexed) = try await h.database.transaction("test_outbox_lease_scans") { connection in
                // The view holds this backend's counts not yet reported, earlier transactions' too: the
                // lease's are the difference.
                @Sendable func scans() async throws -> (Int64, Int64) {
                    let rows = try await connection.query("""
                        SELECT coalesce(sum(seq_scan), 0)::bigint, coalesce(sum(idx_scan), 0)::bigint
                        FROM pg_stat_xact_user_tables WHERE relname = 'outbox'
                        """, logger: h.database.logger)
                    for try await counts in rows.decode((Int64, Int64).self) { return counts }
                    return (0, 0)
                }
                let before = try await scans()
                _ = try await connection.query("SELECT * FROM starling_lease_outbox('{}', 0, 10)", logger: h.database.logger).collect()
                let after = try await scans()
                return (after.0 - before.0, after.1 - before.1)
            }
            #expect(sequential == 0, "no sequential scan of the outbox")
            #expect(indexed > 0, "the lease went through an index")
        }
    }

    /// A lease returns its post jobs' statuses (migration 22), so a batch reads them with no
    /// statement of its own; a deleted status comes back as none.
    @Test func theLeaseCarriesItsPostsStatuses() async throws {
        try await Harness.with { h in
            let author = try await h.register("carrier")
            await h.drain()
            let kept = try await h.post(author, "carried by the lease #tagged")
            let gone = try await h.post(author, "deleted before its fan-out")
            #expect(try await h.call(.delete, "/api/v1/statuses/\(gone)", token: author.token).status == .ok)
            let jobs = try await OutboxStore(database: h.database).lease(limit: 10, for: .seconds(0))
            let keptJob = try #require(jobs.first { $0.kind == .post && $0.statusId == kept })
            let status = try #require(keptJob.status)
            #expect(status.row.text == "carried by the lease #tagged")
            #expect(status.row.accountId == author.id && status.row.tags == ["tagged"])
            #expect(!status.hasMedia)
            #expect(!status.authorListed, "in nobody's list: the batch reads no lists")
            let goneJob = try #require(jobs.first { $0.kind == .post && $0.statusId == gone })
            #expect(goneJob.status == nil, "a deleted status is read as none")
            #expect(jobs.filter { $0.kind != .post }.allSatisfy { $0.status == nil })
            await h.drain()

            // In someone's list (migration 24), the lease says so, and the list gets the post.
            let owner = try await h.register("lister")
            try await h.follow(owner, author)
            let list = try #require(try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "carried"]).string("id"))
            #expect(try await h.call(.post, "/api/v1/lists/\(list)/accounts", token: owner.token,
                                     form: ["account_ids[]": String(author.id)]).status == .ok)
            await h.drain()
            let listed = try await h.post(author, "for the list too")
            let listedJobs = try await OutboxStore(database: h.database).lease(limit: 10, for: .seconds(0))
            #expect(try #require(listedJobs.first { $0.statusId == listed }?.status).authorListed)
            await h.drain()
            #expect(try await h.call(.get, "/api/v1/timelines/list/\(list)", token: owner.token).ids.first == String(listed))
        }
    }

    /// A plain post (no reply, mention or attachment) is written by the post function's statement of
    /// its own (migration 23), a reply with a mention by the general one: each writes its status,
    /// counts it on the author, queues its job and answers with what the response needs.
    @Test func plainAndGeneralPostsWriteAlike() async throws {
        try await Harness.with { h in
            let author = try await h.register("plain"), other = try await h.register("mentioned")
            await h.drain()
            let plainReply = try await h.call(.post, "/api/v1/statuses", token: author.token,
                                              form: ["status": "nothing but words #plainpath", "visibility": "public"])
            #expect(plainReply.status == .ok)
            let plain = try #require(Int64(plainReply.string("id")))
            #expect(plainReply.object["in_reply_to_account_id"] is NSNull)
            #expect((plainReply.object["mentions"] as? [Any])?.isEmpty == true)
            #expect((plainReply.object["account"] as? [String: Any])?["statuses_count"] as? Int == 1)
            #expect((plainReply.object["tags"] as? [[String: Any]])?.first?["name"] as? String == "plainpath")

            let general = try await h.call(.post, "/api/v1/statuses", token: author.token,
                                           form: ["status": "@\(other.username) a reply", "in_reply_to_id": String(plain)])
            #expect(general.status == .ok)
            #expect(general.string("in_reply_to_account_id") == String(author.id))
            #expect((general.object["mentions"] as? [[String: Any]])?.first?["id"] as? String == String(other.id))
            #expect((general.object["account"] as? [String: Any])?["statuses_count"] as? Int == 2)

            #expect(try await h.outboxRows(of: [author]) == 2, "each post queued its job")
            let jobs = try await OutboxStore(database: h.database).lease(limit: 10, for: .seconds(0))
            let plainStatus = try #require(jobs.first { $0.statusId == plain }?.status)
            #expect(plainStatus.row.tags == ["plainpath"] && plainStatus.row.inReplyToId == nil)
            #expect(try await h.account(author)["statuses_count"] as? Int == 2)
            #expect(try await h.call(.get, "/api/v1/statuses/\(plain)", token: author.token).object["replies_count"] as? Int == 1)
            await h.drain()
        }
    }

    /// The processing loops' drains leave a batch's finished rows to the next lease, which deletes
    /// them in its own statement (`drain(deferringDeletions:)`), rather than leasing once more only
    /// to delete them: a finished row stays (leased, so nobody redoes it) until that next lease.
    @Test func aDrainLeavesItsFinishedRowsToTheNextLease() async throws {
        try await Harness.with { h in
            let author = try await h.register("deferrer"), reader = try await h.register("deferred")
            try await h.follow(reader, author)
            try await h.buildHome(reader)
            await h.drain()

            let first = try await h.post(author, "finished, deleted by the next lease")
            await h.worker.drain(deferringDeletions: true)
            #expect(try await h.redisHome(reader) == [first], "delivered at once")
            #expect(try await h.outboxRows(of: [author]) == 1, "its row waits for the next lease")
            let outbox = OutboxStore(database: h.database)
            #expect(try await outbox.lease(limit: 10, for: .seconds(0)).isEmpty, "still leased: nobody else takes it")

            let second = try await h.post(author, "the next post's lease deletes the first row")
            await h.worker.drain(deferringDeletions: true)
            #expect(try await h.redisHome(reader) == [second, first])
            #expect(try await h.outboxRows(of: [author]) == 1, "the first row is gone, the second waits")

            await h.worker.drain(deferringDeletions: true)  // as the poll tick does: a lease that finds nothing
            #expect(try await h.outboxRows(of: [author]) == 0)
            #expect(try await h.home(reader) == [second, first], "each delivered once")
        }
    }

    /// A running worker, woken by the posts themselves: concurrent posts' wake-ups are coalesced into
    /// fewer leases (`LeaseDemand`), and every post still reaches its followers' lists. The poll
    /// tick, which would make good a lost wake-up, is an hour away: a lost one fails the test.
    @Test func aRunningWorkerDeliversEveryPostOfAConcurrentBurst() async throws {
        try await Harness.with { h in
            let reader = try await h.register("burstreader")
            var registered: [Harness.User] = []
            for _ in 0..<4 {
                let author = try await h.register("burstauthor")
                try await h.follow(reader, author)
                registered.append(author)
            }
            let authors = registered
            try await h.buildHome(reader)
            await h.drain()
            let posted = try await h.withRunningWorker(pollInterval: .seconds(3600)) { () -> [Int64] in
                let posted = try await withThrowingTaskGroup(of: [Int64].self) { group in
                    for poster in 0..<16 {
                        let author = authors[poster % authors.count]
                        group.addTask {
                            var ids: [Int64] = []
                            for n in 0..<15 { ids.append(try await h.post(author, "burst \(poster) \(n)")) }
                            return ids
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                let deadline = ContinuousClock.now + .seconds(10)
                while Set(try await h.redisHome(reader)) != Set(posted), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                return posted
            }
            let home = try await h.redisHome(reader)
            #expect(posted.count == 240)
            #expect(Set(home) == Set(posted), "every post delivered")
            #expect(home.count == posted.count, "each once")
            #expect(try await h.home(reader, "limit=40") == Array(posted.sorted(by: >).prefix(40)), "the newest first")
        }
    }

    @Test func followMergesRecentStatusesAndUnfollowRemovesThem() async throws {
        try await Harness.with { h in
            let author = try await h.register("writer"), reader = try await h.register("newfan")
            let old1 = try await h.post(author, "before you followed me, one")
            let old2 = try await h.post(author, "before you followed me, two")
            try await h.buildHome(reader)
            await h.drain()
            #expect(try await h.redisHome(reader).isEmpty)

            try await h.follow(reader, author)
            await h.drain()
            #expect(try await h.redisHome(reader) == [old2, old1])
            #expect(try await h.home(reader) == [old2, old1])

            let unfollowed = try await h.call(.post, "/api/v1/accounts/\(author.id)/unfollow", token: reader.token)
            #expect(unfollowed.object["following"] as? Bool == false)
            await h.drain()
            #expect(try await h.redisHome(reader).isEmpty)
            #expect(try await h.home(reader).isEmpty)
            #expect(try await h.account(author)["followers_count"] as? Int == 0)
        }
    }

    @Test func lostHomeListIsServedByPullAndRebuilt() async throws {
        try await Harness.with { h in
            let author = try await h.register("src"), reader = try await h.register("dst")
            try await h.follow(reader, author)
            try await h.buildHome(reader)
            let ids = [try await h.post(author, "one"), try await h.post(author, "two"), try await h.post(author, "three")]
            await h.drain()
            let expected = Array(ids.reversed())
            #expect(try await h.home(reader) == expected)

            // The shard loses the user's keys (a restart without persistence, say).
            _ = try await h.redis.send(key: RedisKeys.home(reader.id), RedisCommand("DEL", RedisKeys.home(reader.id), RedisKeys.homeReady(reader.id)))
            #expect(try await h.home(reader) == expected, "served from PostgreSQL meanwhile")
            try await h.buildHome(reader)
            #expect(try await h.redisHome(reader) == expected, "and rebuilt")
            #expect(try await h.home(reader, "limit=2") == Array(expected.prefix(2)))
        }
    }

    @Test func homeIsServedFromPostgreSQLWhileRedisIsDown() async throws {
        let (reader, expected) = try await Harness.with { h in
            let author = try await h.register("steady"), reader = try await h.register("patient")
            try await h.follow(reader, author)
            let ids = [try await h.post(author, "one"), try await h.post(author, "two")]
            await h.drain()
            return (reader, Array(ids.reversed()))
        }
        var down = Harness.Options()
        down.redisShards = "127.0.0.1:1"  // nothing listens there
        try await Harness.with(down) { h in
            let reply = try await h.call(.get, "/api/v1/timelines/home", token: reader.token)
            #expect(reply.status == .ok, "a shard outage is not an error for readers")
            #expect(reply.ids == expected.map(String.init))
            // With no Redis to carry a post's wake-up, the API node sends the outbox's NOTIFY.
            let heard = WakeLog(), client = h.database.client
            let listening = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        try await connection.listen(on: OutboxStore.channel) { notifications in
                            listening.continuation.yield()
                            for try await _ in notifications {
                                heard.add("notified")
                                return
                            }
                        }
                    }
                }
                for await _ in listening.stream { break }
                let posted = try await h.call(.post, "/api/v1/statuses", token: reader.token, form: ["status": "still accepted"])
                #expect(posted.status == .ok, "posts only need PostgreSQL; fan-out waits in the outbox")
                for _ in 0..<100 where heard.all.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
                group.cancelAll()
            }
            #expect(!heard.all.isEmpty, "the workers were woken through PostgreSQL")
        }
    }

    @Test func inactiveUserGetsNoFanOutButACompleteHomeOnReturn() async throws {
        try await Harness.with { h in
            let author = try await h.register("active"), sleeper = try await h.register("sleeper")
            try await h.follow(sleeper, author)
            try await h.buildHome(sleeper)
            await h.drain()
            try await h.database.query("test_make_inactive", "UPDATE accounts SET last_active_at = now() - interval '2 hours' WHERE id = \(sleeper.id)")
            let status = try await h.post(author, "while you were away")
            await h.drain()
            #expect(!(try await h.redisHome(sleeper).contains(status)), "no fan-out to an inactive user")
            #expect(try await h.home(sleeper) == [status], "their return rebuilds the home")
        }
    }

    @Test func pushAndPullModelsGiveTheSameTimeline() async throws {
        for model in [FanoutModel.push, .pull] {
            var options = Harness.Options()
            options.policy.model = model
            try await Harness.with(options) { h in
                let a = try await h.register("m_a"), b = try await h.register("m_b"), reader = try await h.register("m_r")
                try await h.follow(reader, a)
                try await h.follow(reader, b)
                if model == .push { try await h.buildHome(reader) }  // pull keeps no home lists
                await h.drain()
                let s1 = try await h.post(a, "one"), s2 = try await h.post(b, "two"), s3 = try await h.post(a, "three")
                await h.drain()
                _ = try await h.home(reader)  // the pull model rebuilds the authors' lists on first read
                try await Task.sleep(for: .milliseconds(200))
                #expect(try await h.home(reader) == [s3, s2, s1], "model \(model)")
            }
        }
    }
}
