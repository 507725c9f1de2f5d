import Foundation
import PostgresNIO
import StarlingDomain

/// A list as stored.
public struct ListRow: Sendable, Equatable {
    public var id: Int64
    public var owner: Int64
    public var title: String
    public var repliesPolicy: ListRules.RepliesPolicy
    public var exclusive: Bool

    public init(id: Int64, owner: Int64, title: String, repliesPolicy: ListRules.RepliesPolicy, exclusive: Bool) {
        self.id = id
        self.owner = owner
        self.title = title
        self.repliesPolicy = repliesPolicy
        self.exclusive = exclusive
    }
}

/// One list a status goes into, with the facts `ListRules.admits` reads.
public struct ListDelivery: Sendable, Equatable {
    public var list: Int64
    public var exclusive: Bool
    public var rule: ListRules.Delivery
}

/// Bookmarks, pins, favourites' paging, lists and their members; list timelines' PostgreSQL side.
public struct ListStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: Bookmarks and favourites

    /// Bookmarks a status (or removes the bookmark); idempotent. Returns whether anything changed.
    @discardableResult
    public func bookmark(account: Int64, status: Int64, _ add: Bool) async throws -> Bool {
        let query: PostgresQuery = add
            ? "INSERT INTO bookmarks (account_id, status_id) VALUES (\(account), \(status)) ON CONFLICT DO NOTHING RETURNING 1"
            : "DELETE FROM bookmarks WHERE account_id = \(account) AND status_id = \(status) RETURNING 1"
        return try await !database.query(add ? "bookmark" : "unbookmark", query).collect(Int32.self).isEmpty
    }

    /// A page of the account's bookmarks (or favourites), newest first: (bookmark or favourite id,
    /// status id). Deleted statuses are left out.
    public func marked(_ kind: MarkKind, account: Int64, page: PageRequest) async throws -> [(id: Int64, status: Int64)] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        let ascending = page.direction == .justAboveLowerBound
        let statement = MarkedPageStatement(bookmarks: kind == .bookmarks, account: account, below: upper, above: lower,
                                            limit: page.limit, ascending: ascending)
        let out = try await database.execute(kind == .bookmarks ? "bookmarks_page" : "favourites_page", statement).map { (id: $0.0, status: $0.1) }
        return ascending ? out.reversed() : out
    }

    public enum MarkKind: Sendable { case bookmarks, favourites }

    /// A viewer's most recent bookmarks (at most `limit`), every pin of theirs, and the floor above
    /// which the bookmarks are complete (as `InteractionStore.recentActions`).
    public func recentMarks(of viewer: Int64, limit: Int) async throws -> (bookmarks: [Int64], pins: [Int64], floor: Int64) {
        let bookmarks = try await database.query("recent_bookmarks", """
            SELECT status_id FROM bookmarks WHERE account_id = \(viewer) ORDER BY status_id DESC LIMIT \(limit)
            """).collect(Int64.self)
        let pins = try await database.query("own_pins", """
            SELECT status_id FROM status_pins WHERE account_id = \(viewer) LIMIT \(limit)
            """).collect(Int64.self)
        return (bookmarks, pins, bookmarks.count == limit ? bookmarks.last ?? 0 : 0)
    }

    /// The viewer's bookmarked and pinned flags for some statuses, in one query.
    public func marks(ids: [Int64], viewer: Int64) async throws -> [Int64: (bookmarked: Bool, pinned: Bool)] {
        if ids.isEmpty { return [:] }
        var out: [Int64: (bookmarked: Bool, pinned: Bool)] = [:]
        for try await (id, bookmarked, pinned) in try await database.query("status_marks", """
            SELECT i.id,
                   EXISTS (SELECT 1 FROM bookmarks b WHERE b.account_id = \(viewer) AND b.status_id = i.id),
                   EXISTS (SELECT 1 FROM status_pins p WHERE p.account_id = \(viewer) AND p.status_id = i.id)
            FROM unnest(\(ids)::bigint[]) AS i(id)
            """).decode((Int64, Bool, Bool).self) {
            out[id] = (bookmarked, pinned)
        }
        return out
    }

    // MARK: Pins

    /// Pins a status for its author. Idempotent; checks `PinRules` under a lock on the account, so
    /// concurrent pins cannot pass the limit together.
    /// - Throws: `PinRules.Refusal`.
    public func pin(_ status: StatusRow, by account: Int64) async throws {
        try await database.transaction("pin") { connection in
            let logger = database.logger
            try await connection.query("SELECT 1 FROM accounts WHERE id = \(account) FOR NO KEY UPDATE", logger: logger)
            var pins = 0, already = false
            for try await id in try await connection.query("""
                SELECT p.status_id FROM status_pins p JOIN statuses s ON s.id = p.status_id
                WHERE p.account_id = \(account) AND s.deleted_at IS NULL
                """, logger: logger).decode(Int64.self) {
                if id == status.id { already = true } else { pins += 1 }
            }
            if already { return }
            if let refusal = PinRules.check(status.audience, viewer: account, existingPins: pins) { throw refusal }
            try await connection.query("""
                INSERT INTO status_pins (account_id, status_id) VALUES (\(account), \(status.id)) ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    /// Unpins; idempotent.
    public func unpin(status: Int64, by account: Int64) async throws {
        try await database.query("unpin", "DELETE FROM status_pins WHERE account_id = \(account) AND status_id = \(status)").collect(Int32.self)
    }

    /// An account's pinned statuses, most recently pinned first (deleted ones left out).
    public func pinned(account: Int64) async throws -> [Int64] {
        try await database.query("pinned", """
            SELECT p.status_id FROM status_pins p JOIN statuses s ON s.id = p.status_id
            WHERE p.account_id = \(account) AND s.deleted_at IS NULL ORDER BY p.id DESC
            """).collect(Int64.self)
    }

    // MARK: Lists

    static func row(_ values: (Int64, Int64, String, String, Bool)) -> ListRow {
        ListRow(id: values.0, owner: values.1, title: values.2,
                repliesPolicy: ListRules.RepliesPolicy(rawValue: values.3) ?? .default, exclusive: values.4)
    }

    private func lists(_ label: String, _ query: PostgresQuery) async throws -> [ListRow] {
        var out: [ListRow] = []
        for try await values in try await database.query(label, query).decode((Int64, Int64, String, String, Bool).self) {
            out.append(Self.row(values))
        }
        return out
    }

    /// The account's lists, oldest first.
    public func lists(owner: Int64) async throws -> [ListRow] {
        // Prepared (parsed and planned once per connection): apps read their lists at every start.
        try await database.execute("lists_of", ListsOfOwnerStatement(owner: owner)).map(Self.row)
    }

    public func list(id: Int64) async throws -> ListRow? {
        try await lists("list", "SELECT id, account_id, title, replies_policy, exclusive FROM lists WHERE id = \(id)").first
    }

    /// The owner's lists that hold `account`.
    public func lists(owner: Int64, containing account: Int64) async throws -> [ListRow] {
        try await lists("lists_containing", """
            SELECT l.id, l.account_id, l.title, l.replies_policy, l.exclusive FROM list_accounts la JOIN lists l ON l.id = la.list_id
            WHERE la.owner_id = \(owner) AND la.account_id = \(account) ORDER BY l.id
            """)
    }

    /// Creates a list. - Throws: `DomainError.validation` past `ListRules.maximumLists`.
    public func create(_ list: ListRow) async throws {
        let created = try await database.query("list_create", """
            INSERT INTO lists (id, account_id, title, replies_policy, exclusive)
            SELECT \(list.id), \(list.owner), \(list.title), \(list.repliesPolicy.rawValue), \(list.exclusive)
            WHERE (SELECT count(*) FROM lists WHERE account_id = \(list.owner)) < \(ListRules.maximumLists)
            RETURNING 1
            """).collect(Int32.self)
        if created.isEmpty { throw DomainError.validation("Validation failed: You have reached the maximum number of lists") }
    }

    /// Updates the owner's list; nil when it is not theirs.
    public func update(_ list: ListRow) async throws -> ListRow? {
        try await lists("list_update", """
            UPDATE lists SET title = \(list.title), replies_policy = \(list.repliesPolicy.rawValue), exclusive = \(list.exclusive)
            WHERE id = \(list.id) AND account_id = \(list.owner)
            RETURNING id, account_id, title, replies_policy, exclusive
            """).first
    }

    /// Deletes the owner's list; false when it is not theirs.
    public func delete(list: Int64, owner: Int64) async throws -> Bool {
        try await !database.query("list_delete", "DELETE FROM lists WHERE id = \(list) AND account_id = \(owner) RETURNING 1").collect(Int32.self).isEmpty
    }

    /// A page of a list's members by account id, newest account first (Mastodon pages them by id).
    /// `limit` nil: all of them (Mastodon's `limit=0`).
    public func members(list: Int64, page: PageRequest, all: Bool) async throws -> [Int64] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        let ascending = page.direction == .justAboveLowerBound
        let limit = all ? ListRules.maximumMembers : page.limit
        let ids = try await database.query("list_members", """
            SELECT account_id FROM list_accounts WHERE list_id = \(list) AND account_id < \(upper) AND account_id > \(lower)
            ORDER BY account_id \(unescaped: ascending ? "ASC" : "DESC") LIMIT \(limit)
            """).collect(Int64.self)
        return ascending ? ids.reversed() : ids
    }

    /// Every member, and those at or above the celebrity threshold (merged at read time, not pushed).
    public func memberInfo(list: Int64, pulledFrom threshold: Int64?) async throws -> (members: [Int64], pulled: [Int64]) {
        var members: [Int64] = [], pulled: [Int64] = []
        for try await (id, followers) in try await database.query("list_member_info", """
            SELECT la.account_id, a.followers_count FROM list_accounts la JOIN accounts a ON a.id = la.account_id
            WHERE la.list_id = \(list)
            """).decode((Int64, Int64).self) {
            members.append(id)
            if let threshold, followers >= threshold { pulled.append(id) }
        }
        return (members, pulled)
    }

    /// The owner's lists with every member and each member's follower count, in one query (what a
    /// node caches for list timeline reads): by list id, (members, those at or above `threshold`).
    public func membersOfLists(owner: Int64, pulledFrom threshold: Int64?) async throws -> [Int64: (members: [Int64], pulled: [Int64])] {
        var out: [Int64: (members: [Int64], pulled: [Int64])] = [:]
        for try await (list, member, followers) in try await database.query("owner_list_members", """
            SELECT la.list_id, la.account_id, a.followers_count FROM list_accounts la JOIN accounts a ON a.id = la.account_id
            WHERE la.owner_id = \(owner)
            """).decode((Int64, Int64, Int64).self) {
            out[list, default: ([], [])].members.append(member)
            if let threshold, followers >= threshold { out[list, default: ([], [])].pulled.append(member) }
        }
        return out
    }

    /// Adds accounts the owner follows to the owner's list, all or none.
    /// - Throws: `DomainError.validation` when one is not followed by the owner, or the list would
    ///   pass `ListRules.maximumMembers`.
    public func addMembers(list: Int64, owner: Int64, accounts: [Int64]) async throws {
        let accounts = Array(Set(accounts))
        try await database.transaction("list_add") { connection in
            let logger = database.logger
            // Locks the list: concurrent adds cannot pass the member limit together.
            try await connection.query("SELECT 1 FROM lists WHERE id = \(list) FOR NO KEY UPDATE", logger: logger)
            var followed = 0
            for try await _ in try await connection.query("""
                SELECT followee_id FROM follows WHERE follower_id = \(owner) AND followee_id = ANY(\(accounts))
                """, logger: logger).decode(Int64.self) { followed += 1 }
            guard followed == accounts.count else { throw DomainError.validation("Validation failed: Account has not been followed") }
            try await connection.query("""
                INSERT INTO list_accounts (list_id, account_id, owner_id)
                SELECT \(list), a, \(owner) FROM unnest(\(accounts)::bigint[]) AS a ON CONFLICT DO NOTHING
                """, logger: logger)
            var count: Int64 = 0
            for try await n in try await connection.query("SELECT count(*) FROM list_accounts WHERE list_id = \(list)",
                                                          logger: logger).decode(Int64.self) { count = n }
            guard count <= ListRules.maximumMembers else {
                throw DomainError.validation("Validation failed: A list holds at most \(ListRules.maximumMembers) accounts")
            }
        }
    }

    public func removeMembers(list: Int64, accounts: [Int64]) async throws {
        try await database.query("list_remove", """
            DELETE FROM list_accounts WHERE list_id = \(list) AND account_id = ANY(\(accounts)) RETURNING 1
            """).collect(Int32.self)
    }

    /// Owners of exclusive lists holding `author`, among `users`: their homes do not get the author's statuses.
    public func exclusiveOwners(of author: Int64) async throws -> Set<Int64> {
        Set(try await database.query("exclusive_owners", """
            SELECT la.owner_id FROM list_accounts la JOIN lists l ON l.id = la.list_id
            WHERE la.account_id = \(author) AND l.exclusive
            """).collect(Int64.self))
    }

    // MARK: List timelines

    /// One status of a batch, for `deliveries`.
    public struct Posted: Sendable {
        public var status: Int64
        public var author: Int64
        public var replyTarget: Int64?

        public init(status: Int64, author: Int64, replyTarget: Int64?) {
            self.status = status
            self.author = author
            self.replyTarget = replyTarget
        }
    }

    /// Every list holding the author of each status, with the facts `ListRules.admits` reads, for
    /// a whole fan-out batch in one query (by status id).
    public func deliveries(of posted: [Posted]) async throws -> [Int64: [ListDelivery]] {
        if posted.isEmpty { return [:] }
        var out: [Int64: [ListDelivery]] = [:]
        let statement = ListDeliveriesStatement(statuses: posted.map(\.status), authors: posted.map(\.author),
                                                replyTargets: posted.map { $0.replyTarget ?? -1 })
        for (status, list, owner, policy, exclusive, member, follows) in try await database.execute("list_deliveries", statement) {
            out[status, default: []].append(ListDelivery(list: list, exclusive: exclusive, rule: ListRules.Delivery(
                owner: owner, policy: ListRules.RepliesPolicy(rawValue: policy) ?? .default,
                replyTargetIsMember: member, ownerFollowsReplyTarget: follows)))
        }
        return out
    }

    /// A list's statuses from PostgreSQL, newest first, filtered by `ListRules.admits`: its members'
    /// statuses (only those below `threshold` followers when given: pushed authors, for a rebuild),
    /// within the page's bounds.
    ///
    /// The candidates are the members' newest ids (`StatusStore.newest`: a few per member, then more
    /// only from members above its cutoff; reading each member's page, as before, read 220,000 index
    /// entries for a rebuild's page of a 500-member list); what the replies policy needs is then read
    /// for those ids alone.
    public func timeline(list: ListRow, pushedBelow threshold: Int64?, page: PageRequest) async throws -> [Int64] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        let ascending = page.direction == .justAboveLowerBound
        // Over-read: the replies policy drops some rows after the query.
        let limit = page.limit * 2 + 40
        let members = try await database.query("list_members_pushed", """
            SELECT la.account_id FROM list_accounts la JOIN accounts a ON a.id = la.account_id
            WHERE la.list_id = \(list.id) AND a.followers_count < \(threshold ?? Int64.max)
            """).collect(Int64.self)
        if members.isEmpty { return [] }
        let candidates = ascending
            ? try await database.query("list_timeline_min", """
                SELECT s.id FROM unnest(\(members)::bigint[]) AS m(id) CROSS JOIN LATERAL (
                    SELECT id FROM statuses st WHERE st.account_id = m.id AND st.deleted_at IS NULL AND st.id < \(upper) AND st.id > \(lower)
                    ORDER BY st.id ASC LIMIT \(limit)) s
                ORDER BY s.id ASC LIMIT \(limit)
                """).collect(Int64.self)
            : try await StatusStore(database: database).newest(limit: limit, of: members, below: upper, above: lower, label: "list_timeline")
        if candidates.isEmpty { return [] }
        var rows: [Int64: (Audience.Status, ListRules.Delivery)] = [:]
        for try await (id, author, visibility, target, reblog, member, follows) in try await database.query("list_timeline_rows", """
            SELECT s.id, s.account_id, s.visibility, s.in_reply_to_account_id, s.reblog_of_id,
                   s.in_reply_to_account_id IS NOT NULL
                     AND EXISTS (SELECT 1 FROM list_accounts m WHERE m.list_id = \(list.id) AND m.account_id = s.in_reply_to_account_id),
                   s.in_reply_to_account_id IS NOT NULL
                     AND EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = \(list.owner) AND f.followee_id = s.in_reply_to_account_id)
            FROM statuses s WHERE s.id = ANY(\(candidates)) AND s.deleted_at IS NULL
            """).decode((Int64, Int64, String, Int64?, Int64?, Bool, Bool).self) {
            let status = Audience.Status(author: author, visibility: Visibility(rawValue: visibility) ?? .direct,
                                         inReplyToAccount: target, reblogOf: reblog)
            rows[id] = (status, ListRules.Delivery(owner: list.owner, policy: list.repliesPolicy,
                                                   replyTargetIsMember: member, ownerFollowsReplyTarget: follows))
        }
        // In the candidates' order (newest first, or oldest first above min_id).
        let admitted = candidates.filter { id in rows[id].map { ListRules.admits($0.0, to: $0.1) } ?? false }
        let result = Array(admitted.prefix(page.limit))
        return ascending ? result.reversed() : result
    }

    /// What a rebuild of a list's Redis list holds: its pushed members' newest admitted statuses.
    public func rebuildIds(list id: Int64, owner: Int64, threshold: Int64, limit: Int) async throws -> [Int64] {
        guard let list = try await list(id: id), list.owner == owner else { return [] }
        var ids: [Int64] = []
        var page = PageRequest(limit: 200)
        // Pages of 200 (the timeline query's own bound) until the list's length is reached.
        while ids.count < limit {
            let next = try await timeline(list: list, pushedBelow: threshold, page: page)
            ids += next
            guard next.count == page.limit, let last = next.last else { break }
            page.maxId = last
        }
        return Array(ids.prefix(limit))
    }
}

extension PinRules.Refusal: CustomStringConvertible {
    public var description: String { message }
}

/// A user's bookmarks (or favourites) strictly between two bounds, as (bookmark or favourite id,
/// status id), newest first or (`ascending`, for `min_id`) oldest first, none of a deleted status:
/// `starling_marked_page`, planned once per connection (migration 28).
struct MarkedPageStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_marked_page($1, $2, $3, $4, $5, $6)"
    static let bindingDataTypes: [PostgresDataType] = [.bool, .int8, .int8, .int8, .int4, .bool]
    typealias Row = (Int64, Int64)

    let arguments: [any PostgresEncodable & Sendable]

    init(bookmarks: Bool, account: Int64, below upper: Int64, above lower: Int64, limit: Int, ascending: Bool) {
        arguments = [bookmarks, account, upper, lower, Int32(clamping: limit), ascending]
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// An account's lists, oldest first (`ListStore.lists(owner:)`).
struct ListsOfOwnerStatement: ArgumentsStatement {
    static let sql = "SELECT id, account_id, title, replies_policy, exclusive FROM lists WHERE account_id = $1 ORDER BY id"
    static let bindingDataTypes: [PostgresDataType] = [.int8]
    typealias Row = (Int64, Int64, String, String, Bool)

    let arguments: [any PostgresEncodable & Sendable]

    init(owner: Int64) { arguments = [owner] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
