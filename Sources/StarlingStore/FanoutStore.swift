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
        // Settings, not input: -1 means no activity filter.
        let idle = Int64(activeWithinSeconds ?? -1), limit = Int64(limit)
        // One row per chunk, its recipients as one array: a batch's thousands of recipients cost a
        // few rows to send and decode, not one each (a row each was a quarter of a worker's CPU).
        // Each array is ascending (array_agg's ORDER BY): the keyset cursor is the last id of a page.
        // Both are functions (PostFunctionMigration.swift); a batch without tags, nearly all, reads
        // only the authors' followers, one with tags unites them with the tags' followers.
        let rows: [(Int64, [Int64])]
        if tagNames.isEmpty {
            rows = try await database.execute("fanout_recipients_followers", FanoutFollowersStatement(
                jobs: jobs, authors: authors, cursors: cursors, restricts: restricts, others: others, followerModes: followerModes,
                amongJobs: amongJobs, amongAccounts: amongAccounts, idleSeconds: idle, limit: limit))
        } else {
            rows = try await database.execute("fanout_recipients", FanoutTaggedStatement(
                jobs: jobs, authors: authors, cursors: cursors, restricts: restricts, others: others, followerModes: followerModes,
                exceptFollowers: exceptFollowers, amongJobs: amongJobs, amongAccounts: amongAccounts, tagJobs: tagJobs,
                tagNames: tagNames, idleSeconds: idle, limit: limit))
        }
        var out: [Int64: [Int64]] = [:]
        for (job, recipients) in rows where !recipients.isEmpty { out[job] = recipients }
        return out
    }
}
