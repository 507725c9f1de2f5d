import Foundation
import Logging
@testable import StarlingAPI
import StarlingDomain
import StarlingStore
import StarlingWorker
import Testing

/// Direct conversations, filters v2, follow import/export and e-mail search, against the real
/// PostgreSQL and Redis shards of the test run.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct DirectFilterTests {
    func conversations(_ h: Harness, _ user: Harness.User, _ query: String = "") async throws -> [[String: Any]] {
        let reply = try await h.call(.get, "/api/v1/conversations\(query)", token: user.token)
        #expect(reply.status == .ok)
        return reply.array
    }

    func lastStatusId(_ conversation: [String: Any]) -> String? {
        (conversation["last_status"] as? [String: Any])?["id"] as? String
    }

    func accountIds(_ conversation: [String: Any]) -> [String] {
        (conversation["accounts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test func directMessageReachesOnlyItsAddresseesAndMakesAConversation() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob"), carol = try await h.register("carol")
            try await h.follow(bob, alice)
            try await h.follow(carol, alice)
            try await h.buildHome(bob)
            try await h.buildHome(carol)
            await h.drain()

            let dm = try await h.post(alice, "@\(bob.username) just between us", visibility: "direct")
            await h.drain()
            // The addressee (a follower) has it at home; another follower, the public timeline and a third person do not.
            #expect(try await h.home(bob).contains(dm))
            #expect(try await !h.home(carol).contains(dm))
            #expect(try await !h.redisHome(carol).contains(dm))
            #expect(try await h.call(.get, "/api/v1/statuses/\(dm)", token: carol.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v1/statuses/\(dm)").status == .notFound)
            #expect(try await !h.call(.get, "/api/v1/timelines/public", token: carol.token).ids.contains(String(dm)))

            let bobs = try await conversations(h, bob)
            try #require(bobs.count == 1)
            #expect(bobs[0]["unread"] as? Bool == true)
            #expect(accountIds(bobs[0]) == [String(alice.id)])
            #expect(lastStatusId(bobs[0]) == String(dm))
            let alices = try await conversations(h, alice)
            try #require(alices.count == 1)
            #expect(alices[0]["unread"] as? Bool == false)  // the author has read what they wrote
            #expect(accountIds(alices[0]) == [String(bob.id)])
            #expect(try await conversations(h, carol).isEmpty)

            // A reply in the thread joins the same conversation, unread for alice now.
            let reply = try await h.post(bob, "@\(alice.username) sure", inReplyTo: dm, visibility: "direct")
            await h.drain()
            let alicesAfter = try await conversations(h, alice)
            try #require(alicesAfter.count == 1)
            #expect(alicesAfter[0]["id"] as? String == alices[0]["id"] as? String)
            #expect(alicesAfter[0]["unread"] as? Bool == true)
            #expect(lastStatusId(alicesAfter[0]) == String(reply))
            let bobsAfter = try await conversations(h, bob)
            #expect(bobsAfter.count == 1 && bobsAfter[0]["unread"] as? Bool == false)  // his own reply: read, as in Mastodon
            #expect(lastStatusId(bobsAfter[0]) == String(reply))

            // A new direct message to carol and bob starts another conversation; paging by last status.
            let group = try await h.post(alice, "@\(bob.username) @\(carol.username) all of us", visibility: "direct")
            await h.drain()
            let page = try await h.call(.get, "/api/v1/conversations?limit=1", token: bob.token)
            #expect(page.array.count == 1 && lastStatusId(page.array[0]) == String(group))
            #expect(Set(accountIds(page.array[0])) == [String(alice.id), String(carol.id)])
            #expect(page.link?.contains("max_id=\(group)") == true)
            let next = try await conversations(h, bob, "?max_id=\(group)")
            #expect(next.map(lastStatusId) == [String(reply)])
            #expect(try await conversations(h, bob, "?min_id=\(reply)").map(lastStatusId) == [String(group)])
            // Both prepared statements (newest and oldest first), at either end and between two bounds.
            #expect(try await conversations(h, bob, "?min_id=1&limit=1").map(lastStatusId) == [String(reply)], "the oldest")
            #expect(try await conversations(h, bob, "?since_id=1&limit=1").map(lastStatusId) == [String(group)], "the newest")
            #expect(try await conversations(h, bob, "?min_id=1&max_id=\(group)").map(lastStatusId) == [String(reply)])
            #expect(try await conversations(h, bob, "?max_id=\(reply)").isEmpty)

            // Read and delete act for the viewer only; someone else's conversation is a 404.
            let bobConversation = try #require(bobsAfter[0]["id"] as? String)
            #expect(try await h.call(.post, "/api/v1/conversations/\(bobConversation)/read", token: carol.token).status == .notFound)
            let read = try await h.call(.post, "/api/v1/conversations/\(bobConversation)/read", token: bob.token)
            #expect(read.status == .ok && read.object["unread"] as? Bool == false)
            #expect(try await h.call(.delete, "/api/v1/conversations/\(bobConversation)", token: carol.token).status == .notFound)
            #expect(try await h.call(.delete, "/api/v1/conversations/\(bobConversation)", token: bob.token).status == .ok)
            #expect(try await conversations(h, bob).map(lastStatusId) == [String(group)])
            #expect(try await conversations(h, alice).count == 2)
            #expect(try await h.call(.delete, "/api/v1/conversations/\(bobConversation)", token: bob.token).status == .notFound)
            #expect(try await h.call(.post, "/api/v1/conversations/abc/read", token: bob.token).status == .notFound)

            // Deleting a conversation's last status moves it back to the one before; deleting the only one removes it.
            #expect(try await h.call(.delete, "/api/v1/statuses/\(reply)", token: bob.token).status == .ok)
            await h.drain()
            #expect(try await conversations(h, alice).map(lastStatusId).contains(String(dm)))
            #expect(try await h.call(.delete, "/api/v1/statuses/\(group)", token: alice.token).status == .ok)
            await h.drain()
            #expect(try await conversations(h, carol).isEmpty)
            #expect(try await conversations(h, alice).map(lastStatusId) == [String(dm)])
            #expect(try await h.call(.get, "/api/v1/conversations?limit=x", token: bob.token).status == .badRequest)
        }
    }

    @Test func blockedSendersDirectMessageDoesNotReachTheBlocker() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob")
            let blocked = try await h.call(.post, "/api/v1/accounts/\(alice.id)/block", token: bob.token)
            guard blocked.status == .ok else { return }  // blocks are another feature's; checked once they exist
            _ = try await h.post(alice, "@\(bob.username) hello?", visibility: "direct")
            await h.drain()
            #expect(try await conversations(h, bob).isEmpty)
            #expect(try await conversations(h, alice).count == 1)
        }
    }

    func createFilter(_ h: Harness, _ user: Harness.User, _ json: String) async throws -> Harness.Reply {
        try await h.call(.post, "/api/v2/filters", token: user.token, rawBody: Array(json.utf8), contentType: "application/json")
    }

    func status(_ reply: Harness.Reply, _ id: Int64) -> [String: Any]? {
        reply.array.first { $0["id"] as? String == String(id) }
    }

    @Test func filtersHideAndWarnOnTheirContexts() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob")
            try await h.follow(bob, alice)
            try await h.buildHome(bob)
            await h.drain()

            let hide = try await createFilter(h, bob, """
                {"title": "No spoilers", "context": ["home", "public"], "filter_action": "hide",
                 "keywords_attributes": [{"keyword": "spoiler", "whole_word": true}]}
                """)
            #expect(hide.status == .ok)
            #expect(hide.string("filter_action") == "hide")
            let warnForm = "title=Movies&context[]=home&context[]=thread&filter_action=warn&keywords_attributes[][keyword]=movie&keywords_attributes[][whole_word]=true&keywords_attributes[][keyword]=Film&keywords_attributes[][whole_word]=false"
            let warn = try await h.call(.post, "/api/v2/filters", token: bob.token, rawBody: Array(warnForm.utf8))
            #expect(warn.status == .ok)
            let warnId = try #require(warn.object["id"] as? String)
            let keywords = warn.object["keywords"] as? [[String: Any]] ?? []
            #expect(keywords.map { $0["keyword"] as? String } == ["movie", "Film"])
            #expect(keywords.map { $0["whole_word"] as? Bool } == [true, false])
            #expect(warn.object["context"] as? [String] == ["home", "thread"])
            #expect(warn.object["expires_at"] is NSNull)

            let spoiler = try await h.post(alice, "Big SPOILER: it was him")
            let movie = try await h.post(alice, "Movie night!")
            let movies = try await h.post(alice, "I love movies")
            let films = try await h.post(alice, "Microfilms too")
            let plain = try await h.post(alice, "Nothing to see")
            await h.drain()

            let home = try await h.call(.get, "/api/v1/timelines/home", token: bob.token)
            #expect(home.ids.contains(String(plain)))
            #expect(!home.ids.contains(String(spoiler)))  // hidden
            let warned = try #require(status(home, movie)?["filtered"] as? [[String: Any]])
            #expect(warned.count == 1)
            #expect((warned[0]["filter"] as? [String: Any])?["id"] as? String == warnId)
            #expect(warned[0]["keyword_matches"] as? [String] == ["movie"])
            #expect(status(home, movies)?["filtered"] == nil)  // whole word: "movies" is not "movie"
            #expect((status(home, films)?["filtered"] as? [[String: Any]])?.first?["keyword_matches"] as? [String] == ["Film"])
            #expect(status(home, plain)?["filtered"] == nil)
            // Other contexts: the hide filter covers public, not account; alice sees everything.
            #expect(try await !h.call(.get, "/api/v1/timelines/public", token: bob.token).ids.contains(String(spoiler)))
            #expect(try await h.call(.get, "/api/v1/accounts/\(alice.id)/statuses", token: bob.token).ids.contains(String(spoiler)))
            #expect(try await h.home(alice).contains(spoiler))

            // Update: drop a keyword (_destroy), add one, change the action; the cache follows at once.
            let filmId = try #require(keywords.last?["id"] as? String)
            let update = "filter_action=hide&keywords_attributes[0][id]=\(filmId)&keywords_attributes[0][_destroy]=true&keywords_attributes[1][keyword]=night"
            let updated = try await h.call(.put, "/api/v2/filters/\(warnId)", token: bob.token, rawBody: Array(update.utf8))
            #expect(updated.status == .ok)
            #expect((updated.object["keywords"] as? [[String: Any]] ?? []).map { $0["keyword"] as? String } == ["movie", "night"])
            let after = try await h.call(.get, "/api/v1/timelines/home", token: bob.token)
            #expect(!after.ids.contains(String(movie)))
            #expect(after.ids.contains(String(films)) && status(after, films)?["filtered"] == nil)

            // Keyword sub-resources.
            let added = try await h.call(.post, "/api/v2/filters/\(warnId)/keywords", token: bob.token, form: ["keyword": "nothing", "whole_word": "false"])
            #expect(added.status == .ok && added.string("keyword") == "nothing")
            let addedId = added.string("id")
            #expect(try await h.call(.get, "/api/v2/filters/\(warnId)/keywords", token: bob.token).array.count == 3)
            #expect(try await !h.call(.get, "/api/v1/timelines/home", token: bob.token).ids.contains(String(plain)))
            let changed = try await h.call(.put, "/api/v2/filters/keywords/\(addedId)", token: bob.token, form: ["keyword": "zzz"])
            #expect(changed.status == .ok && changed.string("keyword") == "zzz")
            #expect(try await h.call(.get, "/api/v2/filters/keywords/\(addedId)", token: alice.token).status == .notFound)
            #expect(try await h.call(.delete, "/api/v2/filters/keywords/\(addedId)", token: bob.token).status == .ok)
            #expect(try await h.call(.get, "/api/v2/filters/keywords/\(addedId)", token: bob.token).status == .notFound)

            // Status sub-resources: filter one status by id.
            let byStatus = try await h.call(.post, "/api/v2/filters/\(warnId)/statuses", token: bob.token, form: ["status_id": String(plain)])
            #expect(byStatus.status == .ok && byStatus.string("status_id") == String(plain))
            #expect(try await !h.call(.get, "/api/v1/timelines/home", token: bob.token).ids.contains(String(plain)))
            #expect(try await h.call(.delete, "/api/v2/filters/statuses/\(byStatus.string("id"))", token: bob.token).status == .ok)
            #expect(try await h.call(.get, "/api/v1/timelines/home", token: bob.token).ids.contains(String(plain)))

            // Others' filters do not exist for a viewer; bad input is a 422.
            #expect(try await h.call(.get, "/api/v2/filters/\(warnId)", token: alice.token).status == .notFound)
            #expect(try await h.call(.delete, "/api/v2/filters/\(warnId)", token: alice.token).status == .notFound)
            #expect(try await h.call(.get, "/api/v2/filters", token: alice.token).array.isEmpty)
            #expect(try await h.call(.get, "/api/v2/filters", token: bob.token).array.count == 2)
            #expect(try await createFilter(h, bob, #"{"title": "x", "context": ["nowhere"]}"#).status == .unprocessableContent)
            #expect(try await createFilter(h, bob, #"{"context": ["home"]}"#).status == .unprocessableContent)
            #expect(try await createFilter(h, bob, #"{"title": "x", "context": ["home"], "filter_action": "explode"}"#).status == .unprocessableContent)
            #expect(try await createFilter(h, bob, #"{"title": "x", "context": ["home"], "expires_in": -5}"#).status == .unprocessableContent)

            // An expired filter is ignored (expiry set in the past directly).
            _ = try await h.database.query("test_expire_filter", "UPDATE filters SET expires_at = now() - interval '1 second' WHERE account_id = \(bob.id)").collect(Int64.self)
            await h.services.filtersChanged(bob.id)
            let unfiltered = try await h.call(.get, "/api/v1/timelines/home", token: bob.token)
            #expect(unfiltered.ids.contains(String(spoiler)) && unfiltered.ids.contains(String(movie)))

            #expect(try await h.call(.delete, "/api/v2/filters/\(warnId)", token: bob.token).status == .ok)
            #expect(try await h.call(.get, "/api/v2/filters/\(warnId)", token: bob.token).status == .notFound)
        }
    }

    @Test func followImportRunsInTheBackgroundAndExportListsFollows() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob"), carol = try await h.register("carol")
            let dave = try await h.register("dave")
            try await h.follow(alice, dave)
            let csv = """
                Account address,Show boosts,Notify on new posts,Languages
                \(bob.username)@starling.test,true,false,
                @\(carol.username),true,false,
                nobody_here_\(alice.username),true,false,
                \(bob.username)@elsewhere.example,true,false,
                "=cmd()",true,false,

                """
            let boundary = "XyZ123"
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nfollowing\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\noverwrite\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"data\"; filename=\"following.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n"
                + "--\(boundary)--\r\n"
            let created = try await h.call(.post, "/api/v1/import", token: alice.token, rawBody: Array(body.utf8),
                                           contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(created.status == .ok, "\(String(decoding: created.bytes, as: UTF8.self))")
            let id = created.string("id")
            #expect(created.object["total"] as? Int == 5 && created.string("state") == "pending")

            let importer = FollowImporter(database: h.database, redis: h.redis, logger: Logger(label: "test"))
            while try await importer.runOnce() {}
            let done = try await h.call(.get, "/api/v1/imports/\(id)", token: alice.token)
            #expect(done.string("state") == "finished")
            #expect(done.object["processed"] as? Int == 5)
            #expect(done.object["failed"] as? Int == 3)
            #expect(try await h.call(.get, "/api/v1/imports/\(id)", token: bob.token).status == .notFound)

            let relationships = try await h.call(.get, "/api/v1/accounts/relationships?id[]=\(bob.id)&id[]=\(carol.id)&id[]=\(dave.id)", token: alice.token)
            #expect(relationships.array.map { $0["following"] as? Bool } == [true, true, false])  // overwrite dropped dave

            let export = try await h.call(.get, "/api/v1/exports/following.csv", token: alice.token)
            #expect(export.status == .ok)
            let lines = String(decoding: export.bytes, as: UTF8.self).split(separator: "\n").map(String.init)
            #expect(lines.first == "Account address,Show boosts,Notify on new posts,Languages")
            #expect(Set(lines.dropFirst()) == ["\(bob.username)@starling.test,true,false,", "\(carol.username)@starling.test,true,false,"])

            // Merge keeps existing follows; a form body works as well as multipart; bad input is a 422.
            let merge = try await h.call(.post, "/api/v1/import", token: bob.token, form: ["type": "following", "data": "\(dave.username)\n"])
            #expect(merge.status == .ok && merge.string("mode") == "merge")
            while try await importer.runOnce() {}
            #expect(try await h.call(.get, "/api/v1/accounts/relationships?id[]=\(dave.id)", token: bob.token).array.first?["following"] as? Bool == true)
            #expect(try await h.call(.post, "/api/v1/import", token: bob.token, form: ["type": "blocks", "data": "x"]).status == .unprocessableContent)
            #expect(try await h.call(.post, "/api/v1/import", token: bob.token, form: ["type": "following", "mode": "x", "data": "x"]).status == .unprocessableContent)
            #expect(try await h.call(.post, "/api/v1/import", token: bob.token, form: ["type": "following"]).status == .unprocessableContent)
            #expect(try await h.call(.post, "/api/v1/import", token: bob.token, rawBody: Array("--x\r\nbroken".utf8),
                                     contentType: "multipart/form-data; boundary=x").status == .badRequest)
        }
    }

    @Test func followImportAsksLockedAccountsAndSkipsBlocks() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), locked = try await h.register("locked"), blocker = try await h.register("blocker")
            #expect(try await h.call(.patch, "/api/v1/accounts/update_credentials", token: locked.token, form: ["locked": "true"]).status == .ok)
            #expect(try await h.call(.post, "/api/v1/accounts/\(alice.id)/block", token: blocker.token).status == .ok)
            let created = try await h.call(.post, "/api/v1/import", token: alice.token,
                                           form: ["type": "following", "data": "\(locked.username)\n\(blocker.username)\n"])
            #expect(created.status == .ok)
            let importer = FollowImporter(database: h.database, redis: h.redis, logger: Logger(label: "test"))
            while try await importer.runOnce() {}
            let done = try await h.call(.get, "/api/v1/imports/\(created.string("id"))", token: alice.token)
            #expect(done.object["processed"] as? Int == 2 && done.object["failed"] as? Int == 1)
            let relationships = try await h.call(.get, "/api/v1/accounts/relationships?id[]=\(locked.id)&id[]=\(blocker.id)", token: alice.token).array
            #expect(relationships.map { $0["following"] as? Bool } == [false, false])
            #expect(relationships.first?["requested"] as? Bool == true)  // a follow request to the locked account
        }
    }

    @Test func emailSearchFindsOnlyDiscoverableAccounts() async throws {
        try await Harness.with { h in
            let alice = try await h.register("alice"), bob = try await h.register("bob")
            let email = "\(bob.username)@example.com".uppercased()
            #expect(try await h.call(.get, "/api/v1/accounts/search?q=\(email)", token: alice.token).array.isEmpty)
            let patched = try await h.call(.patch, "/api/v1/accounts/update_credentials", token: bob.token, form: ["discoverable": "true"])
            #expect(patched.status == .ok)
            #expect(patched.object["discoverable"] as? Bool == true)
            let found = try await h.call(.get, "/api/v1/accounts/search?q=\(email)", token: alice.token)
            #expect(found.ids == [String(bob.id)])
            #expect(try await h.call(.get, "/api/v1/accounts/search?q=x\(email)", token: alice.token).array.isEmpty)
            let v2 = try await h.call(.get, "/api/v2/search?type=accounts&q=\(email)", token: alice.token).object["accounts"] as? [[String: Any]]
            #expect(v2?.compactMap { $0["id"] as? String } == [String(bob.id)])
            #expect(try await h.account(bob)["discoverable"] as? Bool == true)
            #expect(try await h.account(alice)["discoverable"] as? Bool == false)
            _ = try await h.call(.patch, "/api/v1/accounts/update_credentials", token: bob.token, form: ["discoverable": "false"])
            #expect(try await h.call(.get, "/api/v1/accounts/search?q=\(email)", token: alice.token).array.isEmpty)
            #expect((try await h.call(.get, "/api/v2/search?type=accounts&q=\(email)", token: alice.token).object["accounts"] as? [Any])?.isEmpty == true)
            #expect(try await h.call(.get, "/api/v1/accounts/search", token: alice.token).status == .badRequest)
        }
    }
}
