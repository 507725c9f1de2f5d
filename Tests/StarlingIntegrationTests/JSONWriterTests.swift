import Foundation
@testable import StarlingAPI
@testable import StarlingStore
import Testing

/// The hand-written JSON of the hot-path entities against the `JSONEncoder` output it replaced.
/// Needs no database.
@Suite struct JSONWriterTests {
    // MARK: Samples

    /// Text that exercises escaping: quotes, backslash, slash, newlines, every control character,
    /// non-ASCII letters, combining marks and emoji (including a ZWJ sequence and a flag).
    static let nasty = "He said \"hi\" \\ back/slash\n\r\ttab é e\u{301} ß 中文 😀 👩‍👩‍👧 🇫🇷 <b>&amp;</b> '"
        + String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self) + "\u{7F}\u{2028}\u{2029}\u{FEFF}"

    /// Whole milliseconds plus 250 µs: a time whose millisecond no Foundation version (truncating
    /// or rounding) can read differently from the writer, so dates compare exactly.
    static func date(_ secondsSince1970: Double) -> Date {
        Date(timeIntervalSince1970: secondsSince1970 + 0.000_25)
    }

    static func account(_ n: Int, lastStatus: Bool = true) -> AccountEntity {
        AccountEntity(
            id: String(100 + n), username: "user\(n)", acct: "user\(n)", displayName: n % 2 == 0 ? nasty : "Plain \(n)",
            createdAt: date(1_575_763_200), note: n % 2 == 0 ? "<p>\(nasty)</p>" : "",
            url: "https://example.test/@user\(n)", uri: "https://example.test/users/user\(n)",
            avatar: "https://example.test/avatars/original/missing.png", avatarStatic: "https://example.test/avatars/original/missing.png",
            header: "https://example.test/headers/original/missing.png", headerStatic: "https://example.test/headers/original/missing.png",
            followersCount: Int64(n) * 1000, followingCount: -1, statusesCount: Int64.max,
            lastStatusAt: Nullable(lastStatus ? "2019-12-08" : nil))
    }

    static func status(_ n: Int, optionals: Bool, reblog: StatusEntity? = nil) -> StatusEntity {
        var status = StatusEntity(
            id: String(1_000_000 + n), createdAt: date(1_575_776_913.901 + Double(n)),
            inReplyToId: Nullable(optionals ? "123" : nil), inReplyToAccountId: Nullable(optionals ? "456" : nil),
            sensitive: optionals, spoilerText: optionals ? "cw: \(nasty)" : "", visibility: optionals ? "unlisted" : "public",
            language: Nullable(optionals ? "en" : nil),
            uri: "https://example.test/users/user\(n)/statuses/\(n)", url: "https://example.test/@user\(n)/\(n)",
            content: "<p>\(nasty) #\(n)</p>", text: Nullable(optionals ? nasty : nil),
            account: account(n, lastStatus: optionals),
            mentions: optionals ? [MentionEntity(id: "7", username: "bob", url: "https://example.test/@bob", acct: "bob"),
                                   MentionEntity(id: "8", username: "zoë", url: "https://example.test/@zoë", acct: "zoë")] : [],
            tags: optionals ? [TagEntity(name: "swift", url: "https://example.test/tags/swift")] : [])
        status.repliesCount = Int64(n)
        status.reblogsCount = 2
        status.favouritesCount = Int64.min
        status.favourited = optionals
        status.reblogged = !optionals
        if optionals {
            status.application = Nullable(ApplicationEntity(name: "Web \"app\"", website: Nullable(n % 2 == 0 ? "https://a.test/x?y=1&z=2" : nil)))
            status.editedAt = Nullable("2019-12-08T03:48:33.901Z")
        }
        if let reblog { status.reblog = Nullable(ReblogBox(reblog)) }
        return status
    }

    static var statuses: [StatusEntity] {
        let plain = status(1, optionals: false)
        let full = status(2, optionals: true)
        return [plain, full, status(3, optionals: false, reblog: full), status(4, optionals: true, reblog: plain)]
    }

    // MARK: Comparison

    /// Both texts parsed and written back with sorted keys: equal iff the same keys and values.
    static func canonical(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        let sorted = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: sorted, as: UTF8.self)
    }

    static func expectSameJSON(_ value: some JSONWritable, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let written = Data(JSON.bytes(value))
        let reference = try JSON.referenceEncoder.encode(value)
        #expect(try canonical(written) == canonical(reference), sourceLocation: sourceLocation)
    }

    // MARK: Entities

    @Test func accountsMatchTheEncoder() throws {
        try Self.expectSameJSON(Self.account(1, lastStatus: false))
        try Self.expectSameJSON(Self.account(2, lastStatus: true))
        try Self.expectSameJSON([Self.account(1), Self.account(2)])
        try Self.expectSameJSON([AccountEntity]())
    }

    @Test func credentialAccountMatchesTheEncoder() throws {
        try Self.expectSameJSON(CredentialAccountEntity(account: Self.account(2), source: .init(note: Self.nasty)))
        var source = CredentialAccountEntity.Source(note: "")
        source.language = Nullable("fr")
        source.fields = ["a", "b"]
        source.followRequestsCount = 3
        try Self.expectSameJSON(CredentialAccountEntity(account: Self.account(1, lastStatus: false), source: source))
    }

    @Test func statusesMatchTheEncoder() throws {
        for status in Self.statuses { try Self.expectSameJSON(status) }
        try Self.expectSameJSON(Self.statuses)
        try Self.expectSameJSON([StatusEntity]())
    }

    /// A status rendered with its author's shared, prewritten account writes the same JSON as the
    /// encoder; an author whose row changed (a new post, a new name) is rendered afresh, not served
    /// from the renderer's memo.
    @Test func statusesWithASharedAuthorMatchTheEncoderAndFollowTheRow() throws {
        let renderer = Renderer(baseURL: "https://example.test")
        var author = AccountRow(id: 7, username: "zoë", displayName: Self.nasty, note: "hi\n\nthere", createdAt: Self.date(1_575_763_200),
                                lastStatusAt: Self.date(1_575_776_913), followersCount: 3, followingCount: 4, statusesCount: 5)
        let row = StatusRow(id: 42, accountId: 7, text: "hello @zoë #swift", spoilerText: "", sensitive: false, visibility: .public,
                            createdAt: Self.date(1_700_000_000))
        let first = renderer.status(row, author: author)
        try Self.expectSameJSON(first)
        try Self.expectSameJSON([first, renderer.status(row, author: author)])
        author.statusesCount = 6
        author.displayName = "Renamed"
        let second = renderer.status(row, author: author)
        try Self.expectSameJSON(second)
        let written = try #require(try JSONSerialization.jsonObject(with: Data(JSON.bytes(second))) as? [String: Any])
        let account = try #require(written["account"] as? [String: Any])
        #expect(account["statuses_count"] as? Int == 6)
        #expect(account["display_name"] as? String == "Renamed")
        // An account changed on the entity itself (a write replaces the shared box) is written as changed.
        var edited = second
        edited.account.displayName = "Edited"
        let editedJSON = try #require(try JSONSerialization.jsonObject(with: Data(JSON.bytes(edited))) as? [String: Any])
        #expect((editedJSON["account"] as? [String: Any])?["display_name"] as? String == "Edited")
        try Self.expectSameJSON(edited)
    }

    /// A rendered status carries its viewer-independent fields' JSON (cached per node): it writes the
    /// same bytes as the fields written one by one, on a cache miss and a hit, with any counters,
    /// flags, source text or reblog around it; a changed row (an edit) is rendered afresh, and a
    /// field changed on the entity drops the JSON, so what is written is always the fields.
    @Test func prewrittenStatusFieldsMatchTheFieldsAndFollowTheRow() throws {
        let renderer = Renderer(baseURL: "https://example.test")
        let author = AccountRow(id: 7, username: "zoë", displayName: "Zoë", note: "", createdAt: Self.date(1_575_763_200),
                                lastStatusAt: nil, followersCount: 3, followingCount: 4, statusesCount: 5)
        var row = StatusRow(id: 42, accountId: 7, text: "hello @bob #Swift \(Self.nasty)", spoilerText: "cw \"x\"", sensitive: true,
                            visibility: .unlisted, language: "fr", inReplyToId: 41, inReplyToAccountId: 8, createdAt: Self.date(1_700_000_000),
                            mentions: [MentionRef(id: 8, username: "bob")], tags: ["swift"])
        row.media = [MediaRef(id: 9, fileKey: "ab/cd.png", previewKey: "ab/cd-small.png", width: 640, height: 480, previewWidth: 320,
                              previewHeight: 240, blurhash: "LKO2?U%2Tw=w", description: Self.nasty, focusX: 0.5, focusY: -0.25)]
        func expectPrewrittenMatches(_ status: StatusEntity, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(status.prewritten != nil, sourceLocation: sourceLocation)
            var plain = status
            plain.prewritten = nil
            #expect(JSON.bytes(status) == JSON.bytes(plain), sourceLocation: sourceLocation)
            try Self.expectSameJSON(status, sourceLocation: sourceLocation)
        }
        let miss = renderer.status(row, author: author)
        try expectPrewrittenMatches(miss)
        // The audience facts recorded from the row are what parsing the entity gives (a field
        // written back, even unchanged, drops them, so the reader parses).
        #expect(miss.audienceFacts == row.audience)
        var reparsed = miss
        reparsed.content = miss.content
        #expect(reparsed.audienceFacts == nil)
        #expect(TimelineReader.audience(of: reparsed) == TimelineReader.audience(of: miss))
        var interactions = StatusInteractions()
        interactions.repliesCount = 3
        interactions.favourited = true
        let hit = renderer.status(row, author: author, includeSource: true, interactions: interactions)
        try expectPrewrittenMatches(hit)
        #expect(hit.text.value == row.text && hit.repliesCount == 3 && hit.favourited)

        let reblogRow = StatusRow(id: 43, accountId: 7, text: "", spoilerText: "", sensitive: false, visibility: .public,
                                  createdAt: Self.date(1_700_000_100), reblogOfId: 42)
        let reblog = renderer.status(reblogRow, author: author, reblog: hit)
        try expectPrewrittenMatches(reblog)
        #expect(reblog.content == "" && reblog.reblog.value?.status.id == "42")

        row.text = "edited @bob"
        row.editedAt = Self.date(1_700_000_200)
        let edited = renderer.status(row, author: author)
        try expectPrewrittenMatches(edited)
        #expect(edited.content.contains("edited") && edited.editedAt.value != nil)

        var changed = edited
        changed.content = "<p>changed</p>"
        changed.tags = []
        #expect(changed.prewritten == nil && changed.audienceFacts == nil)
        let written = try #require(try JSONSerialization.jsonObject(with: Data(JSON.bytes(changed))) as? [String: Any])
        #expect(written["content"] as? String == "<p>changed</p>" && (written["tags"] as? [Any])?.isEmpty == true)
        try Self.expectSameJSON(changed)
    }

    /// A page's response buffer is reserved at `jsonSizeEstimate`: enough for the page (no growth,
    /// so no copy), and not wildly more (statuses as the renderer makes them, with and without their
    /// prewritten JSON, a reblog, and plain statuses with every optional field).
    @Test func aPagesSizeEstimateHoldsItsJSON() throws {
        let renderer = Renderer(baseURL: "https://example.test")
        let author = AccountRow(id: 7, username: "reader", displayName: "A Reader", note: "", createdAt: Self.date(1_575_763_200),
                                lastStatusAt: Self.date(1_700_000_000), followersCount: 30, followingCount: 40, statusesCount: 50)
        var page: [StatusEntity] = []
        for n in 0..<20 {
            let row = StatusRow(id: Int64(100 + n), accountId: 7, text: "load test post \(n) by user 7 #tag @bob", spoilerText: "",
                                sensitive: false, visibility: .public, createdAt: Self.date(1_700_000_000 + Double(n)),
                                mentions: [MentionRef(id: 8, username: "bob")], tags: ["tag"])
            page.append(renderer.status(row, author: author))
        }
        let reblogRow = StatusRow(id: 200, accountId: 7, text: "", spoilerText: "", sensitive: false, visibility: .public,
                                  createdAt: Self.date(1_700_000_100), reblogOfId: 100)
        page.append(renderer.status(reblogRow, author: author, reblog: page[0]))
        var plain = page[1]
        plain.prewritten = nil
        page.append(plain)
        page += (0..<4).map { Self.status($0, optionals: $0 % 2 == 0) }
        let written = JSON.bytes(page).count
        #expect(page.jsonSizeEstimate >= written, "estimate \(page.jsonSizeEstimate) for \(written) bytes")
        #expect(page.jsonSizeEstimate <= 2 * written, "estimate \(page.jsonSizeEstimate) for \(written) bytes")
    }

    @Test func smallEntitiesMatchTheEncoder() throws {
        try Self.expectSameJSON(MentionEntity(id: "1", username: Self.nasty, url: "https://x.test/@a", acct: "a"))
        try Self.expectSameJSON(TagEntity(name: "tag", url: "https://x.test/tags/tag"))
        try Self.expectSameJSON(ApplicationEntity(name: Self.nasty, website: Nullable(nil)))
        try Self.expectSameJSON(ApplicationEntity(name: "n", website: Nullable("https://w.test/")))
    }

    @Test func notificationsMatchTheEncoder() throws {
        let mention = NotificationEntity(id: "9", type: "mention", createdAt: Self.date(1_600_000_000.5),
                                         account: Shared(prewritten: Self.account(2)), status: Nullable(Self.statuses[3]))
        let follow = NotificationEntity(id: "10", type: "follow", createdAt: Self.date(1_600_000_001),
                                        account: Shared(wrappedValue: Self.account(1)), status: Nullable(nil))
        try Self.expectSameJSON(mention)
        try Self.expectSameJSON(follow)
        try Self.expectSameJSON([mention, follow])
    }

    @Test func contextMatchesTheEncoder() throws {
        try Self.expectSameJSON(ContextEntity(ancestors: Self.statuses, descendants: []))
        try Self.expectSameJSON(ContextEntity(ancestors: [], descendants: Array(Self.statuses.prefix(2))))
    }

    @Test func relationshipsMatchTheEncoder() throws {
        var relationship = RelationshipEntity(id: "5", following: true, showingReblogs: true, followedBy: false)
        try Self.expectSameJSON(relationship)
        relationship.languages = Nullable(["en", "de"])
        relationship.note = Self.nasty
        relationship.blocking = true
        try Self.expectSameJSON([relationship, RelationshipEntity(id: "6", following: false, showingReblogs: false, followedBy: true)])
    }

    @Test func searchAndTrendsMatchTheEncoder() throws {
        let tag = TagEntityWithHistory(name: "swift", url: "https://x.test/tags/swift",
                                       history: [TagHistoryEntity(day: "1575763200", uses: "3", accounts: "2")])
        try Self.expectSameJSON(SearchEntity(accounts: [Shared(prewritten: Self.account(1)), Shared(wrappedValue: Self.account(2))],
                                             statuses: Self.statuses, hashtags: [tag]))
        try Self.expectSameJSON([tag, tag])
    }

    // MARK: The writer itself

    @Test func stringsAreEscapedAndRoundTrip() throws {
        var writer = JSONWriter()
        writer.beginArray()
        writer.string(Self.nasty)
        writer.string("")
        writer.string("a/b")
        writer.endArray()
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text.contains("a/b"))  // `/` is not escaped
        #expect(text.contains("\\u001f") && text.contains("\\n") && text.contains("\\\""))
        #expect(text.contains("😀"))  // non-ASCII stays UTF-8
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String])
        #expect(parsed == [Self.nasty, "", "a/b"])
    }

    @Test func integersAndLiterals() throws {
        var writer = JSONWriter()
        writer.beginObject()
        for (i, value) in [Int64.min, -1, 0, 7, 10, 1_234_567_890_123, Int64.max].enumerated() {
            writer.key(["a", "b", "c", "d", "e", "f", "g"][i])
            writer.int(value)
        }
        writer.field("t", true)
        writer.field("n", Nullable<String>(nil))
        writer.endObject()
        #expect(String(decoding: writer.bytes, as: UTF8.self)
            == #"{"a":-9223372036854775808,"b":-1,"c":0,"d":7,"e":10,"f":1234567890123,"g":9223372036854775807,"t":true,"n":null}"#)
    }

    // MARK: Dates

    @Test func knownTimestamps() {
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 1_575_776_913.901)) == "2019-12-08T03:48:33.901Z")
        #expect(JSON.day(Date(timeIntervalSince1970: 1_575_776_913.901)) == "2019-12-08")
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 4_107_542_399.999)) == "2100-02-28T23:59:59.999Z")
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 4_107_542_400)) == "2100-03-01T00:00:00.000Z")
        // A whole millisecond that a Double holds just below itself: it must not print as .278
        // (Foundation's formatter in Swift 6.3 truncates the raw value and does).
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 3_672_200_638.279)) == "2086-05-14T07:43:58.279Z")
        // Sub-millisecond parts are truncated, as Mastodon's and Foundation's formatters do.
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 1_575_776_913.9019)) == "2019-12-08T03:48:33.901Z")
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 1_704_067_199.9996)) == "2023-12-31T23:59:59.999Z")
    }

    @Test func timestampsMatchFoundation() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var mismatches: [String] = []
        func check(_ date: Date) {
            let expected = date.formatted(style)
            if JSON.timestamp(date) != expected { mismatches.append("\(date.timeIntervalSince1970): \(JSON.timestamp(date)) ≠ \(expected)") }
            if JSON.day(date) != String(expected.prefix(10)) { mismatches.append("day \(date.timeIntervalSince1970)") }
        }
        // Every day from 1970 to 2101 (leap years, 2000, 2100, every month and year boundary), at
        // the first and the last millisecond of the day and somewhere in between.
        for day in 0..<(131 * 366) {
            let midnight = Double(day) * 86_400
            check(Self.date(midnight))
            check(Self.date(midnight + 86_399.999))
            check(Self.date(midnight + Double(day * 7919 % 86_400) + Double(day % 1000) / 1000))
        }
        // Random microsecond-precision times (as PostgreSQL stores them), away from a millisecond edge.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let ms = Int64.random(in: 0...4_102_444_800_000, using: &generator)
            let micros = ms * 1000 + Int64.random(in: 100...400, using: &generator)
            check(Date(timeIntervalSince1970: Double(micros) / 1_000_000))
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    // MARK: Renderer

    @Test func escapeMatchesTheCharacterVersion() {
        let pieces = ["a", "&", "<", ">", "\"", "'", " ", "é", "e\u{301}", "\u{301}", "😀", "\u{600}", "\u{200D}", "\n", "\r", "\r\n",
                      "\u{903}", "🏽", "\u{338}", "中"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(Renderer.escape(text) == Renderer.escapeCharacters(text), "\(Array(text.unicodeScalars))")
            let sub = text.dropFirst()
            #expect(Renderer.escape(sub) == Renderer.escapeCharacters(sub))
        }
        #expect(Renderer.escape(#"<a href="x">&'"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
    }

    @Test func paragraphsMatchTheOriginal() {
        let pieces = ["a", "Bob", "1", "_", "@", "#", "@bob", "#Swift", "#tag", " ", " ", "\n", "\n", "\r\n", "\r", "&", "<", ">",
                      "\"", "'", ".", ",", "/", "\t", "é", "e\u{301}", "\u{301}", "😀", "👍🏽", "\u{600}", "ａ",
                      "\u{903}", "\u{200D}", "🏽", "中", "٣", "\u{338}", "@zoë", "#café", "—", "\u{1F1EB}",
                      "\u{600}\n", "😀\n\n", "é\r\n", "\u{600}\r\n", "\u{600} ", " \u{301}", "\u{600}&", "&\u{903}", "\u{200D}#", "#\u{200D}",
                      "https://", "http://", "https://x.org/a?b=1&c=<2>", "h", "ttps://", "é.example/ü", ")", "!"]
        let link: (Substring) -> String? = { token in
            if token.hasPrefix("@"), ["bob", "zoë"].contains(token.dropFirst().lowercased()) { return "<span>\(token)</span>" }
            if token.hasPrefix("#"), ["swift", "tag", "café"].contains(token.dropFirst().lowercased()) { return "<a>\(token)</a>" }
            return token.count == 1 ? "<one>" : nil  // never asked for a one-Character word
        }
        let linkEverything: (Substring) -> String? = { token in "<\(token)>" }
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20_000 {
            let asciiOnly = round % 2 == 0
            let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in
                var piece = pieces.randomElement(using: &generator)!
                while asciiOnly && !piece.utf8.allSatisfy({ $0 < 0x80 }) { piece = pieces.randomElement(using: &generator)! }
                return piece
            }.joined()
            #expect(Renderer.paragraphs(text, link: link) == ReferenceRenderer.paragraphs(text, link: link), "\(Array(text.unicodeScalars))")
            #expect(Renderer.paragraphs(text) == ReferenceRenderer.paragraphs(text))
            #expect(Renderer.paragraphs(text, link: linkEverything) == ReferenceRenderer.paragraphs(text, link: linkEverything))
        }
    }

    @Test func urlsAreLinkedAsMastodonLinksThem() {
        #expect(Renderer.paragraphs("see https://example.org/a?b=1&c=2.") == "<p>see <a href=\"https://example.org/a?b=1&amp;c=2\" "
            + "target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\"><span class=\"invisible\">https://</span>"
            + "<span class=\"\">example.org/a?b=1&amp;c=2</span><span class=\"invisible\"></span></a>.</p>")
        let long = Renderer.paragraphs("http://example.org/a/very/long/path/that/goes/on")
        #expect(long.contains("<span class=\"ellipsis\">example.org/a/very/long/path/t</span><span class=\"invisible\">hat/goes/on</span>"))
        // Not links: no scheme, another scheme, a scheme alone; markup in a URL stays escaped.
        for text in ["example.org", "javascript:alert(1)", "https://", "ftp://example.org"] {
            #expect(!Renderer.paragraphs(text).contains("<a "), "\(text)")
        }
        #expect(Renderer.paragraphs("https://x.org/\"onmouseover=\"alert(1)").contains("href=\"https://x.org/&quot;onmouseover=&quot;alert(1\""))
    }

    // MARK: Timing (printed, not asserted)

    @Test func timingEncoderVersusWriter() throws {
        let page = (0..<50).flatMap { _ in Self.statuses }  // 200 statuses
        let rounds = 5  // 1000 statuses
        let clock = ContinuousClock()
        var encodedBytes = 0
        let encoder = try clock.measure {
            for _ in 0..<rounds { encodedBytes += try JSON.encoder.encode(page).count }
        }
        var writtenBytes = 0
        let writer = clock.measure {
            for _ in 0..<rounds { writtenBytes += JSON.bytes(page).count }
        }
        print("JSON of \(page.count * rounds) statuses: JSONEncoder \(encoder) (\(encodedBytes) B), JSONWriter \(writer) (\(writtenBytes) B)")

        let texts = (0..<1000).map { "Hello @bob, this is post \($0) about #swift & <html>.\n\nSecond paragraph\nwith a line break, 'quotes' and \"more\"." }
        let reference = clock.measure { for text in texts { _ = ReferenceRenderer.paragraphs(text) } }
        let fast = clock.measure { for text in texts { _ = Renderer.paragraphs(text) } }
        print("paragraphs of 1000 texts: before \(reference), now \(fast)")
        let accented = (0..<1000).map { "Héllo @bob, c'est le message \($0) sur #swift — très bien 😀.\n\nDeuxième paragraphe." }
        let accentedReference = clock.measure { for text in accented { _ = ReferenceRenderer.paragraphs(text) } }
        let accentedFast = clock.measure { for text in accented { _ = Renderer.paragraphs(text) } }
        print("paragraphs of 1000 non-ASCII texts: before \(accentedReference), now \(accentedFast)")
    }
}

/// `Renderer.paragraphs` as it was before the byte-level path: the reference the new one must match.
enum ReferenceRenderer {
    static func paragraphs(_ text: String, link: (Substring) -> String? = { _ in nil }) -> String {
        if text.isEmpty { return "" }
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        let blocks = normalised.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        return blocks.map { block in
            "<p>" + block.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                linkWords(line, link: link)
            }.joined(separator: "<br />") + "</p>"
        }.joined()
    }

    private static func linkWords(_ line: Substring, link: (Substring) -> String?) -> String {
        var out = ""
        var word = Substring()
        var start = line.startIndex
        func flush(_ end: String.Index) {
            word = line[start..<end]
            if let (html, rest) = Renderer.linkedURL(word) {
                out += html + Renderer.escapeCharacters(rest)
                return
            }
            let core = word.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "@" || $0 == "#" }
            if core.count > 1, let html = link(core) {
                out += html + Renderer.escapeCharacters(word[core.endIndex...])
            } else {
                out += Renderer.escapeCharacters(word)
            }
        }
        for index in line.indices where line[index] == " " {
            flush(index)
            out += " "
            start = line.index(after: index)
        }
        flush(line.endIndex)
        return out
    }
}
