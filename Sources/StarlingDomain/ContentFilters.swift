import Foundation

/// Filters v2 (Mastodon's CustomFilter): where a filter applies and what it does.
public enum FilterContext: String, Sendable, CaseIterable, Codable {
    case home, notifications, `public`, thread, account
}

public enum FilterAction: String, Sendable, CaseIterable, Codable {
    /// Shown with `filtered` results, the client warns.
    case warn
    /// Left out of the timeline.
    case hide
}

/// One of a viewer's filters, as the read path needs it (cached per node).
public struct ContentFilter: Sendable, Equatable {
    public struct Keyword: Sendable, Equatable {
        public var id: Int64
        public var keyword: String
        public var wholeWord: Bool
        public init(id: Int64, keyword: String, wholeWord: Bool) {
            self.id = id
            self.keyword = keyword
            self.wholeWord = wholeWord
        }
    }

    public var id: Int64
    public var title: String
    public var contexts: [FilterContext]
    public var action: FilterAction
    public var expiresAt: Date?
    public var createdAt: Date
    public var keywords: [Keyword]
    /// Statuses filtered by id (`/api/v2/filters/:id/statuses`): (filter status id, status id).
    public var statuses: [(id: Int64, statusId: Int64)]

    public init(id: Int64, title: String, contexts: [FilterContext], action: FilterAction, expiresAt: Date?, createdAt: Date,
                keywords: [Keyword], statuses: [(id: Int64, statusId: Int64)] = []) {
        self.id = id
        self.title = title
        self.contexts = contexts
        self.action = action
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.keywords = keywords
        self.statuses = statuses
    }

    public static func == (a: ContentFilter, b: ContentFilter) -> Bool {
        a.id == b.id && a.title == b.title && a.contexts == b.contexts && a.action == b.action && a.expiresAt == b.expiresAt
            && a.keywords == b.keywords && a.statuses.map(\.statusId) == b.statuses.map(\.statusId)
    }

    public func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }

    /// Limits on what a client may store (hostile input is bounded).
    public static let maxTitleLength = 256
    public static let maxKeywordLength = 512
    public static let maxKeywords = 100
    public static let maxFiltersPerAccount = 100
    public static let maxStatusesPerFilter = 100
    /// `expires_in` bounds: at least a minute (a filter that already expired is useless), at most ~10 years.
    public static let expiresInRange = 60...(10 * 366 * 86_400)
}

/// What matched one filter: Mastodon's FilterResult, before rendering.
public struct FilterMatch: Sendable, Equatable {
    public var filterId: Int64
    public var action: FilterAction
    public var keywordMatches: [String]
    public var statusMatches: [Int64]
}

/// A viewer's filters for one context, prepared for cheap matching: built once per read, then run
/// against each status's text (lowercased once per status, keywords lowercased once here).
public struct FilterMatcher: Sendable {
    struct Prepared: Sendable {
        var filter: ContentFilter
        var keywords: [(original: String, lowered: [UInt8], wholeWord: Bool, startsWithWord: Bool, endsWithWord: Bool)]
        var statusIds: Set<Int64>
    }
    let prepared: [Prepared]

    /// The filters of `context` still in force at `now`.
    public init(filters: [ContentFilter], context: FilterContext, now: Date = Date()) {
        prepared = filters.filter { $0.contexts.contains(context) && !$0.isExpired(at: now) }.map { filter in
            Prepared(filter: filter, keywords: filter.keywords.compactMap { keyword in
                let lowered = Array(keyword.keyword.lowercased().utf8)
                guard !lowered.isEmpty else { return nil }
                let first = keyword.keyword.unicodeScalars.first, last = keyword.keyword.unicodeScalars.last
                return (keyword.keyword, lowered, keyword.wholeWord,
                        first.map(Self.isWordScalar) ?? false, last.map(Self.isWordScalar) ?? false)
            }, statusIds: Set(filter.statuses.map(\.statusId)))
        }
    }

    /// No filter applies: callers skip rendering text at all.
    public var isEmpty: Bool { prepared.isEmpty }

