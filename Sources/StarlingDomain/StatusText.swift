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
        var count = 0
        var tokenStart = text.startIndex
        for index in text.indices where text[index].isWhitespace {
            count += countToken(text[tokenStart..<index]) + 1
            tokenStart = text.index(after: index)
        }
        return count + countToken(text[tokenStart...])
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
