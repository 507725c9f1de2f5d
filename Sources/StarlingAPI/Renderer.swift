import Foundation
import StarlingStore

/// Builds Mastodon entities from rows. Everything a user wrote is HTML-escaped before it reaches a client.
struct Renderer: Sendable {
    /// The public base URL, without a trailing slash.
    let baseURL: String
    /// What of a status is the same for every viewer, rendered once per node with its JSON: its
    /// HTML (turning text into HTML was the largest cost of rendering a timeline page, 9 % of a
    /// node's CPU), id, URLs, mentions, tags and attachments. Keyed by id, used only while the row
    /// it was rendered from equals the row at hand (and by the same author username), so an edited
    /// status is rendered afresh on every node at once without any invalidation.
    let contentCache = ExpiringCache<Int64, RenderedStatus>(ttl: .seconds(3600), capacity: 50_000)

    /// A class: taken from the cache for every status of every page, it is one retain.
    final class RenderedStatus: Sendable {
        let row: StatusRow
        /// The author's row the template's account was rendered from.
        let author: AccountRow
        /// The status with its viewer-independent fields and their JSON (`prewritten`); the rest
        /// (author, counters, the viewer's flags) is filled in for each use.
        let template: StatusEntity

        init(row: StatusRow, author: AccountRow, template: StatusEntity) {
            (self.row, self.author, self.template) = (row, author, template)
        }
    }

    /// Each author's rendered account, with its JSON written once, shared by all their statuses.
    /// Used only while the row it was rendered from equals the row at hand, so a changed account
    /// (a new post's count, an edited profile) is rendered afresh without any invalidation.
    let accountCache = ExpiringCache<Int64, RenderedAccount>(ttl: .seconds(3600), capacity: 50_000)

    struct RenderedAccount: Sendable {
        var row: AccountRow
        var account: Shared<AccountEntity>
    }

    init(baseURL: String) {
        self.baseURL = baseURL
    }

    func account(_ row: AccountRow) -> AccountEntity {
        let url = "\(baseURL)/@\(row.username)"
        let missing = "\(baseURL)/avatars/original/missing.png"
        return AccountEntity(
            id: String(row.id), username: row.username, acct: row.username, displayName: row.displayName, locked: row.locked,
            discoverable: row.discoverable,
            createdAt: Calendar.utcMidnight(row.createdAt), note: Self.paragraphs(row.note), url: url,
            uri: "\(baseURL)/users/\(row.username)", avatar: missing, avatarStatic: missing,
            header: "\(baseURL)/headers/original/missing.png", headerStatic: "\(baseURL)/headers/original/missing.png",
            followersCount: row.followersCount, followingCount: row.followingCount, statusesCount: row.statusesCount,
            lastStatusAt: Nullable(row.lastStatusAt.map(JSON.day)))
    }

    /// `account(row)` in a shared box holding its JSON, from `accountCache` while `row` is unchanged.
    func sharedAccount(_ row: AccountRow) -> Shared<AccountEntity> {
        if let cached = accountCache.get(row.id), cached.row == row { return cached.account }
        let shared = Shared(prewritten: account(row))
        accountCache.set(row.id, RenderedAccount(row: row, account: shared))
        return shared
    }

    func credentialAccount(_ row: AccountRow) -> CredentialAccountEntity {
        CredentialAccountEntity(account: account(row), source: .init(note: row.note))
    }

    /// - Parameter includeSource: the raw text is returned only to its author (for delete-and-redraft).
    func status(_ row: StatusRow, author: AccountRow, includeSource: Bool = false,
                interactions: StatusInteractions = StatusInteractions(), reblog: StatusEntity? = nil) -> StatusEntity {
        let rendered = renderedTemplate(row, author: author)
        var entity = rendered.template
        // The template's account may be older (a new post's count): then the current one, from its cache.
        if rendered.author != author { entity.setAuthor(sharedAccount(author)) }
        if includeSource { entity.text = Nullable(row.text) }
        entity.repliesCount = interactions.repliesCount
        entity.reblogsCount = interactions.reblogsCount
        entity.favouritesCount = interactions.favouritesCount
        entity.favourited = interactions.favourited
        entity.reblogged = interactions.reblogged
        entity.bookmarked = interactions.bookmarked
        entity.pinned = interactions.pinned
        if let reblog {
            entity.reblog = Nullable(ReblogBox(reblog))
            if !entity.content.isEmpty { entity.content = "" }  // a reblog row's template already has it empty
            entity.favourited = reblog.favourited
            entity.reblogged = reblog.reblogged
            entity.bookmarked = reblog.bookmarked
            entity.pinned = false  // a reblog is never pinned
        } else if row.reblogOfId != nil {
            entity.content = content(row)  // a reblog rendered without its original: its own (empty) text
        }
        return entity
    }

