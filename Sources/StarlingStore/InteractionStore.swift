import Foundation
import PostgresNIO
import StarlingDomain

/// Reblogs, favourites, threads, tag and public timelines, and search.
public struct InteractionStore: Sendable {
    let database: Database
    let statuses: StatusStore

    public init(database: Database) {
        self.database = database
        self.statuses = StatusStore(database: database)
    }

    /// The status a reblog request is about: reblogging a reblog reblogs its original.
    func original(of id: Int64) async throws -> StatusRow {
        guard var row = try await statuses.statuses(ids: [id]).first else { throw DomainError.notFound }
        if let original = row.reblogOfId {
            guard let inner = try await statuses.statuses(ids: [original]).first else { throw DomainError.notFound }
            row = inner
        }
        return row
    }

    /// Reblogs a status; returns the reblog. Idempotent: a second reblog returns the first.
    /// - Throws: `DomainError.notFound` for a missing status, `.notAllowed` for one that cannot be reblogged.
    public func reblog(statusId: Int64, by account: Int64, newId: Int64) async throws -> StatusRow {
        let original = try await original(of: statusId)
        guard original.visibility.canBeReblogged else { throw DomainError.notAllowed }
        if let existing = try await reblogId(of: original.id, by: account),
           let row = try await statuses.statuses(ids: [existing]).first {
            return row
        }
        let createdAt = Date(timeIntervalSince1970: Double(SnowflakeGenerator.millis(of: newId)) / 1000)
        do {
            try await database.transaction("reblog") { connection in
                let logger = database.logger
                try await connection.query("""
                    INSERT INTO statuses (id, account_id, text, visibility, reblog_of_id, created_at)
                    VALUES (\(newId), \(account), '', \(Visibility.public.rawValue), \(original.id), \(createdAt))
                    """, logger: logger)
                try await connection.query("UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = \(original.id)", logger: logger)
                try await connection.query("""
                    UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = \(createdAt) WHERE id = \(account)
                    """, logger: logger)
                try await connection.query(
                    "INSERT INTO outbox (kind, status_id, account_id) VALUES ('post', \(newId), \(account))", logger: logger)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // A concurrent reblog by the same account won the race: return that one.
            if let existing = try await reblogId(of: original.id, by: account),
               let row = try await statuses.statuses(ids: [existing]).first { return row }
            throw error
        }
        guard let row = try await statuses.statuses(ids: [newId]).first else { throw DomainError.notFound }
        return row
    }

    /// Undoes a reblog; returns the original. Idempotent.
    public func unreblog(statusId: Int64, by account: Int64) async throws -> StatusRow {
        let original = try await original(of: statusId)
        if let existing = try await reblogId(of: original.id, by: account) {
            _ = try? await statuses.delete(id: existing, by: account)
        }
        return original
    }

    func reblogId(of original: Int64, by account: Int64) async throws -> Int64? {
        try await database.query("reblog_of", """
            SELECT id FROM statuses WHERE account_id = \(account) AND reblog_of_id = \(original) AND deleted_at IS NULL
            """).collect(Int64.self).first
    }

    /// Favourites `status` (an original, written by `author`) for `account`, or undoes it: the
    /// favourite, the status's counter and, for a new favourite, the outbox row that notifies the
    /// author, in one statement. Returns whether anything changed (false: already so).
    public func setFavourite(_ add: Bool, status: Int64, author: Int64, by account: Int64) async throws -> Bool {
        try await database.execute(add ? "favourite" : "unfavourite",
                                   SetFavouriteStatement(account: account, status: status, author: author, add: add)).first ?? false
    }

    /// Counters and the viewer's reblogged/favourited flags, for a page of statuses in one query.
    public func interactions(ids: [Int64], viewer: Int64?) async throws -> [Int64: StatusInteractions] {
        if ids.isEmpty { return [:] }
        let rows = try await database.query("status_interactions", """
            SELECT s.id, s.replies_count, s.reblogs_count, s.favourites_count,
                   EXISTS (SELECT 1 FROM favourites f WHERE f.status_id = s.id AND f.account_id = \(viewer ?? -1)),
                   EXISTS (SELECT 1 FROM statuses r WHERE r.reblog_of_id = s.id AND r.account_id = \(viewer ?? -1) AND r.deleted_at IS NULL)
            FROM statuses s WHERE s.id = ANY(\(ids))
            """)
        var out: [Int64: StatusInteractions] = [:]
        for try await (id, replies, reblogs, favourites, favourited, reblogged) in rows.decode((Int64, Int64, Int64, Int64, Bool, Bool).self) {
            var value = StatusInteractions()
            value.repliesCount = replies
            value.reblogsCount = reblogs
            value.favouritesCount = favourites
            value.favourited = favourited
            value.reblogged = reblogged
            out[id] = value
        }
        return out
    }

    /// A viewer's most recent favourites and reblogs (status ids of what they favourited and
    /// reblogged), at most `limit` of each, and the floor above which the lists are complete:
    /// every status with an id at or above `floor` that the viewer favourited or reblogged is in
    /// them. (A reblog is newer than its original, so the oldest reblog returned bounds the
    /// originals any other reblog could wrap.)
    public func recentActions(of viewer: Int64, limit: Int) async throws -> (favourites: [Int64], reblogs: [Int64], floor: Int64) {
        let favourites = try await database.query("recent_favourites", """
            SELECT status_id FROM favourites WHERE account_id = \(viewer) ORDER BY status_id DESC LIMIT \(limit)
            """).collect(Int64.self)
        var reblogs: [Int64] = []
        var oldestReblog: Int64 = 0
        for try await (id, original) in try await database.query("recent_reblogs", """
            SELECT id, reblog_of_id FROM statuses
            WHERE account_id = \(viewer) AND reblog_of_id IS NOT NULL AND deleted_at IS NULL
            ORDER BY id DESC LIMIT \(limit)
            """).decode((Int64, Int64).self) {
            reblogs.append(original)
            oldestReblog = id
        }
        let favouriteFloor = favourites.count == limit ? favourites.last ?? 0 : 0
        let reblogFloor = reblogs.count == limit ? oldestReblog : 0
        return (favourites, reblogs, max(favouriteFloor, reblogFloor))
    }

    /// A thread around a status: ancestors oldest first (at most 40), descendants in thread order (at most 60).
    public func context(of id: Int64) async throws -> (ancestors: [Int64], descendants: [Int64]) {
        var ancestors: [Int64] = [], descendants: [Int64] = []
        for (isAncestor, status) in try await database.execute("status_context", StatusContextStatement(id: id)) {
            if isAncestor { ancestors.append(status) } else { descendants.append(status) }
        }
        return (ancestors, descendants)
    }

    /// Public statuses with a tag, newest first.
    public func tagTimeline(tag: String, page: PageRequest) async throws -> [Int64] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        if page.direction != .justAboveLowerBound {
            let statement = TagTimelineStatement<NewestFirst>(tag: tag, below: upper, above: lower, limit: page.limit)
            return try await database.execute("tag_timeline", statement)
        }
        let statement = TagTimelineStatement<OldestFirst>(tag: tag, below: upper, above: lower, limit: page.limit)
        return try await database.execute("tag_timeline_min", statement).reversed()
    }

