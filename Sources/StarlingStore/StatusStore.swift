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
        /// Attachments, in order: own, ready and unattached, or nothing is written (MediaStore.attachProblem says why).
        public var mediaIds: [Int64] = []

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

    /// Writes the status, its mentions and tags, the parent's reply counter, the author's counters
    /// and the outbox row in one statement (one round trip, atomic as any single statement), and
    /// returns the row with the author as updated, which is all the response needs.
    /// - Throws: `DomainError.notFound` if `inReplyToId` names no visible status (nothing is written).
    public func create(_ new: NewStatus) async throws -> (status: StatusRow, author: AccountRow) {
        let createdAt = Date(timeIntervalSince1970: Double(SnowflakeGenerator.millis(of: new.id)) / 1000)
        let start = ContinuousClock.now
        defer { Database.timer("status_create").record(duration: ContinuousClock.now - start) }
        let statement = CreateStatusStatement(new: new, createdAt: createdAt)
        // Under the same deadline as every other query: while PostgreSQL is down the pool would
        // hold the post ~68 s (a hang to the client) instead of answering 503.
        let database = self.database
        let first = try await database.alone { connection in
            for try await row in try await connection.execute(statement, logger: database.logger) { return Optional(row) }
            return nil
        }
        if let row = first {
            let (replyToAccount, mentionIds, mentionNames, id, username, displayName, note, accountCreated, lastStatusAt,
                 followers, following, statuses, locked) = row
            let author = AccountRow(id: id, username: username, displayName: displayName, note: note, createdAt: accountCreated,
                                    lastStatusAt: lastStatusAt, followersCount: followers, followingCount: following, statusesCount: statuses,
                                    locked: locked)
            let status = StatusRow(id: new.id, accountId: new.accountId, text: new.text, spoilerText: new.spoilerText,
                                   sensitive: new.sensitive, visibility: new.visibility, language: new.language,
                                   inReplyToId: new.inReplyToId, inReplyToAccountId: replyToAccount, createdAt: createdAt,
                                   mentions: zip(mentionIds, mentionNames).map { MentionRef(id: $0, username: $1) },
                                   tags: new.tags, reblogOfId: nil)
            var withMedia = status
            if !new.mediaIds.isEmpty { withMedia.media = try await MediaStore(database: database).refs(ids: new.mediaIds) }
            return (withMedia, author)
        }
        // No row: an attachment was taken meanwhile (MediaStore.attachProblem names it), or the
        // status it replies to does not exist.
        if !new.mediaIds.isEmpty, let problem = try await MediaStore(database: database).attachProblem(ids: new.mediaIds, account: new.accountId) {
            throw DomainError.validation(problem)
        }
        throw DomainError.notFound
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
        // `starling_statuses_with_media_flag` (PostFunctionMigration.swift): each with its mentions and
        // tags, and whether it has attachments; those are read after, only for the statuses that have any.
        let rows = try await database.execute("statuses_by_ids", StatusesByIdsStatement(ids: ids))
        var out: [StatusRow] = []
        var withMedia: [Int64] = []
        for row in rows {
            let (id, accountId, text, spoiler, sensitive, visibility, language, replyTo, replyToAccount, createdAt, reblogOf, mentionIds, mentionNames, tags,
                 editedAt, pollId, hasMedia) = row
            if hasMedia { withMedia.append(id) }
            out.append(Self.row(id: id, accountId: accountId, text: text, spoilerText: spoiler, sensitive: sensitive, visibility: visibility,
                                language: language, inReplyToId: replyTo, inReplyToAccountId: replyToAccount, createdAt: createdAt,
                                reblogOfId: reblogOf, mentionIds: mentionIds, mentionNames: mentionNames, tags: tags, editedAt: editedAt,
                                pollId: pollId))
        }
        return try await attachingMedia(to: out, of: withMedia)
    }

    /// The statuses of post jobs as their lease read them, with attachments for the ones that have
    /// any; deleted ones are left out.
    public func statuses(of jobs: [OutboxJob]) async throws -> [StatusRow] {
        let leased = jobs.compactMap(\.status)
        return try await attachingMedia(to: leased.map(\.row), of: leased.filter(\.hasMedia).map(\.row.id))
    }

    /// `rows` with the attachments of the statuses `ids` (those that have any): no query when there are none.
    private func attachingMedia(to rows: [StatusRow], of ids: [Int64]) async throws -> [StatusRow] {
        if ids.isEmpty { return rows }
        return MediaStore.attach(try await MediaStore(database: database).attachments(ofStatuses: ids), to: rows)
    }

    /// A status row from the columns `starling_statuses_by_ids` returns.
    static func row(id: Int64, accountId: Int64, text: String, spoilerText: String, sensitive: Bool, visibility: String, language: String?,
                    inReplyToId: Int64?, inReplyToAccountId: Int64?, createdAt: Date, reblogOfId: Int64?, mentionIds: [Int64],
                    mentionNames: [String], tags: [String], editedAt: Date?, pollId: Int64?) -> StatusRow {
        StatusRow(id: id, accountId: accountId, text: text, spoilerText: spoilerText, sensitive: sensitive,
                  // An unknown value is never written; fail closed if one appears.
                  visibility: Visibility(rawValue: visibility) ?? .direct,
                  language: language, inReplyToId: inReplyToId, inReplyToAccountId: inReplyToAccountId,
                  createdAt: createdAt, mentions: zip(mentionIds, mentionNames).map { MentionRef(id: $0, username: $1) },
                  tags: tags, reblogOfId: reblogOfId, editedAt: editedAt, pollId: pollId)
    }

    /// A page of statuses by the given authors, newest first, honouring Mastodon paging.
    public func page(authors: [Int64], page: PageRequest) async throws -> [Int64] {
        if authors.isEmpty { return [] }
        let upper = page.maxId ?? Int64.max
        let lower = page.lowerBound ?? -1
        let limit = Int32(clamping: page.limit)
        if page.direction == .justAboveLowerBound {
            if authors.count == 1 {
                let statement = AuthorPageStatement<OldestFirst>(author: authors[0], below: upper, above: lower, limit: limit)
                return try await database.execute("statuses_page_author_min", statement).reversed()
            }
            let ascending = try await database.query("statuses_page_min", """
                SELECT id FROM statuses WHERE account_id = ANY(\(authors)) AND deleted_at IS NULL
                  AND id < \(upper) AND id > \(lower) ORDER BY id ASC LIMIT \(page.limit)
                """).collect(Int64.self)
            return ascending.reversed()
        }
        if authors.count == 1 {
            // A profile's page, 30 % of the load test's mix, planned once per connection. Sent as
            // the general statement, parsing and planning it cost PostgreSQL ~0.7 ms of CPU per read.
            let statement = AuthorPageStatement<NewestFirst>(author: authors[0], below: upper, above: lower, limit: limit)
            return try await database.execute("statuses_page_author", statement)
        }
        return try await newest(limit: page.limit, of: authors, below: upper, above: lower, label: "statuses_page")
    }

    /// The `limit` newest visible status ids of `authors` strictly between `lower` and `upper`,
    /// newest first.
    ///
    /// One statement, bounded by the authors' index (`statuses_by_account`), however the authors
    /// post. Merging `account_id = ANY(...)` by the primary key instead walks back through everyone's
    /// statuses until it has found `limit` of theirs: a user who follows a few quiet accounts made a
    /// home rebuild read most of the table (300 ms on 1M statuses, seconds under the load of a
    /// cluster rebuilding every home after losing its Redis shards). Here each author gives its
    /// newest `firstPass` ids; the `limit`-th newest of those is a cutoff that nothing below can
    /// beat, and only an author whose every id came out above the cutoff may have more above it:
    /// those are read again, down to the cutoff.
    func newest(limit: Int, of authors: [Int64], below upper: Int64, above lower: Int64, label: String) async throws -> [Int64] {
        let authors = Array(Set(authors))
        if authors.isEmpty || limit <= 0 { return [] }
        let firstPass = Self.firstPassPerAuthor(limit: limit, authors: authors.count)
        return try await database.query(label, """
            WITH first AS MATERIALIZED (
                SELECT a.id AS author, s.id FROM unnest(\(authors)::bigint[]) AS a(id)
                CROSS JOIN LATERAL (
                    SELECT id FROM statuses WHERE account_id = a.id AND deleted_at IS NULL AND id < \(upper) AND id > \(lower)
                    ORDER BY id DESC LIMIT \(firstPass)) s
            ), cutoff AS (
                SELECT coalesce((SELECT id FROM first ORDER BY id DESC OFFSET \(limit - 1) LIMIT 1), \(lower)) AS id
            ), unfinished AS (
                SELECT author, min(id) AS lowest FROM first GROUP BY author HAVING count(*) = \(firstPass)
            )
            SELECT id FROM first
            UNION ALL
            SELECT s.id FROM unfinished u CROSS JOIN cutoff c
            CROSS JOIN LATERAL (
                -- The author already has firstPass ids above the cutoff: at most limit - firstPass more can count.
                SELECT id FROM statuses WHERE account_id = u.author AND deleted_at IS NULL AND id < u.lowest AND id > c.id
                ORDER BY id DESC LIMIT \(limit - firstPass)) s
            WHERE u.lowest > c.id
            ORDER BY id DESC LIMIT \(limit)
            """).collect(Int64.self)
    }

    /// How many ids `newest` first reads from each author: twice an even share of the page (so the
    /// cutoff usually settles it in one pass), at least 8 and at most the page.
    static func firstPassPerAuthor(limit: Int, authors: Int) -> Int {
        min(limit, max(8, (2 * limit + authors - 1) / max(authors, 1)))
    }

    /// The newest statuses of the accounts `user` follows whose statuses are pushed (followers below
    /// `threshold`), plus the user's own, plus what reached the user through followed tags
    /// (`TagFollowStore.taggedForHome`): the contents of a rebuilt home list, as fan-out fills it.
    public func homeRebuild(user: Int64, threshold: Int64, limit: Int) async throws -> [Int64] {
        async let tagged = TagFollowStore(database: database).taggedForHome(user: user, page: PageRequest(limit: limit))
        let pushed = try await database.query("home_rebuild_authors", """
            SELECT a.id FROM follows f JOIN accounts a ON a.id = f.followee_id
            WHERE f.follower_id = \(user) AND a.followers_count < \(threshold)
              -- Members of the user's exclusive lists stay out of the home (ListStore).
              AND NOT EXISTS (SELECT 1 FROM list_accounts la JOIN lists l ON l.id = la.list_id WHERE la.owner_id = \(user) AND la.account_id = f.followee_id AND l.exclusive)
            UNION
            SELECT id FROM accounts WHERE id = \(user) AND followers_count < \(threshold)
            """).collect(Int64.self)
        let followed = try await newest(limit: limit, of: pushed, below: Int64.max, above: -1, label: "home_rebuild")
        return Array(TimelineMerge.merge([followed, try await tagged]).prefix(limit))
    }

    /// The home-timeline contents computed purely from PostgreSQL (the pull path): the user's and
    /// their follows' statuses, and those that reached them through followed tags.
    public func homeByPull(user: Int64, page: PageRequest) async throws -> [Int64] {
        let authors = try await database.query("home_authors", """
            SELECT \(user)::bigint UNION ALL SELECT followee_id FROM follows WHERE follower_id = \(user)
              AND NOT EXISTS (SELECT 1 FROM list_accounts la JOIN lists l ON l.id = la.list_id WHERE la.owner_id = \(user) AND la.account_id = followee_id AND l.exclusive)  -- exclusive lists' members (ListStore)
            """).collect(Int64.self)
        async let tagged = TagFollowStore(database: database).taggedForHome(user: user, page: page)
        let followed = try await self.page(authors: authors, page: page)
        return page.select(fromDescending: TimelineMerge.merge([followed, try await tagged]))
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

/// A post as one prepared statement calling `starling_create_status` (PostFunctionMigration.swift,
/// planned once per connection): data-modifying CTEs write the status, bump the parent's reply
/// counter, link mentions and tags, update the author and queue the fan-out; the final `SELECT`
/// returns what the response needs. Everything depends on `inserted`, so a reply to a missing
/// status writes nothing and returns no row. Tags are written after it, in statements of their own
/// (migration 16: `DO NOTHING`, then a lookup, so posts sharing a tag do not queue on its row).
/// The function marks its transaction so the outbox trigger sends no NOTIFY: the caller wakes
/// the workers after the commit (`OutboxWake`, migration 18).
struct CreateStatusStatement: PostgresPreparedStatement {
    static var name: String { StatementNames.name(of: Self.self) }
    static let sql = "SELECT * FROM starling_create_status($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    static let bindingDataTypes: [PostgresDataType] = [
        .int8, .int8, .text, .text, .bool, .text, .text, .int8, .timestamptz, .textArray, .textArray, .int8Array,
    ]
    typealias Row = (Int64?, [Int64], [String], Int64, String, String, String, Date, Date?, Int64, Int64, Int64, Bool)

    var new: StatusStore.NewStatus
    var createdAt: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(new.id)
        bindings.append(new.accountId)
        bindings.append(new.text)
        bindings.append(new.spoilerText)
        bindings.append(new.sensitive)
        bindings.append(new.visibility.rawValue)
        bindings.append(new.language)
        bindings.append(new.inReplyToId)
        bindings.append(createdAt)
        bindings.append(new.mentionedUsernames)
        bindings.append(new.tags)
        bindings.append(new.mediaIds)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// Which way a page's function reads, as a statement's type: newest first down from the upper
/// bound (`readPageFunctions`), or oldest first up from `min_id` (`appReadFunctions`, whose
/// functions carry this suffix). Each is its own prepared statement.
protocol PageOrder: Sendable {
    static var functionSuffix: String { get }
    /// The direction of `ORDER BY` for a statement that orders by id itself.
    static var sqlDirection: String { get }
}

enum NewestFirst: PageOrder {
    static var functionSuffix: String { "" }
    static var sqlDirection: String { "DESC" }
}

enum OldestFirst: PageOrder {
    static var functionSuffix: String { "_ascending" }
    static var sqlDirection: String { "ASC" }
}

/// One author's visible status ids strictly between two bounds (`statuses_by_account`) in `Order`:
/// a profile's page, by a function planned once per connection.
struct AuthorPageStatement<Order: PageOrder>: ArgumentsStatement {
    static var sql: String { "SELECT * FROM starling_author_page\(Order.functionSuffix)($1, $2, $3, $4)" }
    static var bindingDataTypes: [PostgresDataType] { [.int8, .int8, .int8, .int4] }
    typealias Row = Int64

    let arguments: [any PostgresEncodable & Sendable]

    init(author: Int64, below upper: Int64, above lower: Int64, limit: Int32) { arguments = [author, upper, lower, limit] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}
