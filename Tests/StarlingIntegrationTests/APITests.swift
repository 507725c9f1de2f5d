import Foundation
import HTTPTypes
import Logging
@testable import StarlingAPI
import StarlingDomain
import StarlingRedis
import StarlingStore
import Testing

/// Mastodon API behaviour, and bad input: each is refused with the right code and changes nothing.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct APITests {
    @Test func instanceAndOAuthFlow() async throws {
        try await Harness.with { h in
            for path in ["/api/v1/instance", "/api/v1/instance/", "/api/v2/instance", "/api/v2/instance/"] {
                let reply = try await h.call(.get, path)
                #expect(reply.status == .ok, "\(path)")
                #expect(reply.string("version") == "4.2.0")
                let configuration = reply.object["configuration"] as? [String: Any]
                #expect((configuration?["statuses"] as? [String: Any])?["max_characters"] as? Int == 280)
            }
            let v1 = try await h.call(.get, "/api/v1/instance")
            #expect((v1.object["urls"] as? [String: Any])?["streaming_api"] as? String == "ws://starling.test")

            let user = try await h.register("oauth")
            let app = try await h.call(.post, "/api/v1/apps", form: ["client_name": "c", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"])
            let (id, secret) = (app.string("client_id"), app.string("client_secret"))
            for login in [user.username, "\(user.username)@example.com", user.username.uppercased()] {
                let token = try await h.call(.post, "/oauth/token", form: [
                    "grant_type": "password", "client_id": id, "client_secret": secret, "username": login, "password": "correct horse",
                ])
                #expect(token.status == .ok, "login as \(login)")
                let me = try await h.call(.get, "/api/v1/accounts/verify_credentials", token: token.string("access_token"))
                #expect(me.string("id") == String(user.id))
            }
            let wrong = try await h.call(.post, "/oauth/token", form: [
                "grant_type": "password", "client_id": id, "client_secret": secret, "username": user.username, "password": "wrong horse",
            ])
            #expect(wrong.status == .badRequest)
            #expect(wrong.error == "invalid_grant")
            let badClient = try await h.call(.post, "/oauth/token", form: ["grant_type": "client_credentials", "client_id": id, "client_secret": "nope"])
            #expect(badClient.status == .unauthorized)

            // An app token is not a user.
            #expect(try await h.call(.get, "/api/v1/timelines/home", token: h.appToken).status == .unprocessableContent)
            // Registration needs a token, and a username nobody has.
            #expect(try await h.call(.post, "/api/v1/accounts", form: ["username": "x", "email": "x@example.com", "password": "12345678"]).status == .unauthorized)
            let taken = try await h.call(.post, "/api/v1/accounts", token: h.appToken, form: [
                "username": user.username.uppercased(), "email": "other@example.com", "password": "correct horse", "agreement": "true",
            ])
            #expect(taken.status == .unprocessableContent)
        }
    }

    @Test func accountsLookupRelationshipsAndFollowLists() async throws {
        try await Harness.with { h in
            let a = try await h.register("acc_a"), b = try await h.register("acc_b")
            try await h.follow(a, b)
            let lookup = try await h.call(.get, "/api/v1/accounts/lookup?acct=\(b.username)")
            #expect(lookup.string("id") == String(b.id))
            #expect(lookup.string("acct") == b.username)
            #expect(try await h.call(.get, "/api/v1/accounts/lookup?acct=nobody_here_xyz").status == .notFound)

            let many = try await h.call(.get, "/api/v1/accounts/relationships?id[]=\(b.id)&id[]=\(a.id)", token: a.token)
            #expect(many.array.count == 2)
            #expect(many.array[0]["following"] as? Bool == true)
            #expect(many.array[1]["following"] as? Bool == false)
            let single = try await h.call(.get, "/api/v1/accounts/relationships?id=\(a.id)", token: b.token)
            #expect(single.array.first?["followed_by"] as? Bool == true)

            #expect(try await h.call(.get, "/api/v1/accounts/\(b.id)/followers").ids == [String(a.id)])
            #expect(try await h.call(.get, "/api/v1/accounts/\(a.id)/following").ids == [String(b.id)])
            // Following twice is idempotent: counters do not drift.
            try await h.follow(a, b)
            #expect(try await h.account(b)["followers_count"] as? Int == 1)
            // A lookup by name (from the node's caches once known) ignores case and shows the counters as they are.
            let upper = try await h.call(.get, "/api/v1/accounts/lookup?acct=@\(b.username.uppercased())")
            #expect(upper.string("id") == String(b.id))
            #expect(upper.object["followers_count"] as? Int == 1)
            #expect(try await h.call(.post, "/api/v1/accounts/\(b.id)/unfollow", token: a.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/accounts/lookup?acct=\(b.username)").object["followers_count"] as? Int == 0)
            try await h.follow(a, b)
            #expect(try await h.call(.post, "/api/v1/accounts/\(a.id)/follow", token: a.token).status == .forbidden)

            let s = try await h.post(b, "mine")
            let statuses = try await h.call(.get, "/api/v1/accounts/\(b.id)/statuses")
            #expect(statuses.ids == [String(s)])
        }
    }

    /// Account search ranks the matches by followers, among a bounded number of them (the first by
    /// name) so that a short prefix costs a bounded read however many accounts share it.
    @Test func accountSearchRanksABoundedSetOfMatchesByFollowers() async throws {
        try await Harness.with { h in
            let prefix = "srch" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
            // Named in order (a, b, c, d); each has as many followers as its place: d the most.
            var users: [Harness.User] = []
            for letter in ["a", "b", "c", "d"] { users.append(try await h.register(prefix + letter)) }
            for (k, user) in users.enumerated() {
                for follower in users.prefix(k) { try await h.follow(follower, user) }
            }
            let byFollowers = users.reversed().map(\.id)  // d, c, b, a
            let search = try await h.call(.get, "/api/v1/accounts/search?q=\(prefix)", token: users[0].token)
            #expect(search.ids == byFollowers.map(String.init))
            #expect(search.array.first?["followers_count"] as? Int == 3, "rendered with the counters the follows left")
            let v2 = try await h.call(.get, "/api/v2/search?type=accounts&q=\(prefix)", token: users[0].token)
            #expect((v2.object["accounts"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == byFollowers.map(String.init))
            // With two candidates, a and b (the first by name) are ranked; c and d are not reached.
            let store = h.services.interactions
            #expect(try await store.searchAccounts(prefix: prefix, limit: 2, offset: 0, candidates: 2) == [users[1].id, users[0].id])
            #expect(try await store.searchAccounts(prefix: prefix, limit: 1, offset: 1, candidates: 2) == [users[0].id])
            // A page deeper than the candidates reads as deep as it needs.
            #expect(try await store.searchAccounts(prefix: prefix, limit: 2, offset: 2, candidates: 2) == Array(byFollowers[2...]))
            #expect(try await store.searchAccounts(prefix: prefix + "%", limit: 40, offset: 0).isEmpty, "LIKE wildcards are literal")
        }
    }

    /// Followers and following pages (`starling_follow_page`: first page, `max_id`, `since_id`, both
    /// bounds), highest account id first, each account from the node's row cache.
    @Test func followListsArePagedInEveryDirection() async throws {
        try await Harness.with { h in
            let star = try await h.register("followpaged"), fan = try await h.register("followpager")
            var followers: [Int64] = [], followed: [Int64] = []
            for n in 0..<6 {
                let user = try await h.register("fpage\(n)")
                try await h.follow(user, star)
                try await h.follow(fan, user)
                followers.append(user.id)
                followed.append(user.id)
            }
            followers.sort(by: >)
            followed.sort(by: >)
            for (path, all) in [("/api/v1/accounts/\(star.id)/followers", followers), ("/api/v1/accounts/\(fan.id)/following", followed)] {
                func page(_ query: String) async throws -> [Int64] {
                    let reply = try await h.call(.get, "\(path)?\(query)", token: fan.token)
                    #expect(reply.status == .ok)
                    return reply.ids.compactMap { Int64($0) }
                }
                #expect(try await page("limit=40") == all)
                #expect(try await page("limit=2") == Array(all[0..<2]))
                #expect(try await page("limit=2&max_id=\(all[1])") == Array(all[2..<4]))
                #expect(try await page("limit=2&since_id=\(all[4])") == Array(all[0..<2]), "the highest above since_id")
                #expect(try await page("max_id=\(all[0])&since_id=\(all[4])") == Array(all[1..<4]))
                #expect(try await page("limit=2&since_id=\(all[0])").isEmpty)
            }
            // Rendered with the counters every follow above changed (the cache was invalidated each time).
            let entity = try await h.call(.get, "/api/v1/accounts/\(star.id)/followers?limit=1", token: fan.token).array.first
            #expect(entity?["id"] as? String == String(followers[0]))
            #expect(entity?["followers_count"] as? Int == 1 && entity?["following_count"] as? Int == 1)
            let starred = try await h.call(.get, "/api/v1/accounts/\(star.id)")
            #expect(starred.object["followers_count"] as? Int == 6)
            #expect(try await h.call(.get, "/api/v1/accounts/12345/followers").status == .notFound)
        }
    }

    /// A profile's pages (one author: `AuthorPageStatement`, prepared once per connection) in every
    /// paging direction, without deleted statuses or anyone else's.
    @Test func aProfileIsPagedInEveryDirection() async throws {
        try await Harness.with { h in
            let author = try await h.register("profiled"), other = try await h.register("neighbour")
            var mine: [Int64] = []
            for n in 0..<25 {
                mine.append(try await h.post(author, "profile status \(n)"))
                _ = try await h.post(other, "someone else's \(n)")
            }
            for gone in [mine[24], mine[10], mine[3]] {
                #expect(try await h.call(.delete, "/api/v1/statuses/\(gone)", token: author.token).status == .ok)
            }
            let visible = mine.filter { ![mine[24], mine[10], mine[3]].contains($0) }.sorted(by: >)
            func page(_ query: String) async throws -> [Int64] {
                let reply = try await h.call(.get, "/api/v1/accounts/\(author.id)/statuses?\(query)", token: other.token)
                #expect(reply.status == .ok)
                return reply.ids.compactMap { Int64($0) }
            }
            #expect(try await page("limit=10") == Array(visible.prefix(10)))
            #expect(try await page("limit=10&max_id=\(visible[9])") == Array(visible[10..<20]))
            #expect(try await page("limit=10&max_id=\(visible[19])") == Array(visible[20...]))
            #expect(try await page("limit=5&since_id=\(visible[7])") == Array(visible.prefix(5)), "since_id: the newest above it")
            #expect(try await page("limit=5&min_id=\(visible[7])") == Array(visible[2..<7]), "min_id: just above it")
            #expect(try await page("limit=2&min_id=\(visible[7])&max_id=\(visible[2])") == Array(visible[5..<7]), "min_id below max_id")
            #expect(try await page("limit=3&min_id=1") == Array(visible.suffix(3)), "min_id below everything: the oldest")
            #expect(try await page("min_id=\(visible[0])").isEmpty, "min_id at the top: nothing newer")
            #expect(try await page("max_id=\(visible[2])&since_id=\(visible[6])") == Array(visible[3..<6]))
            #expect(try await page("limit=40") == visible)
            #expect(try await h.call(.get, "/api/v1/accounts/12345/statuses", token: other.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/accounts/nope/statuses", token: other.token).status == .notFound)
        }
    }

    /// A tag's and the public timeline's pages (`starling_tag_page`, `starling_public_page`) in every
    /// paging direction: public statuses only (as Mastodon: not unlisted ones), none deleted.
    @Test func tagAndPublicTimelinesArePagedInEveryDirection() async throws {
        try await Harness.with { h in
            let author = try await h.register("tagpager"), reader = try await h.register("tagreader")
            let tag = "pagetag\(author.id)"
            var shown: [Int64] = [], hidden: [Int64] = []
            for n in 0..<20 {
                let visibility = n % 4 == 1 ? "private" : (n % 4 == 2 ? "unlisted" : "public")
                let id = try await h.post(author, "#\(tag) number \(n)", visibility: visibility)
                if visibility == "public" { shown.append(id) } else { hidden.append(id) }
            }
            let deleted = shown.remove(at: 4)
            #expect(try await h.call(.delete, "/api/v1/statuses/\(deleted)", token: author.token).status == .ok)
            _ = try await h.post(author, "#other\(author.id) not this tag")
            let tagged = shown.sorted(by: >)  // 9
            func page(_ path: String) async throws -> [Int64] {
                let reply = try await h.call(.get, path, token: reader.token)
                #expect(reply.status == .ok)
                return reply.ids.compactMap { Int64($0) }
            }
            let base = "/api/v1/timelines/tag/\(tag)"
            #expect(try await page("\(base)?limit=4") == Array(tagged.prefix(4)))
            #expect(try await page("\(base)?limit=4&max_id=\(tagged[3])") == Array(tagged[4..<8]))
            #expect(try await page("\(base)?limit=40&max_id=\(tagged[7])") == Array(tagged[8...]))
            #expect(try await page("\(base)?limit=3&since_id=\(tagged[6])") == Array(tagged.prefix(3)))
            #expect(try await page("\(base)?limit=3&min_id=\(tagged[6])") == Array(tagged[3..<6]))
            #expect(try await page("\(base)?limit=3&min_id=\(tagged[7])&max_id=\(tagged[2])") == Array(tagged[4..<7]))
            #expect(try await page("\(base)?limit=2&min_id=1") == Array(tagged.suffix(2)))
            #expect(try await page("/api/v1/timelines/tag/nosuchtag\(author.id)?min_id=1").isEmpty)
            #expect(try await page("/api/v1/timelines/tag/nosuchtag\(author.id)").isEmpty)

            // The public timeline is shared with the other tests' statuses: ours, in order, among them.
            let window = try await page("/api/v1/timelines/public?limit=40&max_id=\(tagged[0] + 1)&since_id=\(tagged.last! - 1)")
            let mine = Set(shown + hidden + [deleted])
            #expect(window.filter { mine.contains($0) } == tagged, "public ones, in order, none deleted, private or unlisted")
            #expect(window == window.sorted(by: >))
            #expect(window.allSatisfy { $0 <= tagged[0] && $0 >= tagged.last! })
            // Oldest first from min_id (`starling_public_page_ascending`), returned newest first.
            let above = try await page("/api/v1/timelines/public?limit=40&min_id=\(tagged.last! - 1)&max_id=\(tagged[0] + 1)")
            #expect(above == window, "the same window read up from its lower bound")
            let lowest = try await page("/api/v1/timelines/public?limit=2&min_id=\(tagged.last! - 1)")
            #expect(lowest == Array(window.suffix(2)), "the two just above min_id")
        }
    }

    @Test func badInputIsRefusedAndWritesNothing() async throws {
        try await Harness.with { h in
            let user = try await h.register("hostile"), other = try await h.register("victim")
            let depthBefore = try await h.outboxRows(of: [user, other])
            func expectError(_ reply: Harness.Reply, _ status: HTTPResponse.Status, _ what: String) {
                #expect(reply.status == status, "\(what): \(reply.status) \(String(decoding: reply.bytes, as: UTF8.self))")
                #expect(reply.error?.isEmpty == false, "\(what) has a Mastodon error body")
            }
            expectError(try await h.call(.get, "/api/v1/timelines/home"), .unauthorized, "no token")
            expectError(try await h.call(.get, "/api/v1/timelines/home", token: "forged"), .unauthorized, "bad token")
            expectError(try await h.call(.post, "/api/v1/statuses", form: ["status": "hi"]), .unauthorized, "post without token")
            expectError(try await h.call(.post, "/api/v1/statuses", token: user.token, form: ["status": "   "]), .unprocessableContent, "blank")
            expectError(try await h.call(.post, "/api/v1/statuses", token: user.token, form: [:]), .unprocessableContent, "missing")
            expectError(try await h.call(.post, "/api/v1/statuses", token: user.token, form: ["status": String(repeating: "a", count: 281)]),
                        .unprocessableContent, "281 characters")
            expectError(try await h.call(.post, "/api/v1/statuses", token: user.token, form: ["status": "x", "visibility": "everyone"]),
                        .unprocessableContent, "bad visibility")
            expectError(try await h.call(.post, "/api/v1/statuses", token: user.token, form: ["status": "x", "in_reply_to_id": "12345"]),
                        .notFound, "reply to a missing status")
            expectError(try await h.call(.post, "/api/v1/statuses", token: user.token, rawBody: Array("status=%FF%FE".utf8)),
                        .unprocessableContent, "invalid UTF-8")
            expectError(try await h.call(.post, "/api/v1/statuses", token: user.token, rawBody: Array("{\"status\": ".utf8), contentType: "application/json"),
                        .badRequest, "broken JSON")
            expectError(try await h.call(.post, "/api/v1/statuses", token: user.token, rawBody: Array("status=".utf8) + [UInt8](repeating: 0x61, count: 70_000)),
                        .contentTooLarge, "oversized body")
            expectError(try await h.call(.get, "/api/v1/timelines/home?limit=abc", token: user.token), .badRequest, "bad limit")
            expectError(try await h.call(.get, "/api/v1/timelines/home?max_id=-5", token: user.token), .badRequest, "bad max_id")
            expectError(try await h.call(.get, "/api/v1/accounts/123"), .notFound, "unknown account")
            expectError(try await h.call(.get, "/api/v1/accounts/not-a-number"), .notFound, "malformed account id")
            expectError(try await h.call(.get, "/api/v1/statuses/123"), .notFound, "unknown status")
            expectError(try await h.call(.post, "/api/v1/accounts/999/follow", token: user.token), .notFound, "follow unknown")
            expectError(try await h.call(.get, "/api/v1/no/such/route"), .notFound, "unknown route")

            #expect(try await h.account(user)["statuses_count"] as? Int == 0, "nothing was written")
            #expect(try await h.account(other)["followers_count"] as? Int == 0)
            #expect(try await h.outboxRows(of: [user, other]) == depthBefore)

            // Exactly at the limit is fine, counted as Mastodon counts: a URL is 23 characters.
            _ = try await h.post(user, String(repeating: "a", count: 280))
            _ = try await h.post(user, String(repeating: "b", count: 250) + " https://example.com/" + String(repeating: "p", count: 100))
            // JSON bodies work as well as forms.
            let json = try await h.call(.post, "/api/v1/statuses", token: user.token,
                                        rawBody: Array("{\"status\": \"from <json> & friends\"}".utf8), contentType: "application/json")
            #expect(json.status == .ok)
            #expect(json.string("content") == "<p>from &lt;json&gt; &amp; friends</p>")
        }
    }

    @Test func cachedTokensAndAccountsStillAnswerCorrectly() async throws {
        var options = Harness.Options()
        options.cacheTTL = .seconds(30)
        try await Harness.with(options) { h in
            let user = try await h.register("cached")
            for _ in 0..<3 {
                #expect(try await h.call(.get, "/api/v1/accounts/verify_credentials", token: user.token).string("id") == String(user.id))
            }
            #expect(try await h.call(.get, "/api/v1/timelines/home", token: "forged-\(user.token)").status == .unauthorized)
            // A follow on this node drops the cached pulled-author list and account rows at once.
            let star = try await h.register("cachedstar")
            for _ in 0..<3 { try await h.follow(try await h.register("cf"), star) }
            _ = try await h.home(user)
            try await h.follow(user, star)
            let status = try await h.post(star, "seen despite the cache")
            await h.drain()
            #expect(try await h.home(user).first == status)
            let renamed = try await h.call(.patch, "/api/v1/accounts/update_credentials", token: star.token, form: ["display_name": "Star"])
            #expect(renamed.status == .ok)
            let shown = try await h.call(.get, "/api/v1/timelines/home", token: user.token).array.first?["account"] as? [String: Any]
            #expect(shown?["display_name"] as? String == "Star")
        }
    }

    /// Two API nodes with long-lived caches: a change made through one reaches the other's cached
    /// account rows and pulled-author lists through pub/sub, not by waiting out the cache lifetime.
    @Test func cacheInvalidationsReachTheOtherNode() async throws {
        let options = { var options = Harness.Options(); options.cacheTTL = .seconds(300); return options }()
        try await Harness.with(options) { writer in
            try await Harness.with(options) { reader in
                let fan = try await writer.register("fan"), star = try await writer.register("xstar")
                try await writer.follow(fan, star)
                try await writer.buildHome(fan)
                let first = try await writer.post(star, "before the rename")
                await writer.drain()
                func shownName() async throws -> String? {
                    let page = try await reader.call(.get, "/api/v1/timelines/home", token: fan.token).array
                    return (page.first { $0["id"] as? String == String(first) }?["account"] as? [String: Any])?["display_name"] as? String
                }
                #expect(try await shownName() == "", "the reader node now caches the star's row")
                let renamed = try await writer.call(.patch, "/api/v1/accounts/update_credentials", token: star.token,
                                                    form: ["display_name": "Renamed"])
                #expect(renamed.status == .ok)
                var name: String?
                for _ in 0..<50 {
                    name = try await shownName()
                    if name == "Renamed" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(name == "Renamed", "the other node dropped its cached row on the writer's invalidation")
            }
        }
    }

    @Test func invalidationMessagesRoundTripAndRejectGarbage() {
        let message = CacheInvalidation(accounts: [1, 42], pulledOf: [7], allPulled: true)
        #expect(CacheInvalidation(payload: message.payload) == message)
        var posted = CacheInvalidation(accounts: [3])
        posted.posted = [.init(account: 5, statusesCount: 12, lastStatusAtMillis: 1_764_000_000_123)]
        #expect(CacheInvalidation(payload: posted.payload) == posted)
        #expect(String(decoding: posted.payload, as: UTF8.self) == "a3 s5:12:1764000000123")
        #expect(CacheInvalidation(payload: Array("a1 x2".utf8)) == CacheInvalidation(accounts: [1]), "a newer version's kind is skipped")
        #expect(CacheInvalidation(payload: Array("a".utf8)) == nil)
        #expect(CacheInvalidation(payload: Array("s5:12".utf8)) == nil)
        #expect(CacheInvalidation(payload: Array("s5:12:x".utf8)) == nil)
        #expect(CacheInvalidation(payload: Array("a1 #2".utf8)) == nil)
        #expect(CacheInvalidation(payload: []) == CacheInvalidation(accounts: [], pulledOf: [], allPulled: false))
    }

    /// Another node's post raises the author's counters in this node's cached row (no trip to
    /// PostgreSQL for it), never lowers them, and a fill that read the row before is refused.
    @Test func aPostRaisesTheCachedCountersOfItsAuthor() async throws {
        let options = { var options = Harness.Options(); options.cacheTTL = .seconds(300); return options }()
        try await Harness.with(options) { h in
            let author = try await h.register("poster")
            let cached = try #require(try await h.services.accountRows([author.id])[author.id])
            #expect(cached.statusesCount == 0)
            let later = Date().addingTimeInterval(60)
            func message(_ count: Int64, at date: Date) -> [UInt8] {
                var message = CacheInvalidation()
                message.posted = [.init(account: author.id, statusesCount: count, lastStatusAtMillis: Int64(date.timeIntervalSince1970 * 1000))]
                return message.payload
            }
            let channel = RedisKeys.cacheInvalidationChannel
            _ = try await h.redis.send(key: channel, .publish(channel, message(7, at: later)))
            for _ in 0..<100 where h.services.accountRows.get(author.id)?.statusesCount != 7 { try await Task.sleep(for: .milliseconds(20)) }
            let raised = try #require(h.services.accountRows.get(author.id))
            #expect(raised.statusesCount == 7)
            #expect(abs((raised.lastStatusAt ?? .distantPast).timeIntervalSince(later)) < 0.01)
            #expect(raised.username == cached.username, "the rest of the row is kept")

            // An earlier post's message, arriving late, lowers nothing.
            let ticket = h.services.accountRows.fillTicket()
            h.services.apply(try #require(CacheInvalidation(payload: message(6, at: Date()))))
            #expect(h.services.accountRows.get(author.id)?.statusesCount == 7)
            #expect(h.services.accountRows.get(author.id)?.lastStatusAt == raised.lastStatusAt)
            // A fill that read the row before the message does not put the old counters back.
            h.services.accountRows.set(author.id, cached, readSince: ticket)
            #expect(h.services.accountRows.get(author.id)?.statusesCount == 7)

            // This node's own post leaves its row as the post left it (statuses_count from PostgreSQL).
            _ = try await h.post(author, "counted")
            #expect(h.services.accountRows.get(author.id)?.statusesCount == 1)
        }
    }

    /// A fill that read the source before an invalidation must not install its stale value.
    @Test func aFillOlderThanAnInvalidationIsRefused() {
        let cache = ExpiringCache<Int64, String>(ttl: .seconds(60))
        let ticket = cache.fillTicket()
        cache.invalidate([1])
        cache.set(1, "stale", readSince: ticket)
        #expect(cache.get(1) == nil)
        cache.set(1, "fresh", readSince: cache.fillTicket())
        #expect(cache.get(1) == "fresh")
        let beforeClear = cache.fillTicket()
        cache.invalidateAll()
        cache.set(2, "stale", readSince: beforeClear)
        #expect(cache.get(1) == nil && cache.get(2) == nil)
    }

    /// Entries filled in the same instant expire spread over 0.9–1.1 × the TTL, not all at once.
    @Test func entriesFilledTogetherExpireApart() {
        let cache = ExpiringCache<Int64, String>(ttl: .seconds(100))
        let start = ContinuousClock.now
        for key in 0..<200 { cache.set(Int64(key), "row") }
        let lifetimes = (0..<200).compactMap { cache.expiry(of: Int64($0)) }.map { $0 - start }
        #expect(lifetimes.count == 200)
        #expect(lifetimes.allSatisfy { $0 >= .seconds(90) && $0 <= .seconds(111) })
        #expect(lifetimes.max()! - lifetimes.min()! > .seconds(10), "spread over the window")
    }

    /// The workers' events are subscribed to only while the node has streaming clients (and for a
    /// linger after the last leaves); the cache invalidations always are.
    @Test func eventsAreSubscribedToOnlyWhileSomeoneStreams() async throws {
        try await Harness.with { h in
            let hub = StreamingHub(services: h.services, logger: Logger(label: "test"), linger: .milliseconds(100))
            let running = Task { try await hub.run() }
            defer { running.cancel() }
            #expect(!hub.isSubscribedToEvents)
            let first = try await hub.register(userId: nil)
            #expect(hub.isSubscribedToEvents, "confirmed by Redis before register returns")
            let second = try await hub.register(userId: nil)
            hub.unregister(first)
            try await Task.sleep(for: .milliseconds(300))
            #expect(hub.isSubscribedToEvents, "a client is still streaming")
            hub.unregister(second)
            for _ in 0..<100 where hub.isSubscribedToEvents { try await Task.sleep(for: .milliseconds(20)) }
            #expect(!hub.isSubscribedToEvents, "off once the linger has passed")

            // Without clients, another node's invalidation still lands.
            h.services.pulledAuthors.set(7_000_001, [1])
            let channel = RedisKeys.cacheInvalidationChannel
            _ = try await h.redis.send(key: channel, .publish(channel, CacheInvalidation(pulledOf: [7_000_001]).payload))
            for _ in 0..<100 where h.services.pulledAuthors.get(7_000_001) != nil { try await Task.sleep(for: .milliseconds(20)) }
            #expect(h.services.pulledAuthors.get(7_000_001) == nil)
        }
    }

    @Test func migrationsAreIdempotent() async throws {
        try await Harness.with { h in
            let applied = try await Migrator(database: h.database).migrate()
            #expect(applied == [])
        }
    }

    @Test func opsEndpoints() async throws {
        try await Harness.with { h in
            #expect(try await h.call(.get, "/health").status == .ok)
            let ready = try await h.call(.get, "/ready")
            #expect(ready.status == .ok)
            #expect(ready.string("postgres") == "ok")
            _ = try await h.call(.get, "/api/v1/instance")
            let metrics = String(decoding: try await h.call(.get, "/metrics").bytes, as: UTF8.self)
            #expect(metrics.contains("starling_http_request_duration_seconds"))
            #expect(metrics.contains("route=\"/api/v1/instance\""))
            #expect(metrics.contains("starling_postgres_query_duration_seconds"))
        }
    }
}
