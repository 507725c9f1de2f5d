import Foundation
import PostgresNIO
import StarlingDomain

/// Statuses, with their mentions, tags and fan-out outbox rows.
public struct StatusStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct NewStatus: Sendable {
        public var id: Int64
        public var accountId: Int64
        public var text: String
        public var spoilerText: String
        public var sensitive: Bool
        public var visibility: Visibility
        public var language: String?
        public var inReplyToId: Int64?
        public var mentionedUsernames: [String]
        public var tags: [String]

        public init(id: Int64, accountId: Int64, text: String, spoilerText: String, sensitive: Bool, visibility: Visibility,
                    language: String?, inReplyToId: Int64?, mentionedUsernames: [String], tags: [String]) {
            self.id = id
            self.accountId = accountId
            self.text = text
            self.spoilerText = spoilerText
            self.sensitive = sensitive
            self.visibility = visibility
            self.language = language
            self.inReplyToId = inReplyToId
            self.mentionedUsernames = mentionedUsernames
            self.tags = tags
        }
    }

    /// Writes the status, its mentions and tags, the author's counters and the outbox row in one transaction.
    /// - Throws: `DomainError.notFound` if `inReplyToId` names no visible status (nothing is written).
    public func create(_ new: NewStatus) async throws -> StatusRow {
        let createdAt = Date(timeIntervalSince1970: Double(SnowflakeGenerator.millis(of: new.id)) / 1000)
        return try await database.transaction("status_create") { connection in
            let logger = database.logger
            var inReplyToAccount: Int64?
            if let parent = new.inReplyToId {
                for try await author in try await connection.query(
                    "SELECT account_id FROM statuses WHERE id = \(parent) AND deleted_at IS NULL", logger: logger).decode(Int64.self) {
                    inReplyToAccount = author
                }
                guard inReplyToAccount != nil else { throw DomainError.notFound }
                try await connection.query("UPDATE statuses SET replies_count = replies_count + 1 WHERE id = \(parent)", logger: logger)
            }
            try await connection.query("""
                INSERT INTO statuses (id, account_id, text, spoiler_text, sensitive, visibility, language, in_reply_to_id, in_reply_to_account_id, created_at)
                VALUES (\(new.id), \(new.accountId), \(new.text), \(new.spoilerText), \(new.sensitive), \(new.visibility.rawValue), \(new.language),
                        \(new.inReplyToId), \(inReplyToAccount), \(createdAt))
                """, logger: logger)
            var mentions: [MentionRef] = []
            if !new.mentionedUsernames.isEmpty {
                for try await (id, username) in try await connection.query("""
                    INSERT INTO mentions (status_id, account_id)
                    SELECT \(new.id), id FROM accounts WHERE lower(username) = ANY(\(new.mentionedUsernames))
                    RETURNING account_id, (SELECT username FROM accounts WHERE id = account_id)
                    """, logger: logger).decode((Int64, String).self) {
                    mentions.append(MentionRef(id: id, username: username))
                }
            }
            if !new.tags.isEmpty {
                try await connection.query("""
                    INSERT INTO tags (name) SELECT unnest(\(new.tags)::text[]) ON CONFLICT (name) DO NOTHING
                    """, logger: logger)
                try await connection.query("""
                    INSERT INTO status_tags (status_id, tag_id) SELECT \(new.id), id FROM tags WHERE name = ANY(\(new.tags))
                    """, logger: logger)
            }
            try await connection.query("""
                UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = \(createdAt), last_active_at = now()
                WHERE id = \(new.accountId)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO outbox (kind, status_id, account_id) VALUES ('post', \(new.id), \(new.accountId))
                """, logger: logger)
            return StatusRow(id: new.id, accountId: new.accountId, text: new.text, spoilerText: new.spoilerText,
                             sensitive: new.sensitive, visibility: new.visibility, language: new.language,
                             inReplyToId: new.inReplyToId, inReplyToAccountId: inReplyToAccount, createdAt: createdAt,
                             mentions: mentions, tags: new.tags, reblogOfId: nil)
        }
    }

    /// Marks a status deleted and queues its removal from every timeline.
    /// - Throws: `DomainError.notFound` if missing or already deleted, `.notAllowed` if `by` is not the author.
    public func delete(id: Int64, by account: Int64) async throws -> StatusRow {
        guard let status = try await statuses(ids: [id]).first else { throw DomainError.notFound }
        guard status.accountId == account else { throw DomainError.notAllowed }
        let deleted = try await database.transaction("status_delete") { connection in
            let logger = database.logger
            var deleted = false
            for try await (parent, original) in try await connection.query("""
                UPDATE statuses SET deleted_at = now() WHERE id = \(id) AND deleted_at IS NULL RETURNING in_reply_to_id, reblog_of_id
                """, logger: logger).decode((Int64?, Int64?).self) {
                deleted = true
                if let parent {
                    try await connection.query(
                        "UPDATE statuses SET replies_count = greatest(replies_count - 1, 0) WHERE id = \(parent)", logger: logger)
                }
                if let original {
                    try await connection.query(
                        "UPDATE statuses SET reblogs_count = greatest(reblogs_count - 1, 0) WHERE id = \(original)", logger: logger)
                }
            }
            guard deleted else { return false }
            try await connection.query("""
                UPDATE accounts SET statuses_count = greatest(statuses_count - 1, 0) WHERE id = \(account)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO outbox (kind, status_id, account_id) VALUES ('delete', \(id), \(account)) ON CONFLICT DO NOTHING
                """, logger: logger)
            return true
        }
        guard deleted else { throw DomainError.notFound }
        return status
    }

    /// Visible (not deleted) statuses by id, in no particular order.
    public func statuses(ids: [Int64]) async throws -> [StatusRow] {
        if ids.isEmpty { return [] }
        let rows = try await database.query("statuses_by_ids", """
            SELECT s.id, s.account_id, s.text, s.spoiler_text, s.sensitive, s.visibility, s.language,
                   s.in_reply_to_id, s.in_reply_to_account_id, s.created_at, s.reblog_of_id,
                   coalesce((SELECT array_agg(m.account_id ORDER BY m.account_id) FROM mentions m WHERE m.status_id = s.id), '{}'),
                   coalesce((SELECT array_agg(a.username ORDER BY m.account_id) FROM mentions m JOIN accounts a ON a.id = m.account_id WHERE m.status_id = s.id), '{}'),
                   coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = s.id), '{}')
            FROM statuses s WHERE s.id = ANY(\(ids)) AND s.deleted_at IS NULL
            """)
        var out: [StatusRow] = []
        for try await row in rows {
            let (id, accountId, text, spoiler, sensitive, visibility, language, replyTo, replyToAccount, createdAt, reblogOf, mentionIds, mentionNames, tags) =
                try row.decode((Int64, Int64, String, String, Bool, String, String?, Int64?, Int64?, Date, Int64?, [Int64], [String], [String]).self)
            out.append(StatusRow(id: id, accountId: accountId, text: text, spoilerText: spoiler, sensitive: sensitive,
                                 // An unknown value is never written; fail closed if one appears.
                                 visibility: Visibility(rawValue: visibility) ?? .direct,
                                 language: language, inReplyToId: replyTo, inReplyToAccountId: replyToAccount,
                                 createdAt: createdAt, mentions: zip(mentionIds, mentionNames).map { MentionRef(id: $0, username: $1) },
                                 tags: tags, reblogOfId: reblogOf))
        }
        return out
    }

    /// A page of statuses by the given authors, newest first, honouring Mastodon paging.
    public func page(authors: [Int64], page: PageRequest) async throws -> [Int64] {
        if authors.isEmpty { return [] }
        let upper = page.maxId ?? Int64.max
        let lower = page.lowerBound ?? -1
        if page.minId != nil {
            let ascending = try await database.query("statuses_page_min", """
                SELECT id FROM statuses WHERE account_id = ANY(\(authors)) AND deleted_at IS NULL
                  AND id < \(upper) AND id > \(lower) ORDER BY id ASC LIMIT \(page.limit)
                """).collect(Int64.self)
            return ascending.reversed()
        }
        return try await database.query("statuses_page", """
            SELECT id FROM statuses WHERE account_id = ANY(\(authors)) AND deleted_at IS NULL
              AND id < \(upper) AND id > \(lower) ORDER BY id DESC LIMIT \(page.limit)
            """).collect(Int64.self)
    }

    /// The newest statuses of the accounts `user` follows whose statuses are pushed (followers below
    /// `threshold`), plus the user's own: the contents of a rebuilt home list.
    public func homeRebuild(user: Int64, threshold: Int64, limit: Int) async throws -> [Int64] {
        try await database.query("home_rebuild", """
            SELECT s.id FROM statuses s
            WHERE s.deleted_at IS NULL AND s.account_id IN (
                SELECT a.id FROM accounts a
                WHERE a.followers_count < \(threshold)
                  AND (a.id = \(user) OR a.id IN (SELECT followee_id FROM follows WHERE follower_id = \(user))))
            ORDER BY s.id DESC LIMIT \(limit)
            """).collect(Int64.self)
    }

    /// The home-timeline contents computed purely from PostgreSQL (the pull path).
    public func homeByPull(user: Int64, page: PageRequest) async throws -> [Int64] {
        let authors = try await database.query("home_authors", """
            SELECT \(user)::bigint UNION ALL SELECT followee_id FROM follows WHERE follower_id = \(user)
            """).collect(Int64.self)
        return try await self.page(authors: authors, page: page)
    }

    /// The newest `limit` visible status ids of one author.
    public func recentIds(author: Int64, limit: Int) async throws -> [Int64] {
        try await database.query("author_recent", """
            SELECT id FROM statuses WHERE account_id = \(author) AND deleted_at IS NULL ORDER BY id DESC LIMIT \(limit)
            """).collect(Int64.self)
    }

    /// Of `ids`, those written by `author` (deleted or not): what an unfollow removes from a home list.
    public func ids(_ ids: [Int64], authoredBy author: Int64) async throws -> [Int64] {
        if ids.isEmpty { return [] }
        return try await database.query("ids_by_author",
            "SELECT id FROM statuses WHERE id = ANY(\(ids)) AND account_id = \(author)").collect(Int64.self)
    }
}

/// SQL predicates on `statuses.visibility`, generated from the domain's rules. They are literal
/// text, not bind parameters, so the planner can match partial indexes such as `statuses_public`
/// (`visibility IN ('public')` is parsed as `visibility = 'public'`).
enum VisibilitySQL {
    /// `<column> IN ('…', …)` for the visibilities that satisfy `rule`.
    static func column(_ column: String, where rule: (Visibility) -> Bool) -> String {
        let values = Visibility.allCases.filter(rule).map { "'\($0.rawValue)'" }
        return values.isEmpty ? "false" : "\(column) IN (\(values.joined(separator: ", ")))"
    }

    /// Public timelines, tag timelines: `Visibility.isListedPublicly`.
    static func listedPublicly(_ column: String = "visibility") -> String { self.column(column, where: \.isListedPublicly) }
    /// Search: `Visibility.isSearchable`.
    static func searchable(_ column: String = "visibility") -> String { self.column(column, where: \.isSearchable) }
}