    /// The filters matching a status, given its plain text (content without HTML, spoiler text…)
    /// and its id (and the id of the status it shows, for a reblog).
    public func matches(text: String, statusIds: [Int64]) -> [FilterMatch] {
        if prepared.isEmpty { return [] }
        let lowered = Array(text.lowercased().utf8)
        var out: [FilterMatch] = []
        for entry in prepared {
            var keywordMatches: [String] = []
            for keyword in entry.keywords where Self.contains(lowered, keyword.lowered, wholeWord: keyword.wholeWord,
                                                              checkStart: keyword.startsWithWord, checkEnd: keyword.endsWithWord) {
                keywordMatches.append(keyword.original)
            }
            let statusMatches = statusIds.filter(entry.statusIds.contains)
            if !keywordMatches.isEmpty || !statusMatches.isEmpty {
                out.append(FilterMatch(filterId: entry.filter.id, action: entry.filter.action,
                                       keywordMatches: keywordMatches, statusMatches: statusMatches))
            }
        }
        return out
    }

    /// The filter behind a match (for rendering the FilterResult).
    public func filter(_ id: Int64) -> ContentFilter? { prepared.first { $0.filter.id == id }?.filter }

    /// Mastodon's rule: a whole-word keyword is `\b` + keyword + `\b`, where each `\b` is required only
    /// on a side where the keyword starts (ends) with a word character; matching ignores case.
    static func contains(_ text: [UInt8], _ needle: [UInt8], wholeWord: Bool, checkStart: Bool, checkEnd: Bool) -> Bool {
        let n = needle.count
        guard n > 0, text.count >= n else { return false }
        let first = needle[0]
        var i = 0
        let lastStart = text.count - n
        while i <= lastStart {
            if text[i] == first && text[i..<(i + n)].elementsEqual(needle) {
                if !wholeWord { return true }
                let startOK = !checkStart || i == 0 || !isWordBefore(text, i)
                let endOK = !checkEnd || i + n == text.count || !isWordAt(text, i + n)
                if startOK && endOK { return true }
            }
            i += 1
        }
        return false
    }

    /// Whether the character ending just before byte `index` is a word character.
    static func isWordBefore(_ text: [UInt8], _ index: Int) -> Bool {
        var start = index - 1
        while start > 0 && text[start] & 0xC0 == 0x80 { start -= 1 }  // back to the lead byte
        return isWordAt(text, start)
    }

    /// Whether the character starting at byte `index` is a word character (letter, mark, digit, `_`).
    static func isWordAt(_ text: [UInt8], _ index: Int) -> Bool {
        let lead = text[index]
        if lead < 0x80 { return isWordScalar(Unicode.Scalar(lead)) }
        var length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        length = min(length, text.count - index)
        guard let scalar = String(decoding: text[index..<(index + length)], as: UTF8.self).unicodeScalars.first else { return false }
        return isWordScalar(scalar)
    }

    /// Ruby's `[[:word:]]`: letters, marks, decimal digits, connector punctuation.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// Plain text of rendered HTML content (Mastodon matches filters on text without markup):
    /// tags removed, `<br>` and paragraph ends as line breaks, the entities the renderer writes decoded.
    public static func plainText(html: String) -> String {
        // Byte-wise: every byte that matters ('<', '>', '&', ';', tag names) is ASCII, and UTF-8
        // never uses ASCII bytes inside a multi-byte character. Filters run on every timeline read,
        // so this avoids walking grapheme clusters (it was 5 % of a node's CPU on filtered homes).
        var out: [UInt8] = []
        out.reserveCapacity(html.utf8.count)
        var inTag = false
        var tag: [UInt8] = []  // the first bytes of the tag's name, lowercased
        var hasEntity = false
        for byte in html.utf8 {
            if inTag {
                if byte == UInt8(ascii: ">") {
                    inTag = false
                    if tag.starts(with: [UInt8(ascii: "b"), UInt8(ascii: "r")]) || tag.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "p")]) {
                        out.append(UInt8(ascii: "\n"))
                    }
                    tag.removeAll(keepingCapacity: true)
                } else if tag.count < 4 {
                    tag.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                }
            } else if byte == UInt8(ascii: "<") {
                inTag = true
            } else {
                hasEntity = hasEntity || byte == UInt8(ascii: "&")
                out.append(byte)
            }
        }
        return String(decoding: hasEntity ? decodeEntities(out) : out, as: UTF8.self)
    }

    /// The entities the renderer writes, decoded in one pass (`&amp;lt;` stays `&lt;`).
    static func decodeEntities(_ text: [UInt8]) -> [UInt8] {
        let entities: [(name: [UInt8], value: UInt8)] = [
            (Array("&lt;".utf8), UInt8(ascii: "<")), (Array("&gt;".utf8), UInt8(ascii: ">")),
            (Array("&quot;".utf8), UInt8(ascii: "\"")), (Array("&#39;".utf8), UInt8(ascii: "'")),
            (Array("&apos;".utf8), UInt8(ascii: "'")), (Array("&amp;".utf8), UInt8(ascii: "&")),
        ]
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        decoding: while i < text.count {
            if text[i] == UInt8(ascii: "&") {
                for entity in entities where text[i...].starts(with: entity.name) {
                    out.append(entity.value)
                    i += entity.name.count
                    continue decoding
                }
            }
            out.append(text[i])
            i += 1
        }
        return out
    }
}

