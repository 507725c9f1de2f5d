import PostgresNIO
import StarlingDomain

/// What the fan-out of a leased batch reads from PostgreSQL, in as few queries as the batch allows.
public struct FanoutStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// One chunk of one post's fan-out: the author's followers after `cursor`.
    public struct ChunkRequest: Sendable {
        public var job: Int64
        public var author: Int64
        public var cursor: Int64
        /// Which followers it reaches: `Audience.homeFanout(of:)`.
        public var reach: HomeFanout

        public init(job: Int64, author: Int64, cursor: Int64, reach: HomeFanout) {
            self.job = job
            self.author = author
            self.cursor = cursor
            self.reach = reach
        }
    }

    /// Every chunk's recipients, by job, in one query: a keyset page (ascending follower id, at
    /// most `limit`) of each author's followers who were active within `activeWithinSeconds` and
    /// whom the chunk's `reach` admits (the SQL is `HomeFanout.admits`, as in `FollowStore`).
    public func recipients(of chunks: [ChunkRequest], limit: Int, activeWithinSeconds: Double) async throws -> [Int64: [Int64]] {
        var jobs: [Int64] = [], authors: [Int64] = [], cursors: [Int64] = [], restricts: [Int64] = [], others: [Int64] = []
        var amongJobs: [Int64] = [], amongAccounts: [Int64] = []
        for chunk in chunks {
            let restrict: Bool, among: [Int64], other: Int64
            switch chunk.reach {
            case .none: continue
            case .followers: (restrict, among, other) = (false, [], -1)
            case .followersAlsoFollowing(let account, let mentioned): (restrict, among, other) = (true, [account] + mentioned, account)
            case .mentionedFollowers(let mentioned): (restrict, among, other) = (true, mentioned, -1)
            }
            jobs.append(chunk.job)
            authors.append(chunk.author)
            cursors.append(chunk.cursor)
            restricts.append(restrict ? 1 : 0)
            others.append(other)
            amongJobs += among.map { _ in chunk.job }
            amongAccounts += among
        }
        if jobs.isEmpty { return [:] }
        var out: [Int64: [Int64]] = [:]
        for try await (job, follower) in try await database.query("fanout_recipients", """
            WITH among(job, account) AS (SELECT * FROM unnest(\(amongJobs)::bigint[], \(amongAccounts)::bigint[]))
            SELECT j.job, r.follower_id
            FROM unnest(\(jobs)::bigint[], \(authors)::bigint[], \(cursors)::bigint[], \(restricts)::bigint[], \(others)::bigint[])
                 AS j(job, author, cursor, restrict, other)
            CROSS JOIN LATERAL (
                SELECT f.follower_id FROM follows f JOIN accounts a ON a.id = f.follower_id
                WHERE f.followee_id = j.author AND f.follower_id > j.cursor
                  AND a.last_active_at > now() - make_interval(secs => \(activeWithinSeconds))
                  AND (j.restrict = 0
                       OR EXISTS (SELECT 1 FROM among m WHERE m.job = j.job AND m.account = f.follower_id)
                       OR (j.other >= 0 AND EXISTS (SELECT 1 FROM follows g WHERE g.follower_id = f.follower_id AND g.followee_id = j.other)))
                ORDER BY f.follower_id LIMIT \(limit)
            ) r
            """).decode((Int64, Int64).self) {
            out[job, default: []].append(follower)
        }
        for job in out.keys { out[job]?.sort() }  // the keyset cursor is the last id of a page
        return out
    }
}
