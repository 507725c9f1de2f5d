import Testing
@testable import StarlingDomain

@Suite("StatusTextRules")
struct StatusTextRulesTests {
    static let thumbsUpMediumSkin = "\u{1F44D}\u{1F3FD}"  // 👍🏽
    static let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"  // 👨‍👩‍👧‍👦
    static let longURL = "https://example.com/a/very/long/path/that/is/much/longer/than/twenty/three/characters?q=1#frag"

    static let countCases: [(String, Int)] = {
        let thumbsUpMediumSkin = Self.thumbsUpMediumSkin, family = Self.family, longURL = Self.longURL
        let cases: [(String, Int)] = [
        ("", 0),
        ("a", 1),
        ("hello", 5),
        ("hello world", 11),
        ("a  b", 4),
        ("日本語", 3),
        // grapheme clusters
        (thumbsUpMediumSkin, 1),
        (family, 1),
        ("\u{1F1EF}\u{1F1F5}", 1),  // 🇯🇵
        ("ok \(thumbsUpMediumSkin)\(family)", 5),
        ("e\u{301}", 1),  // e + combining acute
        ("caf\u{E9}", 4),
        ("cafe\u{301}", 4),
        ("a\u{301}\u{302}b", 2),
        // newlines and other whitespace count
        ("line1\nline2", 11),
        ("a\n\nb", 4),
        ("a\r\nb", 3),
        ("a\tb", 3),
        ("\n", 1),
        // URLs count 23 whatever their length
        ("http://a.co", 23),
        ("https://a.co", 23),
        (longURL, 23),
        ("http://example.com/\(String(repeating: "x", count: 500))", 23),
        ("see https://example.com/x now", 31),  // 4 + 23 + 4
        ("see\n\(longURL)\nnow", 31),
        ("http://a.com https://b.org", 47),  // 23 + 1 + 23
        ("(\(longURL)", 24),
        // a scheme alone is not a URL
        ("https://", 8),
        ("http://", 7),
        ("https", 5),
        // mentions
        ("@alice", 6),
        ("@alice hello", 12),
        ("@user@example.org", 5),
        ("@user@a-very-long-domain-name.example.org", 5),
        ("hi @user@example.org bye", 12),  // 3 + 5 + 4
        ("@user@", 6),
        ("@@example.org", 13),
        ("user@example.org", 16),
    ]
        return cases
    }()

    @Test(arguments: countCases)
    func countCharacters(text: String, expected: Int) {
        #expect(StatusTextRules.countCharacters(text) == expected)
    }

    /// The byte count of ASCII texts agrees with the count by grapheme cluster on texts made of
    /// the pieces the rules look at (schemes, `@`, CR LF and other whitespace).
    @Test func asciiCountAgreesWithTheCountByCharacter() {
        let pieces = ["http://", "https://", "@", "@", "a", "b.c", "x", " ", "\n", "\r\n", "\r", "\t", "\u{0B}", "\u{0C}", "/", ":"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(StatusTextRules.countASCII(text) == StatusTextRules.countByCharacter(text), "\(text.debugDescription)")
        }
        #expect(StatusTextRules.countASCII("caf\u{E9}") == nil, "not ASCII: counted by character")
    }

    @Test func urlLengthConstant() {
        #expect(StatusTextRules.urlLength == 23)
    }

    @Test func defaultLimitIs280() {
        #expect(StatusTextRules().maxCharacters == 280)
    }

    @Test(arguments: ["", " ", "   ", "\n", " \n\t \r\n", "\u{3000}", "\u{00A0}"])
    func blankTextIsRejected(text: String) {
        let error = domainError { () throws(DomainError) in try StatusTextRules().validate(text: text) }
        #expect(error?.code == "validation_failed")
        #expect(error?.description.contains("blank") == true)
    }

    @Test func blankTextIsRejectedEvenWithASpoiler() {
        let error = domainError { () throws(DomainError) in try StatusTextRules().validate(text: " ", spoilerText: "cw") }
        #expect(error?.code == "validation_failed")
    }

    @Test(arguments: [1, 10, 280, 500])
    func exactlyTheLimitIsAcceptedAndOneMoreIsNot(limit: Int) {
        let rules = StatusTextRules(maxCharacters: limit)
        #expect(domainError { () throws(DomainError) in try rules.validate(text: String(repeating: "a", count: limit)) } == nil)
        let error = domainError { () throws(DomainError) in try rules.validate(text: String(repeating: "a", count: limit + 1)) }
        #expect(error?.code == "validation_failed")
        #expect(error?.description.contains("\(limit)") == true)
    }

    @Test func limitCountsGraphemesNotScalarsOrBytes() {
        let rules = StatusTextRules()
        let emoji = String(repeating: Self.family, count: 280)
        #expect(domainError { () throws(DomainError) in try rules.validate(text: emoji) } == nil)
        #expect(domainError { () throws(DomainError) in try rules.validate(text: emoji + Self.thumbsUpMediumSkin) } != nil)
    }

    @Test func urlsCountAs23TowardTheLimit() {
        let rules = StatusTextRules()
        // 256 + 1 + 23 = 280: accepted although the raw text is far longer.
        let fits = String(repeating: "a", count: 256) + " " + Self.longURL
        #expect(fits.count > 280)
        #expect(domainError { () throws(DomainError) in try rules.validate(text: fits) } == nil)
        let tooLong = String(repeating: "a", count: 257) + " " + Self.longURL
        #expect(domainError { () throws(DomainError) in try rules.validate(text: tooLong) }?.code == "validation_failed")
    }

