import Foundation
import StarlingDomain
import Testing

@Suite struct WebPagesTests {
    @Test func handles() {
        #expect(WebPages.handle("@alice") == .init(username: "alice", feed: false))
        #expect(WebPages.handle("@alice_2.rss") == .init(username: "alice_2", feed: true))
        #expect(WebPages.handle("alice") == nil)
        #expect(WebPages.handle("@") == nil)
        #expect(WebPages.handle("@.rss") == nil)
        #expect(WebPages.handle("@a<b") == nil)
        #expect(WebPages.handle("@" + String(repeating: "a", count: 31)) == nil)
        #expect(WebPages.handle("@alice.atom") == nil)
    }

    @Test func tags() {
        #expect(WebPages.tag("Cats")?.name == "cats")
        #expect(WebPages.tag("cats.rss")?.feed == true)
        #expect(WebPages.tag("123") == nil)
        #expect(WebPages.tag("<script>") == nil)
        #expect(WebPages.tag("") == nil)
    }

    @Test func pollResultsAsSharesOfVotesOrVoters() {
        // One choice each: shares of all votes, rounded.
        #expect(WebPages.pollResults(votes: [2, 1, 0], votesCount: 3, votersCount: nil, multiple: false).map { $0?.percent }
                == [67, 33, 0])
        // Several choices: shares of the people who voted, so they may add up to more than 100.
        #expect(WebPages.pollResults(votes: [2, 2], votesCount: 4, votersCount: 2, multiple: true).map { $0?.percent } == [100, 100])
        #expect(WebPages.pollResults(votes: [3, 1], votesCount: 4, votersCount: 3, multiple: true).map { $0?.votes } == [3, 1])
        // No votes yet; hidden totals.
        #expect(WebPages.pollResults(votes: [0, 0], votesCount: 0, votersCount: nil, multiple: false).map { $0?.percent } == [0, 0])
        #expect(WebPages.pollResults(votes: [nil, nil], votesCount: 0, votersCount: nil, multiple: false) == [nil, nil])
    }

    @Test func mediaOnPagesAndFeeds() {
        let base = "https://starling.example"
        #expect(WebPages.mediaKey(url: base + "/media/ab/cd/0123.jpg", base: base) == "ab/cd/0123.jpg")
        #expect(WebPages.mediaKey(url: "https://elsewhere.example/media/ab/cd/0123.jpg", base: base) == nil)
        #expect(WebPages.mediaKey(url: base + "/media/", base: base) == nil)
        #expect(WebPages.mediaKey(url: base + "/media/../secret", base: base) == nil)
        #expect(WebPages.imageType(ofFile: "ab/cd/0123.png") == "image/png")
        #expect(WebPages.imageType(ofFile: "ab/cd/0123.jpg") == "image/jpeg")
        let urls = [base + "/media/a.jpg", base + "/media/b.jpg"]
        #expect(WebPages.previewImage(attachmentURLs: urls, sensitive: false, spoilerText: "") == urls[0])
        #expect(WebPages.previewImage(attachmentURLs: urls, sensitive: true, spoilerText: "") == nil)
        #expect(WebPages.previewImage(attachmentURLs: urls, sensitive: false, spoilerText: "spoilers") == nil)
        #expect(WebPages.previewImage(attachmentURLs: [], sensitive: false, spoilerText: "") == nil)
        #expect(WebPages.hidesMedia(sensitive: true, spoilerText: "") && WebPages.hidesMedia(sensitive: false, spoilerText: "cw"))
        #expect(!WebPages.hidesMedia(sensitive: false, spoilerText: ""))
    }

    @Test func rfc822Dates() {
        #expect(WebPages.rfc822(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(WebPages.rfc822(Date(timeIntervalSince1970: 1_796_258_517)) == "Thu, 03 Dec 2026 00:41:57 GMT")
    }

    @Test func xmlSafeDropsForbiddenCharacters() {
        #expect(WebPages.xmlSafe("a\u{1}b\u{FFFE}c\td\n") == "abc\td\n")
        #expect(WebPages.xmlSafe("plain ünïcode 🐦") == "plain ünïcode 🐦")
    }

    @Test func plainText() {
        #expect(WebPages.plainText(fromHTML: "<p>Hello &amp; <a href=\"x\">@bob</a></p><p>&lt;b&gt;</p>") == "Hello & @bob <b>")
        #expect(WebPages.plainText(fromHTML: "<p>" + String(repeating: "x", count: 300) + "</p>", limit: 10) == "xxxxxxxxx…")
        // Inline markup (a linked URL's spans, a mention's) joins its text without spaces.
        #expect(WebPages.plainText(fromHTML: "<p>see <a href=\"https://x.org\"><span class=\"invisible\">https://</span><span class=\"\">x.org</span>"
            + "<span class=\"invisible\"></span></a> and <span class=\"h-card\"><a href=\"u\">@<span>bob</span></a></span></p><p>next<br />line</p>")
            == "see https://x.org and @bob next line")
    }

    @Test func etags() {
        let a = WebPages.etag(Array("page".utf8)), b = WebPages.etag(Array("page!".utf8))
        #expect(a != b)
        #expect(a == WebPages.etag(Array("page".utf8)))
        #expect(a.count == 18)
        #expect(WebPages.matches(ifNoneMatch: a, etag: a))
        #expect(WebPages.matches(ifNoneMatch: "\"x\", W/\(a)", etag: a))
        #expect(WebPages.matches(ifNoneMatch: "*", etag: a))
        #expect(!WebPages.matches(ifNoneMatch: b, etag: a))
        #expect(!WebPages.matches(ifNoneMatch: nil, etag: a))
    }

    @Test func signUpRules() {
        #expect(SignUpRules.problem(username: "alice", email: "a@example.com", password: "long enough") == nil)
        #expect(SignUpRules.problem(username: "al ice", email: "a@example.com", password: "long enough") != nil)
        #expect(SignUpRules.problem(username: "alice", email: "@example.com", password: "long enough") != nil)
        #expect(SignUpRules.problem(username: "alice", email: "a@example", password: "long enough") != nil)
        #expect(SignUpRules.problem(username: "alice", email: "a@example.com", password: "short") != nil)
    }
}