    /// A status's viewer-independent fields with their JSON, from `contentCache` while `row` is
    /// unchanged (rendered on a miss). A reblog's own content is empty: it shows the original's.
    private func renderedTemplate(_ row: StatusRow, author: AccountRow) -> RenderedStatus {
        let username = author.username
        // The row compares by identity first: rows from the node's decoded-row cache share their box.
        if let cached = contentCache.get(row.id), cached.author.username == username, cached.row == row { return cached }
        var entity = StatusEntity(
            id: String(row.id), createdAt: row.createdAt,
            inReplyToId: Nullable(row.inReplyToId.map(String.init)),
            inReplyToAccountId: Nullable(row.inReplyToAccountId.map(String.init)),
            sensitive: row.sensitive, spoilerText: row.spoilerText, visibility: row.visibility.rawValue,
            language: Nullable(row.language),
            uri: "\(baseURL)/users/\(username)/statuses/\(row.id)", url: "\(baseURL)/@\(username)/\(row.id)",
            content: row.reblogOfId == nil ? content(row) : "", text: Nullable(nil),
            author: sharedAccount(author),
            mentions: row.mentions.map {
                MentionEntity(id: String($0.id), username: $0.username, url: "\(baseURL)/@\($0.username)", acct: $0.username)
            },
            tags: row.tags.map { TagEntity(name: $0, url: "\(baseURL)/tags/\($0)") })
        entity.editedAt = Nullable(row.editedAt.map(JSON.timestamp))
        entity.mediaAttachments = (row.media ?? []).map { MediaAttachmentEntity($0, baseURL: baseURL) }
        entity.seal(entity.prewrite(), audience: row.audience)
        let rendered = RenderedStatus(row: row, author: author, template: entity)
        contentCache.set(row.id, rendered)
        return rendered
    }

    func content(_ row: StatusRow) -> String {
        let mentioned = Dictionary(row.mentions.map { ($0.username.lowercased(), $0.username) }, uniquingKeysWith: { a, _ in a })
        let tags = Set(row.tags)
        return Self.paragraphs(row.text) { token in
            if token.hasPrefix("@"), let name = mentioned[String(token.dropFirst()).lowercased()] {
                return "<span class=\"h-card\"><a href=\"\(baseURL)/@\(Self.escape(name))\" class=\"u-url mention\">@<span>\(Self.escape(name))</span></a></span>"
            }
            if token.hasPrefix("#"), tags.contains(String(token.dropFirst()).lowercased()) {
                let tag = String(token.dropFirst())
                return "<a href=\"\(baseURL)/tags/\(Self.escape(tag.lowercased()))\" class=\"mention hashtag\" rel=\"tag\">#<span>\(Self.escape(tag))</span></a>"
            }
            return nil
        }
    }

