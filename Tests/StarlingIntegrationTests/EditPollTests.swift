import Foundation
import Logging
@testable import StarlingAPI
import StarlingDomain
import StarlingRedis
import StarlingStore
import StarlingTimelines
import StarlingWorker
import Synchronization
import Testing

/// Status edits and polls against the real PostgreSQL and Redis shards of the test run.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct EditPollTests {
    static func json(_ object: [String: Any]) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object)) }

    /// A post with a poll, sent as JSON (the nested `poll` object with its options list).
    static func postPoll(_ h: Harness, _ author: Harness.User, options: [String], expiresIn: Int = 600, multiple: Bool = false,
                         hideTotals: Bool = false, visibility: String = "public") async throws -> Harness.Reply {
        try await h.call(.post, "/api/v1/statuses", token: author.token, rawBody: json([
            "status": "a question", "visibility": visibility,
            "poll": ["options": options, "expires_in": expiresIn, "multiple": multiple, "hide_totals": hideTotals],
        ]), contentType: "application/json")
    }

    static func vote(_ h: Harness, _ voter: Harness.User, poll: String, _ choices: [Int]) async throws -> Harness.Reply {
        try await h.call(.post, "/api/v1/polls/\(poll)/votes", token: voter.token, rawBody: json(["choices": choices]), contentType: "application/json")
    }

    static func counts(_ poll: Any?) -> [Int?] {
        ((poll as? [String: Any])?["options"] as? [[String: Any]] ?? []).map { $0["votes_count"] as? Int }
    }

    @Test func authorEditsAndEveryoneSeesTheNewVersion() async throws {
        do { try await authorEdits() } catch { Issue.record("\(String(reflecting: error))"); throw error }
    }

    func authorEdits() async throws {
        try await Harness.with { h in
            let author = try await h.register("editor"), reader = try await h.register("reader"), named = try await h.register("named")
            try await h.follow(reader, author)
            try await h.buildHome(reader)
            await h.drain()
            let id = try await h.post(author, "first #old")
            await h.drain()
            // Cached everywhere before the edit: the Redis row and this node's HTML.
            let before = try await h.call(.get, "/api/v1/timelines/home", token: reader.token).array.first { $0["id"] as? String == String(id) }
            #expect((before?["content"] as? String)?.contains("first") == true)
            #expect(before?["edited_at"] is NSNull)

            let edited = try await h.call(.put, "/api/v1/statuses/\(id)", token: author.token,
                                          form: ["status": "second @\(named.username) #new", "spoiler_text": "cw", "sensitive": "true", "language": "fr"])
            #expect(edited.status == .ok)
            let editedAt = edited.string("edited_at")
            #expect(!editedAt.isEmpty)
            let home = try await h.call(.get, "/api/v1/timelines/home", token: reader.token).array.first { $0["id"] as? String == String(id) }
            #expect((home?["content"] as? String)?.contains("second") == true)
            #expect(home?["edited_at"] as? String == editedAt)
            #expect(home?["spoiler_text"] as? String == "cw")
            #expect(home?["sensitive"] as? Bool == true)
            #expect(home?["language"] as? String == "fr")
            #expect((home?["tags"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["new"])
            #expect((home?["mentions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [String(named.id)])
            // Mentioned for the first time by the edit: notified, as Mastodon does.
            let mention = try await h.call(.get, "/api/v1/notifications?types[]=mention", token: named.token)
            #expect(mention.array.compactMap { ($0["status"] as? [String: Any])?["id"] as? String } == [String(id)])
            // The Redis row itself was rewritten (other nodes read it from there).
            if case .row(let row)? = try await h.services.cache.cachedStatuses([id])[id] {
                #expect(row.text.hasPrefix("second"))
                #expect(row.editedAt != nil)
            } else {
                Issue.record("the edited status is not cached")
            }
            // Tag timeline follows the re-derived tags.
            let tagged = try await h.call(.get, "/api/v1/timelines/tag/new", token: reader.token)
            #expect(tagged.ids.contains(String(id)))

            _ = try await h.call(.put, "/api/v1/statuses/\(id)", token: author.token, form: ["status": "third"])
            let history = try await h.call(.get, "/api/v1/statuses/\(id)/history", token: reader.token)
            #expect(history.status == .ok)
            let contents = history.array.compactMap { $0["content"] as? String }
            #expect(contents.count == 3)
            #expect(contents.first?.contains("first") == true && contents.last?.contains("third") == true)
            #expect(contents[1].contains("second"))
            let dates = history.array.compactMap { $0["created_at"] as? String }
            #expect(dates == dates.sorted())
            #expect(history.array[1]["spoiler_text"] as? String == "cw")
            let source = try await h.call(.get, "/api/v1/statuses/\(id)/source", token: author.token)
            #expect(source.object as NSDictionary == ["id": String(id), "text": "third", "spoiler_text": ""] as NSDictionary)
            // An unedited status has one version.
            let plain = try await h.post(author, "never edited")
            #expect(try await h.call(.get, "/api/v1/statuses/\(plain)/history", token: reader.token).array.count == 1)
        }
    }

    @Test func onlyTheAuthorEditsTextStatuses() async throws {
        try await Harness.with { h in
            let author = try await h.register("owner"), other = try await h.register("other"), follower = try await h.register("fol")
            try await h.follow(follower, author)
            let id = try await h.post(author, "mine")
            let forbidden = try await h.call(.put, "/api/v1/statuses/\(id)", token: other.token, form: ["status": "yours"])
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.error == "This action is not allowed")
            let hidden = try await h.post(author, "followers only", visibility: "private")
            #expect(try await h.call(.put, "/api/v1/statuses/\(hidden)", token: other.token, form: ["status": "x"]).status == .notFound)
            #expect(try await h.call(.put, "/api/v1/statuses/\(hidden)/history", token: other.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/statuses/\(hidden)/history", token: other.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/statuses/\(hidden)/source", token: other.token).status == .notFound)
            #expect(try await h.call(.put, "/api/v1/statuses/999999999999", token: author.token, form: ["status": "x"]).status == .notFound)
            #expect(try await h.call(.put, "/api/v1/statuses/abc", token: author.token, form: ["status": "x"]).status == .notFound)
            let blank = try await h.call(.put, "/api/v1/statuses/\(id)", token: author.token, form: ["status": "  "])
            #expect(blank.status == .unprocessableContent)
            let long = try await h.call(.put, "/api/v1/statuses/\(id)", token: author.token, form: ["status": String(repeating: "a", count: 281)])
            #expect(long.status == .unprocessableContent)
            #expect(long.error == "Validation failed: Text character limit of 280 exceeded")
            #expect(try await h.call(.put, "/api/v1/statuses/\(id)", token: author.token).status == .unprocessableContent)
            #expect(try await h.call(.put, "/api/v1/statuses/\(id)", form: ["status": "anon"]).status == .unauthorized)
            // Nothing was written by the refused edits.
            #expect(try await h.call(.get, "/api/v1/statuses/\(id)/history", token: author.token).array.count == 1)

            let reblog = try await h.call(.post, "/api/v1/statuses/\(id)/reblog", token: follower.token)
            let reblogId = reblog.string("id")
            let refused = try await h.call(.put, "/api/v1/statuses/\(reblogId)", token: follower.token, form: ["status": "mine now"])
            #expect(refused.status == .unprocessableContent)

            // Someone who reblogged it and then blocked its author is not notified (as NotificationStore).
            #expect(try await h.call(.post, "/api/v1/statuses/\(id)/reblog", token: other.token).status == .ok)
            #expect(try await h.call(.post, "/api/v1/accounts/\(author.id)/block", token: other.token).status == .ok)
            // The reblogger hears of the edit (`update`), once per status however often it is edited.
            _ = try await h.call(.put, "/api/v1/statuses/\(id)", token: author.token, form: ["status": "mine, edited"])
            _ = try await h.call(.put, "/api/v1/statuses/\(id)", token: author.token, form: ["status": "mine, edited again"])
            let notes = try await h.call(.get, "/api/v1/notifications?types[]=update", token: follower.token)
            #expect(notes.array.count == 1)
            #expect(notes.array.first?["type"] as? String == "update")
            #expect((notes.array.first?["status"] as? [String: Any])?["id"] as? String == String(id))
            #expect(try await h.call(.get, "/api/v1/notifications?types[]=update", token: other.token).array.isEmpty)
        }
    }

    /// Every post wakes a fan-out worker through Redis once it has committed (its transaction
    /// sends no NOTIFY: `OutboxWake`) by pushing its id onto the workers' token list, a post with a
    /// poll too: the same function writes both. (No worker runs here to pop them; suites run one
    /// at a time.)
    @Test func everyPostWakesTheWorkersThroughRedis() async throws {
        try await Harness.with { h in
            let key = RedisKeys.outboxWakeTokens
            _ = try await h.redis.send(key: key, RedisCommand("DEL", key))
            let author = try await h.register("waker")
            let plain = String(try await h.post(author, "no poll here"))
            let created = try await Self.postPoll(h, author, options: ["yes", "no"])
            #expect(created.status == .ok)
            let withPoll = try #require(created.object["id"] as? String)
            let tokens = try await h.redis.send(key: key, RedisCommand("LRANGE", key, "0", "-1")).array?.compactMap(\.string)
            #expect(tokens == [withPoll, plain], "one token per post, newest first")

            // Tokens nobody pops are capped: the newest are enough to wake a worker that starts.
            for n in 0..<(RedisKeys.outboxWakeTokensKept + 5) { _ = try await h.post(author, "filler \(n)") }
            #expect(try await h.redis.send(key: key, RedisCommand("LLEN", key)).int64 == Int64(RedisKeys.outboxWakeTokensKept))
            _ = try await h.redis.send(key: key, RedisCommand("DEL", key))
            await h.drain()
        }
    }

    /// A post caches its status's counters (all zero) in the same wave, so first reads find them;
    /// a write after it drops them (reads count again), and a write before it is not undone.
    @Test func aPostCachesItsZeroCounters() async throws {
        try await Harness.with { h in
            let author = try await h.register("counted"), reader = try await h.register("counter")
            let id = try await h.post(author, "count me")
            let counts = RedisKeys.counts(id)
            #expect(try await h.redis.send(key: counts, RedisCommand("GET", counts)).string == "0 0 0")
            #expect(try await h.call(.post, "/api/v1/statuses/\(id)/favourite", token: reader.token).status == .ok)
            let read = try await h.call(.get, "/api/v1/statuses/\(id)", token: author.token)
            #expect(read.object["favourites_count"] as? Int == 1)

            // A generation bumped before the post's fill (a write that won the race): the fill is refused.
            let later = try await h.post(author, "raced")
            let raced = RedisKeys.counts(later), generation = RedisKeys.countsGeneration(later)
            _ = try await h.redis.send(key: raced, RedisCommand("DEL", raced))
            _ = try await h.redis.send(key: generation, RedisCommand("INCR", generation))
            var batch = h.redis.batch()
            h.services.interactionCache.queueNewStatusCounts(later, in: &batch)
            _ = try await h.redis.send(batch)
            #expect(try await h.redis.send(key: raced, RedisCommand("EXISTS", raced)).int64 == 0)
            await h.drain()
        }
    }

    /// Each token pushed is popped by exactly one of the waiters (`RedisTokenWaiter`, `BLPOP`), so
    /// a post wakes one worker process, not every one; none is lost while both wait.
    @Test func eachWakeTokenWakesOneWaiter() async throws {
        try await Harness.with { h in
            let key = Harness.uniqueName("wake-test")
            let shard = h.redis.map.shards[h.redis.shardIndex(forKey: key)]
            let waiters = (0..<2).map { _ in
                RedisTokenWaiter(addresses: [(host: shard.host, port: shard.port)], key: key, logger: Logger(label: "test"))
            }
            let heard = (WakeLog(), WakeLog())
            waiters[0].start { heard.0.add(String(decoding: $0, as: UTF8.self)) }
            waiters[1].start { heard.1.add(String(decoding: $0, as: UTF8.self)) }
            defer { for waiter in waiters { waiter.stop() } }
            try await Task.sleep(for: .milliseconds(200))  // both blocked in BLPOP
            let sent = (0..<40).map { "token-\($0)" }
            for token in sent {
                _ = try await h.redis.send(key: key, RedisCommand("LPUSH", key, token))
                try await Task.sleep(for: .milliseconds(5))
            }
            for _ in 0..<100 where heard.0.all.count + heard.1.all.count < sent.count {
                try await Task.sleep(for: .milliseconds(50))
            }
            let (first, second) = (heard.0.all, heard.1.all)
            #expect(first.count + second.count == sent.count, "each token popped once")
            #expect(Set(first + second) == Set(sent), "none lost")
            #expect(!first.isEmpty && !second.isEmpty, "both waiters took turns")
        }
    }

    /// A waiter told to stop finishes the pop under way; a token that pop takes is pushed back for
    /// a running process to take, not handed to the stopping one (its loops are finishing).
    @Test func aTokenPoppedAfterStopIsGivenBack() async throws {
        try await Harness.with { h in
            let key = Harness.uniqueName("wake-stop")
            let shard = h.redis.map.shards[h.redis.shardIndex(forKey: key)]
            let waiter = RedisTokenWaiter(addresses: [(host: shard.host, port: shard.port)], key: key, logger: Logger(label: "test"))
            let heard = WakeLog()
            waiter.start { heard.add(String(decoding: $0, as: UTF8.self)) }
            _ = try await h.redis.send(key: key, RedisCommand("LPUSH", key, "before"))
            for _ in 0..<100 where heard.all.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            #expect(heard.all == ["before"], "a running waiter hands its token on")
            try await Task.sleep(for: .milliseconds(100))  // blocked in the next BLPOP
            waiter.stop()
            _ = try await h.redis.send(key: key, RedisCommand("LPUSH", key, "after"))
            try await Task.sleep(for: .milliseconds(1_500))  // that BLPOP returns, and no other follows
            #expect(heard.all == ["before"], "nothing handed on after stop()")
            let left = try await h.redis.send(key: key, RedisCommand("LRANGE", key, "0", "-1"))
            #expect(left == .array([.bulk(RESPBytes(Array("after".utf8)))]), "the token is back in the list")
            _ = try await h.redis.send(key: key, RedisCommand("DEL", key))
        }
    }

    @Test func pollsArePostedAndValidated() async throws {
        try await Harness.with { h in
            let author = try await h.register("pollster")
            let created = try await Self.postPoll(h, author, options: ["yes", "no"], multiple: true)
            #expect(created.status == .ok)
            let poll = try #require(created.object["poll"] as? [String: Any])
            #expect(poll["multiple"] as? Bool == true)
            #expect(poll["expired"] as? Bool == false)
            #expect(poll["votes_count"] as? Int == 0)
            #expect(poll["voters_count"] as? Int == 0)
            #expect(poll["voted"] as? Bool == true)  // its author, as Mastodon says
            #expect((poll["options"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["yes", "no"])
            // The form spelling works too.
            let form = try await h.call(.post, "/api/v1/statuses", token: author.token,
                                        rawBody: Array("status=q&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b&poll%5Bexpires_in%5D=300".utf8))
            #expect(form.status == .ok)
            #expect((form.object["poll"] as? [String: Any])?["voters_count"] is NSNull)  // single choice
            let bad: [([String], Int, String)] = [
                (["one"], 600, "Validation failed: Poll options must have more than one item"),
                (["a", "b", "c", "d", "e"], 600, "Validation failed: Poll options can't contain more than 4 items"),
                (["a", "b"], 299, "Validation failed: Poll expires at is too soon"),
                (["a", "b"], 2_629_747, "Validation failed: Poll expires at is too far into the future"),
                (["a", "a"], 600, "Validation failed: Poll options contain duplicate items"),
            ]
            for (options, expiresIn, message) in bad {
                let reply = try await Self.postPoll(h, author, options: options, expiresIn: expiresIn)
                #expect(reply.status == .unprocessableContent)
                #expect(reply.error == message)
            }
            let noExpiry = try await h.call(.post, "/api/v1/statuses", token: author.token,
                                            rawBody: Array("status=q&poll%5Boptions%5D%5B%5D=a&poll%5Boptions%5D%5B%5D=b".utf8))
            #expect(noExpiry.status == .unprocessableContent)
            // Nothing half-written: the refused posts left no status.
            let statuses = try await h.call(.get, "/api/v1/accounts/\(author.id)/statuses", token: author.token)
            #expect(statuses.array.count == 2)
            let instance = try await h.call(.get, "/api/v2/instance")
            let polls = ((instance.object["configuration"] as? [String: Any])?["polls"] as? [String: Any]) ?? [:]
            #expect(polls["max_options"] as? Int == 4)
            #expect(polls["max_characters_per_option"] as? Int == 50)
            #expect(polls["min_expiration"] as? Int == 300)
            #expect(polls["max_expiration"] as? Int == 2_629_746)
        }
    }

    @Test func concurrentVotesCountExactlyAndOncePerPerson() async throws {
        try await Harness.with { h in
            let author = try await h.register("asker")
            var voters: [Harness.User] = []
            for _ in 0..<24 { voters.append(try await h.register("voter")) }
            let created = try await Self.postPoll(h, author, options: ["a", "b", "c"], multiple: true)
            let pollId = try #require((created.object["poll"] as? [String: Any])?["id"] as? String)
            let statusId = created.string("id")
            // Every voter at once, each voting twice concurrently: only one of each pair counts.
            let statuses = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for (index, voter) in voters.enumerated() {
                    let choices = index % 2 == 0 ? [index % 3] : [0, 2]
                    for _ in 0..<2 {
                        group.addTask { (index, try await Self.vote(h, voter, poll: pollId, choices).status.code) }
                    }
                }
                var out: [Int: [Int]] = [:]
                for try await (index, code) in group { out[index, default: []].append(code) }
                return out
            }
            for index in voters.indices { #expect(statuses[index]?.sorted() == [200, 422], "voter \(index): \(statuses[index] ?? [])") }
            var expected = [0, 0, 0], votes = 0
            for index in voters.indices {
                for choice in index % 2 == 0 ? [index % 3] : [0, 2] { expected[choice] += 1; votes += 1 }
            }
            let poll = try await h.call(.get, "/api/v1/polls/\(pollId)", token: author.token)
            #expect(Self.counts(poll.object) == expected.map { Optional($0) })
            #expect(poll.object["votes_count"] as? Int == votes)
            #expect(poll.object["voters_count"] as? Int == voters.count)
            // PostgreSQL agrees with what was served (from the cache).
            let rows = try await EditPollStore(database: h.database).polls(ids: [try #require(Int64(pollId))])
            #expect(rows.first?.tallies == expected.map(Int64.init))
            // The status carries the viewer's own votes (from Redis after the vote).
            let seen = try await h.call(.get, "/api/v1/statuses/\(statusId)", token: voters[1].token)
            #expect((seen.object["poll"] as? [String: Any])?["own_votes"] as? [Int] == [0, 2])
            #expect((seen.object["poll"] as? [String: Any])?["voted"] as? Bool == true)
            let fresh = try await h.register("late")
            let freshView = try await h.call(.get, "/api/v1/polls/\(pollId)", token: fresh.token)
            #expect(freshView.object["voted"] as? Bool == false)
            #expect(freshView.object["own_votes"] as? [Int] == [])
            let anonymous = try await h.call(.get, "/api/v1/polls/\(pollId)")
            #expect(anonymous.status == .ok)
            #expect(anonymous.object["voted"] == nil)

            let again = try await Self.vote(h, voters[0], poll: pollId, [1])
            #expect(again.error == "Validation failed: You have already voted on this poll")
            #expect(try await Self.vote(h, author, poll: pollId, [1]).error == "Validation failed: You cannot vote in your own poll")
            #expect(try await Self.vote(h, fresh, poll: pollId, [3]).error == "Validation failed: The chosen vote option does not exist")
            #expect(try await Self.vote(h, fresh, poll: pollId, [1, 1]).error == "Validation failed: The chosen vote options contain duplicate items")
            #expect(try await Self.vote(h, fresh, poll: pollId, []).status == .unprocessableContent)
            #expect(try await h.call(.post, "/api/v1/polls/\(pollId)/votes", token: fresh.token, form: ["choices[]": "x"]).status == .unprocessableContent)
            #expect(try await Self.vote(h, fresh, poll: "123456789", [0]).status == .notFound)
            #expect(try await Self.vote(h, fresh, poll: "zz", [0]).status == .notFound)
        }
    }

    @Test func pollOfAPrivateStatusIsHidden() async throws {
        try await Harness.with { h in
            let author = try await h.register("secret"), stranger = try await h.register("stranger")
            let created = try await Self.postPoll(h, author, options: ["a", "b"], visibility: "private")
            let pollId = try #require((created.object["poll"] as? [String: Any])?["id"] as? String)
            #expect(try await h.call(.get, "/api/v1/polls/\(pollId)", token: stranger.token).status == .notFound)
            #expect(try await Self.vote(h, stranger, poll: pollId, [0]).status == .notFound)
        }
    }

    @Test func hiddenTotalsAndEditsThatResetVotes() async throws {
        try await Harness.with { h in
            let author = try await h.register("hider"), voter = try await h.register("hvoter"), other = try await h.register("hother")
            let created = try await Self.postPoll(h, author, options: ["a", "b"], hideTotals: true)
            let pollId = try #require((created.object["poll"] as? [String: Any])?["id"] as? String)
            let statusId = created.string("id")
            #expect(try await Self.vote(h, voter, poll: pollId, [1]).status == .ok)
            #expect(Self.counts(try await h.call(.get, "/api/v1/polls/\(pollId)", token: other.token).object) == [nil, nil])
            #expect(Self.counts(try await h.call(.get, "/api/v1/polls/\(pollId)", token: author.token).object) == [0, 1])

            // Same options: the votes stay.
            let kept = try await h.call(.put, "/api/v1/statuses/\(statusId)", token: author.token, rawBody: Self.json([
                "status": "reworded", "poll": ["options": ["a", "b"], "expires_in": 900],
            ]), contentType: "application/json")
            #expect(kept.status == .ok)
            #expect(Self.counts(kept.object["poll"]) == [0, 1])
            #expect((try await h.call(.get, "/api/v1/polls/\(pollId)", token: voter.token).object["own_votes"] as? [Int]) == [1])
            // New options: the votes go, and the voter may vote again.
            let reset = try await h.call(.put, "/api/v1/statuses/\(statusId)", token: author.token, rawBody: Self.json([
                "status": "new choices", "poll": ["options": ["c", "d", "e"], "expires_in": 900],
            ]), contentType: "application/json")
            #expect(reset.status == .ok)
            #expect(Self.counts(reset.object["poll"]) == [0, 0, 0])
            let mine = try await h.call(.get, "/api/v1/statuses/\(statusId)", token: voter.token)
            #expect((mine.object["poll"] as? [String: Any])?["voted"] as? Bool == false)
            #expect(try await Self.vote(h, voter, poll: pollId, [2]).status == .ok)
            let history = try await h.call(.get, "/api/v1/statuses/\(statusId)/history", token: voter.token)
            let options = history.array.map { (($0["poll"] as? [String: Any])?["options"] as? [[String: Any]])?.compactMap { $0["title"] as? String } }
            #expect(options == [["a", "b"], ["a", "b"], ["c", "d", "e"]])
            // Leaving the poll out removes it (as Mastodon).
            let removed = try await h.call(.put, "/api/v1/statuses/\(statusId)", token: author.token, form: ["status": "no poll"])
            #expect(removed.object["poll"] is NSNull)
            #expect(try await h.call(.get, "/api/v1/polls/\(pollId)", token: voter.token).status == .notFound)
            // And an edit may add one.
            let added = try await h.call(.put, "/api/v1/statuses/\(statusId)", token: author.token, rawBody: Self.json([
                "status": "poll again", "poll": ["options": ["x", "y"], "expires_in": 900],
            ]), contentType: "application/json")
            #expect(((added.object["poll"] as? [String: Any])?["options"] as? [[String: Any]])?.count == 2)
        }
    }

    /// The cache writes that race PostgreSQL reads never install an older value.
    @Test func cacheWritesNeverGoBackwards() async throws {
        try await Harness.with { h in
            let cache = h.services.pollCache
            let id = Int64.random(in: 1_000_000...Int64.max / 2)
            func poll(version: Int64, epoch: Int64 = 0, tallies: [Int64]) -> PollRow {
                PollRow(id: id, statusId: id, accountId: 1, options: ["a", "b"], tallies: tallies, multiple: false, hideTotals: false,
                        expiresAt: Date(timeIntervalSince1970: 2_000_000_000), votesCount: tallies.reduce(0, +), votersCount: 0,
                        version: version, epoch: epoch)
            }
            func read(viewer: Int64) async throws -> ([Int64: PollRow], [Int64: PollCache.CachedVote]) {
                var batch = h.redis.batch()
                let tickets = cache.queue([id], viewer: viewer, in: &batch)
                let replies = try await h.redis.send(batch)
                let (polls, votes) = cache.read(tickets, from: replies)
                return (polls, votes)
            }
            try await cache.store([poll(version: 3, tallies: [1, 2])])
            try await cache.store([poll(version: 2, tallies: [1, 1])])  // a fill that read before the vote
            #expect(try await read(viewer: 7).0[id]?.tallies == [1, 2])
            try await cache.store([poll(version: 4, tallies: [2, 2])])
            #expect(try await read(viewer: 7).0[id]?.tallies == [2, 2])

            try await cache.storeVotes(viewer: 7, [(id, 0, [1])], authoritative: true)  // the vote
            try await cache.storeVotes(viewer: 7, [(id, 0, [])], authoritative: false)  // a fill that read before it
            #expect(try await read(viewer: 7).1[id] == PollCache.CachedVote(epoch: 0, choices: [1]))
            try await cache.storeVotes(viewer: 7, [(id, 1, [])], authoritative: false)  // after a reset: replaces the old epoch
            #expect(try await read(viewer: 7).1[id] == PollCache.CachedVote(epoch: 1, choices: []))

            // The status row: a rewrite never replaces a tombstone, nor a later edit's row.
            let statusId = Int64.random(in: 1_000_000...Int64.max / 2)
            var row = StatusRow(id: statusId, accountId: 1, text: "v2", spoilerText: "", sensitive: false, visibility: .public,
                                createdAt: Date(), editedAt: Date())
            try await cache.rewrite(row, version: 2, statusTTLSeconds: 60)
            row.text = "v1"
            try await cache.rewrite(row, version: 1, statusTTLSeconds: 60)
            if case .row(let cached)? = try await h.services.cache.cachedStatuses([statusId])[statusId] { #expect(cached.text == "v2") } else { Issue.record("not cached") }
            try await h.services.cache.tombstone(statusId)
            row.text = "v3"
            try await cache.rewrite(row, version: 3, statusTTLSeconds: 60)
            #expect(try await h.services.cache.cachedStatuses([statusId])[statusId] == .deleted)
        }
    }

    @Test func expiryNotifiesVotersAndAuthorExactlyOnce() async throws {
        try await Harness.with { h in
            let author = try await h.register("closer"), first = try await h.register("first"), second = try await h.register("second")
            let created = try await Self.postPoll(h, author, options: ["a", "b"])
            let pollId = try #require((created.object["poll"] as? [String: Any])?["id"] as? String)
            #expect(try await Self.vote(h, first, poll: pollId, [0]).status == .ok)
            #expect(try await Self.vote(h, second, poll: pollId, [1]).status == .ok)
            // Expiry brought forward behind the cache's back (in life expires_at is fixed when the cache is filled).
            try await h.database.query("test_expire_poll", "UPDATE polls SET expires_at = now() - interval '1 second' WHERE id = \(try #require(Int64(pollId)))")
            try await h.services.pollCache.forget(polls: [try #require(Int64(pollId))])
            let late = try await Self.vote(h, try await h.register("toolate"), poll: pollId, [0])
            #expect(late.error == "Validation failed: The poll has already ended")
            // Two workers at once: the poll is claimed by one of them only.
            let logger = Logger(label: "test")
            let closers = (0..<2).map { _ in PollCloser(database: h.database, cache: h.services.cache, logger: logger) }
            async let a = closers[0].runOnce()
            async let b = closers[1].runOnce()
            let created1 = try await a, created2 = try await b
            #expect(created1 + created2 >= 3)
            #expect(try await closers[0].runOnce() == 0)
            for user in [author, first, second] {
                let notes = try await h.call(.get, "/api/v1/notifications?types[]=poll", token: user.token)
                #expect(notes.array.count == 1, "\(user.username)")
                #expect((notes.array.first?["status"] as? [String: Any])?["id"] as? String == created.string("id"))
            }
            let poll = try await h.call(.get, "/api/v1/polls/\(pollId)", token: first.token)
            #expect(poll.object["expired"] as? Bool == true)
        }
    }
}

/// The tokens a test's waiter received, in order, shared with its event loop.
final class WakeLog: Sendable {
    private let payloads = Mutex<[String]>([])
    func add(_ payload: String) { payloads.withLock { $0.append(payload) } }
    var all: [String] { payloads.withLock { $0 } }
}
