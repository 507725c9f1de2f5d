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
        /// Which followers it reaches: `Audience.homeFanout(of:)` (`.none` for a pulled author).
        public var reach: HomeFanout
        /// Which followers of its tags it reaches besides: `Audience.tagFanout(of:…)`.
        public var tags: TagFanout?

        public init(job: Int64, author: Int64, cursor: Int64, reach: HomeFanout, tags: TagFanout? = nil) {
            self.job = job
            self.author = author
            self.cursor = cursor
            self.reach = reach
            self.tags = tags
        }
    }

    /// Every chunk's recipients, by job, in one query: a keyset page (ascending account id, at
    /// most `limit`) of the accounts active within `activeWithinSeconds` (nil: active or not, as a
    /// delete must reach every list the status may be on) that are either followers
    /// of the author whom the chunk's `reach` admits (the SQL is `HomeFanout.admits`, as in
    /// `FollowStore`), or followers of its tags whom `tags` admits (`TagFanout.admits`). The two are
    /// united, so an account that is both gets the status once; the keyset runs over the union.
    ///
    /// Chunks that ask the same question (posts by one author in one batch, as a backlog after an
    /// outage or a burst holds) are read once and share the page.
    public func recipients(of chunks: [ChunkRequest], limit: Int, activeWithinSeconds: Double?) async throws -> [Int64: [Int64]] {
        struct Question: Hashable { var author: Int64, cursor: Int64, reach: HomeFanout, tags: TagFanout? }
        var asked: [Question: Int64] = [:]
        var distinct: [ChunkRequest] = []
        var sharing: [(job: Int64, askedBy: Int64)] = []
        for chunk in chunks {
            let question = Question(author: chunk.author, cursor: chunk.cursor, reach: chunk.reach, tags: chunk.tags)
            if let first = asked[question] {
                sharing.append((chunk.job, first))
            } else {
                asked[question] = chunk.job
                distinct.append(chunk)
            }
        }
        var out = try await distinctRecipients(of: distinct, limit: limit, activeWithinSeconds: activeWithinSeconds)
        for (job, first) in sharing { out[job] = out[first] }
        return out
    }

    private func distinctRecipients(of chunks: [ChunkRequest], limit: Int, activeWithinSeconds: Double?) async throws -> [Int64: [Int64]] {
        var jobs: [Int64] = [], authors: [Int64] = [], cursors: [Int64] = [], restricts: [Int64] = [], others: [Int64] = []
        var followerModes: [Int64] = [], exceptFollowers: [Int64] = []
        var amongJobs: [Int64] = [], amongAccounts: [Int64] = []
        var tagJobs: [Int64] = [], tagNames: [String] = []
        for chunk in chunks {
            let followers: Bool, restrict: Bool, among: [Int64], other: Int64
            switch chunk.reach {
            case .none: (followers, restrict, among, other) = (false, false, [], -1)
            case .followers: (followers, restrict, among, other) = (true, false, [], -1)
            case .followersAlsoFollowing(let account, let mentioned): (followers, restrict, among, other) = (true, true, [account] + mentioned, account)
            case .mentionedFollowers(let mentioned): (followers, restrict, among, other) = (true, true, mentioned, -1)
            }
            let tags = chunk.tags?.tags ?? []
            if !followers && tags.isEmpty { continue }
            jobs.append(chunk.job)
            authors.append(chunk.author)
            cursors.append(chunk.cursor)
            restricts.append(restrict ? 1 : 0)
            others.append(other)
            followerModes.append(followers ? 1 : 0)
            exceptFollowers.append(chunk.tags?.exceptAuthorFollowers == true ? 1 : 0)
            amongJobs += among.map { _ in chunk.job }
            amongAccounts += among
            tagJobs += tags.map { _ in chunk.job }
            tagNames += tags
        }
        if jobs.isEmpty { return [:] }
        // Written into the statement as integers (settings, not input): -1 means no activity filter.
        let idle = Int64(activeWithinSeconds ?? -1), limit = Int64(limit)
        // The followers' keyset page; below, a batch with tags unites it with the tag followers'
        // (a batch without any skips the union's dedupe and sort: the page is in index order).
        let followersPage = """
            SELECT f.follower_id AS account_id FROM follows f JOIN accounts a ON a.id = f.follower_id
            WHERE j.followers = 1 AND f.followee_id = j.author AND f.follower_id > j.cursor
              AND (\(idle) < 0 OR a.last_active_at > now() - make_interval(secs => \(idle)))
              AND (j.restrict = 0
                   OR EXISTS (SELECT 1 FROM among m WHERE m.job = j.job AND m.account = f.follower_id)
                   OR (j.other >= 0 AND EXISTS (SELECT 1 FROM follows g WHERE g.follower_id = f.follower_id AND g.followee_id = j.other)))
            ORDER BY f.follower_id LIMIT \(limit)
            """
        var out: [Int64: [Int64]] = [:]
        // One row per chunk, its recipients as one array: a batch's thousands of recipients cost a
        // few rows to send and decode, not one each (a row each was a quarter of a worker's CPU).
        if tagNames.isEmpty {
            // `starling_fanout_followers` (PostFunctionMigration.swift): `followersPage` for every job.
            let statement = FanoutFollowersStatement(jobs: jobs, authors: authors, cursors: cursors, restricts: restricts, others: others,
                                                     followerModes: followerModes, amongJobs: amongJobs, amongAccounts: amongAccounts,
                                                     idleSeconds: idle, limit: limit)
            for (job, followers) in try await database.execute("fanout_recipients_followers", statement) where !followers.isEmpty {
                out[job] = followers
            }
            return out
        }
        // Each half is a keyset page of its own (an index scan: follows_by_followee, tag_follows'
        // primary key); the union's first `limit` ids are among theirs, so the next chunk's cursor
        // (the last id of this page) is right for both.
        let rows = try await database.query("fanout_recipients", """
                WITH among(job, account) AS (SELECT * FROM unnest(\(amongJobs)::bigint[], \(amongAccounts)::bigint[])),
                tagged(job, tag_id) AS (
                    SELECT u.job, t.id FROM unnest(\(tagJobs)::bigint[], \(tagNames)::text[]) AS u(job, name) JOIN tags t ON t.name = u.name)
                SELECT j.job, coalesce(r.ids, '{}')
                FROM unnest(\(jobs)::bigint[], \(authors)::bigint[], \(cursors)::bigint[], \(restricts)::bigint[], \(others)::bigint[],
                            \(followerModes)::bigint[], \(exceptFollowers)::bigint[])
                     AS j(job, author, cursor, restrict, other, followers, except_followers)
                CROSS JOIN LATERAL (SELECT array_agg(u.account_id ORDER BY u.account_id) AS ids FROM (
                    SELECT u.account_id FROM (
                        (\(unescaped: followersPage))
                        UNION
                        (SELECT DISTINCT t.account_id FROM tagged tg CROSS JOIN LATERAL (
                             -- Per tag, an ordered scan of tag_follows' primary key, bounded by the limit. The
                             -- activity check is a per-row lookup, not a join: a join lets the planner hash all
                             -- accounts against a large tag instead of stopping after `limit` rows.
                             SELECT tf.account_id FROM tag_follows tf
                             WHERE tf.tag_id = tg.tag_id AND tf.account_id > j.cursor AND tf.account_id <> j.author
                               AND (\(idle) < 0 OR (SELECT a.last_active_at FROM accounts a WHERE a.id = tf.account_id)
                                                    > now() - make_interval(secs => \(idle)))
                               AND (j.except_followers = 0
                                    OR NOT EXISTS (SELECT 1 FROM follows h WHERE h.follower_id = tf.account_id AND h.followee_id = j.author))
                               -- Blocks end follows, so only tag followers need this: none across a block.
                               AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = tf.account_id AND b.target_account_id = j.author)
                                                                         OR (b.account_id = j.author AND b.target_account_id = tf.account_id))
                             ORDER BY tf.account_id LIMIT \(limit)) t
                         WHERE tg.job = j.job ORDER BY t.account_id LIMIT \(limit))
                    ) u ORDER BY u.account_id LIMIT \(limit)
                ) u) r
                """)
        // Each array is ascending (array_agg's ORDER BY): the keyset cursor is the last id of a page.
        for try await (job, followers) in rows.decode((Int64, [Int64]).self) where !followers.isEmpty {
            out[job] = followers
        }
        return out
    }
}
