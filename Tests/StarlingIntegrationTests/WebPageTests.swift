import Foundation
#if canImport(FoundationXML)
import FoundationXML  // XMLParser, on Linux
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import StarlingAPI
import StarlingDomain
import Testing

/// The public pages, feeds and the web client's sign-up and session token, against the real
/// PostgreSQL and Redis.
@Suite(.serialized, .enabled(if: TestEnvironment.available))
struct WebPageTests {
    static let hostile = "<script>alert(1)</script> & \"quoted\" 'single'"

    static func text(_ reply: Harness.Reply) -> String { String(decoding: reply.bytes, as: UTF8.self) }

    /// A page with a conditional request: the status, and the headers.
    static func get(_ h: Harness, _ uri: String, ifNoneMatch: String? = nil, cookie: String? = nil) async throws -> Harness.Reply {
        var headers: HTTPFields = [:]
        if let ifNoneMatch { headers[.ifNoneMatch] = ifNoneMatch }
        if let cookie { headers[.cookie] = cookie }
        let response = try await h.client.executeRequest(uri: uri, method: .get, headers: headers, body: nil)
        return Harness.Reply(status: response.status, headers: response.headers, bytes: Array(response.body.readableBytesView))
    }

    @Test func profilePageEscapesHostileTextAndRevalidates() async throws {
        try await Harness.with { h in
            let alice = try await h.register("webalice")
            let profile = try await h.call(.patch, "/api/v1/accounts/update_credentials", token: alice.token,
                                           form: ["display_name": "Eve <b>\"x\"", "note": Self.hostile])
            #expect(profile.status == .ok)
            let hello = try await h.post(alice, "hello " + Self.hostile + " #webtest")
            _ = try await h.post(alice, "a later post")
            #expect(try await h.call(.post, "/api/v1/statuses/\(hello)/pin", token: alice.token).status == .ok)
            let secret = try await h.post(alice, "followers only secret", visibility: "private")
            let page = try await Self.get(h, "/@\(alice.username)")
            #expect(page.status == .ok)
            let html = Self.text(page)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(!html.contains("<script>alert(1)</script>"), "user text is escaped")
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<b>\"x\""), "the display name is escaped")
            #expect(html.contains("Eve &lt;b&gt;&quot;x&quot;"))
            #expect(!html.contains("followers only secret"), "a private status is not on the public page")
            #expect(!html.contains(String(secret)))
            #expect(html.contains("<h2 id=\"pinned-heading\">Pinned</h2>"), "a pinned status is shown first")
            #expect(html.components(separatedBy: "id=\"s-\(hello)\"").count == 2, "once, under Pinned")
            #expect(html.contains("<meta property=\"og:title\""))
            #expect(html.contains("<link rel=\"alternate\" type=\"application/rss+xml\""))
            #expect(html.contains("http://starling.test/@\(alice.username).rss"))
            #expect(page.headers[.cacheControl]?.contains("public") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let etag = try #require(page.headers[.eTag])
            let again = try await Self.get(h, "/@\(alice.username)", ifNoneMatch: etag)
            #expect(again.status == .notModified)
            #expect(again.bytes.isEmpty)
            #expect(again.headers[.eTag] == etag)
            #expect(try await Self.get(h, "/%40\(alice.username)").status == .ok, "a percent-encoded @ names the same page")
            let other = try await Self.get(h, "/@\(alice.username)", ifNoneMatch: "\"0000000000000000\"")
            #expect(other.status == .ok)
        }
    }

    @Test func unknownPagesAreNotFound() async throws {
        try await Harness.with { h in
            let missing = try await Self.get(h, "/@nobody_\(UInt32.random(in: 0...UInt32.max))")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            let malformed = try await Self.get(h, "/@bad%3Cname%3E")
            #expect(malformed.status == .notFound)
            #expect(!Self.text(malformed).contains("<name>"))
            let notAPage = try await Self.get(h, "/definitely-not-a-page")
            #expect(notAPage.status == .notFound)
            #expect(notAPage.error != nil, "a path without @ gets the API's JSON 404")
            let badTag = try await Self.get(h, "/tags/%3Cscript%3E")
            #expect(badTag.status == .notFound)
            #expect(!Self.text(badTag).contains("<script>"))
        }
    }

    @Test func statusPageShowsThePublicThreadOnly() async throws {
        try await Harness.with { h in
            let alice = try await h.register("webthread"), bob = try await h.register("webreply")
            let root = try await h.post(alice, "root of the thread")
            let reply = try await h.post(bob, "@\(alice.username) a public reply", inReplyTo: root)
            _ = try await h.post(bob, "@\(alice.username) a private reply", inReplyTo: root, visibility: "private")
            let page = try await Self.get(h, "/@\(alice.username)/\(root)")
            #expect(page.status == .ok)
            let html = Self.text(page)
            #expect(html.contains("root of the thread"))
            #expect(html.contains("a public reply"))
            #expect(html.contains("id=\"s-\(reply)\""))
            #expect(!html.contains("a private reply"))
            #expect(html.contains("og:type\" content=\"article\""))
            // The wrong author in the path, a private status and a deleted one are not found.
            #expect(try await Self.get(h, "/@\(bob.username)/\(root)").status == .notFound)
            let hidden = try await h.post(alice, "private thoughts", visibility: "private")
            #expect(try await Self.get(h, "/@\(alice.username)/\(hidden)").status == .notFound)
            #expect(try await Self.get(h, "/@\(alice.username)/notanumber").status == .notFound)
            #expect(try await h.call(.delete, "/api/v1/statuses/\(root)", token: alice.token).status == .ok)
            #expect(try await Self.get(h, "/@\(alice.username)/\(root)").status == .notFound)
        }
    }

    @Test func deletedStatusLeavesTheProfileAtOnce() async throws {
        try await Harness.with { h in
            let alice = try await h.register("webdelete")
            let doomed = try await h.post(alice, "soon to be deleted")
            #expect(Self.text(try await Self.get(h, "/@\(alice.username)")).contains("soon to be deleted"))
            #expect(try await h.call(.delete, "/api/v1/statuses/\(doomed)", token: alice.token).status == .ok)
            // The page's id list is cached for seconds; hydration drops the tombstoned status anyway.
            #expect(!Self.text(try await Self.get(h, "/@\(alice.username)")).contains("soon to be deleted"))
        }
    }

    /// Collects what a feed holds, through Foundation's XML parser (which rejects malformed XML).
    final class FeedReader: NSObject, XMLParserDelegate, @unchecked Sendable {  // used by one parse at a time
        var guids: [String] = [], dates: [String] = [], descriptions: [String] = []
        var enclosures: [[String: String]] = [], mediaContents: [[String: String]] = []
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            text = ""
            if name == "enclosure" { enclosures.append(attributes) }
            if name == "media:content" { mediaContents.append(attributes) }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "guid": guids.append(text)
            case "pubDate": dates.append(text)
            case "description": descriptions.append(text)
            default: break
            }
        }
        static func read(_ bytes: [UInt8]) throws -> FeedReader {
            let reader = FeedReader()
            let parser = XMLParser(data: Data(bytes))
            parser.delegate = reader
            try #require(parser.parse(), "well-formed XML: \(String(describing: parser.parserError))")
            return reader
        }
    }

    @Test func feedsAreWellFormedRSS() async throws {
        try await Harness.with { h in
            let alice = try await h.register("webfeed")
            let tag = "webfeed\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
            let first = try await h.post(alice, "first & <b>bold</b> #\(tag)")
            let second = try await h.post(alice, "second post")
            _ = try await h.post(alice, "not in the feed", visibility: "private")
            let feed = try await Self.get(h, "/@\(alice.username).rss")
            #expect(feed.status == .ok)
            #expect(feed.headers[.contentType]?.hasPrefix("application/rss+xml") == true)
            let reader = try FeedReader.read(feed.bytes)
            #expect(reader.guids == ["http://starling.test/@\(alice.username)/\(second)", "http://starling.test/@\(alice.username)/\(first)"])
            let rfc822 = try Regex(#"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$"#)
            #expect(reader.dates.count == 2)
            #expect(reader.dates.allSatisfy { $0.wholeMatch(of: rfc822) != nil }, "\(reader.dates)")
            #expect(reader.descriptions.contains { $0.contains("&lt;b&gt;bold&lt;/b&gt;") }, "HTML of the status, escaped once in XML")
            #expect(!Self.text(feed).contains("not in the feed"))
            let etag = try #require(feed.headers[.eTag])
            #expect(try await Self.get(h, "/@\(alice.username).rss", ifNoneMatch: etag).status == .notModified)

            let tagFeed = try await Self.get(h, "/tags/\(tag).rss")
            #expect(tagFeed.status == .ok)
            #expect(try FeedReader.read(tagFeed.bytes).guids == ["http://starling.test/@\(alice.username)/\(first)"])
            let tagPage = try await Self.get(h, "/tags/\(tag.uppercased())")
            #expect(tagPage.status == .ok)
            #expect(Self.text(tagPage).contains("/tags/\(tag).rss"))
        }
    }

    @Test func picturesAndPollsOnPublicPagesAndFeeds() async throws {
        try await Harness.with { h in
            let alice = try await h.register("webpics")
            let upload = try await h.upload(alice, try TestImages.make(320, 200), fields: ["description": "noise " + Self.hostile])
            try #require(upload.status == .ok, "\(upload.status)")
            let posted = try await h.postJSON(alice, ["status": "look at this", "media_ids": [upload.string("id")]])
            try #require(posted.status == .ok, "\(posted.status) \(Self.text(posted))")
            let media = try #require((posted.object["media_attachments"] as? [[String: Any]])?.first)
            let url = try #require(media["url"] as? String)
            let preview = try #require(media["preview_url"] as? String)
            let hidden = try await h.upload(alice, try TestImages.make(200, 200, ext: "png"))
            let sensitive = try await h.postJSON(alice, ["status": "careful", "sensitive": true, "media_ids": [hidden.string("id")]])
            try #require(sensitive.status == .ok)
            let hiddenURL = try #require((sensitive.object["media_attachments"] as? [[String: Any]])?.first?["url"] as? String)

            let page = try await Self.get(h, "/@\(alice.username)/\(posted.string("id"))")
            #expect(page.status == .ok)
            let html = Self.text(page)
            #expect(html.contains("<meta property=\"og:image\" content=\"\(url)\">"), "the first picture is the link preview's")
            #expect(html.contains("<meta property=\"og:image:width\" content=\"320\">"))
            #expect(html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"))
            #expect(html.contains("<a href=\"\(url)\"><img src=\"\(preview)\" alt=\"noise &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39;\""),
                    "the preview links to the picture, its description escaped as alt text")
            #expect(!html.contains("<script>alert(1)</script>"))
            let picture = try await h.call(.get, try Harness.mediaPath(preview))
            #expect(picture.status == .ok && picture.headers[.contentType] == "image/jpeg", "the page's image loads from this site")
            #expect(page.headers[.contentSecurityPolicy]?.contains("img-src 'self'") == true)

            let careful = Self.text(try await Self.get(h, "/@\(alice.username)/\(sensitive.string("id"))"))
            #expect(!careful.contains("og:image"), "a sensitive picture is no link preview")
            #expect(careful.contains("<details class=\"sensitive\"><summary>Sensitive media: show</summary>"))
            #expect(careful.contains(hiddenURL))

            let profile = Self.text(try await Self.get(h, "/@\(alice.username)"))
            #expect(profile.contains("<img src=\"\(preview)\"") && profile.contains(hiddenURL))

            let feed = try await Self.get(h, "/@\(alice.username).rss")
            let reader = try FeedReader.read(feed.bytes)
            #expect(reader.enclosures.count == 2)
            let file = try await h.call(.get, try Harness.mediaPath(url))
            let enclosure = try #require(reader.enclosures.last, "the older post's enclosure")
            #expect(enclosure["url"] == url && enclosure["type"] == "image/jpeg" && enclosure["length"] == String(file.bytes.count),
                    "\(enclosure) vs \(file.bytes.count) bytes")
            let hiddenFile = try await h.call(.get, try Harness.mediaPath(hiddenURL))
            #expect(reader.enclosures.first?["url"] == hiddenURL && reader.enclosures.first?["type"] == hiddenFile.headers[.contentType],
                    "the type the file is served with: \(reader.enclosures.first ?? [:])")
            #expect(reader.mediaContents.map { $0["url"] } == [hiddenURL, url])

            // A poll: its options and, once someone voted, the shares.
            let bob = try await h.register("webpics")
            let poll = try await h.postJSON(alice, ["status": "tea or coffee?", "poll": ["options": ["Tea <b>", "Coffee"], "expires_in": 3600]])
            try #require(poll.status == .ok, "\(Self.text(poll))")
            let pollId = try #require((poll.object["poll"] as? [String: Any])?["id"] as? String)
            #expect(try await h.call(.post, "/api/v1/polls/\(pollId)/votes", token: bob.token, form: ["choices[]": "1"]).status == .ok)
            let pollPage = Self.text(try await Self.get(h, "/@\(alice.username)/\(poll.string("id"))"))
            #expect(pollPage.contains("<span class=\"title\">Tea &lt;b&gt;</span> <strong>0%</strong>"), "\(pollPage)")
            #expect(pollPage.contains("<span class=\"title\">Coffee</span> <strong>100%</strong>"))
            #expect(pollPage.contains("1 person voted"))

            // Hidden totals stay hidden from the public page until the poll ends.
            let secret = try await h.postJSON(alice, ["status": "secret ballot", "poll": ["options": ["Yes", "No"], "expires_in": 3600, "hide_totals": true]])
            try #require(secret.status == .ok)
            let secretPage = Self.text(try await Self.get(h, "/@\(alice.username)/\(secret.string("id"))"))
            #expect(secretPage.contains("<li>Yes</li><li>No</li>") && !secretPage.contains("%</strong>"), "\(secretPage)")

            // A content warning hides the pictures as sensitive does, and keeps them out of the link preview.
            let warned = try await h.upload(alice, try TestImages.make(100, 100))
            let cw = try await h.postJSON(alice, ["status": "behind a warning", "spoiler_text": "spiders", "media_ids": [warned.string("id")]])
            try #require(cw.status == .ok)
            let cwPage = Self.text(try await Self.get(h, "/@\(alice.username)/\(cw.string("id"))"))
            #expect(!cwPage.contains("og:image") && cwPage.contains("<details class=\"sensitive\">"))
        }
    }

    @Test func aboutPageListsEscapedRules() async throws {
        var options = Harness.Options()
        options.rules = [InstanceRule(id: "1", text: "Be kind <em>always</em>", hint: "")]
        try await Harness.with(options) { h in
            let page = try await Self.get(h, "/about")
            #expect(page.status == .ok)
            #expect(Self.text(page).contains("Be kind &lt;em&gt;always&lt;/em&gt;"))
        }
    }

    @Test func signUpSignsInAndTheSessionTokenEndsWithTheSession() async throws {
        try await Harness.with { h in
            let browser = OAuthTests.Browser(h.client)
            let landing = try await browser.request(.get, "/")
            #expect(landing.status == .ok)
            #expect(OAuthTests.html(landing).contains("/auth/sign_up"))
            #expect(!OAuthTests.html(landing).contains("starling-token"))
            let form = try await browser.request(.get, "/auth/sign_up")
            let token = try #require(OAuthTests.field("authenticity_token", in: OAuthTests.html(form)))
            let username = Harness.uniqueName("websignup")
            // Without the form cookie's value (another site's form) nothing is created.
            let forged = try await browser.request(.post, "/auth/sign_up", form: [("authenticity_token", WebAuth.randomSecret()),
                ("username", username), ("email", "\(username)@example.com"), ("password", "correct horse"), ("agreement", "1")])
            #expect(forged.status == .forbidden)
            let invalid = try await browser.request(.post, "/auth/sign_up", form: [("authenticity_token", token),
                ("username", "no spaces <b>"), ("email", "\(username)@example.com"), ("password", "correct horse"), ("agreement", "1")])
            #expect(invalid.status == .unprocessableContent)
            #expect(OAuthTests.html(invalid).contains("no spaces &lt;b&gt;"))
            let created = try await browser.request(.post, "/auth/sign_up", form: [("authenticity_token", token),
                ("username", username), ("email", "\(username)@example.com"), ("password", "correct horse"), ("agreement", "1")])
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/")
            #expect(browser.cookies[WebAuth.sessionCookie] != nil)

            let app = try await browser.request(.get, "/")
            let html = OAuthTests.html(app)
            #expect(app.headers[.cacheControl] == "no-store")
            #expect(app.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(html.contains("<script src=\"/assets/web.js\" defer></script>"))
            let accessToken = try #require(Self.meta("starling-token", in: html))
            let me = try await h.call(.get, "/api/v1/accounts/verify_credentials", token: accessToken)
            #expect(me.status == .ok)
            #expect(me.string("username") == username)
            // The same session gets the same token on the next load (no pile of tokens).
            #expect(Self.meta("starling-token", in: OAuthTests.html(try await browser.request(.get, "/"))) == accessToken)
            // Signing out ends the token with the session.
            let csrf = try #require(Self.meta("starling-csrf", in: html))
            #expect(try await browser.request(.post, "/auth/sign_out", form: [("authenticity_token", csrf)]).status == .seeOther)
            #expect(try await h.call(.get, "/api/v1/accounts/verify_credentials", token: accessToken).status == .unauthorized)
            #expect(!OAuthTests.html(try await browser.request(.get, "/")).contains("starling-token"))
        }
    }

    @Test func aSessionThatEndedLeavesNoTokenBehind() async throws {
        try await Harness.with { h in
            let user = try await h.register("webidle")
            let (secret, _) = try await h.services.oauth.createSession(accountId: user.id, userAgent: nil)
            let page = try await Self.get(h, "/", cookie: "\(WebAuth.sessionCookie)=\(secret)")
            let token = try #require(Self.meta("starling-token", in: Self.text(page)))
            #expect(try await h.call(.get, "/api/v1/accounts/verify_credentials", token: token).status == .ok)
            // The session goes idle past its limit: the next visit finds it ended and deletes its remains.
            for try await _ in try await h.database.query("age_session",
                "UPDATE web_sessions SET last_seen_at = now() - interval '31 days' WHERE account_id = \(user.id)") {}
            let after = try await Self.get(h, "/", cookie: "\(WebAuth.sessionCookie)=\(secret)")
            #expect(!Self.text(after).contains("starling-token"))
            #expect(after.headers[values: .setCookie].contains { $0.hasPrefix("\(WebAuth.sessionCookie)=;") || $0.contains("Max-Age=0") })
            #expect(try await h.call(.get, "/api/v1/accounts/verify_credentials", token: token).status == .unauthorized)
        }
    }

    static func meta(_ name: String, in html: String) -> String? {
        let marker = "<meta name=\"\(name)\" content=\""
        guard let range = html.range(of: marker) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    @Test func assetsAreCacheable() async throws {
        try await Harness.with { h in
            for path in ["/assets/web.js", "/assets/web.css"] {
                let asset = try await Self.get(h, path)
                #expect(asset.status == .ok)
                let etag = try #require(asset.headers[.eTag])
                #expect(asset.headers[.cacheControl]?.hasPrefix("public") == true)
                #expect(try await Self.get(h, path, ifNoneMatch: etag).status == .notModified)
            }
        }
    }
}