/// Direct conversations: who takes part and how each participant sees the conversation.
public enum DirectConversation {
    /// Participants of a direct status: the author and the accounts it mentions, minus recipients
    /// who must not receive it (`excluded`, e.g. those blocking the author). The author stays.
    public static func participants(author: Int64, mentioned: [Int64], excluded: Set<Int64> = []) -> [Int64] {
        var seen = Set<Int64>([author])
        var out = [author]
        for id in mentioned where !excluded.contains(id) && seen.insert(id).inserted { out.append(id) }
        return out
    }

    /// The accounts shown to `viewer` in the conversation: everyone else (Mastodon lists the others).
    public static func others(of participants: [Int64], viewer: Int64) -> [Int64] {
        participants.filter { $0 != viewer }.sorted()
    }

    /// The conversation a new direct status joins: its parent's, or its own id when it starts one.
    public static func conversationId(status: Int64, parentConversation: Int64?, parent: Int64?) -> Int64 {
        parentConversation ?? parent ?? status
    }
}

/// A follow import file (Mastodon's following CSV: "Account address,Show boosts,Notify on new
/// posts,Languages", or one address per line): the local usernames it names, in order; nil for an
/// entry that cannot be a local account (another domain, malformed).
public struct FollowImportPlan: Sendable, Equatable {
    public var usernames: [String?]

    /// Largest file accepted, and most entries (Mastodon allows 8,000 follows per import).
    public static let maxBytes = 256 * 1024
    public static let maxEntries = 8_000

    /// `entries` as stored: usernames already checked against this instance's domain, "" for rejected ones.
    public init(entries: [String]) {
        usernames = entries.map { $0.isEmpty ? nil : Self.username(fromAcct: $0) }
    }

    /// Entries of a CSV file (raw `acct` values), header and blank lines left out.
    /// - Throws: `DomainError.validation` if the file is not UTF-8 text, too long, or has too many rows.
    public static func entries(csv bytes: [UInt8]) throws(DomainError) -> [String] {
        guard bytes.count <= maxBytes else { throw .validation("Validation failed: the file is larger than \(maxBytes / 1024) KB") }
        guard let text = String(validating: bytes, as: UTF8.self), !text.contains("\u{0}") else {
            throw .validation("Validation failed: the file is not UTF-8 text")
        }
        var out: [String] = []
        for (index, line) in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).enumerated() {
            let first = firstField(of: Substring(line)).trimmingCharacters(in: .whitespaces)
            if first.isEmpty { continue }
            if index == 0 && first.lowercased() == "account address" { continue }  // the header
            out.append(String(first.prefix(300)))
            if out.count > maxEntries { throw .validation("Validation failed: at most \(maxEntries) accounts per import") }
        }
        return out
    }

    /// The first field of a CSV line (quotes honoured, `""` inside quotes).
    static func firstField(of line: Substring) -> String {
        var out = ""
        var quoted = false
        var iterator = line.makeIterator()
        var started = false
        while let c = iterator.next() {
            if !started && c == "\"" { quoted = true; started = true; continue }
            started = true
            if quoted {
                if c == "\"" {
                    // `""` is a quote; a lone quote ends the field.
                    var peek = iterator
                    if peek.next() == "\"" { out.append("\""); _ = iterator.next(); continue }
                    quoted = false
                    continue
                }
                out.append(c)
            } else {
                if c == "," { break }
                out.append(c)
            }
        }
        return out
    }

    /// `user`, `@user`, `user@host` or `@user@host` → `user` (lowercased) when the host is this
    /// instance's (`localDomain`) or absent; nil otherwise.
    public static func username(fromAcct acct: String, localDomain: String? = nil) -> String? {
        var value = Substring(acct)
        if value.hasPrefix("@") { value = value.dropFirst() }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let name = parts.first, !name.isEmpty, name.count <= 30,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
        if parts.count == 2 {
            let host = parts[1].lowercased()
            guard !host.isEmpty else { return nil }
            if let localDomain, host != localDomain.lowercased() { return nil }
        }
        return name.lowercased()
    }
}
