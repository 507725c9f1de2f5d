import Foundation
import Testing
@testable import StarlingDomain

struct ContentFilterTests {
    func filter(_ id: Int64 = 1, _ keywords: [(String, Bool)], contexts: [FilterContext] = [.home], action: FilterAction = .warn,
                expiresAt: Date? = nil, statuses: [Int64] = []) -> ContentFilter {
        ContentFilter(id: id, title: "f\(id)", contexts: contexts, action: action, expiresAt: expiresAt, createdAt: Date(),
                      keywords: keywords.enumerated().map { .init(id: Int64($0.offset + 1), keyword: $0.element.0, wholeWord: $0.element.1) },
                      statuses: statuses.enumerated().map { (id: Int64($0.offset + 1), statusId: $0.element) })
    }

    func matched(_ keyword: String, wholeWord: Bool, in text: String) -> Bool {
        !FilterMatcher(filters: [filter(1, [(keyword, wholeWord)])], context: .home).matches(text: text, statusIds: [1]).isEmpty
    }

    @Test(arguments: [
        // (keyword, whole word, text, matches) — Mastodon: \b only on sides where the keyword has a word character.
        ("cat", true, "I like cats", false),
        ("cat", true, "a cat!", true),
        ("cat", true, "CAT", true),
        ("cat", true, "concatenate", false),
        ("cat", false, "concatenate", true),
        ("cat", false, "CONCATENATE", true),
        ("cat", true, "my_cat", false),  // `_` is a word character
        ("cat", true, "cat2", false),
        ("cat", true, "(cat)", true),
        ("#tag", true, "see #tag here", true),
        ("#tag", true, "see x#tag here", true),  // no \b before `#`
        ("#tag", true, "see #tags", false),
        ("ça", true, "voilà ça va", true),
        ("ça", true, "façade", false),
        ("naïve", true, "So NAÏVE.", true),
        ("über", true, "grossüber", false),
        ("new york", true, "in New York today", true),
        ("new york", true, "in New Yorker", false),
        ("", true, "anything", false),
    ])
    func keywordMatching(keyword: String, wholeWord: Bool, text: String, expected: Bool) {
        #expect(matched(keyword, wholeWord: wholeWord, in: text) == expected, "\(keyword) in \(text)")
    }

    @Test func contextsExpiryAndActions() {
        let now = Date()
        let filters = [
            filter(1, [("spoiler", true)], contexts: [.home, .public], action: .hide),
            filter(2, [("movie", false)], contexts: [.home], action: .warn),
            filter(3, [("movie", true)], contexts: [.home], expiresAt: now.addingTimeInterval(-1)),
            filter(4, [], contexts: [.thread], statuses: [42]),
        ]
        let home = FilterMatcher(filters: filters, context: .home, now: now)
        let result = home.matches(text: "Movie spoiler ahead", statusIds: [7])
        #expect(result.map(\.filterId) == [1, 2])  // the expired filter 3 is ignored
        #expect(result[0].action == .hide && result[0].keywordMatches == ["spoiler"])
        #expect(result[1].keywordMatches == ["movie"])
        #expect(FilterMatcher(filters: filters, context: .notifications, now: now).isEmpty)
        let thread = FilterMatcher(filters: filters, context: .thread, now: now)
        #expect(thread.matches(text: "nothing", statusIds: [42, 43]).first?.statusMatches == [42])
        #expect(thread.matches(text: "nothing", statusIds: [43]).isEmpty)
    }

    @Test func plainTextOfContent() {
        #expect(FilterMatcher.plainText(html: "<p>a &amp; b</p><p>c<br>d &lt;3 &quot;q&quot; it&#39;s</p>") == "a & b\nc\nd <3 \"q\" it's\n")
        #expect(FilterMatcher.plainText(html: "<p><a href=\"x\">@<span>bob</span></a> hi</p>") == "@bob hi\n")
        // Multi-byte text kept whole, upper-case tags, and entities decoded once (`&amp;lt;` is `&lt;`).
        #expect(FilterMatcher.plainText(html: "<P>Größe 🐦 &amp;lt;<BR/>日本</P>") == "Größe 🐦 &lt;\n日本\n")
        #expect(FilterMatcher.plainText(html: "a &unknown; & b &amp") == "a &unknown; & b &amp")
    }

    @Test func conversationParticipants() {
        #expect(DirectConversation.participants(author: 1, mentioned: [3, 2, 3, 1]) == [1, 3, 2])
        #expect(DirectConversation.participants(author: 1, mentioned: [2, 3], excluded: [2]) == [1, 3])
        #expect(DirectConversation.others(of: [1, 3, 2], viewer: 3) == [1, 2])
        #expect(DirectConversation.conversationId(status: 9, parentConversation: 5, parent: 7) == 5)
        #expect(DirectConversation.conversationId(status: 9, parentConversation: nil, parent: 7) == 7)
        #expect(DirectConversation.conversationId(status: 9, parentConversation: nil, parent: nil) == 9)
    }

    @Test func importFiles() throws {
        let csv = "Account address,Show boosts,Notify on new posts,Languages\r\nalice@example.com,true,false,\n\"bob\",true,false,\n\n@carol@other.org,true,false,en\n\"we\"\"ird\",x\n"
        let entries = try FollowImportPlan.entries(csv: Array(csv.utf8))
        #expect(entries == ["alice@example.com", "bob", "@carol@other.org", "we\"ird"])
        let local = entries.map { FollowImportPlan.username(fromAcct: $0, localDomain: "example.com") }
        #expect(local == ["alice", "bob", nil, nil])
        #expect(FollowImportPlan(entries: ["alice", "", "Bob"]).usernames == ["alice", nil, "bob"])
        #expect(throws: DomainError.self) { try FollowImportPlan.entries(csv: [0xFF, 0xFE]) }
        #expect(throws: DomainError.self) { try FollowImportPlan.entries(csv: Array(repeating: UInt8(ascii: "a"), count: FollowImportPlan.maxBytes + 1)) }
        let many = (0...FollowImportPlan.maxEntries).map { "u\($0)" }.joined(separator: "\n")
        #expect(throws: DomainError.self) { try FollowImportPlan.entries(csv: Array(many.utf8)) }
    }
}