    /// Every public status (reblogs excluded), newest first.
    public func publicTimeline(page: PageRequest) async throws -> [Int64] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        if page.direction == .justAboveLowerBound {
            let statement = PublicTimelineStatement<OldestFirst>(below: upper, above: lower, limit: page.limit)
            return try await database.execute("public_timeline_min", statement).reversed()
        }
        return try await database.execute("public_timeline", PublicTimelineStatement<NewestFirst>(below: upper, above: lower, limit: page.limit))
    }

    /// Accounts whose username or display name starts with `prefix` (case-insensitive), most
    /// followed first, among at most `candidates` (or `offset + limit`, if more) of each kind of
    /// match, the first in the index's (alphabetical) order.
    ///
    /// Ranking every match, as it was, made an app's search-as-you-type cost PostgreSQL as many
    /// rows as a short prefix matches: with 1M accounts, `a` read and sorted 62,000 rows (45-58 ms,
    /// with two parallel workers) on every keystroke. Now a prefix matching more than `candidates`
    /// accounts ranks the first ones by name (the exact name and its shortest continuations among
    /// them), at a bounded cost (1.6-2.3 ms there), and one matching fewer ranks them all, as before.
    public func searchAccounts(prefix: String, limit: Int, offset: Int, candidates: Int = 200) async throws -> [Int64] {
        let pattern = Self.likePrefix(prefix.lowercased())
        let each = max(candidates, offset + limit)
        return try await database.query("search_accounts", """
            WITH candidates AS (
                (SELECT id, followers_count FROM accounts WHERE lower(username) LIKE \(pattern)
                 ORDER BY lower(username) USING ~<~ LIMIT \(each))
                UNION
                (SELECT id, followers_count FROM accounts WHERE lower(display_name) LIKE \(pattern)
                 ORDER BY lower(display_name) USING ~<~ LIMIT \(each))
            )
            SELECT id FROM candidates ORDER BY followers_count DESC, id LIMIT \(limit) OFFSET \(offset)
            """).collect(Int64.self)
    }

    /// Tags starting with `prefix`, shortest first, then by name, as Mastodon orders them: the tag
    /// itself, then the ones that continue it least.
    ///
    /// Ordered by use, as it was, every keystroke of an app's autocomplete counted every use of every
    /// tag the prefix matched (0.5 s for `s` with 30,000 tags used 600,000 times). Here each length
    /// reads at most a page's worth of names from `tags_by_length`: the cost is bounded by the page
    /// and the longest tag, whatever the number of tags or of their uses.
    public func searchTags(prefix: String, limit: Int, offset: Int) async throws -> [String] {
        let prefix = StatusTextParser.normaliseTag(prefix)
        return try await database.query("search_tags", """
            SELECT t.name FROM generate_series(\(prefix.unicodeScalars.count), (SELECT coalesce(max(length(name)), 0) FROM tags)) AS l(len)
            CROSS JOIN LATERAL (
                SELECT name FROM tags WHERE length(name) = l.len AND name LIKE \(Self.likePrefix(prefix))
                -- In the index's (byte) order, which the index gives whatever the database's collation.
                ORDER BY name USING ~<~ LIMIT \(offset + limit)) t
            ORDER BY l.len, t.name USING ~<~ LIMIT \(limit) OFFSET \(offset)
            """).collect(String.self)
    }

    /// Public statuses matching words (PostgreSQL full-text search) or, for `#tag`, having the tag.
    public func searchStatuses(query: String, limit: Int, offset: Int) async throws -> [Int64] {
        if query.hasPrefix("#"), let tag = StatusTextParser.hashtags(in: query).first {
            return try await database.query("search_statuses_tag", """
                SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id JOIN statuses s ON s.id = st.status_id
                WHERE t.name = \(tag) AND s.deleted_at IS NULL AND \(unescaped: VisibilitySQL.searchable("s.visibility"))
                ORDER BY st.status_id DESC LIMIT \(limit) OFFSET \(offset)
                """).collect(Int64.self)
        }
        return try await searchStatusText(query, limit: limit, offset: offset)
    }

    /// How many of the newest searchable statuses a text search reads first.
    static let recentSearchWindow = 2_000
    /// How many statuses a text search may walk back through, newest first, for a word the window
    /// shows to be common (about 90 ms on this project's test machine).
    static let searchWalkBudget = 50_000

    /// Public statuses whose words match `query`, newest first, in steps whose cost is bounded.
    ///
    /// One statement ordered by id let the planner walk the primary key back and compute every
    /// status's words until it had a page: for a word used rarely or never, that read the whole table
    /// (1.8 s for one anonymous request on 1M statuses). Now:
    /// 1. the newest `window` statuses are matched, and counted: a common word fills the page there;
    /// 2. if the count says the page lies within `walkBudget` statuses (a common word, a deep
    ///    offset), the walk back through the primary key finds it, as before;
    /// 3. otherwise the word is rare among recent statuses, and the full-text index
    ///    (`statuses_search`) finds all of its matches, which are sorted.
    /// Every step gives the same page: a match outside the window is older than every status in it.
    func searchStatusText(_ query: String, limit: Int, offset: Int, window: Int = recentSearchWindow,
                          walkBudget: Int = searchWalkBudget) async throws -> [Int64] {
        let searchable = VisibilitySQL.searchable()
        let wanted = offset + limit
        var recent: [Int64] = []
        var matchesInWindow = 0
        for try await (id, count) in try await database.query("search_statuses_recent", """
            SELECT id, count(*) OVER () FROM (
                SELECT id, text FROM statuses WHERE deleted_at IS NULL AND reblog_of_id IS NULL AND \(unescaped: searchable)
                ORDER BY id DESC LIMIT \(window)) r
            WHERE to_tsvector('simple', r.text) @@ plainto_tsquery('simple', \(query))
            ORDER BY id DESC LIMIT \(wanted)
            """).decode((Int64, Int64).self) {
            recent.append(id)
            matchesInWindow = Int(count)
        }
        if recent.count == wanted { return Array(recent.dropFirst(offset)) }
        if matchesInWindow > 0, wanted * window / matchesInWindow <= walkBudget {
            return try await database.query("search_statuses_walk", """
                SELECT id FROM statuses
                WHERE deleted_at IS NULL AND reblog_of_id IS NULL AND \(unescaped: searchable)
                  AND to_tsvector('simple', text) @@ plainto_tsquery('simple', \(query))
                ORDER BY id DESC LIMIT \(limit) OFFSET \(offset)
                """).collect(Int64.self)
        }
        // MATERIALIZED: the planner may not push the page's ORDER BY ... LIMIT into the matching.
        return try await database.query("search_statuses_text", """
            WITH matches AS MATERIALIZED (
                SELECT id FROM statuses
                WHERE to_tsvector('simple', text) @@ plainto_tsquery('simple', \(query))
                  AND deleted_at IS NULL AND reblog_of_id IS NULL AND \(unescaped: searchable))
            SELECT id FROM matches ORDER BY id DESC LIMIT \(limit) OFFSET \(offset)
            """).collect(Int64.self)
    }

    /// `prefix%` with LIKE's own wildcards escaped.
    static func likePrefix(_ prefix: String) -> String {
        prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// Of `authors`, those `viewer` follows (for the reply-visibility rule and private statuses).
    public func followed(by viewer: Int64, among authors: [Int64]) async throws -> Set<Int64> {
        if authors.isEmpty { return [] }
        return Set(try await database.query("followed_among", """
            SELECT followee_id FROM follows WHERE follower_id = \(viewer) AND followee_id = ANY(\(authors))
            """).collect(Int64.self))
    }
}