    @Test func remoteMentionsCountWithoutTheirDomain() {
        let rules = StatusTextRules()
        let fits = String(repeating: "a", count: 274) + " @user@example.org"  // 274 + 1 + 5
        #expect(domainError { () throws(DomainError) in try rules.validate(text: fits) } == nil)
        let tooLong = String(repeating: "a", count: 275) + " @user@example.org"
        #expect(domainError { () throws(DomainError) in try rules.validate(text: tooLong) } != nil)
    }

    @Test func spoilerTextCountsTowardTheLimit() {
        let rules = StatusTextRules()
        let text = String(repeating: "a", count: 270)
        #expect(domainError { () throws(DomainError) in try rules.validate(text: text, spoilerText: String(repeating: "b", count: 10)) } == nil)
        let error = domainError { () throws(DomainError) in try rules.validate(text: text, spoilerText: String(repeating: "b", count: 11)) }
        #expect(error?.code == "validation_failed")
        #expect(error?.description.contains("280") == true)
    }

    @Test(arguments: [("a\u{0}b", ""), ("\u{0}", ""), ("hello", "cw\u{0}"), ("hello\u{0}", "cw")])
    func nulIsRejected(text: String, spoiler: String) {
        let error = domainError { () throws(DomainError) in try StatusTextRules().validate(text: text, spoilerText: spoiler) }
        #expect(error?.code == "validation_failed")
        #expect(error?.description.contains("NUL") == true)
    }

    @Test func ordinaryTextIsAccepted() {
        let text = "Hello @alice, see https://example.com #swift " + Self.thumbsUpMediumSkin + "\nbye"
        #expect(domainError { () throws(DomainError) in try StatusTextRules().validate(text: text, spoilerText: "cw") } == nil)
    }
}

@Suite("StatusTextParser")
struct StatusTextParserTests {
    @Test(arguments: [
        ("@alice", ["alice"]),
        ("hello @alice and @bob", ["alice", "bob"]),
        ("@bob, hi", ["bob"]),
        ("(@bob)", ["bob"]),
        ("@bob.", ["bob"]),
        ("@bob: hi", ["bob"]),
        ("@bob!", ["bob"]),
        ("hi\n@bob", ["bob"]),
        ("@bob_2 @x9", ["bob_2", "x9"]),
        ("@Alice @ALICE @alice", ["alice"]),
        ("@zed @amy @zed", ["zed", "amy"]),
        ("@bob@", ["bob"]),
        // e-mail addresses, URLs and query strings are not mentions
        ("a@b.com", []),
        ("mail bob@example.com today", []),
        ("user_1@example.com", []),
        ("https://example.com/@bob", []),
        ("https://example.com/?u=@bob", []),
        ("é@bob", []),
        ("9@bob", []),
        // remote mentions are not ours
        ("@carol@example.org", []),
        ("@carol@example.org @dave", ["dave"]),
        ("@Carol@Example.org and @carol", ["carol"]),
        // no name
        ("@", []),
        ("@ bob", []),
        ("@@", []),
        ("@_", ["_"]),
        ("no mentions here", []),
    ] as [(String, [String])])
    func mentions(text: String, expected: [String]) {
        #expect(StatusTextParser.mentions(in: text) == expected)
    }

    @Test(arguments: [
        ("#swift", ["swift"]),
        ("#café", ["café"]),
        ("#cafe\u{301}", ["cafe\u{301}"]),
        ("#日本語", ["日本語"]),
        ("#Ünïcödé", ["ünïcödé"]),
        ("#ÜBER", ["über"]),
        ("#tag\u{1F389}", ["tag"]),  // #tag🎉
        ("\u{1F389}#tag", ["tag"]),
        ("#123", []),
        ("#123abc", ["123abc"]),
        ("#2024_review", ["2024_review"]),
        ("#a_b", ["a_b"]),
        ("#_", []),
        ("foo#bar", []),
        ("é#bar", []),
        ("_#bar", []),
        ("1#bar", []),
        ("https://example.com/#anchor", []),
        ("https://example.com/page#anchor", []),
        ("&#39;", []),
        ("&#x27;", []),
        ("(a)#b", []),
        ("(#tag)", ["tag"]),
        ("#tag, #other.", ["tag", "other"]),
        ("#Swift #swift #SWIFT", ["swift"]),
        ("#b #a #b", ["b", "a"]),
        ("#Café and #CAFÉ", ["café"]),
        ("#", []),
        ("# tag", []),
        ("##tag", ["tag"]),
        ("line\n#tag", ["tag"]),
        ("#tag-suffix", ["tag"]),
        ("no tags", []),
    ] as [(String, [String])])
    func hashtags(text: String, expected: [String]) {
        #expect(StatusTextParser.hashtags(in: text) == expected)
    }

    @Test func hashtagLengthLimit() {
        let hundred = String(repeating: "a", count: 100)
        #expect(StatusTextParser.hashtags(in: "#" + hundred) == [hundred])
        #expect(StatusTextParser.hashtags(in: "#" + hundred + "a") == [])
    }

    @Test func normaliseTagLowerCases() {
        #expect(StatusTextParser.normaliseTag("SwiftLang") == "swiftlang")
        #expect(StatusTextParser.normaliseTag("Ünïcödé") == "ünïcödé")
        #expect(StatusTextParser.normaliseTag("日本語") == "日本語")
    }

    @Test func mentionsAndHashtagsDoNotCrossOver() {
        let text = "@alice #swift @bob #Swift"
        #expect(StatusTextParser.mentions(in: text) == ["alice", "bob"])
        #expect(StatusTextParser.hashtags(in: text) == ["swift"])
    }
}
