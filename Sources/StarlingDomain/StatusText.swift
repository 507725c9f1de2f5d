/// Status text rules, as Mastodon applies them.
public struct StatusTextRules: Sendable {
    /// Characters a URL counts as, whatever its length (Mastodon's `URL_PLACEHOLDER_LENGTH`).
    public static let urlLength = 23
    public var maxCharacters: Int

    public init(maxCharacters: Int = 280) {
        self.maxCharacters = maxCharacters
    }

    /// Mastodon's count: grapheme clusters, every URL as 23, a remote mention `@user@domain` as `@user`.
    /// URLs and mentions are whitespace-delimited, so the text is counted token by token.
    public static func countCharacters(_ text: String) -> Int {
        countASCII(text) ?? countByCharacter(text)
    }

    static func countByCharacter(_ text: String) -> Int {
        var count = 0
        var tokenStart = text.startIndex
        for index in text.indices where text[index].isWhitespace {
            count += countToken(text[tokenStart..<index]) + 1
            tokenStart = text.index(after: index)
        }
        return count + countToken(text[tokenStart...])
    }

    /// The same count over the bytes of an all-ASCII text (most posts), where every byte is one
    /// grapheme cluster except CR LF (one whitespace character): String's grapheme walk and its
    /// generic substring search were a twentieth of an API node's CPU under the load test's posts.
    /// Nil for any other text.
    static func countASCII(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            var count = 0
            var tokenStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x80 { return nil }
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                    count += countASCIIToken(UnsafeBufferPointer(rebasing: bytes[tokenStart..<index])) + 1
                    // CR LF is one character.
                    if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                    tokenStart = index + 1
                }
                index += 1
            }
            return count + countASCIIToken(UnsafeBufferPointer(rebasing: bytes[tokenStart..<bytes.count]))
        }
    }

    /// `countToken` for a token of ASCII bytes without whitespace.
    private static func countASCIIToken(_ token: UnsafeBufferPointer<UInt8>) -> Int {
        let scheme = firstIndex(of: httpsScheme, in: token).map { ($0, httpsScheme.count) }
            ?? firstIndex(of: httpScheme, in: token).map { ($0, httpScheme.count) }
        if let (start, length) = scheme, start + length < token.count { return start + urlLength }
        if token.first == UInt8(ascii: "@"), token.count > 1,
           let at = token[1...].firstIndex(of: UInt8(ascii: "@")), at != 1, at != token.count - 1 {
            return at  // a remote mention counts as `@user`
        }
        return token.count
    }

    private static let httpsScheme = Array("https://".utf8), httpScheme = Array("http://".utf8)

    private static func firstIndex(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        outer: for start in 0...(haystack.count - needle.count) {
            for offset in 0..<needle.count where haystack[start + offset] != needle[offset] { continue outer }
            return start
        }
        return nil
    }

    private static func countToken(_ token: Substring) -> Int {
        if let scheme = token.firstRange(of: "https://") ?? token.firstRange(of: "http://"),
           token[scheme.upperBound...].contains(where: { !$0.isWhitespace }) {
            return token[..<scheme.lowerBound].count + urlLength
        }
        if token.hasPrefix("@") {
            let body = token.dropFirst()
            if let at = body.firstIndex(of: "@"), at != body.startIndex, body.index(after: at) != body.endIndex {
                return 1 + body[..<at].count
            }
        }
        return token.count
    }

    /// Checks a status before anything is written.
    /// - Throws: `DomainError.validation` naming what is wrong.
    public func validate(text: String, spoilerText: String = "") throws(DomainError) {
        if text.allSatisfy({ $0.isWhitespace }) {
            throw .validation("Validation failed: Text can't be blank")
        }
        if text.utf8.contains(0) || spoilerText.utf8.contains(0) {
            throw .validation("Validation failed: Text must not contain NUL characters")
        }
        let length = Self.countCharacters(text) + Self.countCharacters(spoilerText)
        if length > maxCharacters {
            throw .validation("Validation failed: Text character limit of \(maxCharacters) exceeded")
        }
    }
}

/// Mentions and hashtags found in status text.
public enum StatusTextParser {
    /// Local `@username` mentions, lower-cased, in order of first appearance, without duplicates.
    /// A mention must not follow a word character, `/` or `=` (so e-mail addresses and URLs are not mentions).
    public static func mentions(in text: String) -> [String] {
        scan(text, marker: "@", forbiddenBefore: { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "/" || $0 == "=" }) { body in
            let name = body.prefix(while: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            guard !name.isEmpty else { return nil }
            // `@user@other.domain` names a remote account: not ours.
            let rest = body[name.endIndex...]
            if rest.hasPrefix("@"), rest.dropFirst().first.map({ $0.isLetter || $0.isNumber }) == true { return nil }
            return String(name).lowercased()
        }
    }

    /// `#hashtags`: Unicode letters, digits and `_`, at least one letter; normalised to lower case.
    public static func hashtags(in text: String) -> [String] {
        scan(text, marker: "#", forbiddenBefore: { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "/" || $0 == ")" || $0 == "&" }) { body in
            let name = body.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
            guard name.contains(where: { $0.isLetter }), name.count <= 100 else { return nil }
            return normaliseTag(String(name))
        }
    }

    public static func normaliseTag(_ tag: String) -> String { tag.lowercased() }

    private static func scan(
        _ text: String, marker: Character, forbiddenBefore: (Character) -> Bool,
        take: (Substring) -> String?
    ) -> [String] {
        var found: [String] = []
        var previous: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == marker, previous.map(forbiddenBefore) != true,
               let name = take(text[text.index(after: index)...]) {
                if !found.contains(name) { found.append(name) }
            }
            previous = character
            index = text.index(after: index)
        }
        return found
    }
}
