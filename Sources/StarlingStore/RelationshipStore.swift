import Foundation
import PostgresNIO
import StarlingDomain

/// Everything `GET /api/v1/accounts/relationships` reports about the viewer and one account.
public struct FullRelationship: Sendable, Equatable {
    public var id: Int64
    public var following = false
    public var followedBy = false
    public var blocking = false
    public var blockedBy = false
    public var muting = false
    public var mutingNotifications = false
    public var requested = false
    public var requestedBy = false

    public init(id: Int64) { self.id = id }
}

/// What a block changed besides the block itself: the follow edges it removed (counters and
/// pulled-author caches follow from these).
public struct BlockOutcome: Sendable, Equatable {
    public var created: Bool
    /// The blocker followed the target (edge removed).
    public var unfollowedTarget: Bool
    /// The target followed the blocker (edge removed).
    public var lostFollower: Bool
}

/// An entry of a paged list (blocks, mutes, follow requests): the row id pages, the account is shown.
public struct RelationEntry: Sendable, Equatable {
    public var id: Int64
    public var account: Int64
}

/// Blocks, mutes, follow requests and the locked flag. Every change that touches follows runs in
/// one transaction with the counters and the outbox rows that clean up home lists, so nothing is
/// half-written.
public struct RelationshipStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The viewer's blocks (both ways) and mutes (with expiry): what every read path filters with.
    /// Expired mutes are left out here already.
    public func blocksAndMutes(of viewer: Int64) async throws -> BlocksAndMutes {
        let rows = try await database.query("blocks_and_mutes", """
            SELECT 'b', target_account_id, false, NULL::timestamptz FROM blocks WHERE account_id = \(viewer)
            UNION ALL
            SELECT 'B', account_id, false, NULL FROM blocks WHERE target_account_id = \(viewer)
            UNION ALL
            SELECT 'm', target_account_id, hide_notifications, expires_at FROM mutes
            WHERE account_id = \(viewer) AND (expires_at IS NULL OR expires_at > now())
            """)
        var out = BlocksAndMutes()
        for try await (kind, account, notifications, expires) in rows.decode((String, Int64, Bool, Date?).self) {
            switch kind {
            case "b": out.blocking.insert(account)
            case "B": out.blockedBy.insert(account)
            default: out.mutes.append(.init(account: account, notifications: notifications, expiresAt: expires))
            }
        }
        return out
    }

    /// Whether either account blocks the other.
    public func blockedEitherWay(_ a: Int64, _ b: Int64) async throws -> Bool {
        try await database.query("block_either_way", """
            SELECT 1 FROM blocks WHERE (account_id = \(a) AND target_account_id = \(b))
                                    OR (account_id = \(b) AND target_account_id = \(a)) LIMIT 1
            """).collect(Int32.self).count > 0
    }

    public func relationships(viewer: Int64, targets: [Int64]) async throws -> [FullRelationship] {
        if targets.isEmpty { return [] }
        // Apps ask with nearly every profile and notification they show: planned once per connection.
        var out: [FullRelationship] = []
        for (id, following, followedBy, blocking, blockedBy, mute, requested, requestedBy)
            in try await database.execute("relationships_full", RelationshipsStatement(viewer: viewer, targets: targets)) {
            var r = FullRelationship(id: id)
            (r.following, r.followedBy, r.blocking, r.blockedBy) = (following, followedBy, blocking, blockedBy)
            (r.muting, r.mutingNotifications, r.requested, r.requestedBy) = (mute > 0, mute == 2, requested, requestedBy)
            out.append(r)
        }
        return out
    }

    // MARK: Blocks

    /// Blocks `target`: removes the follows both ways (with their counters) and pending follow
    /// requests both ways, and queues an `unfollow` purge of each side's statuses from the other's
    /// home list (the worker removes all of them when a block stands between the two).
    public func block(account: Int64, target: Int64) async throws -> BlockOutcome {
        try await database.transaction("block") { connection in
            let logger = database.logger
            var created = false
            for try await _ in try await connection.query("""
                INSERT INTO blocks (account_id, target_account_id) VALUES (\(account), \(target))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger) { created = true }
            var removed: [(Int64, Int64)] = []
            for try await edge in try await connection.query("""
                DELETE FROM follows WHERE (follower_id = \(account) AND followee_id = \(target))
                                       OR (follower_id = \(target) AND followee_id = \(account))
                RETURNING follower_id, followee_id
                """, logger: logger).decode((Int64, Int64).self) { removed.append(edge) }
            if !removed.isEmpty { try await Database.lockAccountsInOrder([account, target], on: connection, logger: logger) }
            for (follower, followee) in removed {
                try await connection.query("""
                    UPDATE accounts SET following_count = greatest(following_count - CASE WHEN id = \(follower) THEN 1 ELSE 0 END, 0),
                                        followers_count = greatest(followers_count - CASE WHEN id = \(followee) THEN 1 ELSE 0 END, 0)
                    WHERE id IN (\(follower), \(followee))
                    """, logger: logger)
            }
            try await connection.query("""
                DELETE FROM follow_requests WHERE (account_id = \(account) AND target_account_id = \(target))
                                               OR (account_id = \(target) AND target_account_id = \(account))
                """, logger: logger)
            // Both homes lose the other's statuses, followed or not (a followed tag may have brought them).
            try await connection.query("""
                INSERT INTO outbox (kind, account_id, target_id) VALUES ('unfollow', \(account), \(target)), ('unfollow', \(target), \(account))
                """, logger: logger)
            return BlockOutcome(created: created, unfollowedTarget: removed.contains { $0.0 == account },
                                lostFollower: removed.contains { $0.0 == target })
        }
    }

    /// - Returns: false if there was no such block.
    @discardableResult
    public func unblock(account: Int64, target: Int64) async throws -> Bool {
        try await database.query("unblock", """
            DELETE FROM blocks WHERE account_id = \(account) AND target_account_id = \(target) RETURNING 1
            """).collect(Int32.self).count > 0
    }

    /// One page of the accounts `account` blocks, newest block first (paged by block id).
    public func blocks(of account: Int64, page: PageRequest) async throws -> [RelationEntry] {
        try await entries("blocks_page", table: "blocks", owner: "account_id", other: "target_account_id", value: account, page: page)
    }

    // MARK: Mutes

    /// Mutes `target` (again: replaces the settings). `expiresAt` nil: until unmuted.
    public func mute(account: Int64, target: Int64, notifications: Bool, expiresAt: Date?) async throws {
        try await database.transaction("mute") { connection in
            let logger = database.logger
            // Lazy cleanup: the owner's expired mutes go now (readers already ignore them).
            try await connection.query("""
                DELETE FROM mutes WHERE account_id = \(account) AND expires_at <= now()
                """, logger: logger)
            try await connection.query("""
                INSERT INTO mutes (account_id, target_account_id, hide_notifications, expires_at)
                VALUES (\(account), \(target), \(notifications), \(expiresAt))
                ON CONFLICT (account_id, target_account_id)
                DO UPDATE SET hide_notifications = EXCLUDED.hide_notifications, expires_at = EXCLUDED.expires_at
                """, logger: logger)
        }
    }

    /// - Returns: false if there was no mute in force.
    @discardableResult
    public func unmute(account: Int64, target: Int64) async throws -> Bool {
        let rows = try await database.query("unmute", """
            DELETE FROM mutes WHERE account_id = \(account) AND (target_account_id = \(target) OR expires_at <= now())
            RETURNING target_account_id, (expires_at IS NULL OR expires_at > now())
            """)
        var wasMuted = false
        for try await (muted, inForce) in rows.decode((Int64, Bool).self) where muted == target && inForce { wasMuted = true }
        return wasMuted
    }

    /// One page of the accounts `account` mutes (in force), newest mute first.
    public func mutes(of account: Int64, page: PageRequest) async throws -> [RelationEntry] {
        try await entries("mutes_page", table: "mutes", owner: "account_id", other: "target_account_id", value: account, page: page,
                          extra: "AND (expires_at IS NULL OR expires_at > now())")
    }

    // MARK: Locked accounts and follow requests

    public func setLocked(account: Int64, locked: Bool) async throws {
        try await database.query("account_locked", "UPDATE accounts SET locked = \(locked) WHERE id = \(account)")
    }

    public func isLocked(_ account: Int64) async throws -> Bool {
        try await database.query("account_is_locked", "SELECT locked FROM accounts WHERE id = \(account)").collect(Bool.self).first ?? false
    }

    /// How many follow requests wait for `target`'s approval (`source.follow_requests_count`).
    public func pendingRequests(of target: Int64) async throws -> Int {
        // Prepared (parsed and planned once per connection): `verify_credentials` asks it every time.
        Int(try await database.execute("follow_requests_count", PendingRequestsStatement(target: target)).first ?? 0)
    }

    /// Records a follow request, unless already following. - Returns: true if a request was created now.
    public func requestFollow(account: Int64, target: Int64) async throws -> Bool {
        try await database.query("follow_request_create", """
            INSERT INTO follow_requests (account_id, target_account_id)
            SELECT \(account), \(target)
            WHERE NOT EXISTS (SELECT 1 FROM follows WHERE follower_id = \(account) AND followee_id = \(target))
            ON CONFLICT DO NOTHING RETURNING 1
            """).collect(Int32.self).count > 0
    }

    /// Withdraws a pending request (an unfollow of a locked account). - Returns: false if none was pending.
    @discardableResult
    public func cancelRequest(account: Int64, target: Int64) async throws -> Bool {
        try await database.transaction("follow_request_cancel") { connection in
            var deleted = false
            for try await _ in try await connection.query("""
                DELETE FROM follow_requests WHERE account_id = \(account) AND target_account_id = \(target) RETURNING 1
                """, logger: database.logger) { deleted = true }
            if deleted { try await Self.dropRequestNotification(connection, requester: account, target: target, logger: database.logger) }
            return deleted
        }
    }

    /// One page of the requests waiting for `target`'s approval, newest first (paged by request id).
    public func followRequests(of target: Int64, page: PageRequest) async throws -> [RelationEntry] {
        try await entries("follow_requests_page", table: "follow_requests", owner: "target_account_id", other: "account_id", value: target, page: page)
    }

    /// Approves a pending request: it becomes a follow in the same transaction (counters, and the
    /// outbox row that merges the home and notifies `follow`). - Returns: false if none was pending.
    public func authorize(requester: Int64, target: Int64) async throws -> Bool {
        try await database.transaction("follow_request_authorize") { connection in
            let logger = database.logger
            var pending = false
            for try await _ in try await connection.query("""
                DELETE FROM follow_requests WHERE account_id = \(requester) AND target_account_id = \(target) RETURNING 1
                """, logger: logger) { pending = true }
            guard pending else { return false }
            try await Self.dropRequestNotification(connection, requester: requester, target: target, logger: logger)
            var inserted = false
            for try await _ in try await connection.query("""
                INSERT INTO follows (follower_id, followee_id) VALUES (\(requester), \(target))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger) { inserted = true }
            guard inserted else { return true }
            try await Database.lockAccountsInOrder([requester, target], on: connection, logger: logger)
            try await connection.query("""
                UPDATE accounts SET following_count = following_count + CASE WHEN id = \(requester) THEN 1 ELSE 0 END,
                                    followers_count = followers_count + CASE WHEN id = \(target) THEN 1 ELSE 0 END
                WHERE id IN (\(requester), \(target))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO outbox (kind, account_id, target_id) VALUES ('follow', \(requester), \(target))
                """, logger: logger)
            return true
        }
    }

    /// Approves every pending request of `target` at once (an account that unlocks, as Mastodon
    /// does): the follows, counters, outbox rows and the requests' notifications in one transaction.
    /// - Returns: the requesters who now follow.
    public func authorizeAll(target: Int64) async throws -> [Int64] {
        try await database.transaction("follow_requests_authorize_all") { connection in
            let logger = database.logger
            var requesters: [Int64] = []
            for try await requester in try await connection.query("""
                DELETE FROM follow_requests WHERE target_account_id = \(target) RETURNING account_id
                """, logger: logger).decode(Int64.self) { requesters.append(requester) }
            guard !requesters.isEmpty else { return [] }
            try await connection.query("""
                DELETE FROM notifications WHERE account_id = \(target) AND type = 'follow_request' AND from_account_id = ANY(\(requesters))
                """, logger: logger)
            var followers: [Int64] = []
            for try await follower in try await connection.query("""
                INSERT INTO follows (follower_id, followee_id) SELECT r, \(target) FROM unnest(\(requesters)::bigint[]) AS r
                ON CONFLICT DO NOTHING RETURNING follower_id
                """, logger: logger).decode(Int64.self) { followers.append(follower) }
            guard !followers.isEmpty else { return [] }
            try await Database.lockAccountsInOrder(followers + [target], on: connection, logger: logger)
            try await connection.query("""
                UPDATE accounts SET following_count = following_count + CASE WHEN id = ANY(\(followers)) THEN 1 ELSE 0 END,
                                    followers_count = followers_count + CASE WHEN id = \(target) THEN \(Int64(followers.count)) ELSE 0 END
                WHERE id = ANY(\(followers + [target]))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO outbox (kind, account_id, target_id) SELECT 'follow', f, \(target) FROM unnest(\(followers)::bigint[]) AS f
                """, logger: logger)
            return followers
        }
    }

    /// Rejects a pending request. - Returns: false if none was pending.
    public func reject(requester: Int64, target: Int64) async throws -> Bool {
        try await cancelRequest(account: requester, target: target)
    }

    /// The `follow_request` notification is answered once the request is: it leaves the target's list.
    private static func dropRequestNotification(_ connection: PostgresConnection, requester: Int64, target: Int64, logger: Logger) async throws {
        try await connection.query("""
            DELETE FROM notifications WHERE account_id = \(target) AND from_account_id = \(requester) AND type = 'follow_request'
            """, logger: logger)
    }

    // MARK: Paging

    /// A keyset page over one of the relation tables, by its row id, newest first (oldest first
    /// for `min_id`, then reversed, as every Mastodon list pages).
    private func entries(_ label: String, table: String, owner: String, other: String, value: Int64, page: PageRequest,
                         extra: String = "") async throws -> [RelationEntry] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        let ascending = page.direction == .justAboveLowerBound
        let rows = try await database.query(label, """
            SELECT id, \(unescaped: other) FROM \(unescaped: table)
            WHERE \(unescaped: owner) = \(value) AND id < \(upper) AND id > \(lower) \(unescaped: extra)
            ORDER BY id \(unescaped: ascending ? "ASC" : "DESC") LIMIT \(page.limit)
            """)
        var out: [RelationEntry] = []
        for try await (id, account) in rows.decode((Int64, Int64).self) { out.append(RelationEntry(id: id, account: account)) }
        return ascending ? out.reversed() : out
    }
}

/// How `viewer` and each target stand, in the targets' order (`starling_relationships`, migration
/// 28): following, followed by, blocking, blocked by, mute (0 none, 1 muted, 2 hiding notifications
/// too), requested, requested by.
struct RelationshipsStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_relationships($1, $2)"
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int8Array]
    typealias Row = (Int64, Bool, Bool, Bool, Bool, Int32, Bool, Bool)

    let arguments: [any PostgresEncodable & Sendable]

    init(viewer: Int64, targets: [Int64]) { arguments = [viewer, targets] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// How many follow requests wait for an account (`RelationshipStore.pendingRequests(of:)`).
struct PendingRequestsStatement: ArgumentsStatement {
    static let sql = "SELECT count(*) FROM follow_requests WHERE target_account_id = $1"
    static let bindingDataTypes: [PostgresDataType] = [.int8]
    typealias Row = Int64

    let arguments: [any PostgresEncodable & Sendable]

    init(target: Int64) { arguments = [target] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}
