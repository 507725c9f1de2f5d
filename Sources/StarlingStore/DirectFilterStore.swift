import Foundation
import PostgresNIO
import StarlingDomain

/// Direct conversations (Mastodon's AccountConversation rows, one per participant).
public struct ConversationStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Row: Sendable, Equatable {
        public var id: Int64
        public var accountId: Int64
        public var participants: [Int64]
        public var lastStatusId: Int64
        public var unread: Bool
    }

    static let columns = "id, account_id, participants, last_status_id, unread"

    /// Records a direct status in its conversation for every participant (`participants` includes
    /// the author): unread for the recipients. Idempotent, so a redone fan-out job changes nothing:
    /// a row moves only to a newer last status. Returns the rows as they are now.
    public func record(statusId: Int64, author: Int64, inReplyTo: Int64?, participants: [Int64]) async throws -> [Row] {
        try await database.transaction("conversation_record") { connection in
            let logger = database.logger
            var parentConversation: Int64?
            if let parent = inReplyTo {
                for try await id in try await connection.query(
                    "SELECT conversation_id FROM status_conversations WHERE status_id = \(parent)", logger: logger).decode(Int64.self) {
                    parentConversation = id
                }
            }
            let wanted = DirectConversation.conversationId(status: statusId, parentConversation: parentConversation, parent: inReplyTo)
            var conversation = wanted
            // A redo finds the row the first run wrote (DO UPDATE so that RETURNING yields it).
            for try await id in try await connection.query("""
                INSERT INTO status_conversations (status_id, conversation_id) VALUES (\(statusId), \(wanted))
                ON CONFLICT (status_id) DO UPDATE SET conversation_id = status_conversations.conversation_id
                RETURNING conversation_id
                """, logger: logger).decode(Int64.self) { conversation = id }
            var rows: [Row] = []
            for try await (id, account, others, last, unread) in try await connection.query("""
                INSERT INTO account_conversations AS ac (account_id, conversation_id, participants, last_status_id, unread)
                SELECT p, \(conversation), array(SELECT x FROM unnest(\(participants)::bigint[]) x WHERE x <> p ORDER BY x),
                       \(statusId), p <> \(author)
                FROM unnest(\(participants)::bigint[]) p
                ON CONFLICT (account_id, conversation_id) DO UPDATE SET
                    participants = array(SELECT DISTINCT x FROM unnest(ac.participants || EXCLUDED.participants) x ORDER BY x),
                    unread = CASE WHEN EXCLUDED.last_status_id > ac.last_status_id THEN EXCLUDED.unread ELSE ac.unread END,
                    last_status_id = greatest(ac.last_status_id, EXCLUDED.last_status_id)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger).decode((Int64, Int64, [Int64], Int64, Bool).self) {
                rows.append(Row(id: id, accountId: account, participants: others, lastStatusId: last, unread: unread))
            }
            return rows
        }
    }

    /// After a status was deleted: rows it ended move to the conversation's newest status left,
    /// or go when none is left.
    public func statusDeleted(_ statusId: Int64) async throws {
        try await database.transaction("conversation_status_deleted") { connection in
            let logger = database.logger
            var conversation: Int64?
            for try await id in try await connection.query(
                "SELECT conversation_id FROM status_conversations WHERE status_id = \(statusId)", logger: logger).decode(Int64.self) {
                conversation = id
            }
            guard let conversation else { return }  // not a direct status
            var previous: Int64?
            for try await id in try await connection.query("""
                SELECT max(sc.status_id) FROM status_conversations sc JOIN statuses s ON s.id = sc.status_id
                WHERE sc.conversation_id = \(conversation) AND s.deleted_at IS NULL
                """, logger: logger).decode(Int64?.self) { previous = id }
            if let previous {
                try await connection.query("""
                    UPDATE account_conversations SET last_status_id = \(previous)
                    WHERE conversation_id = \(conversation) AND last_status_id = \(statusId)
                    """, logger: logger)
            } else {
                try await connection.query("""
                    DELETE FROM account_conversations WHERE conversation_id = \(conversation) AND last_status_id = \(statusId)
                    """, logger: logger)
            }
        }
    }

    /// A page of the account's conversations, newest last status first; paging ids are last status ids.
    public func page(account: Int64, page: PageRequest) async throws -> [Row] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        let ascending = page.direction == .justAboveLowerBound
        // Prepared (parsed and planned once per connection), one statement per direction: apps poll it.
        let rows = ascending
            ? try await database.execute("conversations_page_min", ConversationPageStatement<OldestFirst>(
                account: account, below: upper, above: lower, limit: page.limit))
            : try await database.execute("conversations_page", ConversationPageStatement<NewestFirst>(
                account: account, below: upper, above: lower, limit: page.limit))
        let out = rows.map { id, accountId, others, last, unread in
            Row(id: id, accountId: accountId, participants: others, lastStatusId: last, unread: unread)
        }
        return ascending ? out.reversed() : out
    }

    public func one(id: Int64, account: Int64) async throws -> Row? {
        try await single("conversation_get", """
            SELECT \(unescaped: Self.columns) FROM account_conversations WHERE id = \(id) AND account_id = \(account)
            """)
    }

    /// Marks the conversation read; nil if it is not the account's.
    public func markRead(id: Int64, account: Int64) async throws -> Row? {
        try await single("conversation_read", """
            UPDATE account_conversations SET unread = false WHERE id = \(id) AND account_id = \(account)
            RETURNING \(unescaped: Self.columns)
            """)
    }

    /// Removes the conversation for this account only. False if it is not the account's.
    public func remove(id: Int64, account: Int64) async throws -> Bool {
        try await !database.query("conversation_delete", """
            DELETE FROM account_conversations WHERE id = \(id) AND account_id = \(account) RETURNING id
            """).collect(Int64.self).isEmpty
    }

    private func single(_ label: String, _ query: PostgresQuery) async throws -> Row? {
        for try await (id, accountId, others, last, unread) in try await database.query(label, query)
            .decode((Int64, Int64, [Int64], Int64, Bool).self) {
            return Row(id: id, accountId: accountId, participants: others, lastStatusId: last, unread: unread)
        }
        return nil
    }
}

/// Filters v2 (`/api/v2/filters`).
public struct FilterStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Every filter of the account with its keywords and statuses (expired ones too: the API lists them).
    public func filters(account: Int64) async throws -> [ContentFilter] {
        var filters: [ContentFilter] = []
        // Prepared (parsed and planned once per connection): apps read their filters at every start.
        for (id, title, context, action, expiresAt, createdAt, keywordIds, keywords, wholeWords, statusRowIds, statusIds)
            in try await database.execute("filters_of_account", FiltersOfAccountStatement(account: account)) {
            filters.append(ContentFilter(
                id: id, title: title, contexts: context.compactMap(FilterContext.init(rawValue:)),
                action: FilterAction(rawValue: action) ?? .warn, expiresAt: expiresAt, createdAt: createdAt,
                keywords: zip(keywordIds, zip(keywords, wholeWords)).map { ContentFilter.Keyword(id: $0, keyword: $1.0, wholeWord: $1.1) },
                statuses: zip(statusRowIds, statusIds).map { (id: $0, statusId: $1) }))
        }
        return filters
    }

    public struct KeywordChange: Sendable {
        /// nil: a new keyword.
        public var id: Int64?
        public var keyword: String?
        public var wholeWord: Bool?
        public var destroy: Bool
        public init(id: Int64?, keyword: String?, wholeWord: Bool?, destroy: Bool) {
            self.id = id
            self.keyword = keyword
            self.wholeWord = wholeWord
            self.destroy = destroy
        }
    }

    public struct FilterChange: Sendable {
        public var title: String?
        public var contexts: [FilterContext]?
        public var action: FilterAction?
        /// nil: unchanged; .some(nil): never expires.
        public var expiresAt: Date??
        public var keywords: [KeywordChange]
        public init(title: String? = nil, contexts: [FilterContext]? = nil, action: FilterAction? = nil, expiresAt: Date?? = nil,
                    keywords: [KeywordChange] = []) {
            self.title = title
            self.contexts = contexts
            self.action = action
            self.expiresAt = expiresAt
            self.keywords = keywords
        }
    }

    /// Creates a filter with its keywords, all or nothing. - Throws: `StoreError.validation` past the limits.
    public func create(account: Int64, title: String, contexts: [FilterContext], action: FilterAction, expiresAt: Date?,
                       keywords: [(String, Bool)]) async throws -> Int64 {
        try await database.transaction("filter_create") { connection in
            let logger = database.logger
            // Serialises this account's filter writes, so the limit holds under concurrent requests.
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockSpace), hashtext(\(String(account))))", logger: logger)
            let count = try await connection.query("SELECT count(*) FROM filters WHERE account_id = \(account)", logger: logger)
                .collect(Int64.self).first ?? 0
            guard count < ContentFilter.maxFiltersPerAccount else {
                throw StoreError.validation("Validation failed: at most \(ContentFilter.maxFiltersPerAccount) filters")
            }
            var filterId: Int64 = 0
            for try await id in try await connection.query("""
                INSERT INTO filters (account_id, title, context, filter_action, expires_at)
                VALUES (\(account), \(title), \(contexts.map(\.rawValue)), \(action.rawValue), \(expiresAt)) RETURNING id
                """, logger: logger).decode(Int64.self) { filterId = id }
            if !keywords.isEmpty {
                try await connection.query("""
                    INSERT INTO filter_keywords (filter_id, keyword, whole_word)
                    SELECT \(filterId), k, w FROM unnest(\(keywords.map(\.0))::text[], \(keywords.map(\.1))::boolean[]) WITH ORDINALITY AS t(k, w, n)
                    ORDER BY n
                    """, logger: logger)
            }
            return filterId
        }
    }

    static let lockSpace: Int32 = 12_001

    /// Applies a change to the account's filter, all or nothing. False if the filter is not the account's.
    /// - Throws: `StoreError.validation` for a keyword id of another filter or past the keyword limit.
    public func update(id: Int64, account: Int64, _ change: FilterChange) async throws -> Bool {
        try await database.transaction("filter_update") { connection in
            let logger = database.logger
            var found = false
            for try await _ in try await connection.query("""
                UPDATE filters SET title = coalesce(\(change.title), title),
                    context = coalesce(\(change.contexts?.map(\.rawValue))::text[], context),
                    filter_action = coalesce(\(change.action?.rawValue), filter_action),
                    expires_at = CASE WHEN \(change.expiresAt != nil) THEN \(change.expiresAt ?? nil) ELSE expires_at END
                WHERE id = \(id) AND account_id = \(account) RETURNING id
                """, logger: logger) { found = true }
            guard found else { return false }
            for keyword in change.keywords {
                if let keywordId = keyword.id {
                    let sql: PostgresQuery = keyword.destroy
                        ? "DELETE FROM filter_keywords WHERE id = \(keywordId) AND filter_id = \(id) RETURNING id"
                        : """
                          UPDATE filter_keywords SET keyword = coalesce(\(keyword.keyword), keyword), whole_word = coalesce(\(keyword.wholeWord), whole_word)
                          WHERE id = \(keywordId) AND filter_id = \(id) RETURNING id
                          """
                    var hit = false
                    for try await _ in try await connection.query(sql, logger: logger) { hit = true }
                    guard hit else { throw StoreError.validation("Validation failed: keyword \(keywordId) is not in this filter") }
                } else if !keyword.destroy, let text = keyword.keyword {
                    try await connection.query("""
                        INSERT INTO filter_keywords (filter_id, keyword, whole_word) VALUES (\(id), \(text), \(keyword.wholeWord ?? true))
                        """, logger: logger)
                }
            }
            let count = try await connection.query("SELECT count(*) FROM filter_keywords WHERE filter_id = \(id)", logger: logger)
                .collect(Int64.self).first ?? 0
            guard count <= ContentFilter.maxKeywords else {
                throw StoreError.validation("Validation failed: at most \(ContentFilter.maxKeywords) keywords per filter")
            }
            return true
        }
    }

    public func delete(id: Int64, account: Int64) async throws -> Bool {
        try await !database.query("filter_delete", """
            DELETE FROM filters WHERE id = \(id) AND account_id = \(account) RETURNING id
            """).collect(Int64.self).isEmpty
    }

    /// Adds a keyword to the account's filter; nil if the filter is not the account's.
    public func addKeyword(filter: Int64, account: Int64, keyword: String, wholeWord: Bool) async throws -> Int64? {
        let ids = try await database.query("filter_keyword_add", """
            INSERT INTO filter_keywords (filter_id, keyword, whole_word)
            SELECT f.id, \(keyword), \(wholeWord) FROM filters f WHERE f.id = \(filter) AND f.account_id = \(account)
              AND (SELECT count(*) FROM filter_keywords k WHERE k.filter_id = f.id) < \(ContentFilter.maxKeywords)
            RETURNING id
            """).collect(Int64.self)
        if let id = ids.first { return id }
        let exists = try await database.query("filter_exists", "SELECT id FROM filters WHERE id = \(filter) AND account_id = \(account)")
            .collect(Int64.self)
        if exists.isEmpty { return nil }
        throw StoreError.validation("Validation failed: at most \(ContentFilter.maxKeywords) keywords per filter")
    }

    /// The filter id owning a keyword of the account's, if any.
    public func keywordOwner(id: Int64, account: Int64) async throws -> Int64? {
        try await database.query("filter_keyword_owner", """
            SELECT k.filter_id FROM filter_keywords k JOIN filters f ON f.id = k.filter_id WHERE k.id = \(id) AND f.account_id = \(account)
            """).collect(Int64.self).first
    }

    public func updateKeyword(id: Int64, account: Int64, keyword: String?, wholeWord: Bool?) async throws -> Int64? {
        try await database.query("filter_keyword_update", """
            UPDATE filter_keywords k SET keyword = coalesce(\(keyword), k.keyword), whole_word = coalesce(\(wholeWord), k.whole_word)
            FROM filters f WHERE k.id = \(id) AND f.id = k.filter_id AND f.account_id = \(account) RETURNING k.filter_id
            """).collect(Int64.self).first
    }

    public func deleteKeyword(id: Int64, account: Int64) async throws -> Int64? {
        try await database.query("filter_keyword_delete", """
            DELETE FROM filter_keywords k USING filters f WHERE k.id = \(id) AND f.id = k.filter_id AND f.account_id = \(account)
            RETURNING k.filter_id
            """).collect(Int64.self).first
    }

    /// Adds a status to the account's filter (once); nil if the filter is not the account's.
    public func addStatus(filter: Int64, account: Int64, statusId: Int64) async throws -> Int64? {
        let ids = try await database.query("filter_status_add", """
            WITH f AS (SELECT id FROM filters WHERE id = \(filter) AND account_id = \(account)),
            ins AS (
                INSERT INTO filter_statuses (filter_id, status_id) SELECT f.id, \(statusId) FROM f
                WHERE (SELECT count(*) FROM filter_statuses s WHERE s.filter_id = f.id) < \(ContentFilter.maxStatusesPerFilter)
                ON CONFLICT (filter_id, status_id) DO NOTHING RETURNING id)
            SELECT id FROM ins UNION ALL
            SELECT s.id FROM filter_statuses s JOIN f ON s.filter_id = f.id WHERE s.status_id = \(statusId)
            """).collect(Int64.self)
        if let id = ids.first { return id }
        let exists = try await database.query("filter_exists", "SELECT id FROM filters WHERE id = \(filter) AND account_id = \(account)")
            .collect(Int64.self)
        if exists.isEmpty { return nil }
        throw StoreError.validation("Validation failed: at most \(ContentFilter.maxStatusesPerFilter) statuses per filter")
    }

    /// A filter status of the account's: (its filter, the status).
    public func filterStatus(id: Int64, account: Int64) async throws -> (filter: Int64, status: Int64)? {
        for try await (filter, status) in try await database.query("filter_status_get", """
            SELECT s.filter_id, s.status_id FROM filter_statuses s JOIN filters f ON f.id = s.filter_id WHERE s.id = \(id) AND f.account_id = \(account)
            """).decode((Int64, Int64).self) { return (filter, status) }
        return nil
    }

    public func deleteStatus(id: Int64, account: Int64) async throws -> (filter: Int64, status: Int64)? {
        for try await (filter, status) in try await database.query("filter_status_delete", """
            DELETE FROM filter_statuses s USING filters f WHERE s.id = \(id) AND f.id = s.filter_id AND f.account_id = \(account)
            RETURNING s.filter_id, s.status_id
            """).decode((Int64, Int64).self) { return (filter, status) }
        return nil
    }
}

/// Follow imports and exports.
public struct FollowImportStore: Sendable {
    let database: Database
    public static let channel = "starling_imports"

    public init(database: Database) {
        self.database = database
    }

    public struct Job: Sendable, Equatable {
        public var id: Int64
        public var accountId: Int64
        public var mode: String
        public var entries: [String]
        public var total: Int
        public var processed: Int
        public var failed: Int
        public var state: String
        public var createdAt: Date
        public var finishedAt: Date?
    }

    static let columns = "id, account_id, mode, entries, total, processed, failed, state, created_at, finished_at"

    private func jobs(_ label: String, _ query: PostgresQuery) async throws -> [Job] {
        var out: [Job] = []
        for try await (id, account, mode, entries, total, processed, failed, state, created, finished) in try await database.query(label, query)
            .decode((Int64, Int64, String, [String], Int, Int, Int, String, Date, Date?).self) {
            out.append(Job(id: id, accountId: account, mode: mode, entries: entries, total: total, processed: processed,
                           failed: failed, state: state, createdAt: created, finishedAt: finished))
        }
        return out
    }

    public func create(account: Int64, mode: String, entries: [String]) async throws -> Job {
        guard let job = try await jobs("import_create", """
            INSERT INTO follow_imports (account_id, mode, entries, total) VALUES (\(account), \(mode), \(entries), \(entries.count))
            RETURNING \(unescaped: Self.columns)
            """).first else { throw StoreError.unavailable("import not created") }
        return job
    }

    public func job(id: Int64, account: Int64) async throws -> Job? {
        try await jobs("import_get", "SELECT \(unescaped: Self.columns) FROM follow_imports WHERE id = \(id) AND account_id = \(account)").first
    }

    /// Leases the oldest unfinished import (or one whose worker's lease ran out) for `seconds`.
    public func lease(seconds: Int) async throws -> Job? {
        try await jobs("import_lease", """
            UPDATE follow_imports SET state = 'running', leased_until = now() + make_interval(secs => \(seconds))
            WHERE id = (SELECT id FROM follow_imports WHERE state = 'pending' OR (state = 'running' AND leased_until < now())
                        ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
            RETURNING \(unescaped: Self.columns)
            """).first
    }

    /// Records progress (and extends the lease); `finished` closes the job.
    public func progress(id: Int64, processed: Int, failed: Int, finished: Bool, leaseSeconds: Int) async throws {
        _ = try await database.query("import_progress", """
            UPDATE follow_imports SET processed = \(processed), failed = \(failed),
                state = CASE WHEN \(finished) THEN 'finished' ELSE state END,
                finished_at = CASE WHEN \(finished) THEN now() ELSE finished_at END,
                leased_until = now() + make_interval(secs => \(leaseSeconds))
            WHERE id = \(id)
            """).collect(Int64.self)
    }

    /// Local accounts by username (lowercased), for resolving an import's entries: (id, locked).
    public func accountIds(usernames: [String]) async throws -> [String: (id: Int64, locked: Bool)] {
        var out: [String: (id: Int64, locked: Bool)] = [:]
        for try await (name, id, locked) in try await database.query("import_resolve", """
            SELECT lower(username), id, locked FROM accounts WHERE lower(username) = ANY(\(usernames))
            """).decode((String, Int64, Bool).self) { out[name] = (id, locked) }
        return out
    }

    /// Whom the account follows, oldest follow first: (username).
    public func followingUsernames(account: Int64) async throws -> [String] {
        try await database.query("export_following", """
            SELECT a.username FROM follows f JOIN accounts a ON a.id = f.followee_id WHERE f.follower_id = \(account)
            ORDER BY f.created_at, a.id
            """).collect(String.self)
    }

    /// Ids the account follows.
    public func followingIds(account: Int64) async throws -> [Int64] {
        try await database.query("import_following", "SELECT followee_id FROM follows WHERE follower_id = \(account)").collect(Int64.self)
    }

    /// A discoverable account whose e-mail is exactly `email` (case-insensitive).
    public func discoverable(email: String) async throws -> AccountRow? {
        for try await row in try await database.query("account_by_email", """
            SELECT \(unescaped: AccountStore.accountColumns) FROM accounts WHERE lower(email) = lower(\(email)) AND discoverable
            """) { return try AccountStore.decodeAccount(row) }
        return nil
    }

    public func setDiscoverable(account: Int64, _ value: Bool) async throws {
        _ = try await database.query("account_discoverable", "UPDATE accounts SET discoverable = \(value) WHERE id = \(account)")
            .collect(Int64.self)
    }

    public func isDiscoverable(account: Int64) async throws -> Bool {
        try await database.query("account_is_discoverable", "SELECT discoverable FROM accounts WHERE id = \(account)")
            .collect(Bool.self).first ?? false
    }
}

/// Every filter of an account with its keywords and statuses, oldest first (`FilterStore.filters`).
struct FiltersOfAccountStatement: ArgumentsStatement {
    static let sql = """
        SELECT f.id, f.title, f.context, f.filter_action, f.expires_at, f.created_at,
               coalesce((SELECT array_agg(k.id ORDER BY k.id) FROM filter_keywords k WHERE k.filter_id = f.id), '{}'),
               coalesce((SELECT array_agg(k.keyword ORDER BY k.id) FROM filter_keywords k WHERE k.filter_id = f.id), '{}'),
               coalesce((SELECT array_agg(k.whole_word ORDER BY k.id) FROM filter_keywords k WHERE k.filter_id = f.id), '{}'),
               coalesce((SELECT array_agg(s.id ORDER BY s.id) FROM filter_statuses s WHERE s.filter_id = f.id), '{}'),
               coalesce((SELECT array_agg(s.status_id ORDER BY s.id) FROM filter_statuses s WHERE s.filter_id = f.id), '{}')
        FROM filters f WHERE f.account_id = $1 ORDER BY f.id
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8]
    typealias Row = (Int64, String, [String], String, Date?, Date, [Int64], [String], [Bool], [Int64], [Int64])

    let arguments: [any PostgresEncodable & Sendable]

    init(account: Int64) { arguments = [account] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// One account's conversations strictly between two bounds of their last status, in `Order`
/// (`ConversationStore.page`).
struct ConversationPageStatement<Order: PageOrder>: ArgumentsStatement {
    static var sql: String {
        """
        SELECT \(ConversationStore.columns) FROM account_conversations
        WHERE account_id = $1 AND last_status_id < $2 AND last_status_id > $3
        ORDER BY last_status_id \(Order.sqlDirection) LIMIT $4
        """
    }
    static var bindingDataTypes: [PostgresDataType] { [.int8, .int8, .int8, .int4] }
    typealias Row = (Int64, Int64, [Int64], Int64, Bool)

    let arguments: [any PostgresEncodable & Sendable]

    init(account: Int64, below upper: Int64, above lower: Int64, limit: Int) {
        arguments = [account, upper, lower, Int32(clamping: limit)]
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
