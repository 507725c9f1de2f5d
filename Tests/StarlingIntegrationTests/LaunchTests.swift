import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
@testable import StarlingAPI
import StarlingDomain
import StarlingRedis
import StarlingStore
import Testing

/// The calls apps make at launch, and followed hashtags reaching homes through real fan-out,
/// against the real PostgreSQL and Redis of the test run. Serialized: tests drain the shared outbox.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct LaunchTests {
    private static func dict(_ value: Any?) -> [String: Any] { value as? [String: Any] ?? [:] }

    /// Takes this test's tags out of today's trends, so the trends other suites read are theirs
    /// (the trend counters live in the shared Redis of the test run).
    private static func forgetTrending(_ h: Harness, _ tags: String...) async throws {
        let key = RedisKeys.trendUses(day: Int(Date().timeIntervalSince1970 / 86_400))
        _ = try await h.redis.send(key: key, RedisCommand(["ZREM", key] + tags))
    }

    /// A token with only the given scopes, for `user` (the password grant of a new app).
    private static func token(_ h: Harness, _ user: Harness.User, scopes: String) async throws -> String {
        let app = try await h.call(.post, "/api/v1/apps", form: ["client_name": "scoped", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes])
        let reply = try await h.call(.post, "/oauth/token", form: [
            "grant_type": "password", "client_id": app.string("client_id"), "client_secret": app.string("client_secret"),
            "username": user.username, "password": "correct horse", "scope": scopes,
        ])
        try #require(reply.status == .ok, "token: \(String(decoding: reply.bytes, as: UTF8.self))")
        return reply.string("access_token")
    }

    @Test func instanceEntitiesListTheRealLimitsRulesAndUsage() async throws {
        var options = Harness.Options()
        options.maxCharacters = 777
        options.rules = try InstanceRule.parse("Be kind\nNo spam")
        try await Harness.with(options) { h in
            let user = try await h.register("inst")
            _ = try await h.post(user, "counted")

            let v2 = try await h.call(.get, "/api/v2/instance")
            #expect(v2.status == .ok)
            #expect(v2.string("domain") == "starling.test")
            let configuration = Self.dict(v2.object["configuration"])
            #expect(Self.dict(configuration["urls"])["streaming"] as? String == "ws://starling.test")
            let statuses = Self.dict(configuration["statuses"])
            #expect(statuses["max_characters"] as? Int == 777, "the setting, not a constant")
            #expect(statuses["characters_reserved_per_url"] as? Int == 23)
            #expect(statuses["max_media_attachments"] as? Int == 4)
            let polls = Self.dict(configuration["polls"])  // PollLimits: the limits posts and edits are held to
            #expect(polls["max_options"] as? Int == 4)
            #expect(polls["max_characters_per_option"] as? Int == 50)
            #expect(polls["min_expiration"] as? Int == 300)
            #expect(polls["max_expiration"] as? Int == 2_629_746)
            #expect(Self.dict(configuration["accounts"])["max_featured_tags"] as? Int == 0)
            let media = Self.dict(configuration["media_attachments"])  // images only (MediaTests)
            #expect(media["supported_mime_types"] as? [String] == ["image/jpeg", "image/png", "image/webp", "image/gif", "image/heic"])
            #expect(media["image_size_limit"] as? Int == 16 * 1_048_576 && media["video_size_limit"] as? Int == 0)
            let activeMonth = Self.dict(Self.dict(v2.object["usage"])["users"])["active_month"] as? Int ?? 0
            #expect(activeMonth >= 1, "the user just seen counts")
            #expect(Self.dict(v2.object["registrations"])["enabled"] as? Bool == true)
            #expect(Self.dict(v2.object["contact"]).keys.sorted() == ["account", "email"])
            let rules = v2.object["rules"] as? [[String: Any]] ?? []
            #expect(rules.map { $0["text"] as? String } == ["Be kind", "No spam"])
            #expect(rules.map { $0["id"] as? String } == ["1", "2"])
            #expect(rules.allSatisfy { $0["hint"] as? String == "" })

            let v1 = try await h.call(.get, "/api/v1/instance")
            #expect(v1.status == .ok)
            #expect(Self.dict(v1.object["urls"])["streaming_api"] as? String == "ws://starling.test")
            let stats = Self.dict(v1.object["stats"])
            #expect(stats["user_count"] as? Int ?? 0 >= 1)
            #expect(stats["status_count"] as? Int ?? 0 >= 1)
            #expect((v1.object["rules"] as? [[String: Any]])?.count == 2)
            #expect(Self.dict(Self.dict(v1.object["configuration"])["statuses"])["max_characters"] as? Int == 777)

            let listed = try await h.call(.get, "/api/v1/instance/rules")
            #expect(listed.status == .ok)
            #expect(listed.array.map { $0["text"] as? String } == ["Be kind", "No spam"])
            for path in ["/api/v1/instance/peers", "/api/v1/custom_emojis"] {
                let reply = try await h.call(.get, path)
                #expect(reply.status == .ok, "\(path)")
                #expect(reply.json as? [Any] != nil && reply.array.isEmpty, "\(path): an empty list")
            }
            let announcements = try await h.call(.get, "/api/v1/announcements", token: user.token)
            #expect(announcements.status == .ok)
            #expect(announcements.json as? [Any] != nil)
            #expect(try await h.call(.get, "/api/v1/announcements").status == .unauthorized)

            let preferences = try await h.call(.get, "/api/v1/preferences", token: user.token)
            #expect(preferences.status == .ok)
            #expect(preferences.object["posting:default:visibility"] as? String == "public")
            #expect(preferences.object["posting:default:sensitive"] as? Bool == false)
            #expect(preferences.object.keys.contains("posting:default:language"))
            #expect(preferences.object["reading:expand:media"] as? String == "default")
            #expect(preferences.object["reading:expand:spoilers"] as? Bool == false)
            #expect(try await h.call(.get, "/api/v1/preferences").status == .unauthorized)
            let writeOnly = try await Self.token(h, user, scopes: "write")
            #expect(try await h.call(.get, "/api/v1/preferences", token: writeOnly).status == .forbidden)
        }
    }

    @Test func instanceActivityCountsTwelveWeeksFromPostgreSQL() async throws {
        // Each harness has its own API node, whose figures are computed on first use.
        // The current week's counts as a fresh node computes them, before this test adds to them.
        let before: [String: Int] = try await Harness.with { h in
            let current = try await h.call(.get, "/api/v1/instance/activity").array.first ?? [:]
            var out: [String: Int] = [:]
            for key in ["statuses", "registrations"] { out[key] = (current[key] as? String).flatMap { Int($0) } ?? -1 }
            return out
        }
        try await Harness.with { h in
            let user = try await h.register("active")
            _ = try await h.post(user, "one")
            _ = try await h.post(user, "two")
            let reply = try await h.call(.get, "/api/v1/instance/activity")
            #expect(reply.status == .ok)
            let weeks = reply.array
            #expect(weeks.count == 12)
            let starts = weeks.compactMap { ($0["week"] as? String).flatMap { Int64($0) } }
            #expect(starts == InstanceActivity.weekStarts(now: Date()), "Mondays, newest first, as unix seconds")
            for week in weeks {
                #expect(["statuses", "logins", "registrations"].allSatisfy { (week[$0] as? String).flatMap { Int($0) } != nil })
            }
            func count(_ key: String) -> Int { (weeks.first?[key] as? String).flatMap { Int($0) } ?? -1 }
            let (statuses, registrations, logins) = (count("statuses"), count("registrations"), count("logins"))
            #expect(statuses >= (before["statuses"] ?? 0) + 2)
            #expect(registrations >= (before["registrations"] ?? 0) + 1)
            #expect(logins >= 1)
            let loggedIn = try await h.database.query("test_activity_login", """
                SELECT count(*) FROM account_activity_weeks WHERE account_id = \(user.id)
                """).collect(Int64.self)
            #expect(loggedIn == [1], "a login is recorded once per week, however many requests")
        }
    }

    @Test func markersRoundTripWithVersions() async throws {
        try await Harness.with { h in
            let user = try await h.register("marks")
            let empty = try await h.call(.get, "/api/v1/markers?timeline[]=home&timeline[]=notifications", token: user.token)
            #expect(empty.status == .ok)
            #expect(empty.object.isEmpty, "no marker saved yet")

            let first = try await h.call(.post, "/api/v1/markers", token: user.token, form: ["home[last_read_id]": "103"])
            #expect(first.status == .ok)
            let home = Self.dict(first.object["home"])
            #expect(home["last_read_id"] as? String == "103")
            #expect(home["version"] as? Int == 1)
            #expect((home["updated_at"] as? String)?.hasSuffix("Z") == true)
            #expect(first.object["notifications"] == nil, "only what was saved")

            let same = try await h.call(.post, "/api/v1/markers", token: user.token, form: ["home[last_read_id]": "103"])
            #expect(Self.dict(same.object["home"])["version"] as? Int == 1, "an unchanged position keeps its version")
            let moved = try await h.call(.post, "/api/v1/markers", token: user.token, form: ["home[last_read_id]": "110"])
            #expect(Self.dict(moved.object["home"])["version"] as? Int == 2)

            let json = #"{"home": {"last_read_id": "120"}, "notifications": {"last_read_id": 7}}"#
            let both = try await h.call(.post, "/api/v1/markers", token: user.token, rawBody: Array(json.utf8), contentType: "application/json")
            #expect(both.status == .ok)
            #expect(Self.dict(both.object["home"])["version"] as? Int == 3)
            #expect(Self.dict(both.object["home"])["last_read_id"] as? String == "120")
            #expect(Self.dict(both.object["notifications"])["last_read_id"] as? String == "7")
            #expect(Self.dict(both.object["notifications"])["version"] as? Int == 1)

            let read = try await h.call(.get, "/api/v1/markers?timeline[]=home&timeline[]=notifications", token: user.token)
            #expect(read.object.keys.sorted() == ["home", "notifications"])
            #expect(Self.dict(read.object["home"])["last_read_id"] as? String == "120")
            let onlyHome = try await h.call(.get, "/api/v1/markers?timeline[]=home", token: user.token)
            #expect(onlyHome.object.keys.sorted() == ["home"])

            // Bad input: Mastodon's error format, and nothing saved.
            let unknown = try await h.call(.post, "/api/v1/markers", token: user.token,
                                           form: ["home[last_read_id]": "999", "public[last_read_id]": "1"])
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.error?.contains("Timeline") == true)
            let notNumber = try await h.call(.post, "/api/v1/markers", token: user.token, form: ["home[last_read_id]": "abc"])
            #expect(notNumber.status == .unprocessableContent)
            #expect(notNumber.error == "Validation failed: Last read is not a number")
            let after = try await h.call(.get, "/api/v1/markers?timeline[]=home", token: user.token)
            #expect(Self.dict(after.object["home"])["last_read_id"] as? String == "120")
            #expect(Self.dict(after.object["home"])["version"] as? Int == 3)
            #expect(try await h.call(.get, "/api/v1/markers?timeline[]=lists", token: user.token).status == .badRequest)
            #expect(try await h.call(.get, "/api/v1/markers?timeline[]=home").status == .unauthorized)
            let readOnly = try await Self.token(h, user, scopes: "read")
            #expect(try await h.call(.post, "/api/v1/markers", token: readOnly, form: ["home[last_read_id]": "1"]).status == .forbidden)
            #expect(try await h.call(.get, "/api/v1/markers?timeline[]=home", token: readOnly).status == .ok)
            // Another user's markers are their own.
            let other = try await h.register("marks2")
            #expect(try await h.call(.get, "/api/v1/markers?timeline[]=home", token: other.token).object.isEmpty)
        }
    }

    @Test func followedTagReachesHomeThroughFanOutOnceAndStopsAfterUnfollow() async throws {
        try await Harness.with { h in
            let tag = Harness.uniqueName("tag")
            let author = try await h.register("tagauthor"), reader = try await h.register("tagreader")
            let fan = try await h.register("tagfan"), stranger = try await h.register("tagstranger")
            try await h.follow(fan, author)  // `fan` follows the author and the tag
            for user in [reader, fan] { try await h.buildHome(user) }
            await h.drain()

            let followed = try await h.call(.post, "/api/v1/tags/\(tag)/follow", token: reader.token)
            #expect(followed.status == .ok)
            #expect(followed.string("name") == tag)
            #expect(followed.object["following"] as? Bool == true)
            #expect(followed.string("url") == "http://starling.test/tags/\(tag)")
            #expect(!followed.string("id").isEmpty)
            #expect((followed.object["history"] as? [[String: Any]])?.count == 7)
            #expect(try await h.call(.post, "/api/v1/tags/\(tag.uppercased())/follow", token: fan.token).status == .ok)

            let tagged = try await h.post(author, "hello #\(tag)")
            let untagged = try await h.post(author, "no tag here")
            let unlisted = try await h.post(author, "quiet #\(tag)", visibility: "unlisted")
            let reply = try await h.post(author, "@\(stranger.username) a reply #\(tag)", inReplyTo: try await h.post(stranger, "question"))
            await h.drain()

            #expect(try await h.redisHome(reader) == [reply, tagged], "public tagged statuses, replies too, pushed by fan-out")
            #expect(try await h.home(reader) == [reply, tagged], "and not filtered out by the home's reply rule")
            // A follower of the author who follows the tag too: each status once.
            let fanHome = try await h.redisHome(fan)
            #expect(fanHome.filter { $0 == tagged }.count == 1)
            #expect(Set(fanHome).isSuperset(of: [tagged, untagged, unlisted, reply]), "the reply came through the tag")
            #expect(try await h.home(fan) == [reply, unlisted, untagged, tagged])

            let shown = try await h.call(.get, "/api/v1/tags/\(tag)", token: reader.token)
            #expect(shown.object["following"] as? Bool == true)
            let history = shown.object["history"] as? [[String: Any]] ?? []
            #expect(history.first?["uses"] as? String == "2", "today's public uses: the post and the reply")
            #expect(history.first?["accounts"] as? String == "1")
            #expect(try await h.call(.get, "/api/v1/tags/\(tag)").object["following"] == nil, "anonymous: no following key")
            let list = try await h.call(.get, "/api/v1/followed_tags", token: reader.token)
            #expect(list.status == .ok)
            #expect(list.array.map { $0["name"] as? String } == [tag])

            // A rebuilt home equals the fanned-out one.
            let expected = try await h.home(reader)
            _ = try await h.redis.send(key: RedisKeys.home(reader.id), RedisCommand("DEL", RedisKeys.home(reader.id), RedisKeys.homeReady(reader.id)))
            #expect(try await h.home(reader) == expected, "served by pull meanwhile")
            try await h.buildHome(reader)
            #expect(try await h.redisHome(reader) == expected, "and rebuilt")

            // Unfollowing stops new ones and takes the old ones off the home.
            let unfollowed = try await h.call(.post, "/api/v1/tags/\(tag)/unfollow", token: reader.token)
            #expect(unfollowed.status == .ok)
            #expect(unfollowed.object["following"] as? Bool == false)
            #expect(try await h.redisHome(reader).isEmpty)
            let later = try await h.post(author, "again #\(tag)")
            await h.drain()
            #expect(try await h.home(reader).isEmpty)
            #expect(try await h.home(fan).first == later, "still followed by the other")
            _ = try await h.redis.send(key: RedisKeys.home(reader.id), RedisCommand("DEL", RedisKeys.home(reader.id), RedisKeys.homeReady(reader.id)))
            try await h.buildHome(reader)
            #expect(try await h.redisHome(reader).isEmpty, "a rebuilt home agrees")
            #expect(try await h.call(.get, "/api/v1/followed_tags", token: reader.token).array.isEmpty)
            try await Self.forgetTrending(h, tag)
        }
    }

    @Test func statusesFromBeforeTheFollowAndTheReadersOwnAreNotPushedThroughATag() async throws {
        try await Harness.with { h in
            let tag = Harness.uniqueName("tag")
            let author = try await h.register("early"), reader = try await h.register("late")
            try await h.buildHome(reader)
            let old = try await h.post(author, "before #\(tag)")
            await h.drain()
            _ = try await h.call(.post, "/api/v1/tags/\(tag)/follow", token: reader.token)
            let own = try await h.post(reader, "mine #\(tag)")
            let new = try await h.post(author, "after #\(tag)")
            await h.drain()
            #expect(try await h.redisHome(reader) == [new, own], "its own once; the older one not merged (as Mastodon)")
            #expect(try await h.home(reader) == [new, own])
            #expect(!(try await h.home(reader)).contains(old))
            _ = try await h.redis.send(key: RedisKeys.home(reader.id), RedisCommand("DEL", RedisKeys.home(reader.id), RedisKeys.homeReady(reader.id)))
            try await h.buildHome(reader)
            #expect(try await h.redisHome(reader) == [new, own], "a rebuilt home agrees")
            try await Self.forgetTrending(h, tag)
        }
    }

    /// Chunks of 2 (the harness's chunk size): the keyset runs over followers and tag followers
    /// together, so everyone is reached once across chunks, whatever mix of ways they qualify.
    @Test func chunkedFanOutReachesFollowersAndTagFollowersOnce() async throws {
        var options = Harness.Options()
        options.policy = FanoutPolicy(model: .hybrid, celebrityThreshold: 100, chunkSize: 2, homeLength: 800)
        try await Harness.with(options) { h in
            let tag = Harness.uniqueName("tag")
            let author = try await h.register("chunkauthor")
            var readers: [Harness.User] = []
            for index in 0..<6 { readers.append(try await h.register("chunk\(index)")) }
            // 0, 1: followers only; 2, 3: both; 4, 5: the tag only.
            for reader in readers[0...3] { try await h.follow(reader, author) }
            for reader in readers[2...5] {
                #expect(try await h.call(.post, "/api/v1/tags/\(tag)/follow", token: reader.token).status == .ok)
            }
            for reader in readers { try await h.buildHome(reader) }
            await h.drain()
            let status = try await h.post(author, "to all #\(tag)")
            let plain = try await h.post(author, "followers only")
            await h.drain()
            for (index, reader) in readers.enumerated() {
                let home = try await h.redisHome(reader)
                #expect(home.filter { $0 == status }.count == 1, "reader \(index) gets the tagged status once")
                #expect(home.contains(plain) == (index < 4), "reader \(index): the untagged one only as a follower")
            }
            try await Self.forgetTrending(h, tag)
        }
    }

    /// A block either way keeps a tagged status out of a tag follower's home list (fan-out's own
    /// check, `starling_fanout_recipients_tagged`: reads hide blocked authors too, so the Redis list
    /// is what shows it).
    @Test func aBlockEitherWayKeepsTaggedStatusesFromTagFollowers() async throws {
        try await Harness.with { h in
            let tag = Harness.uniqueName("tag")
            let author = try await h.register("blockauthor")
            let blocker = try await h.register("tagblocker"), blocked = try await h.register("tagblocked")
            let reader = try await h.register("tagplain")
            for user in [blocker, blocked, reader] {
                #expect(try await h.call(.post, "/api/v1/tags/\(tag)/follow", token: user.token).status == .ok)
                try await h.buildHome(user)
            }
            #expect(try await h.call(.post, "/api/v1/accounts/\(author.id)/block", token: blocker.token).status == .ok)
            #expect(try await h.call(.post, "/api/v1/accounts/\(blocked.id)/block", token: author.token).status == .ok)
            await h.drain()
            let status = try await h.post(author, "to the tag #\(tag)")
            await h.drain()
            #expect(try await h.redisHome(reader).contains(status))
            #expect(try await !h.redisHome(blocker).contains(status), "the follower blocked the author")
            #expect(try await !h.redisHome(blocked).contains(status), "the author blocked the follower")
            try await Self.forgetTrending(h, tag)
        }
    }

    @Test func unfollowingTheAuthorKeepsWhatAFollowedTagBrings() async throws {
        try await Harness.with { h in
            let tag = Harness.uniqueName("tag")
            let author = try await h.register("unfauthor"), reader = try await h.register("unfreader")
            try await h.follow(reader, author)
            try await h.buildHome(reader)
            #expect(try await h.call(.post, "/api/v1/tags/\(tag)/follow", token: reader.token).status == .ok)
            await h.drain()
            let tagged = try await h.post(author, "kept #\(tag)")
            let plain = try await h.post(author, "dropped")
            await h.drain()
            #expect(try await h.redisHome(reader) == [plain, tagged])
            #expect(try await h.call(.post, "/api/v1/accounts/\(author.id)/unfollow", token: reader.token).status == .ok)
            await h.drain()
            #expect(try await h.redisHome(reader) == [tagged], "the tag still brings it")
            _ = try await h.redis.send(key: RedisKeys.home(reader.id), RedisCommand("DEL", RedisKeys.home(reader.id), RedisKeys.homeReady(reader.id)))
            try await h.buildHome(reader)
            #expect(try await h.redisHome(reader) == [tagged], "a rebuilt home agrees")
            try await Self.forgetTrending(h, tag)
        }
    }

    @Test func aDeletedTaggedStatusLeavesTagFollowersHomes() async throws {
        try await Harness.with { h in
            let tag = Harness.uniqueName("tag")
            let author = try await h.register("tagdel"), reader = try await h.register("tagdelreader")
            try await h.buildHome(reader)
            #expect(try await h.call(.post, "/api/v1/tags/\(tag)/follow", token: reader.token).status == .ok)
            let kept = try await h.post(author, "stays #\(tag)")
            let gone = try await h.post(author, "goes #\(tag)")
            await h.drain()
            #expect(try await h.redisHome(reader) == [gone, kept])
            #expect(try await h.call(.delete, "/api/v1/statuses/\(gone)", token: author.token).status == .ok)
            await h.drain()
            #expect(try await h.redisHome(reader) == [kept], "the delete's fan-out reaches tag followers too")
            #expect(try await h.home(reader) == [kept])
            try await Self.forgetTrending(h, tag)
        }
    }

    /// The hybrid model: a celebrity (3 followers here) is not fanned out; their tagged statuses are
    /// pushed to tag followers who do not follow them, and pulled by those who do.
    @Test func celebrityTaggedStatusesReachTagFollowersByPushAndFollowersByPull() async throws {
        try await Harness.with { h in
            let tag = Harness.uniqueName("tag")
            let star = try await h.register("tagstar"), reader = try await h.register("tagnonfan")
            var fans: [Harness.User] = []
            for index in 0..<3 { fans.append(try await h.register("tagfan\(index)")) }
            for fan in fans { try await h.follow(fan, star) }
            for user in [reader] + fans { try await h.buildHome(user) }
            for user in [reader, fans[0]] {
                #expect(try await h.call(.post, "/api/v1/tags/\(tag)/follow", token: user.token).status == .ok)
            }
            await h.drain()
            let status = try await h.post(star, "famous #\(tag)")
            await h.drain()
            #expect(try await h.redisHome(reader) == [status], "pushed through the tag")
            #expect(try await h.redisHome(fans[0]).isEmpty, "a follower pulls it: not pushed through the tag either")
            #expect(try await h.home(fans[0]) == [status], "and sees it once")
            #expect(try await h.home(reader) == [status])
            _ = try await h.redis.send(key: RedisKeys.home(reader.id), RedisCommand("DEL", RedisKeys.home(reader.id), RedisKeys.homeReady(reader.id)))
            try await h.buildHome(reader)
            #expect(try await h.redisHome(reader) == [status], "a rebuilt home agrees")
            try await Self.forgetTrending(h, tag)
        }
    }

    /// The user stream agrees with the home: a celebrity's public reply to a stranger, carrying a tag
    /// the (pulling) follower follows, is streamed to them, as their home shows it.
    @Test func pulledTaggedReplyIsStreamedToAFollowerWhoFollowsTheTag() async throws {
        let live = { var options = Harness.Options(); options.live = true; return options }()
        try await Harness.with(live) { h in
            let tag = Harness.uniqueName("tag")
            let star = try await h.register("streamstar"), stranger = try await h.register("streamstranger")
            var fans: [Harness.User] = []
            for index in 0..<3 { fans.append(try await h.register("streamfan\(index)")) }
            for fan in fans { try await h.follow(fan, star) }
            #expect(try await h.call(.post, "/api/v1/tags/\(tag)/follow", token: fans[0].token).status == .ok)
            let question = try await h.post(stranger, "question")
            await h.drain()

            var request = HTTPClientRequest(url: "\(h.baseURL)/api/v1/streaming/user?access_token=\(fans[0].token)")
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            #expect(response.status == .ok)
            let posted = Task {
                try await Task.sleep(for: .milliseconds(300))  // let the subscription register
                let id = try await h.post(star, "@\(stranger.username) an answer #\(tag)", inReplyTo: question)
                await h.drain()
                return id
            }
            var received = ""
            let deadline = ContinuousClock.now + .seconds(5)
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if received.contains("event: update\n") || ContinuousClock.now > deadline { break }
            }
            let reply = try await posted.value
            #expect(received.contains("\"id\":\"\(reply)\""), "streamed through the followed tag")
            #expect(try await h.home(fans[0]) == [reply], "as the home shows it")
            #expect(try await h.home(fans[1]).isEmpty, "the reply rule still holds for a fan who does not follow the tag")
            try await Self.forgetTrending(h, tag)
        }
    }

    @Test func tagCallsRefuseBadInput() async throws {
        try await Harness.with { h in
            let user = try await h.register("tagbad")
            let long = String(repeating: "a", count: 101)
            let tooLong = try await h.call(.post, "/api/v1/tags/\(long)/follow", token: user.token)
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.error == "Validation failed: Name is too long (maximum is 100 characters)")
            #expect(try await h.call(.get, "/api/v1/tags/\(long)").status == .unprocessableContent)
            #expect(try await h.call(.get, "/api/v1/tags/not-a-tag").status == .notFound)
            #expect(try await h.call(.post, "/api/v1/tags/2024/follow", token: user.token).status == .notFound)
            let anonymous = try await h.call(.post, "/api/v1/tags/swift/follow")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.error != nil)
            #expect(try await h.call(.get, "/api/v1/followed_tags").status == .unauthorized)
            let readOnly = try await Self.token(h, user, scopes: "read")
            #expect(try await h.call(.post, "/api/v1/tags/swift/follow", token: readOnly).status == .forbidden)
            #expect(try await h.call(.get, "/api/v1/followed_tags", token: user.token).array.isEmpty, "nothing was followed")

            // An unknown (never used) tag: Mastodon's entity, unfollowed, empty id.
            let fresh = Harness.uniqueName("tag")
            let shown = try await h.call(.get, "/api/v1/tags/\(fresh)", token: user.token)
            #expect(shown.status == .ok)
            #expect(shown.string("id") == "")
            #expect(shown.object["following"] as? Bool == false)

            // Paging: newest follow first, Link headers as the timelines write them.
            let names = [Harness.uniqueName("tag"), Harness.uniqueName("tag"), Harness.uniqueName("tag")]
            for name in names { _ = try await h.call(.post, "/api/v1/tags/\(name)/follow", token: user.token) }
            let page = try await h.call(.get, "/api/v1/followed_tags?limit=2", token: user.token)
            #expect(page.array.map { $0["name"] as? String } == [names[2], names[1]])
            let link = try #require(page.link)
            #expect(link.contains("rel=\"next\"") && link.contains("limit=2"))
            let nextPart: Substring = try #require(link.split(separator: ",").first { $0.contains("rel=\"next\"") })
            let afterBracket: Substring = try #require(nextPart.split(separator: "<").last)
            let next = String(try #require(afterBracket.split(separator: ">").first))
            let rest = try await h.call(.get, String(next.dropFirst("http://starling.test".count)), token: user.token)
            #expect(rest.array.map { $0["name"] as? String } == [names[0]])
            // min_id: the follows just above it, newest first.
            let secondId = try #require(next.split(separator: "max_id=").last.map { String($0.prefix { $0.isNumber }) })
            let above = try await h.call(.get, "/api/v1/followed_tags?min_id=\(secondId)&limit=1", token: user.token)
            #expect(above.array.map { $0["name"] as? String } == [names[2]])
        }
    }

    @Test func webfingerAndNodeinfo() async throws {
        try await Harness.with { h in
            let user = try await h.register("finger")
            let found = try await h.call(.get, "/.well-known/webfinger?resource=acct:\(user.username)@starling.test")
            #expect(found.status == .ok)
            #expect(found.headers[.contentType]?.hasPrefix("application/jrd+json") == true)
            #expect(found.string("subject") == "acct:\(user.username)@starling.test")
            #expect((found.object["aliases"] as? [String])?.contains("http://starling.test/@\(user.username)") == true)
            let links = found.object["links"] as? [[String: Any]] ?? []
            let profile = links.first { $0["rel"] as? String == "http://webfinger.net/rel/profile-page" }
            #expect(profile?["href"] as? String == "http://starling.test/@\(user.username)")
            #expect(profile?["type"] as? String == "text/html")
            #expect(links.first { $0["rel"] as? String == "self" }?["type"] as? String == "application/activity+json")
            let byURL = try await h.call(.get, "/.well-known/webfinger?resource=http%3A%2F%2Fstarling.test%2F%40\(user.username)")
            #expect(byURL.string("subject") == "acct:\(user.username)@starling.test")

            #expect(try await h.call(.get, "/.well-known/webfinger?resource=acct:nobody_here_xyz@starling.test").status == .notFound)
            #expect(try await h.call(.get, "/.well-known/webfinger?resource=acct:\(user.username)@elsewhere.example").status == .notFound)
            let malformed = try await h.call(.get, "/.well-known/webfinger?resource=\(user.username)")
            #expect(malformed.status == .badRequest)
            #expect(malformed.error != nil)
            #expect(try await h.call(.get, "/.well-known/webfinger").status == .badRequest)

            let index = try await h.call(.get, "/.well-known/nodeinfo")
            #expect(index.status == .ok)
            let link = (index.object["links"] as? [[String: Any]])?.first
            #expect(link?["rel"] as? String == "http://nodeinfo.diaspora.software/ns/schema/2.0")
            #expect(link?["href"] as? String == "http://starling.test/nodeinfo/2.0")
            let info = try await h.call(.get, "/nodeinfo/2.0")
            #expect(info.status == .ok)
            #expect(info.string("version") == "2.0")
            #expect(Self.dict(info.object["software"])["name"] as? String == "starling")
            #expect(Self.dict(info.object["software"])["version"] as? String == StarlingRelease.version)
            #expect(info.object["openRegistrations"] as? Bool == true)
            #expect(info.object["protocols"] as? [String] == [])
            let usage = Self.dict(info.object["usage"]), users = Self.dict(usage["users"])
            #expect(users["total"] as? Int ?? 0 >= 1)
            #expect(users["activeMonth"] as? Int ?? 0 >= 1)
            #expect(users["activeHalfyear"] as? Int ?? 0 >= users["activeMonth"] as? Int ?? 0)
            #expect(usage["localPosts"] != nil)
        }
    }
}
