import Foundation

/// Rules of the public web pages and feeds: which path names what, how feeds write dates and
/// text, and the validators (ETags) that let browsers and caches revalidate.
public enum WebPages {
    /// What a public path segment names: `@alice` (a profile page), `@alice.rss` (its feed).
    public struct Handle: Sendable, Equatable {
        public var username: String
        public var feed: Bool

        public init(username: String, feed: Bool) {
            self.username = username
            self.feed = feed
        }
    }

    /// Parses `@username` or `@username.rss` (usernames are ASCII letters, digits and `_`, at most
    /// 30); nil for anything else, so no other text reaches a query.
    public static func handle(_ segment: String) -> Handle? {
        guard segment.hasPrefix("@") else { return nil }
        var name = Substring(segment.dropFirst())
        var feed = false
        if name.hasSuffix(".rss") {
            name = name.dropLast(4)
            feed = true
        }
        guard isUsername(name) else { return nil }
        return Handle(username: String(name), feed: feed)
    }

    /// A hashtag path segment (`cats` or `cats.rss`), normalised as statuses' tags are; nil if it
    /// cannot be a tag.
    public static func tag(_ segment: String) -> (name: String, feed: Bool)? {
        var name = Substring(segment)
        var feed = false
        if name.hasSuffix(".rss") {
            name = name.dropLast(4)
            feed = true
        }
        guard !name.isEmpty, name.count <= 100, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
              name.contains(where: \.isLetter) else { return nil }
        return (StatusTextParser.normaliseTag(String(name)), feed)
    }

    static func isUsername(_ name: Substring) -> Bool {
        !name.isEmpty && name.count <= 30 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// RFC 822 date-time as RSS 2.0 wants it (four-digit year, GMT): `Thu, 03 Dec 2026 00:41:57 GMT`.
    public static func rfc822(_ date: Date) -> String {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!  // UTC always exists
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : String(v) }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }

    /// Text with the characters XML 1.0 forbids removed (C0 controls other than tab, newline and
    /// carriage return; U+FFFE, U+FFFF): one stray control character in a status would otherwise
    /// make the whole feed unparseable.
    public static func xmlSafe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !isXMLCharacter($0) }) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter(isXMLCharacter))
        return String(scalars)
    }

    static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// Plain text from the statuses' own HTML (tags dropped, `<br>` and paragraph ends as spaces,
    /// the entities the renderer writes decoded): for OpenGraph descriptions and feed titles,
    /// escaped again where it is written.
    public static func plainText(fromHTML html: String, limit: Int = 200) -> String {
        var out = ""
        var tag: String?
        for character in html {
            if let name = tag {
                if character != ">" { tag = name + String(character); continue }
                tag = nil
                // Paragraphs and line breaks separate words; inline markup (a link's spans) does not.
                let element = name.drop { $0 == "/" }.prefix { $0.isLetter }.lowercased()
                if (element == "p" || element == "br"), out.last.map({ !$0.isWhitespace }) ?? false { out.append(" ") }
                continue
            }
            if character == "<" { tag = ""; continue }
            out.append(character)
        }
        let decoded = out.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
        let collapsed = decoded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.count > limit ? String(collapsed.prefix(limit - 1)) + "…" : collapsed
    }

    /// The MIME type of a stored media file, by the extension its key was written with (the
    /// processor writes PNG or JPEG only, see MediaRoutes).
    public static func imageType(ofFile key: String) -> String {
        key.lowercased().hasSuffix(".png") ? "image/png" : "image/jpeg"
    }

    /// The storage key of a media URL this site gave out (`<base>/media/<key>`), or nil for any other URL.
    public static func mediaKey(url: String, base: String) -> String? {
        let prefix = base + "/media/"
        guard url.hasPrefix(prefix) else { return nil }
        let key = String(url.dropFirst(prefix.count))
        return key.isEmpty || key.contains("..") ? nil : key
    }

    /// Whether a status's pictures wait behind a "show" control: the author marked them sensitive,
    /// or put the post behind a content warning (Mastodon treats a warned post's media as sensitive).
    public static func hidesMedia(sensitive: Bool, spoilerText: String) -> Bool {
        sensitive || !spoilerText.isEmpty
    }

    /// The picture a link preview (OpenGraph `og:image`) may show for a status: its first
    /// attachment's, unless its pictures are hidden (`hidesMedia`: a chat app unfurling the link
    /// would show them to everyone, unasked). Nil: none.
    public static func previewImage(attachmentURLs: [String], sensitive: Bool, spoilerText: String) -> String? {
        guard !hidesMedia(sensitive: sensitive, spoilerText: spoilerText) else { return nil }
        return attachmentURLs.first
    }

    /// One poll option's result as shown to people.
    public struct PollResult: Sendable, Equatable {
        public var votes: Int64
        /// Whole percent, rounded to nearest.
        public var percent: Int
    }

    /// The results of a poll's options, as Mastodon's web UI shows them: each option's votes as a
    /// share of the people who voted when several choices were allowed (so the shares may add up
    /// to more than 100), of all votes otherwise. Nil for an option whose count is hidden
    /// (`hide_totals` before the poll ends).
    public static func pollResults(votes: [Int64?], votesCount: Int64, votersCount: Int64?, multiple: Bool) -> [PollResult?] {
        let base = multiple ? (votersCount ?? votesCount) : votesCount
        return votes.map { count in
            guard let count else { return nil }
            let percent = base > 0 ? Int((Double(count) * 100 / Double(base)).rounded()) : 0
            return PollResult(votes: count, percent: min(percent, 100))
        }
    }

    /// A strong validator for a representation: 64-bit FNV-1a of its bytes, quoted. Equal bytes,
    /// equal tag, on every node.
    public static func etag(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }

    /// Whether an `If-None-Match` header matches `etag` (a list, `*`, or weak forms of the tag).
    public static func matches(ifNoneMatch header: String?, etag: String) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { part in
            let candidate = part.trimmingCharacters(in: .whitespaces)
            return candidate == "*" || candidate == etag || candidate == "W/" + etag
        }
    }
}