// The timelines' newest-first pages: functions planned once per connection (`readPageFunctions`).

/// Public statuses with a tag strictly between two bounds, in `Order`.
struct TagTimelineStatement<Order: PageOrder>: ArgumentsStatement {
    static var sql: String { "SELECT * FROM starling_tag_page\(Order.functionSuffix)($1, $2, $3, $4)" }
    static var bindingDataTypes: [PostgresDataType] { [.text, .int8, .int8, .int4] }
    typealias Row = Int64

    let arguments: [any PostgresEncodable & Sendable]

    init(tag: String, below upper: Int64, above lower: Int64, limit: Int) { arguments = [tag, upper, lower, Int32(clamping: limit)] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

/// Every public status (reblogs excluded) strictly between two bounds, in `Order`.
struct PublicTimelineStatement<Order: PageOrder>: ArgumentsStatement {
    static var sql: String { "SELECT * FROM starling_public_page\(Order.functionSuffix)($1, $2, $3)" }
    static var bindingDataTypes: [PostgresDataType] { [.int8, .int8, .int4] }
    typealias Row = Int64

    let arguments: [any PostgresEncodable & Sendable]

    init(below upper: Int64, above lower: Int64, limit: Int) { arguments = [upper, lower, Int32(clamping: limit)] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}

/// A thread around a status (`starling_status_context`): its ancestors, oldest first (at most 40),
/// then its descendants in thread order (at most 60), each row saying which it is.
struct StatusContextStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_status_context($1)"
    static let bindingDataTypes: [PostgresDataType] = [.int8]
    typealias Row = (Bool, Int64)

    let arguments: [any PostgresEncodable & Sendable]

    init(id: Int64) { arguments = [id] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// `starling_set_favourite`: a favourite or its undoing, its counter and outbox row; whether it changed anything.
struct SetFavouriteStatement: ArgumentsStatement {
    static let sql = "SELECT starling_set_favourite($1, $2, $3, $4)"
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int8, .int8, .bool]
    typealias Row = Bool

    let arguments: [any PostgresEncodable & Sendable]

    init(account: Int64, status: Int64, author: Int64, add: Bool) { arguments = [account, status, author, add] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Bool.self) }
}
