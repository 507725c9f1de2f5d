import AsyncHTTPClient
import Foundation
import NIOCore
import StarlingDomain
import StarlingRedis
import StarlingStore
import Testing

/// Bookmarks, favourites, pins and lists (with their fanned-out timelines), against the real
/// PostgreSQL and Redis shards. Serialized: tests drain the shared outbox.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct ListTests {
    // MARK: Bookmarks and favourites

    @Test func bookmarksArePrivateIdempotentAndFlagged() async throws {
        try await Harness.with { h in
            let alice = try await h.register("bmalice"), bob = try await h.register("bmbob"), eve = try await h.register("bmeve")
            try await h.follow(bob, alice)
            try await h.buildHome(bob)
            let first = try await h.post(alice, "first")
            let second = try await h.post(alice, "second")
            let secret = try await h.post(alice, "followers only", visibility: "private")
            await h.drain()

            for _ in 0..<2 {  // idempotent
                let reply = try await h.call(.post, "/api/v1/statuses/\(first)/bookmark", token: bob.token)
                #expect(reply.status == .ok)
                #expect(reply.object["bookmarked"] as? Bool == true)
            }
            #expect(try await h.call(.post, "/api/v1/statuses/\(second)/bookmark", token: bob.token).status == .ok)
            // The flag travels with the home read (from the Redis action set after the first read).
            for _ in 0..<2 {
                let home = try await h.call(.get, "/api/v1/timelines/home", token: bob.token).array
                let flags = Dictionary(home.map { ($0["id"] as? String ?? "", $0["bookmarked"] as? Bool) }, uniquingKeysWith: { a, _ in a })
                #expect(flags[String(first)] == true)
                #expect(flags[String(second)] == true)
                #expect(flags[String(secret)] == false)
            }
            // Newest bookmark first; paged by bookmark id.
            let all = try await h.call(.get, "/api/v1/bookmarks", token: bob.token)
            #expect(all.ids == [String(second), String(first)])
            let one = try await h.call(.get, "/api/v1/bookmarks?limit=1", token: bob.token)
            #expect(one.ids == [String(second)])
            let nextLink = try #require(one.link?.split(separator: ",").first { $0.contains("rel=\"next\"") })
            let next = try #require(nextLink.split(separator: "<").last?.split(separator: ">").first.map(String.init))
            let path = String(next.dropFirst("http://starling.test".count))
            let older = try await h.call(.get, path, token: bob.token)
            #expect(older.ids == [String(first)], "\(path): \(older.status) \(String(decoding: older.bytes, as: UTF8.self).prefix(200))")

            // Private to their owner; others' statuses they may not see are 404.
            #expect(try await h.call(.get, "/api/v1/bookmarks", token: eve.token).ids == [])
            #expect(try await h.call(.get, "/api/v1/statuses/\(first)", token: eve.token).object["bookmarked"] as? Bool == false)
            let hidden = try await h.call(.post, "/api/v1/statuses/\(secret)/bookmark", token: eve.token)
            #expect(hidden.status == .notFound)
            #expect(hidden.error == "Record not found")
            #expect(try await h.call(.post, "/api/v1/statuses/999999/bookmark", token: eve.token).status == .notFound)

            let removed = try await h.call(.post, "/api/v1/statuses/\(first)/unbookmark", token: bob.token)
            #expect(removed.object["bookmarked"] as? Bool == false)
            #expect(try await h.call(.post, "/api/v1/statuses/\(first)/unbookmark", token: bob.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/bookmarks", token: bob.token).ids == [String(second)])
            // A deleted status leaves the bookmarks.
            #expect(try await h.call(.delete, "/api/v1/statuses/\(second)", token: alice.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/bookmarks", token: bob.token).ids == [])
            #expect(try await h.call(.get, "/api/v1/bookmarks").status == .unauthorized)
        }
    }

    @Test func favouritesArePagedByFavouriteId() async throws {
        try await Harness.with { h in
            let alice = try await h.register("favalice"), bob = try await h.register("favbob")
            let older = try await h.post(alice, "older")
            let newer = try await h.post(alice, "newer")
            // Favourited in the other order: the list follows the favourites, not the statuses.
            #expect(try await h.call(.post, "/api/v1/statuses/\(newer)/favourite", token: bob.token).status == .ok)
            #expect(try await h.call(.post, "/api/v1/statuses/\(older)/favourite", token: bob.token).status == .ok)
            let page = try await h.call(.get, "/api/v1/favourites", token: bob.token)
            #expect(page.ids == [String(older), String(newer)])
            #expect(page.array.allSatisfy { $0["favourited"] as? Bool == true })
            #expect(page.link?.contains("/api/v1/favourites?max_id=") == true)
            let first = try await h.call(.get, "/api/v1/favourites?limit=1", token: bob.token)
            #expect(first.ids == [String(older)])
            #expect(try await h.call(.get, "/api/v1/favourites", token: alice.token).ids == [])
            #expect(try await h.call(.get, "/api/v1/favourites?max_id=x", token: bob.token).status == .badRequest)
        }
    }

    /// Favourites and bookmarks pages (`starling_marked_page`) in every direction, paged by the
    /// favourite's (bookmark's) id, none of a deleted status.
    @Test func marksArePagedInEveryDirection() async throws {
        try await Harness.with { h in
            let alice = try await h.register("markalice"), bob = try await h.register("markbob")
            var statuses: [Int64] = []
            for n in 0..<6 { statuses.append(try await h.post(alice, "mark me \(n)")) }
            for (action, path) in [("favourite", "/api/v1/favourites"), ("bookmark", "/api/v1/bookmarks")] {
                // Marked in reverse: the pages follow the marks' ids, not the statuses'.
                for status in statuses.reversed() {
                    #expect(try await h.call(.post, "/api/v1/statuses/\(status)/\(action)", token: bob.token).status == .ok)
                }
            }
            #expect(try await h.call(.delete, "/api/v1/statuses/\(statuses[3])", token: alice.token).status == .ok)
            let shown = [statuses[0], statuses[1], statuses[2], statuses[4], statuses[5]]  // newest mark first
            for path in ["/api/v1/favourites", "/api/v1/bookmarks"] {
                func page(_ query: String) async throws -> (ids: [Int64], next: Int64?) {
                    let reply = try await h.call(.get, "\(path)?\(query)", token: bob.token)
                    #expect(reply.status == .ok)
                    let next = reply.link?.split(separator: ",").first { $0.contains("rel=\"next\"") }
                        .flatMap { $0.split(separator: "max_id=").last?.prefix { $0.isNumber } }.flatMap { Int64($0) }
                    return (reply.ids.compactMap { Int64($0) }, next)
                }
                // Each mark's id, from the next links of one-item pages.
                var marks: [Int64] = [], query = "limit=1"
                for _ in 0..<10 {
                    let (ids, next) = try await page(query)
                    guard !ids.isEmpty, let mark = next else { break }
                    marks.append(mark)
                    query = "limit=1&max_id=\(mark)"
                }
                #expect(marks.count == 5 && marks == marks.sorted(by: >), "\(path): \(marks)")
                guard marks.count == 5 else { continue }
                #expect(try await page("limit=40").ids == shown)
                #expect(try await page("limit=2&max_id=\(marks[1])").ids == Array(shown[2..<4]))
                #expect(try await page("limit=2&since_id=\(marks[3])").ids == Array(shown[0..<2]), "the newest above since_id")
                #expect(try await page("limit=2&min_id=\(marks[4])").ids == Array(shown[2..<4]), "just above min_id")
                #expect(try await page("limit=2&min_id=\(marks[4])&max_id=\(marks[0])").ids == Array(shown[2..<4]))
                #expect(try await page("limit=2&since_id=\(marks[4])&max_id=\(marks[0])").ids == Array(shown[1..<3]))
                #expect(try await page("min_id=\(marks[0])").ids.isEmpty)
            }
        }
    }

    // MARK: Pins

    @Test func pinsFollowMastodonsRules() async throws {
        try await Harness.with { h in
            let alice = try await h.register("pinalice"), bob = try await h.register("pinbob")
            try await h.follow(bob, alice)
            let open = try await h.post(alice, "pin me")
            let quiet = try await h.post(alice, "unlisted", visibility: "unlisted")
            let closed = try await h.post(alice, "followers only", visibility: "private")
            let direct = try await h.post(alice, "@\(bob.username) hi", visibility: "direct")
            let theirs = try await h.post(bob, "bob's")
            let reblog = try #require(Int64(try await h.call(.post, "/api/v1/statuses/\(theirs)/reblog", token: alice.token).string("id")))

            let pinned = try await h.call(.post, "/api/v1/statuses/\(open)/pin", token: alice.token)
            #expect(pinned.status == .ok)
            #expect(pinned.object["pinned"] as? Bool == true)
            #expect(try await h.call(.post, "/api/v1/statuses/\(open)/pin", token: alice.token).status == .ok)  // idempotent
            #expect(try await h.call(.post, "/api/v1/statuses/\(quiet)/pin", token: alice.token).status == .ok)
            for (id, message) in [(closed, "Non-public posts cannot be pinned"), (direct, "only visible to mentioned users"),
                                  (reblog, "Boosts cannot be pinned")] {
                let refused = try await h.call(.post, "/api/v1/statuses/\(id)/pin", token: alice.token)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.error?.contains(message) == true, "\(refused.error ?? "")")
            }
            let others = try await h.call(.post, "/api/v1/statuses/\(theirs)/pin", token: alice.token)
            #expect(others.status == .unprocessableContent)
            // A status the viewer may not see does not exist for them.
            let stranger = try await h.register("pinstranger")
            #expect(try await h.call(.post, "/api/v1/statuses/\(closed)/pin", token: stranger.token).status == .notFound)

            // `pinned` is for the author viewing it; others see false.
            #expect(try await h.call(.get, "/api/v1/statuses/\(open)", token: alice.token).object["pinned"] as? Bool == true)
            #expect(try await h.call(.get, "/api/v1/statuses/\(open)", token: bob.token).object["pinned"] as? Bool == false)
            let list = try await h.call(.get, "/api/v1/accounts/\(alice.id)/statuses?pinned=true", token: bob.token)
            #expect(list.status == .ok)
            #expect(list.ids == [String(quiet), String(open)])
            #expect(try await h.call(.get, "/api/v1/accounts/\(alice.id)/statuses?pinned=true").ids == [String(quiet), String(open)])

            // At most five.
            for n in 0..<3 {
                let id = try await h.post(alice, "more \(n)")
                #expect(try await h.call(.post, "/api/v1/statuses/\(id)/pin", token: alice.token).status == .ok)
            }
            let sixth = try await h.post(alice, "one too many")
            let full = try await h.call(.post, "/api/v1/statuses/\(sixth)/pin", token: alice.token)
            #expect(full.status == .unprocessableContent)
            #expect(full.error?.contains("You have already pinned the maximum number of toots") == true)
            let unpinned = try await h.call(.post, "/api/v1/statuses/\(open)/unpin", token: alice.token)
            #expect(unpinned.object["pinned"] as? Bool == false)
            #expect(try await h.call(.post, "/api/v1/statuses/\(sixth)/pin", token: alice.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/accounts/\(alice.id)/statuses?pinned=true").ids.count == 5)
        }
    }

    // MARK: Lists

    @Test func listCRUDAndMembers() async throws {
        try await Harness.with { h in
            let owner = try await h.register("lowner"), friend = try await h.register("lfriend"), stranger = try await h.register("lstranger")
            try await h.follow(owner, friend)

            let blank = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "  "])
            #expect(blank.status == .unprocessableContent)
            #expect(blank.error == "Validation failed: Title can't be blank")
            let badPolicy = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "x", "replies_policy": "all"])
            #expect(badPolicy.status == .unprocessableContent)

            let created = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "Friends", "exclusive": "true"])
            #expect(created.status == .ok)
            #expect(created.object["replies_policy"] as? String == "list")
            #expect(created.object["exclusive"] as? Bool == true)
            let id = created.string("id")
            #expect(try await h.call(.get, "/api/v1/lists", token: owner.token).ids == [id])
            #expect(try await h.call(.get, "/api/v1/lists/\(id)", token: owner.token).string("title") == "Friends")
            // Someone else's list does not exist for them.
            #expect(try await h.call(.get, "/api/v1/lists/\(id)", token: stranger.token).status == .notFound)
            #expect(try await h.call(.delete, "/api/v1/lists/\(id)", token: stranger.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/timelines/list/\(id)", token: stranger.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/lists/abc", token: owner.token).status == .notFound)

            let updated = try await h.call(.put, "/api/v1/lists/\(id)", token: owner.token, form: ["title": "Close friends", "replies_policy": "none"])
            #expect(updated.string("title") == "Close friends")
            #expect(updated.object["replies_policy"] as? String == "none")
            #expect(updated.object["exclusive"] as? Bool == true)  // unchanged when not given

            // Only accounts the owner follows; nothing half-written.
            let refused = try await h.call(.post, "/api/v1/lists/\(id)/accounts", token: owner.token,
                                           form: ["account_ids[]": String(stranger.id)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.error?.hasPrefix("Validation failed") == true)
            let mixed = try await h.call(.post, "/api/v1/lists/\(id)/accounts", token: owner.token,
                                         rawBody: Array("{\"account_ids\":[\"\(friend.id)\",\"\(stranger.id)\"]}".utf8), contentType: "application/json")
            #expect(mixed.status == .unprocessableContent)
            #expect(try await h.call(.get, "/api/v1/lists/\(id)/accounts", token: owner.token).ids == [])
            #expect(try await h.call(.post, "/api/v1/lists/\(id)/accounts", token: owner.token, form: ["account_ids[]": String(friend.id)]).status == .ok)
            #expect(try await h.call(.post, "/api/v1/lists/\(id)/accounts", token: owner.token, form: ["account_ids[]": String(friend.id)]).status == .ok)
            #expect(try await h.call(.get, "/api/v1/lists/\(id)/accounts", token: owner.token).ids == [String(friend.id)])
            #expect(try await h.call(.get, "/api/v1/lists/\(id)/accounts?limit=0", token: owner.token).ids == [String(friend.id)])
            #expect(try await h.call(.get, "/api/v1/accounts/\(friend.id)/lists", token: owner.token).ids == [id])
            #expect(try await h.call(.get, "/api/v1/accounts/\(friend.id)/lists", token: stranger.token).ids == [])

            // Unfollowing removes the account from the follower's lists.
            #expect(try await h.call(.post, "/api/v1/accounts/\(friend.id)/unfollow", token: owner.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/lists/\(id)/accounts", token: owner.token).ids == [])
            try await h.follow(owner, friend)
            #expect(try await h.call(.post, "/api/v1/lists/\(id)/accounts", token: owner.token, form: ["account_ids[]": String(friend.id)]).status == .ok)
            #expect(try await h.call(.delete, "/api/v1/lists/\(id)/accounts?account_ids[]=\(friend.id)", token: owner.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/lists/\(id)/accounts", token: owner.token).ids == [])

            #expect(try await h.call(.delete, "/api/v1/lists/\(id)", token: owner.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/lists/\(id)", token: owner.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/lists", token: owner.token).ids == [])
        }
    }

    @Test func badListInputIsRefusedAndChangesNothing() async throws {
        try await Harness.with { h in
            let owner = try await h.register("lbad"), friend = try await h.register("lbadfriend")
            try await h.follow(owner, friend)
            let long = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": String(repeating: "t", count: 257)])
            #expect(long.status == .unprocessableContent)
            #expect(long.error?.contains("too long") == true)
            #expect(try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "a\u{01}b"]).status == .unprocessableContent)
            let list = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "ok"]).string("id")
            #expect(try await h.call(.put, "/api/v1/lists/\(list)", token: owner.token, form: ["title": ""]).status == .unprocessableContent)
            #expect(try await h.call(.put, "/api/v1/lists/\(list)", token: owner.token, form: ["replies_policy": "everyone"]).status == .unprocessableContent)
            #expect(try await h.call(.get, "/api/v1/lists/\(list)", token: owner.token).string("title") == "ok")
            for bad in ["abc", "99999999999999999999", "-1", ""] {
                #expect(try await h.call(.post, "/api/v1/lists/\(list)/accounts", token: owner.token, form: ["account_ids[]": bad]).status == .unprocessableContent)
            }
            #expect(try await h.call(.post, "/api/v1/lists/\(list)/accounts", token: owner.token, form: [:]).status == .unprocessableContent)
            #expect(try await h.call(.get, "/api/v1/lists/\(list)/accounts", token: owner.token).ids == [])
            #expect(try await h.call(.get, "/api/v1/lists/\(list)/accounts?limit=-1", token: owner.token).status == .badRequest)
            #expect(try await h.call(.get, "/api/v1/timelines/list/\(list)?max_id=x", token: owner.token).status == .badRequest)
            #expect(try await h.call(.get, "/api/v1/timelines/list/99999999999999999999", token: owner.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/accounts/12345/lists", token: owner.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/lists").status == .unauthorized)
            // An app's token (no user) cannot own lists.
            #expect(try await h.call(.get, "/api/v1/lists", token: h.appToken).status == .unprocessableContent)
        }
    }

    /// Reads a list timeline until its Redis list is built (the first read serves by pull and queues the rebuild).
    func buildList(_ h: Harness, _ owner: Harness.User, _ list: String) async throws {
        _ = try await h.call(.get, "/api/v1/timelines/list/\(list)", token: owner.token)
        let key = RedisKeys.listReady(owner: owner.id, list: Int64(list) ?? 0)
        for _ in 0..<100 {
            if try await h.redis.send(key: key, RedisCommand("EXISTS", key)).int64 == 1 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("list \(list) was not rebuilt")
    }

    func redisList(_ h: Harness, _ owner: Harness.User, _ list: String) async throws -> [Int64] {
        let key = RedisKeys.list(owner: owner.id, list: Int64(list) ?? 0)
        return (try await h.redis.send(key: key, RedisCommand("LRANGE", key, "0", "-1")).array ?? []).compactMap(\.int64).filter { $0 != 0 }
    }

    func listTimeline(_ h: Harness, _ owner: Harness.User, _ list: String, _ query: String = "") async throws -> [Int64] {
        let reply = try await h.call(.get, "/api/v1/timelines/list/\(list)\(query.isEmpty ? "" : "?" + query)", token: owner.token)
        #expect(reply.status == .ok)
        return reply.ids.compactMap { Int64($0) }
    }

    @Test func listTimelineIsFannedOutWithRepliesPolicyAndPaging() async throws {
        try await Harness.with { h in
            let owner = try await h.register("ltowner"), member = try await h.register("ltmember")
            let other = try await h.register("ltother"), outsider = try await h.register("ltoutsider")
            try await h.follow(owner, member)
            try await h.follow(owner, other)
            let list = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "L", "replies_policy": "list"]).string("id")
            #expect(try await h.call(.post, "/api/v1/lists/\(list)/accounts", token: owner.token, form: ["account_ids[]": String(member.id)]).status == .ok)
            let before = try await h.post(member, "before the list was built")
            await h.drain()
            try await buildList(h, owner, list)
            #expect(try await listTimeline(h, owner, list) == [before])

            let byMember = try await h.post(member, "in the list")
            let byOther = try await h.post(other, "followed, not in the list")
            let byOutsider = try await h.post(outsider, "not followed")
            let replyToOther = try await h.post(member, "@\(other.username) a reply to a non-member", inReplyTo: byOther)
            let replyToOwner = try await h.post(member, "@\(owner.username) a reply to the owner", inReplyTo: try await h.post(owner, "owner"))
            let replyToSelf = try await h.post(member, "a thread", inReplyTo: byMember)
            let dm = try await h.post(member, "@\(owner.username) direct", visibility: "direct")
            await h.drain()

            // Pushed by the fan-out (the Redis list), not read from PostgreSQL.
            let raw = try await redisList(h, owner, list)
            #expect(raw.contains(byMember))
            #expect(raw.contains(replyToOwner) && raw.contains(replyToSelf))
            #expect(!raw.contains(byOther) && !raw.contains(byOutsider) && !raw.contains(replyToOther) && !raw.contains(dm))
            #expect(try await listTimeline(h, owner, list) == [replyToSelf, replyToOwner, byMember, before])

            // Paging with Link headers.
            let page = try await h.call(.get, "/api/v1/timelines/list/\(list)?limit=2", token: owner.token)
            #expect(page.ids == [String(replyToSelf), String(replyToOwner)])
            #expect(page.link?.contains("/api/v1/timelines/list/\(list)?limit=2&max_id=\(replyToOwner)") == true)
            #expect(try await listTimeline(h, owner, list, "max_id=\(replyToOwner)") == [byMember, before])
            #expect(try await listTimeline(h, owner, list, "min_id=\(before)&limit=1") == [byMember])
            #expect(try await listTimeline(h, owner, list, "since_id=\(replyToOwner)") == [replyToSelf])

            // A rebuild from PostgreSQL applies the same rules.
            let key = RedisKeys.listReady(owner: owner.id, list: Int64(list) ?? 0)
            _ = try await h.redis.send(key: key, RedisCommand("DEL", key))
            #expect(try await listTimeline(h, owner, list) == [replyToSelf, replyToOwner, byMember, before])
            try await buildList(h, owner, list)
            #expect(try await redisList(h, owner, list).sorted(by: >) == [replyToSelf, replyToOwner, byMember, before])
            // And a read by pull, in both directions.
            let store = ListStore(database: h.database)
            let row = try #require(try await store.list(id: Int64(list) ?? 0))
            #expect(try await store.timeline(list: row, pushedBelow: nil, page: PageRequest()) == [replyToSelf, replyToOwner, byMember, before])
            #expect(try await store.timeline(list: row, pushedBelow: nil, page: PageRequest(maxId: replyToOwner)) == [byMember, before])
            #expect(try await store.timeline(list: row, pushedBelow: nil, page: PageRequest(minId: before, limit: 1)) == [byMember])
            #expect(try await store.timeline(list: row, pushedBelow: nil, page: PageRequest(minId: before, limit: 2)) == [replyToOwner, byMember])

            // "followed": replies to accounts the owner follows show too.
            #expect(try await h.call(.put, "/api/v1/lists/\(list)", token: owner.token, form: ["replies_policy": "followed"]).status == .ok)
            let followedReply = try await h.post(member, "@\(other.username) again", inReplyTo: byOther)
            let strangerReply = try await h.post(member, "@\(outsider.username) hello", inReplyTo: byOutsider)
            await h.drain()
            let now = try await listTimeline(h, owner, list)
            #expect(now.first == followedReply)
            #expect(!now.contains(strangerReply))

            // A deleted status leaves the list.
            #expect(try await h.call(.delete, "/api/v1/statuses/\(byMember)", token: member.token).status == .ok)
            await h.drain()
            #expect(!(try await redisList(h, owner, list)).contains(byMember))
            #expect(!(try await listTimeline(h, owner, list)).contains(byMember))
        }
    }

    @Test func exclusiveListKeepsMembersOutOfHome() async throws {
        try await Harness.with { h in
            let owner = try await h.register("exowner"), member = try await h.register("exmember"), other = try await h.register("exother")
            try await h.follow(owner, member)
            try await h.follow(owner, other)
            try await h.buildHome(owner)
            let earlier = try await h.post(member, "before the list")
            await h.drain()
            #expect(try await h.home(owner).contains(earlier))
            let list = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "X", "exclusive": "true"]).string("id")
            #expect(try await h.call(.post, "/api/v1/lists/\(list)/accounts", token: owner.token, form: ["account_ids[]": String(member.id)]).status == .ok)
            await h.drain()
            // The home is rebuilt without the exclusive list's members (served from PostgreSQL meanwhile).
            #expect(!(try await h.home(owner)).contains(earlier))
            try await h.buildHome(owner)
            #expect(!(try await h.redisHome(owner)).contains(earlier))
            try await buildList(h, owner, list)
            #expect(try await listTimeline(h, owner, list) == [earlier])
            let inList = try await h.post(member, "only in the list")
            let atHome = try await h.post(other, "at home")
            await h.drain()
            #expect(try await listTimeline(h, owner, list).first == inList)
            let home = try await h.home(owner)
            #expect(home.contains(atHome))
            #expect(!home.contains(inList))
            #expect(!(try await h.redisHome(owner)).contains(inList))
        }
    }

    /// The `list` stream: a member's status is streamed to the list's owner, a followed non-member's is not.
    @Test func listStreamCarriesMembersStatuses() async throws {
        let live = { var options = Harness.Options(); options.live = true; return options }()
        try await Harness.with(live) { h in
            let owner = try await h.register("lsowner"), member = try await h.register("lsmember"), other = try await h.register("lsother")
            let star = try await h.register("lsstar")  // a pulled member: merged by each node, not fanned out
            try await h.follow(owner, member)
            try await h.follow(owner, other)
            try await h.follow(owner, star)
            for _ in 0..<2 { try await h.follow(try await h.register("lsfan"), star) }
            let list = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "S"]).string("id")
            #expect(try await h.call(.post, "/api/v1/lists/\(list)/accounts", token: owner.token, form: ["account_ids[]": String(member.id)]).status == .ok)
            #expect(try await h.call(.post, "/api/v1/lists/\(list)/accounts", token: owner.token, form: ["account_ids[]": String(star.id)]).status == .ok)
            await h.drain()
            // Someone else's list cannot be streamed.
            #expect(try await h.call(.get, "/api/v1/streaming/list?list=\(list)", token: other.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/streaming/list", token: owner.token).status == .badRequest)

            var request = HTTPClientRequest(url: "\(h.baseURL)/api/v1/streaming/list?list=\(list)&access_token=\(owner.token)")
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            let posted = Task {
                try await Task.sleep(for: .milliseconds(300))  // let the subscription register
                let outside = try await h.post(other, "not for the list")
                await h.drain()
                let famous = try await h.post(star, "a pulled member")
                await h.drain()
                let inside = try await h.post(member, "streamed to the list")
                await h.drain()
                return (outside, [famous, inside])
            }
            var received = ""
            let deadline = ContinuousClock.now + .seconds(10)
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if received.contains("streamed to the list") || ContinuousClock.now > deadline { break }
            }
            let (outside, inside) = try await posted.value
            #expect(received.contains("event: update"))
            for id in inside { #expect(received.contains("\"id\":\"\(id)\"")) }
            #expect(!received.contains("\"id\":\"\(outside)\""))
        }
    }

    @Test func celebrityMembersAreMergedAtReadTime() async throws {
        try await Harness.with { h in
            let star = try await h.register("lstar"), owner = try await h.register("lfan")
            try await h.follow(owner, star)
            for _ in 0..<3 { try await h.follow(try await h.register("lfan"), star) }  // past the threshold of 3
            let list = try await h.call(.post, "/api/v1/lists", token: owner.token, form: ["title": "Stars"]).string("id")
            #expect(try await h.call(.post, "/api/v1/lists/\(list)/accounts", token: owner.token, form: ["account_ids[]": String(star.id)]).status == .ok)
            await h.drain()
            try await buildList(h, owner, list)
            let post = try await h.post(star, "famous")
            await h.drain()
            #expect(!(try await redisList(h, owner, list)).contains(post))  // not pushed
            #expect(try await listTimeline(h, owner, list).first == post)  // merged
            #expect(try await listTimeline(h, owner, list).first == post)  // through the rebuilt author list too
        }
    }
}
