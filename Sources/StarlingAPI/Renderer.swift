import Foundation
import StarlingStore

/// Builds Mastodon entities from rows. Everything a user wrote is HTML-escaped before it reaches a client.
struct Renderer: Sendable {
    /// The public base URL, without a trailing slash.
    let baseURL: String

    func account(_ row: AccountRow) -> AccountEntity {
        let url = "\(baseURL)/@\(row.username)"
        let missing = "\(baseURL)/avatars/original/missing.png"
        return AccountEntity(
            id: String(row.id), username: row.username, acct: row.username, displayName: row.displayName,
            createdAt: Calendar.utcMidnight(row.createdAt), note: Self.paragraphs(row.note), url: url,
            uri: "\(baseURL)/users/\(row.username)", avatar: missing, avatarStatic: missing,
            header: "\(baseURL)/headers/original/missing.png", headerStatic: "\(baseURL)/headers/original/missing.png",
            followersCount: row.followersCount, followingCount: row.followingCount, statusesCount: row.statusesCount,
            lastStatusAt: Nullable(row.lastStatusAt.map(JSON.day)))
    }

    func credentialAccount(_ row: AccountRow) -> CredentialAccountEntity {
        CredentialAccountEntity(account: account(row), source: .init(note: row.note))
    }

    /// - Parameter includeSource: the raw text is returned only to its author (for delete-and-redraft).
    func status(_ row: StatusRow, author: AccountRow, includeSource: Bool = false,
                interactions: StatusInteractions = StatusInteractions(), reblog: StatusEntity? = nil) -> StatusEntity {
        var entity = StatusEntity(
            id: String(row.id), createdAt: row.createdAt,
            inReplyToId: Nullable(row.inReplyToId.map(String.init)),
            inReplyToAccountId: Nullable(row.inReplyToAccountId.map(String.init)),
            sensitive: row.sensitive, spoilerText: row.spoilerText, visibility: row.visibility,
            language: Nullable(row.language),
            uri: "\(baseURL)/users/\(author.username)/statuses/\(row.id)",
            url: "\(baseURL)/@\(author.username)/\(row.id)",
            content: content(row), text: Nullable(includeSource ? row.text : nil),
            account: account(author),
            mentions: row.mentions.map {
                MentionEntity(id: String($0.id), username: $0.username, url: "\(baseURL)/@\($0.username)", acct: $0.username)
            },
            tags: row.tags.map { TagEntity(name: $0, url: "\(baseURL)/tags/\($0)") })
        entity.repliesCount = interactions.repliesCount
        entity.reblogsCount = interactions.reblogsCount
        entity.favouritesCount = interactions.favouritesCount
        entity.favourited = interactions.favourited
        entity.reblogged = interactions.reblogged
        if let reblog {
            entity.reblog = Nullable(ReblogBox(reblog))
            entity.content = ""
            entity.favourited = reblog.favourited
            entity.reblogged = reblog.reblogged
        }
        return entity
    }

    /// The status text as HTML: escaped, paragraphs and line breaks kept, known mentions and tags linked.
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

    static func escape<S: StringProtocol>(_ text: S) -> String {
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
