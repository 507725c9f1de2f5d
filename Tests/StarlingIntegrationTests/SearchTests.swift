import Foundation
@testable import StarlingStore
import Testing

/// Full-text search of statuses (`InteractionStore.searchStatusText`): the page is the same whether
/// the newest statuses fill it or the full-text index has to find older matches.
@Suite(.enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct SearchTests {
    @Test func aPageIsTheSameFromTheRecentWindowOrFromTheIndex() async throws {
        try await Harness.with { h in
            let author = try await h.register("searcher")
            let word = "zq\(UInt32.random(in: 0...UInt32.max))"
            var matching: [Int64] = []
            for n in 0..<6 {
                matching.append(try await h.post(author, "number \(n) says \(word)"))
                _ = try await h.post(author, "number \(n) says nothing")
            }
            matching.append(try await h.post(author, "unlisted \(word)", visibility: "unlisted"))
            _ = try await h.post(author, "private \(word)", visibility: "private")  // never found
            let deleted = try await h.post(author, "deleted \(word)")
            #expect(try await h.call(.delete, "/api/v1/statuses/\(deleted)", token: author.token).status == .ok)
            let newestFirst = matching.sorted(by: >)

            let store = InteractionStore(database: h.database)
            // Window 1: the window alone rarely fills a page. 10,000: it always does (in this test's
            // database). 4: some pages from each. A walk budget of 0 sends the rest to the index; a
            // large one to the walk back through the primary key whenever the window saw a match.
            for window in [1, 4, 10_000] {
                for walkBudget in [0, 1 << 40] {
                    for (limit, offset) in [(1, 0), (2, 0), (3, 2), (20, 0), (5, 5), (2, 10)] {
                        let page = try await store.searchStatusText(word, limit: limit, offset: offset, window: window, walkBudget: walkBudget)
                        #expect(page == Array(newestFirst.dropFirst(offset).prefix(limit)),
                                "window \(window), walk budget \(walkBudget), limit \(limit), offset \(offset)")
                    }
                }
            }
            #expect(try await store.searchStatusText("zq0never\(word)", limit: 20, offset: 0).isEmpty)
            #expect(try await store.searchStatusText("!!!", limit: 20, offset: 0).isEmpty, "a query without words matches nothing")

            let reply = try await h.call(.get, "/api/v2/search?type=statuses&q=\(word)&limit=3", token: author.token)
            #expect((reply.object["statuses"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == newestFirst.prefix(3).map(String.init))
            let deeper = try await h.call(.get, "/api/v2/search?type=statuses&q=\(word)&limit=3&offset=3", token: author.token)
            #expect((deeper.object["statuses"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == newestFirst.dropFirst(3).prefix(3).map(String.init))
            // As Mastodon: paging a search needs a signed-in user (an app's token is not one).
            for token in [nil, h.appToken] {
                let anonymous = try await h.call(.get, "/api/v2/search?q=\(word)&offset=0", token: token)
                #expect(anonymous.status == .unauthorized)
                #expect(anonymous.error == "Search queries pagination is not supported without authentication")
            }
            #expect(try await h.call(.get, "/api/v2/search?q=\(word)").status == .ok, "without offset, anyone may search")
        }
    }

    /// Tags by prefix, as Mastodon orders them: the shortest first (the tag itself), then by name;
    /// paged by limit and offset.
    @Test func tagsArePrefixMatchedShortestFirst() async throws {
        try await Harness.with { h in
            let author = try await h.register("tagger")
            let stem = "tq\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
            _ = try await h.post(author, "#\(stem)bb #\(stem)ab #\(stem)a #\(stem) #\(stem)é #\(stem)ba_c")
            let expected = [stem, "\(stem)a", "\(stem)é", "\(stem)ab", "\(stem)bb", "\(stem)ba_c"]
            let store = InteractionStore(database: h.database)
            #expect(try await store.searchTags(prefix: stem.uppercased(), limit: 20, offset: 0) == expected)
            #expect(try await store.searchTags(prefix: stem, limit: 2, offset: 2) == Array(expected[2..<4]))
            #expect(try await store.searchTags(prefix: "\(stem)b", limit: 20, offset: 0) == ["\(stem)bb", "\(stem)ba_c"])
            #expect(try await store.searchTags(prefix: "\(stem)_", limit: 20, offset: 0).isEmpty, "_ is not a wildcard")
            let reply = try await h.call(.get, "/api/v2/search?type=hashtags&q=%23\(stem)&limit=3")
            #expect((reply.object["hashtags"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == Array(expected.prefix(3)))
        }
    }
}
