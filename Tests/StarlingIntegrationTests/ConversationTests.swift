import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOConcurrencyHelpers
import NIOCore
import StarlingDomain
import StarlingStore
import Testing

/// Replies, notifications, reblogs, favourites, tags, search, trends and streaming, against the
/// real PostgreSQL and Redis. Serialized for the same reason as `TimelineTests`.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct ConversationTests {
    @Test func replyRuleAcrossNormalAndCelebrityAuthors() async throws {
        try await Harness.with { h in
            // celeb has three followers (the threshold): pulled at read time. normal has one.
            let celeb = try await h.register("celeb"), normal = try await h.register("normal"), target = try await h.register("target")
            let both = try await h.register("both"), onlyAuthors = try await h.register("only"), filler = try await h.register("filler")
            for reader in [both, onlyAuthors, filler] { try await h.follow(reader, celeb) }
            try await h.follow(both, normal)
            try await h.follow(onlyAuthors, normal)
            try await h.follow(both, target)
            for reader in [both, onlyAuthors, target] { try await h.buildHome(reader) }
            await h.drain()

            let original = try await h.post(target, "a thought")
            let normalReply = try await h.post(normal, "@\(target.username) I agree", inReplyTo: original)
            let celebReply = try await h.post(celeb, "@\(target.username) me too", inReplyTo: original)
            let selfThread = try await h.post(normal, "continuing my own thread", inReplyTo: normalReply)
            await h.drain()

            let bothHome = try await h.home(both)
            #expect(bothHome.contains(normalReply) && bothHome.contains(celebReply), "follows the replied-to person: sees both replies")
            let onlyHome = try await h.home(onlyAuthors)
            #expect(!onlyHome.contains(normalReply), "normal author's reply hidden from a follower who does not follow the target")
            #expect(!onlyHome.contains(celebReply), "and the celebrity's, merged at read time, too")
            #expect(onlyHome.contains(selfThread), "a reply to oneself is not a reply to someone else")
            #expect(!(try await h.redisHome(onlyAuthors).contains(normalReply)), "the worker did not push it either")

            // The replied-to person is always told, through a mention notification.
            let notes = try await h.call(.get, "/api/v1/notifications?types[]=mention", token: target.token)
            #expect(Set(notes.array.compactMap { ($0["status"] as? [String: Any])?["id"] as? String }) == [String(normalReply), String(celebReply)])
            #expect(try await h.call(.get, "/api/v1/statuses/\(original)").object["replies_count"] as? Int == 2)

            let context = try await h.call(.get, "/api/v1/statuses/\(normalReply)/context")
            #expect((context.object["ancestors"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [String(original)])
            #expect((context.object["descendants"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [String(selfThread)])
            let root = try await h.call(.get, "/api/v1/statuses/\(original)/context")
            #expect((root.object["descendants"] as? [[String: Any]])?.count == 3)

            let deletedParent = try await h.call(.post, "/api/v1/statuses", token: normal.token, form: ["status": "x", "in_reply_to_id": "1"])
            #expect(deletedParent.status == .notFound)
        }
    }

    @Test func notificationsFilterPageAndClear() async throws {
        try await Harness.with { h in
            let me = try await h.register("me"), fan = try await h.register("fan")
            try await h.follow(fan, me)
            let status = try await h.post(me, "notice me")
            _ = try await h.post(fan, "hey @\(me.username)")
            #expect(try await h.call(.post, "/api/v1/statuses/\(status)/favourite", token: fan.token).status == .ok)
            #expect(try await h.call(.post, "/api/v1/statuses/\(status)/reblog", token: fan.token).status == .ok)
            await h.drain()
            await h.drain()  // the reblog's own job may be queued behind the favourite

            let all = try await h.call(.get, "/api/v1/notifications", token: me.token)
            #expect(Set(all.array.compactMap { $0["type"] as? String }) == ["follow", "mention", "favourite", "reblog"])
            #expect(all.array.allSatisfy { ($0["account"] as? [String: Any])?["id"] as? String == String(fan.id) })
            let excluded = try await h.call(.get, "/api/v1/notifications?exclude_types[]=follow&exclude_types[]=mention", token: me.token)
            #expect(Set(excluded.array.compactMap { $0["type"] as? String }) == ["favourite", "reblog"])
            let firstPage = try await h.call(.get, "/api/v1/notifications?limit=2", token: me.token)
            #expect(firstPage.array.count == 2)
            #expect(firstPage.link?.contains("rel=\"next\"") == true)
            let id = try #require(firstPage.array.first?["id"] as? String)
            #expect(try await h.call(.get, "/api/v1/notifications/\(id)", token: me.token).string("id") == id)
            #expect(try await h.call(.get, "/api/v1/notifications/\(id)", token: fan.token).status == .notFound, "someone else's")
            // Redoing the jobs does not notify twice.
            try await h.database.query("test_requeue", "INSERT INTO outbox (kind, account_id, target_id) VALUES ('follow', \(fan.id), \(me.id))")
            await h.drain()
            #expect(try await h.call(.get, "/api/v1/notifications?types[]=follow", token: me.token).array.count == 1)
            #expect(try await h.call(.post, "/api/v1/notifications/clear", token: me.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/notifications", token: me.token).array.isEmpty)
            #expect(try await h.call(.get, "/api/v1/notifications").status == .unauthorized)
        }
    }

    /// Notification pages (`starling_notifications_page`: its first-page, `since_id` and two-bound
    /// branches, and `starling_notifications_page_ascending`'s for `min_id`): none about a deleted status or from an account muted
    /// with its notifications, in every direction.
    @Test func notificationsArePagedInEveryDirection() async throws {
        try await Harness.with { h in
            let me = try await h.register("paged"), fan = try await h.register("pagefan"), muted = try await h.register("pagemuted")
            var mentions: [Int64] = []
            for n in 0..<14 {
                mentions.append(try await h.post(n % 5 == 4 ? muted : fan, "@\(me.username) number \(n)"))
            }
            await h.drain()
            #expect(try await h.call(.delete, "/api/v1/statuses/\(mentions[6])", token: fan.token).status == .ok)
            #expect(try await h.call(.post, "/api/v1/accounts/\(muted.id)/mute", token: me.token, form: ["notifications": "true"]).status == .ok)
            func page(_ query: String) async throws -> [Int64] {
                let reply = try await h.call(.get, "/api/v1/notifications?\(query)", token: me.token)
                #expect(reply.status == .ok)
                return reply.ids.compactMap { Int64($0) }
            }
            let all = try await page("limit=40")
            let statuses = try await h.call(.get, "/api/v1/notifications?limit=40", token: me.token).array
                .compactMap { (($0["status"] as? [String: Any])?["id"] as? String).flatMap { Int64($0) } }
            let expected = mentions.enumerated().filter { $0.offset % 5 != 4 && $0.offset != 6 }.map(\.element)
            #expect(Set(statuses) == Set(expected) && statuses.count == 11, "not the deleted status's, not the muted account's")
            #expect(all == all.sorted(by: >), "newest notification first")
            #expect(try await page("limit=4") == Array(all.prefix(4)))
            #expect(try await page("limit=4&max_id=\(all[3])") == Array(all[4..<8]))
            #expect(try await page("limit=3&since_id=\(all[6])") == Array(all.prefix(3)))
            #expect(try await page("limit=40&since_id=\(all[0])").isEmpty, "a poll with nothing new")
            #expect(try await page("max_id=\(all[1])&since_id=\(all[6])") == Array(all[2..<6]))
            #expect(try await page("limit=2&min_id=\(all[6])") == Array(all[4..<6]))
            #expect(try await page("limit=2&min_id=\(all[6])&max_id=\(all[2])") == Array(all[4..<6]), "min_id below max_id")
            #expect(try await page("limit=3&min_id=1") == Array(all.suffix(3)), "min_id below everything: the oldest")
            #expect(try await page("min_id=\(all[0])").isEmpty)
        }
    }

    /// A thread (`starling_status_context`, one round trip): ancestors oldest first, through a
    /// deleted one; descendants in thread order, none below a deleted one.
    @Test func aThreadIsReadInOneGo() async throws {
        try await Harness.with { h in
            let author = try await h.register("threader"), other = try await h.register("threadreply")
            let root = try await h.post(author, "root")
            let a1 = try await h.post(other, "a1", inReplyTo: root)
            let a2 = try await h.post(author, "a2", inReplyTo: a1)
            let a3 = try await h.post(other, "a3", inReplyTo: a2)
            let b1 = try await h.post(other, "b1", inReplyTo: root)
            func context(_ id: Int64) async throws -> (ancestors: [Int64], descendants: [Int64]) {
                let reply = try await h.call(.get, "/api/v1/statuses/\(id)/context", token: other.token)
                #expect(reply.status == .ok)
                func ids(_ key: String) -> [Int64] {
                    (reply.object[key] as? [[String: Any]])?.compactMap { ($0["id"] as? String).flatMap { Int64($0) } } ?? []
                }
                return (ids("ancestors"), ids("descendants"))
            }
            #expect(try await context(a3) == ([root, a1, a2], []))
            #expect(try await context(root) == ([], [a1, a2, a3, b1]))
            #expect(try await context(a1) == ([root], [a2, a3]))
            #expect(try await h.call(.delete, "/api/v1/statuses/\(a2)", token: author.token).status == .ok)
            #expect(try await context(a3) == ([root, a1], []))
            #expect(try await context(root) == ([], [a1, b1]))
            #expect(try await h.call(.get, "/api/v1/statuses/12345/context", token: other.token).status == .notFound)
        }
    }

    @Test func reblogsAndFavourites() async throws {
        try await Harness.with { h in
            let author = try await h.register("orig"), booster = try await h.register("booster")
            let reader = try await h.register("reader"), fresh = try await h.register("fresh")
            try await h.follow(reader, booster)
            try await h.follow(reader, author)
            try await h.follow(fresh, booster)
            for user in [reader, fresh] { try await h.buildHome(user) }
            await h.drain()
            let status = try await h.post(author, "worth sharing")
            await h.drain()

            let reblog = try await h.call(.post, "/api/v1/statuses/\(status)/reblog", token: booster.token)
            #expect(reblog.status == .ok)
            let reblogId = try #require(Int64(reblog.string("id")))
            #expect((reblog.object["reblog"] as? [String: Any])?["id"] as? String == String(status))
            #expect((reblog.object["reblog"] as? [String: Any])?["reblogs_count"] as? Int == 1)
            #expect(reblog.object["reblogged"] as? Bool == true)
            let again = try await h.call(.post, "/api/v1/statuses/\(status)/reblog", token: booster.token)
            #expect(again.string("id") == String(reblogId), "reblogging twice is idempotent")
            await h.drain()

            #expect(try await h.home(fresh).first == reblogId, "the reblog reaches the booster's followers")
            let wrapped = try await h.call(.get, "/api/v1/timelines/home", token: fresh.token).array.first
            #expect((wrapped?["reblog"] as? [String: Any])?["content"] as? String == "<p>worth sharing</p>")
            // Falloff: the reader already has the original at the top, so the reblog is not shown again.
            #expect(!(try await h.redisHome(reader).contains(reblogId)))
            #expect(try await h.home(reader).first == status)

            let fav = try await h.call(.post, "/api/v1/statuses/\(status)/favourite", token: reader.token)
            #expect(fav.object["favourited"] as? Bool == true)
            #expect(fav.object["favourites_count"] as? Int == 1)
            _ = try await h.call(.post, "/api/v1/statuses/\(status)/favourite", token: reader.token)
            let seen = try await h.call(.get, "/api/v1/statuses/\(status)", token: reader.token)
            #expect(seen.object["favourites_count"] as? Int == 1, "favouriting twice counts once")
            #expect(seen.object["favourited"] as? Bool == true)
            #expect(try await h.call(.get, "/api/v1/statuses/\(status)", token: fresh.token).object["favourited"] as? Bool == false)
            let unfav = try await h.call(.post, "/api/v1/statuses/\(status)/unfavourite", token: reader.token)
            #expect(unfav.object["favourites_count"] as? Int == 0)
            // A reblog's favourite is its original's, as Mastodon answers: the original, favourited.
            let viaReblog = try await h.call(.post, "/api/v1/statuses/\(reblogId)/favourite", token: fresh.token)
            #expect(viaReblog.string("id") == String(status))
            #expect(viaReblog.object["favourited"] as? Bool == true && viaReblog.object["favourites_count"] as? Int == 1)
            let undoneViaReblog = try await h.call(.post, "/api/v1/statuses/\(reblogId)/unfavourite", token: fresh.token)
            #expect(undoneViaReblog.object["favourited"] as? Bool == false && undoneViaReblog.object["favourites_count"] as? Int == 0)
            #expect(try await h.call(.post, "/api/v1/statuses/424242/favourite", token: reader.token).status == .notFound)
            #expect(try await h.call(.post, "/api/v1/statuses/424242/reblog", token: reader.token).status == .notFound)

            let undone = try await h.call(.post, "/api/v1/statuses/\(status)/unreblog", token: booster.token)
            #expect(undone.string("id") == String(status))
            #expect(undone.object["reblogs_count"] as? Int == 0)
            #expect(undone.object["reblogged"] as? Bool == false)
            await h.drain()
            #expect(!(try await h.home(fresh).contains(reblogId)))
            #expect(!(try await h.redisHome(fresh).contains(reblogId)))
        }
    }

    @Test func reblogOfACelebrityStatusIsPushedByANormalBooster() async throws {
        try await Harness.with { h in
            let celeb = try await h.register("bigname"), booster = try await h.register("relay"), reader = try await h.register("quiet")
            for _ in 0..<3 { try await h.follow(try await h.register("crowd"), celeb) }
            try await h.follow(reader, booster)
            try await h.buildHome(reader)
            await h.drain()
            let status = try await h.post(celeb, "from the top")
            await h.drain()
            #expect(!(try await h.home(reader).contains(status)), "the reader does not follow the celebrity")
            let reblogId = try #require(Int64(try await h.call(.post, "/api/v1/statuses/\(status)/reblog", token: booster.token).string("id")))
            await h.drain()
            #expect(try await h.redisHome(reader).first == reblogId, "the booster is not a celebrity: the reblog is pushed")
            let top = try await h.call(.get, "/api/v1/timelines/home", token: reader.token).array.first
            #expect((top?["reblog"] as? [String: Any])?["id"] as? String == String(status))
        }
    }

    @Test func hashtagsSearchTrendsAndPublicTimeline() async throws {
        try await Harness.with { h in
            let a = try await h.register("tagger"), b = try await h.register("tagger")
            let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
            let cafe = try await h.post(a, "coffee at the #Café\(suffix) 🎉 and #日本\(suffix)!")
            let second = try await h.post(b, "more #café\(suffix)🎉 <script>alert(1)</script>")
            _ = try await h.post(a, "private #café\(suffix)", visibility: "private")
            await h.drain()

            let tagged = try await h.call(.get, "/api/v1/timelines/tag/caf%C3%A9\(suffix)")
            #expect(tagged.ids == [String(second), String(cafe)], "Unicode tags, case-folded; private statuses left out")
            #expect(try await h.call(.get, "/api/v1/timelines/tag/%E6%97%A5%E6%9C%AC\(suffix)").ids == [String(cafe)])
            let first = tagged.array.last
            #expect((first?["tags"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.sorted() == ["café\(suffix)", "日本\(suffix)"])
            let content = tagged.array.first?["content"] as? String ?? ""
            #expect(content.contains("&lt;script&gt;") && !content.contains("<script>"), "user HTML is escaped")
            #expect(content.contains("rel=\"tag\">#<span>café\(suffix)</span></a>🎉"), "the emoji stays outside the tag link")

            let tags = try await h.call(.get, "/api/v2/search?type=hashtags&q=%23caf%C3%A9\(suffix)")
            #expect((tags.object["hashtags"] as? [[String: Any]])?.first?["name"] as? String == "café\(suffix)")
            let people = try await h.call(.get, "/api/v2/search?type=accounts&q=\(a.username.prefix(8))")
            #expect(((people.object["accounts"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == String(a.id) })
            let words = try await h.call(.get, "/api/v2/search?type=statuses&q=coffee")
            #expect(((words.object["statuses"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == String(cafe) })
            #expect(try await h.call(.get, "/api/v2/search?q=").status == .badRequest)
            #expect(try await h.call(.get, "/api/v2/search?q=\(String(repeating: "x", count: 500))").status == .badRequest)
            #expect(try await h.call(.get, "/api/v2/search?q=%25_%5C&type=accounts").status == .ok, "LIKE wildcards are literal")

            let trends = try await h.call(.get, "/api/v1/trends/tags?limit=20")
            let trend = trends.array.first { $0["name"] as? String == "café\(suffix)" }
            let today = (trend?["history"] as? [[String: Any]])?.first
            #expect(today?["uses"] as? String == "2")
            #expect(today?["accounts"] as? String == "2")
            #expect((trend?["history"] as? [[String: Any]])?.count == 7)

            let publicIds = try await h.call(.get, "/api/v1/timelines/public?limit=40").ids
            #expect(publicIds.contains(String(second)) && publicIds.contains(String(cafe)))
        }
    }

    @Test func updateCredentials() async throws {
        try await Harness.with { h in
            let me = try await h.register("profile")
            let updated = try await h.call(.patch, "/api/v1/accounts/update_credentials", token: me.token,
                                           form: ["display_name": "Ms <Profile>", "note": "line one\nline two"])
            #expect(updated.string("display_name") == "Ms <Profile>")
            #expect(updated.string("note") == "<p>line one<br />line two</p>")
            #expect((updated.object["source"] as? [String: Any])?["note"] as? String == "line one\nline two")
            #expect(try await h.call(.patch, "/api/v1/accounts/update_credentials", token: me.token,
                                     form: ["display_name": String(repeating: "x", count: 31)]).status == .unprocessableContent)
            #expect(try await h.call(.patch, "/api/v1/accounts/update_credentials", form: ["note": "x"]).status == .unauthorized)
        }
    }

    /// Two API nodes over the same PostgreSQL and Redis: a post taken by one reaches a streaming
    /// client connected to the other, over server-sent events and over WebSocket.
    @Test func streamingThroughADifferentAPINode() async throws {
        let live = { var options = Harness.Options(); options.live = true; return options }()
        try await Harness.with { writer in
            try await Harness.with(live) { reader in
                let author = try await writer.register("streamer"), follower = try await writer.register("listener")
                try await writer.follow(follower, author)
                try await writer.buildHome(follower)
                await writer.drain()
                #expect(try await reader.call(.get, "/api/v1/streaming/user").status == .unauthorized)

                // Server-sent events.
                var request = HTTPClientRequest(url: "\(reader.baseURL)/api/v1/streaming/user?access_token=\(follower.token)")
                request.method = .GET
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "content-type") == "text/event-stream")
                let posted = Task {
                    try await Task.sleep(for: .milliseconds(300))  // let the subscription register
                    let id = try await writer.post(author, "live from node one")
                    await writer.drain()
                    return id
                }
                var received = ""
                let deadline = ContinuousClock.now + .seconds(10)
                for try await chunk in response.body {
                    received += String(buffer: chunk)
                    if received.contains("event: update\n") || ContinuousClock.now > deadline { break }
                }
                let id = try await posted.value
                #expect(received.contains("event: update\ndata: {"))
                #expect(received.contains("\"id\":\"\(id)\""))

                // WebSocket, with a notification (a mention) and an update from a followed author.
                let events = try await withThrowingTaskGroup(of: [String].self) { group in
                    group.addTask {
                        let seen = NIOLockedValueBox<[String]>([])
                        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(reader.client.port ?? 0)/api/v1/streaming?access_token=\(follower.token)",
                                                          logger: Logger(label: "ws")) { inbound, outbound, _ in
                            try await outbound.write(.text("{\"type\":\"subscribe\",\"stream\":\"user\"}"))
                            for try await message in inbound.messages(maxSize: 1 << 20) {
                                guard case .text(let text) = message,
                                      let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                                      let event = object["event"] as? String else { continue }
                                #expect(object["stream"] as? [String] == ["user"])
                                #expect(object["payload"] is String, "payload is a JSON string, as Mastodon sends it")
                                let all = seen.withLockedValue { $0.append(event); return $0 }
                                if all.contains("update") && all.contains("notification") { break }
                            }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                        return seen.withLockedValue { $0 }
                    }
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(500))
                        _ = try await writer.post(author, "hello @\(follower.username)")
                        await writer.drain()
                        try await Task.sleep(for: .seconds(10))
                        return ["timeout"]
                    }
                    let first = try await group.next() ?? []
                    group.cancelAll()
                    return first
                }
                #expect(events.contains("update"))
                #expect(events.contains("notification"))
            }
        }
    }
}
