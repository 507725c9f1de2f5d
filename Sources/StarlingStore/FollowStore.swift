import PostgresNIO
import StarlingDomain

/// The follow graph. Counters change in the same transaction as the edge, so they stay exact.
public struct FollowStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Follows; queues a home merge for the follower. Returns false if the edge already existed.
    @discardableResult
    public func follow(follower: Int64, followee: Int64) async throws -> Bool {
        try await database.transaction("follow") { connection in
            let logger = database.logger
            var inserted = false
            for try await _ in try await connection.query("""
                INSERT INTO follows (follower_id, followee_id) VALUES (\(follower), \(followee))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: logger) { inserted = true }
            guard inserted else { return false }
            try await Database.lockAccountsInOrder([follower, followee], on: connection, logger: logger)
            try await connection.query("""
                UPDATE accounts SET following_count = following_count + CASE WHEN id = \(follower) THEN 1 ELSE 0 END,
                                    followers_count = followers_count + CASE WHEN id = \(followee) THEN 1 ELSE 0 END
                WHERE id IN (\(follower), \(followee))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO outbox (kind, account_id, target_id) VALUES ('follow', \(follower), \(followee))
                """, logger: logger)
            return true
        }
    }

    /// Unfollows; queues removal of the followee's statuses from the follower's home. False if not following.
    @discardableResult
    public func unfollow(follower: Int64, followee: Int64) async throws -> Bool {
        try await database.transaction("unfollow") { connection in
            let logger = database.logger
            var deleted = false
            for try await _ in try await connection.query("""
                DELETE FROM follows WHERE follower_id = \(follower) AND followee_id = \(followee) RETURNING 1
                """, logger: logger) { deleted = true }
            guard deleted else { return false }
            try await Database.lockAccountsInOrder([follower, followee], on: connection, logger: logger)
            try await connection.query("""
                UPDATE accounts SET following_count = following_count - CASE WHEN id = \(follower) THEN 1 ELSE 0 END,
                                    followers_count = followers_count - CASE WHEN id = \(followee) THEN 1 ELSE 0 END
                WHERE id IN (\(follower), \(followee))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO outbox (kind, account_id, target_id) VALUES ('unfollow', \(follower), \(followee))
                """, logger: logger)
            return true
        }
    }

    /// One page of an account's followers (or followees), by account id, newest id first.
    public func followers(of account: Int64, below maxId: Int64?, above minId: Int64?, limit: Int) async throws -> [Int64] {
        let statement = FollowPageStatement(followers: true, account: account, below: maxId ?? Int64.max, above: minId ?? -1, limit: limit)
        return try await database.execute("followers_page", statement)
    }

    public func following(of account: Int64, below maxId: Int64?, above minId: Int64?, limit: Int) async throws -> [Int64] {
        let statement = FollowPageStatement(followers: false, account: account, below: maxId ?? Int64.max, above: minId ?? -1, limit: limit)
        return try await database.execute("following_page", statement)
    }

    public func relationships(viewer: Int64, targets: [Int64]) async throws -> [Relationship] {
        if targets.isEmpty { return [] }
        let rows = try await database.query("relationships", """
            SELECT t.id,
                   EXISTS (SELECT 1 FROM follows WHERE follower_id = \(viewer) AND followee_id = t.id),
                   EXISTS (SELECT 1 FROM follows WHERE follower_id = t.id AND followee_id = \(viewer))
            FROM unnest(\(targets)::bigint[]) WITH ORDINALITY AS t(id, n) ORDER BY t.n
            """)
        var out: [Relationship] = []
        for try await (id, following, followedBy) in rows.decode((Int64, Bool, Bool).self) {
            out.append(Relationship(id: id, following: following, followedBy: followedBy))
        }
        return out
    }

    /// One keyset page of followers for fan-out, ascending, optionally only those active recently,
    /// and only those `reach` admits (`HomeFanout.admits` is exactly this query's filter):
    /// `Audience.homeFanout(of:)` for a post, `.followers` for a delete (everyone it may have reached).
    public func fanoutFollowers(of author: Int64, after cursor: Int64, limit: Int, activeWithinSeconds: Double?,
                                reach: HomeFanout) async throws -> [Int64] {
        // restrict: only followers in `among`, or (when other >= 0) following `other`.
        let restrict: Bool, among: [Int64], other: Int64
        switch reach {
        case .none: return []
        case .followers: (restrict, among, other) = (false, [], -1)
        case .followersAlsoFollowing(let account, let mentioned): (restrict, among, other) = (true, [account] + mentioned, account)
        case .mentionedFollowers(let mentioned): (restrict, among, other) = (true, mentioned, -1)
        }
        if activeWithinSeconds != nil || restrict {
            let idle = activeWithinSeconds ?? -1  // -1: no activity filter
            return try await database.query("fanout_followers_filtered", """
                SELECT f.follower_id FROM follows f JOIN accounts a ON a.id = f.follower_id
                WHERE f.followee_id = \(author) AND f.follower_id > \(cursor)
                  AND (\(idle) < 0 OR a.last_active_at > now() - make_interval(secs => \(idle)))
                  AND (NOT \(restrict) OR f.follower_id = ANY(\(among))
                       OR (\(other) >= 0 AND EXISTS (SELECT 1 FROM follows g WHERE g.follower_id = f.follower_id AND g.followee_id = \(other))))
                ORDER BY f.follower_id LIMIT \(limit)
                """).collect(Int64.self)
        }
        return try await database.query("fanout_followers", """
            SELECT follower_id FROM follows WHERE followee_id = \(author) AND follower_id > \(cursor)
            ORDER BY follower_id LIMIT \(limit)
            """).collect(Int64.self)
    }

    /// Of the accounts `user` follows (and `user` itself), those with at least `threshold` followers:
    /// the authors whose own lists a home read merges in.
    public func pulledAuthors(for user: Int64, threshold: Int64) async throws -> [Int64] {
        // Driven by the user's follows (an index scan of a few rows), not by accounts: with `OR` in
        // one WHERE the planner scanned every account for each home read that missed the cache.
        try await database.query("pulled_authors", """
            SELECT a.id FROM follows f JOIN accounts a ON a.id = f.followee_id
            WHERE f.follower_id = \(user) AND a.followers_count >= \(threshold)
              AND NOT EXISTS (SELECT 1 FROM list_accounts la JOIN lists l ON l.id = la.list_id WHERE la.owner_id = \(user) AND la.account_id = f.followee_id AND l.exclusive)  -- exclusive lists' members (ListStore)
            UNION
            SELECT id FROM accounts WHERE id = \(user) AND followers_count >= \(threshold)
            """).collect(Int64.self)
    }
}

/// An account's followers (or the accounts it follows), highest id first, strictly between two
/// bounds: `starling_follow_page`, planned once per connection (migration 28).
struct FollowPageStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_follow_page($1, $2, $3, $4, $5)"
    static let bindingDataTypes: [PostgresDataType] = [.bool, .int8, .int8, .int8, .int4]
    typealias Row = Int64

    let arguments: [any PostgresEncodable & Sendable]

    init(followers: Bool, account: Int64, below upper: Int64, above lower: Int64, limit: Int) {
        arguments = [followers, account, upper, lower, Int32(clamping: limit)]
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int64.self) }
}