    /// Splits text into `<p>` paragraphs on blank lines and `<br />` on single newlines, escaping
    /// every piece; `link` may replace a word (a mention or tag) with trusted markup.
    static func paragraphs(_ text: String, link: (Substring) -> String? = { _ in nil }) -> String {
        if text.isEmpty { return "" }
        if let html = byteParagraphs(text, link: link) { return html }
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n")
        let blocks = normalised.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        return blocks.map { block in
            "<p>" + block.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                linkWords(line, link: link)
            }.joined(separator: "<br />") + "</p>"
        }.joined()
    }

    /// `paragraphs` over UTF-8 bytes, about 5–9× faster. Exact (the same output as the
    /// Character-level version) because it is used only when every space and every `& < > " '` is
    /// a Character of its own (``isOwnCharacter``), no lone carriage return is left and no line
    /// feed is followed by a non-ASCII scalar: then lines, words and escapes fall on the same
    /// places as with Characters. Words with non-ASCII letters still find their linkable prefix by
    /// Characters. nil when the text does not qualify (the caller takes the Character path).
    private static func byteParagraphs(_ text: String, link: (Substring) -> String?) -> String? {
        var normalised = text
        let plain: Bool = normalised.withUTF8 { bytes in
            for index in bytes.indices {
                switch bytes[index] {
                case 0x0D:
                    if index + 1 == bytes.count || bytes[index + 1] != 0x0A { return false }
                case 0x0A:
                    // Foundation's `replacingOccurrences`/`components` skip a "\r\n" or "\n\n" that a
                    // combining scalar follows (fuzzing found it): leave such text to them.
                    if index + 1 < bytes.count && bytes[index + 1] >= 0x80 { return false }
                case UInt8(ascii: " "), UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if !isOwnCharacter(bytes, index) { return false }
                default:
                    continue
                }
            }
            return true
        }
        guard plain else { return nil }
        if normalised.utf8.contains(0x0D) { normalised = normalised.replacingOccurrences(of: "\r\n", with: "\n") }
        let text = normalised
        var source = normalised
        return source.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 4 + 16)
            let lf = UInt8(ascii: "\n")

            func substring(_ start: Int, _ end: Int) -> Substring {
                let base = text.utf8.startIndex
                return text[text.utf8.index(base, offsetBy: start)..<text.utf8.index(base, offsetBy: end)]
            }

            func isWordByte(_ byte: UInt8) -> Bool {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "#"):
                    true
                default:
                    false
                }
            }

            func word(_ start: Int, _ end: Int) {
                if start < end, bytes[start] == UInt8(ascii: "h"), let (html, rest) = linkedURL(substring(start, end)) {
                    out.append(contentsOf: html.utf8)
                    out.append(contentsOf: escape(rest).utf8)
                    return
                }
                var coreEnd = start
                while coreEnd < end && isWordByte(bytes[coreEnd]) { coreEnd += 1 }
                var linkable = coreEnd - start > 1
                if coreEnd < end && bytes[coreEnd] >= 0x80 {
                    // A non-ASCII Character may still be a letter or a number: take the prefix by Characters.
                    let characters = substring(start, end)
                    let core = characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "@" || $0 == "#" }
                    coreEnd = start + characters.utf8.distance(from: characters.startIndex, to: core.endIndex)
                    linkable = core.count > 1
                }
                if linkable, let html = link(substring(start, coreEnd)) {
                    out.append(contentsOf: html.utf8)
                    appendEscapedASCII(bytes, coreEnd, end, to: &out)
                } else {
                    appendEscapedASCII(bytes, start, end, to: &out)
                }
            }

            func line(_ start: Int, _ end: Int) {
                var wordStart = start
                var index = start
                while index < end {
                    if bytes[index] == UInt8(ascii: " ") {
                        word(wordStart, index)
                        out.append(UInt8(ascii: " "))
                        wordStart = index + 1
                    }
                    index += 1
                }
                word(wordStart, end)
            }

            func block(_ start: Int, _ end: Int) {
                if start == end { return }
                out.append(contentsOf: "<p>".utf8)
                var lineStart = start
                var index = start
                while index < end {
                    if bytes[index] == lf {
                        line(lineStart, index)
                        out.append(contentsOf: "<br />".utf8)
                        lineStart = index + 1
                    }
                    index += 1
                }
                line(lineStart, end)
                out.append(contentsOf: "</p>".utf8)
            }

            // Blocks end at each "\n\n", matched left to right without overlap.
            var blockStart = 0
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == lf && bytes[index + 1] == lf {
                    block(blockStart, index)
                    index += 2
                    blockStart = index
                } else {
                    index += 1
                }
            }
            block(blockStart, bytes.count)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Whether the ASCII byte at `index` (not CR or LF) is a Character by itself. Between ASCII
    /// neighbours it always is. Otherwise only the scalar just before (a Prepend) or just after (an
    /// Extend, ZWJ or SpacingMark) can join it, so those three scalars decide: the Character view of
    /// that short string tells.
    static func isOwnCharacter(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        let before = index > 0 && bytes[index - 1] >= 0x80
        let after = index + 1 < bytes.count && bytes[index + 1] >= 0x80
        if !before && !after { return true }
        var start = index
        if before {
            start -= 1
            while start > 0 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        }
        var end = index + 1
        if after {
            end += 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        }
        let local = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        let own = Character(Unicode.Scalar(bytes[index]))
        return local.contains(own)
    }

    private static func appendEscapedASCII(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, to out: inout [UInt8]) {
        var runStart = start
        var index = start
        while index < end {
            let replacement: StaticString
            switch bytes[index] {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "\""): replacement = "&quot;"
            case UInt8(ascii: "'"): replacement = "&#39;"
            default:
                index += 1
                continue
            }
            if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            replacement.withUTF8Buffer { out.append(contentsOf: $0) }
            index += 1
            runStart = index
        }
        if runStart < end { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end])) }
    }

    /// A word that is an `http(s)://` URL (as `StatusTextRules` counts one), linked as Mastodon
    /// links it: the scheme hidden, the rest shown up to 30 characters (`ellipsis` when cut), the
    /// link opening elsewhere without the referrer. Trailing punctuation stays outside the link.
    /// - Returns: the link and what follows it, or nil if the word is no URL.
    static func linkedURL(_ word: Substring) -> (html: String, rest: Substring)? {
        let scheme: Substring
        if word.hasPrefix("https://") { scheme = word.prefix(8) } else if word.hasPrefix("http://") { scheme = word.prefix(7) } else { return nil }
        var end = word.endIndex
        while end > scheme.endIndex, let last = word[..<end].last, ".,:;!?'\")]}".contains(last) {
            end = word.index(before: end)
        }
        let shown = word[scheme.endIndex..<end]
        guard !shown.isEmpty else { return nil }
        let visible = shown.prefix(30), hidden = shown.dropFirst(30)
        let html = "<a href=\"\(escape(word[..<end]))\" target=\"_blank\" rel=\"nofollow noopener noreferrer\" translate=\"no\">"
            + "<span class=\"invisible\">\(escape(scheme))</span><span class=\"\(hidden.isEmpty ? "" : "ellipsis")\">\(escape(visible))</span>"
            + "<span class=\"invisible\">\(escape(hidden))</span></a>"
        return (html, word[end...])
    }

    private static func linkWords(_ line: Substring, link: (Substring) -> String?) -> String {
        var out = ""
        var word = Substring()
        var start = line.startIndex
        func flush(_ end: String.Index) {
            word = line[start..<end]
            if let (html, rest) = linkedURL(word) {
                out += html + escape(rest)
                return
            }
            // Trailing punctuation stays outside the link.
            let core = word.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "@" || $0 == "#" }
            if core.count > 1, let html = link(core) {
                out += html + escape(word[core.endIndex...])
            } else {
                out += escape(word)
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

    /// HTML-escapes `& < > " '`. Works on UTF-8 bytes unless one of those is joined into a larger
    /// Character (which the Character-level version leaves alone): then it takes that version, so
    /// the output is the same either way.
    static func escape<S: StringProtocol>(_ text: S) -> String {
        let fast: String?? = text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var special = false
            for (index, byte) in bytes.enumerated() {
                switch byte {
                case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if !isOwnCharacter(bytes, index) { return nil }
                    special = true
                default:
                    continue
                }
            }
            if !special { return String(text) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            appendEscapedASCII(bytes, 0, bytes.count, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        if let fast, let result = fast { return result }
        return escapeCharacters(text)
    }

    static func escapeCharacters<S: StringProtocol>(_ text: S) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension Calendar {
    /// Mastodon reports account creation at midnight UTC of the day. Plain arithmetic: this runs for
    /// every account in every rendered page, and building a Calendar each time is costly.
    static func utcMidnight(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }
}
