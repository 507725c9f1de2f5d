import AsyncHTTPClient
import Foundation
import NIOCore
@testable import StarlingAPI
import StarlingDomain
import StarlingRedis
import StarlingStore
import Testing

/// Blocks, mutes, locked accounts and follow requests, against the real PostgreSQL and Redis.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct RelationshipTests {
    func relationship(_ h: Harness, _ viewer: Harness.User, _ target: Harness.User) async throws -> [String: Any] {
        let reply = try await h.call(.get, "/api/v1/accounts/relationships?id[]=\(target.id)", token: viewer.token)
        #expect(reply.status == .ok)
        return try #require(reply.array.first)
    }

    func notificationTypes(_ h: Harness, _ user: Harness.User) async throws -> [(String, String)] {
        let reply = try await h.call(.get, "/api/v1/notifications", token: user.token)
        #expect(reply.status == .ok)
        return reply.array.map { ($0["type"] as? String ?? "", ($0["account"] as? [String: Any])?["id"] as? String ?? "") }
    }

    @Test func blockRemovesFollowsBothWaysAndHomeEntries() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob")
            try await h.follow(alice, bob)
            try await h.follow(bob, alice)
            try await h.buildHome(alice)
            try await h.buildHome(bob)
            await h.drain()
            let bobsPost = try await h.post(bob, "before the block")
            let alicesPost = try await h.post(alice, "alice before the block")
            await h.drain()
            #expect(try await h.redisHome(alice).contains(bobsPost))
            #expect(try await h.redisHome(bob).contains(alicesPost))

            let block = try await h.call(.post, "/api/v1/accounts/\(bob.id)/block", token: alice.token)
            #expect(block.status == .ok)
            #expect(block.object["blocking"] as? Bool == true)
            #expect(block.object["following"] as? Bool == false)
            #expect(block.object["followed_by"] as? Bool == false)
            #expect(try await relationship(h, bob, alice)["blocked_by"] as? Bool == true)
            #expect(try await h.account(alice)["following_count"] as? Int == 0)
            #expect(try await h.account(alice)["followers_count"] as? Int == 0)
            #expect(try await h.account(bob)["followers_count"] as? Int == 0)

            // Hidden at once, removed from both Redis lists once the worker ran.
            #expect(try await !h.home(alice).contains(bobsPost))
            await h.drain()
            #expect(try await !h.redisHome(alice).contains(bobsPost))
            #expect(try await !h.redisHome(bob).contains(alicesPost))

            // Follows do not come back, either way.
            let refollow = try await h.call(.post, "/api/v1/accounts/\(bob.id)/follow", token: alice.token)
            #expect(refollow.status == .forbidden)
            let theirs = try await h.call(.post, "/api/v1/accounts/\(alice.id)/follow", token: bob.token)
            #expect(theirs.status == .forbidden)
            #expect(theirs.error != nil)

            // Statuses: 404 both ways, gone from account pages and threads.
            #expect(try await h.call(.get, "/api/v1/statuses/\(bobsPost)", token: alice.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/statuses/\(alicesPost)", token: bob.token).status == .notFound)
            #expect(try await h.call(.post, "/api/v1/statuses/\(alicesPost)/favourite", token: bob.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/accounts/\(bob.id)/statuses", token: alice.token).ids.isEmpty)
            let reply = try await h.post(bob, "a reply", inReplyTo: bobsPost)
            let context = try await h.call(.get, "/api/v1/statuses/\(bobsPost)/context", token: bob.token)
            #expect(context.object["descendants"].map { ($0 as? [[String: Any]])?.count } == 1)
            _ = reply

            // A later post of bob's does not reach alice (no follow, and the reader hides it anyway).
            let after = try await h.post(bob, "after the block")
            await h.drain()
            #expect(try await !h.home(alice).contains(after))

            // Listed in /blocks with a Link header; unblock restores nothing but the possibility.
            let blocks = try await h.call(.get, "/api/v1/blocks", token: alice.token)
            #expect(blocks.ids == [String(bob.id)])
            let unblock = try await h.call(.post, "/api/v1/accounts/\(bob.id)/unblock", token: alice.token)
            #expect(unblock.object["blocking"] as? Bool == false)
            #expect(unblock.object["following"] as? Bool == false)
            #expect(try await h.call(.get, "/api/v1/blocks", token: alice.token).ids.isEmpty)
            #expect(try await h.call(.get, "/api/v1/statuses/\(bobsPost)", token: alice.token).status == .ok)
            try await h.follow(alice, bob)
        }
    }

    @Test func blockedAccountNotifiesNobodyAndDisappearsFromListings() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), troll = try await h.register("troll"), other = try await h.register("other")
            let mine = try await h.post(alice, "hello #blocktest\(alice.id)")
            let trollPost = try await h.post(troll, "troll says hi #blocktest\(alice.id) uniqueword\(alice.id)")
            _ = try await h.post(other, "other says hi #blocktest\(alice.id)")
            await h.drain()
            #expect(try await h.call(.post, "/api/v1/accounts/\(troll.id)/block", token: alice.token).status == .ok)

            _ = try await h.post(troll, "@\(alice.username) hey")
            #expect(try await h.call(.post, "/api/v1/statuses/\(mine)/favourite", token: troll.token).status == .notFound)
            _ = try await h.post(other, "@\(alice.username) a real mention")
            await h.drain()
            let notes = try await notificationTypes(h, alice)
            #expect(notes.count == 1)
            #expect(notes.allSatisfy { $0.1 == String(other.id) })

            let tag = try await h.call(.get, "/api/v1/timelines/tag/blocktest\(alice.id)", token: alice.token)
            #expect(tag.ids.count == 2)
            #expect(!tag.ids.contains(String(trollPost)))
            // Signed out, or as someone else, it is still there.
            #expect(try await h.call(.get, "/api/v1/timelines/tag/blocktest\(alice.id)", token: other.token).ids.count == 3)
            let search = try await h.call(.get, "/api/v2/search?type=statuses&q=uniqueword\(alice.id)", token: alice.token)
            #expect((search.object["statuses"] as? [Any])?.count == 0)
            let accounts = try await h.call(.get, "/api/v2/search?type=accounts&q=\(troll.username)", token: alice.token)
            #expect((accounts.object["accounts"] as? [Any])?.count == 0)
            let found = try await h.call(.get, "/api/v2/search?type=accounts&q=\(troll.username)", token: other.token)
            #expect((found.object["accounts"] as? [Any])?.count == 1)
            let trollSearch = try await h.call(.get, "/api/v2/search?type=statuses&q=uniqueword\(alice.id)", token: other.token)
            #expect((trollSearch.object["statuses"] as? [Any])?.count == 1)
            // Reblogs of the blocked account's statuses are hidden too.
            #expect(try await h.call(.post, "/api/v1/statuses/\(trollPost)/reblog", token: other.token).status == .ok)
            try await h.follow(alice, other)
            await h.drain()
            let home = try await h.call(.get, "/api/v1/timelines/home", token: alice.token)
            #expect(!home.array.contains { ($0["reblog"] as? [String: Any])?["id"] as? String == String(trollPost) })
        }
    }

    @Test func muteHidesFromHomeKeepsFollowAndExpires() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob"), carol = try await h.register("carol")
            try await h.follow(alice, bob)
            try await h.follow(alice, carol)
            try await h.buildHome(alice)
            await h.drain()
            let bobsPost = try await h.post(bob, "bob's post")
            await h.drain()
            let carolsReblog = try await h.call(.post, "/api/v1/statuses/\(bobsPost)/reblog", token: carol.token)
            let reblogId = try #require(Int64(carolsReblog.string("id")))
            await h.drain()
            #expect(try await h.home(alice).contains(bobsPost))

            let mute = try await h.call(.post, "/api/v1/accounts/\(bob.id)/mute", token: alice.token)
            #expect(mute.status == .ok)
            #expect(mute.object["muting"] as? Bool == true)
            #expect(mute.object["muting_notifications"] as? Bool == true)
            #expect(mute.object["following"] as? Bool == true)
            let home = try await h.home(alice)
            #expect(!home.contains(bobsPost))
            #expect(!home.contains(reblogId))  // a reblog of a muted account's status
            let mutes = try await h.call(.get, "/api/v1/mutes", token: alice.token)
            #expect(mutes.ids == [String(bob.id)])
            #expect(mutes.array.first?["mute_expires_at"] is NSNull)  // until unmuted
            // Not hidden on the profile or by direct link.
            #expect(try await h.call(.get, "/api/v1/statuses/\(bobsPost)", token: alice.token).status == .ok)
            // Their notifications are hidden.
            _ = try await h.post(bob, "@\(alice.username) ping")
            await h.drain()
            #expect(try await notificationTypes(h, alice).allSatisfy { $0.1 != String(bob.id) })

            let unmute = try await h.call(.post, "/api/v1/accounts/\(bob.id)/unmute", token: alice.token)
            #expect(unmute.object["muting"] as? Bool == false)
            #expect(try await h.home(alice).contains(bobsPost))

            // The mute list says when a timed mute ends (muting again replaces it, as below).
            _ = try await h.call(.post, "/api/v1/accounts/\(bob.id)/mute", token: alice.token, form: ["duration": "3600"])
            let ends = try await h.call(.get, "/api/v1/mutes", token: alice.token).array.first?["mute_expires_at"] as? String
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let endsAt = iso.date(from: ends ?? "")
            #expect(endsAt.map { abs($0.timeIntervalSinceNow - 3600) < 120 } == true, "mute_expires_at \(ends ?? "nil")")

            // A timed mute: in force, then expired by itself (read time, no worker needed).
            let timed = try await h.call(.post, "/api/v1/accounts/\(bob.id)/mute", token: alice.token,
                                         form: ["duration": "1", "notifications": "false"])
            #expect(timed.object["muting"] as? Bool == true)
            #expect(timed.object["muting_notifications"] as? Bool == false)
            #expect(try await !h.home(alice).contains(bobsPost))
            try await Task.sleep(for: .milliseconds(1200))
            #expect(try await h.home(alice).contains(bobsPost))
            #expect(try await relationship(h, alice, bob)["muting"] as? Bool == false)
            #expect(try await h.call(.get, "/api/v1/mutes", token: alice.token).ids.isEmpty)

            // Bad input.
            #expect(try await h.call(.post, "/api/v1/accounts/\(bob.id)/mute", token: alice.token, form: ["duration": "-5"]).status == .unprocessableContent)
            #expect(try await h.call(.post, "/api/v1/accounts/\(alice.id)/mute", token: alice.token).status == .unprocessableContent)
            #expect(try await h.call(.post, "/api/v1/accounts/999999999/mute", token: alice.token).status == .notFound)
        }
    }

    @Test func lockedAccountApprovesFollowers() async throws {
        try await Harness.with { h in
            let owner = try await h.register("owner"), fan = try await h.register("fan"), rejected = try await h.register("rejected")
            let lock = try await h.call(.patch, "/api/v1/accounts/update_credentials", token: owner.token, form: ["locked": "true"])
            #expect(lock.status == .ok)
            #expect(lock.object["locked"] as? Bool == true)
            #expect(try await h.account(owner)["locked"] as? Bool == true)
            #expect(try await h.call(.patch, "/api/v1/accounts/update_credentials", token: owner.token, form: ["locked": "maybe"]).status
                == .unprocessableContent)
            try await h.buildHome(fan)

            let request = try await h.call(.post, "/api/v1/accounts/\(owner.id)/follow", token: fan.token)
            #expect(request.status == .ok)
            #expect(request.object["requested"] as? Bool == true)
            #expect(request.object["following"] as? Bool == false)
            #expect(try await relationship(h, owner, fan)["requested_by"] as? Bool == true)
            #expect(try await h.account(owner)["followers_count"] as? Int == 0)
            _ = try await h.call(.post, "/api/v1/accounts/\(owner.id)/follow", token: rejected.token)
            #expect(try await notificationTypes(h, owner).filter { $0.0 == "follow_request" }.count == 2)
            let me = try await h.call(.get, "/api/v1/accounts/verify_credentials", token: owner.token)
            #expect((me.object["source"] as? [String: Any])?["follow_requests_count"] as? Int == 2)

            // A private status does not reach a pending follower.
            let early = try await h.post(owner, "for followers only", visibility: "private")
            await h.drain()
            #expect(try await !h.home(fan).contains(early))
            #expect(try await h.call(.get, "/api/v1/statuses/\(early)", token: fan.token).status == .notFound)

            let requests = try await h.call(.get, "/api/v1/follow_requests", token: owner.token)
            #expect(Set(requests.ids) == [String(fan.id), String(rejected.id)])
            let limited = try await h.call(.get, "/api/v1/follow_requests?limit=1", token: owner.token)
            #expect(limited.ids.count == 1)
            #expect(limited.link?.contains("max_id=") == true)

            let authorize = try await h.call(.post, "/api/v1/follow_requests/\(fan.id)/authorize", token: owner.token)
            #expect(authorize.status == .ok)
            #expect(authorize.object["followed_by"] as? Bool == true)
            #expect(authorize.object["requested_by"] as? Bool == false)
            let reject = try await h.call(.post, "/api/v1/follow_requests/\(rejected.id)/reject", token: owner.token)
            #expect(reject.status == .ok)
            #expect(reject.object["followed_by"] as? Bool == false)
            #expect(try await h.call(.post, "/api/v1/follow_requests/\(rejected.id)/authorize", token: owner.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/follow_requests", token: owner.token).ids.isEmpty)
            await h.drain()
            #expect(try await h.account(owner)["followers_count"] as? Int == 1)
            #expect(try await relationship(h, fan, owner)["following"] as? Bool == true)
            let types = try await notificationTypes(h, owner).map(\.0)
            #expect(types.contains("follow") && !types.contains("follow_request"))

            // Once approved, private statuses reach the follower's home.
            let later = try await h.post(owner, "welcome", visibility: "private")
            await h.drain()
            #expect(try await h.home(fan).contains(later))
            #expect(try await h.call(.get, "/api/v1/statuses/\(early)", token: fan.token).status == .ok)

            // Unfollowing a locked account withdraws a pending request.
            let again = try await h.call(.post, "/api/v1/accounts/\(owner.id)/follow", token: rejected.token)
            #expect(again.object["requested"] as? Bool == true)
            let withdraw = try await h.call(.post, "/api/v1/accounts/\(owner.id)/unfollow", token: rejected.token)
            #expect(withdraw.object["requested"] as? Bool == false)

            // Unlocking approves whoever is still waiting (as Mastodon does).
            _ = try await h.call(.post, "/api/v1/accounts/\(owner.id)/follow", token: rejected.token)
            let unlock = try await h.call(.patch, "/api/v1/accounts/update_credentials", token: owner.token, form: ["locked": "false"])
            #expect(unlock.object["locked"] as? Bool == false)
            #expect(unlock.object["followers_count"] as? Int == 2)
            #expect(try await relationship(h, rejected, owner)["following"] as? Bool == true)
            #expect(try await h.call(.get, "/api/v1/follow_requests", token: owner.token).ids.isEmpty)
        }
    }

    /// The streaming hub applies the same rule as the reader: a blocked (or muted) author's status
    /// is not pushed to the blocker's public stream, while an unrelated author's is.
    @Test func blockedAndMutedAuthorsAreNotStreamed() async throws {
        let live = { var options = Harness.Options(); options.live = true; return options }()
        try await Harness.with(live) { h in
            let viewer = try await h.register("viewer"), blocked = try await h.register("blocked"), muted = try await h.register("muted")
            let other = try await h.register("other")
            #expect(try await h.call(.post, "/api/v1/accounts/\(blocked.id)/block", token: viewer.token).status == .ok)
            #expect(try await h.call(.post, "/api/v1/accounts/\(muted.id)/mute", token: viewer.token).status == .ok)
            var request = HTTPClientRequest(url: "\(h.baseURL)/api/v1/streaming/public?access_token=\(viewer.token)")
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            let posted = Task {
                try await Task.sleep(for: .milliseconds(300))  // let the subscription register
                let hidden = [try await h.post(blocked, "from the blocked account"), try await h.post(muted, "from the muted account")]
                await h.drain()
                let shown = try await h.post(other, "from someone else")
                await h.drain()
                return (hidden, shown)
            }
            var received = ""
            let deadline = ContinuousClock.now + .seconds(10)
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if received.contains("from someone else") || ContinuousClock.now > deadline { break }
            }
            let (hidden, shown) = try await posted.value
            #expect(received.contains("\"id\":\"\(shown)\""))
            for id in hidden { #expect(!received.contains("\"id\":\"\(id)\"")) }
        }
    }

    @Test func blockedAuthorIsNotStreamedToTheBlocker() async throws {
        // The per-viewer set the streaming hub and readers consult follows blocks and unblocks at once.
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob")
            #expect(try await h.services.viewerBlocksAndMutes(alice.id).isEmpty)
            _ = try await h.call(.post, "/api/v1/accounts/\(bob.id)/block", token: alice.token)
            #expect(try await h.services.viewerBlocksAndMutes(alice.id).blocking == [bob.id])
            #expect(try await h.services.viewerBlocksAndMutes(bob.id).blockedBy == [alice.id])
            _ = try await h.call(.post, "/api/v1/accounts/\(bob.id)/unblock", token: alice.token)
            #expect(try await h.services.viewerBlocksAndMutes(bob.id).isEmpty)
        }
    }
}
