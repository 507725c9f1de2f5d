import PostgresNIO

/// The fan-out outbox, shared by any number of workers through leases.
///
/// A worker leases a batch of rows in one short statement (`FOR UPDATE SKIP LOCKED` picks rows no
/// other worker is leasing; the update pushes their `available_at` past the lease and counts the
/// attempt), then holds no connection and no lock while it delivers. Finished rows are deleted in
/// one statement. A worker that dies simply lets its lease run out: the rows become available
/// again and the next lease sees `attempts > 1`, so the job knows it is a redo and delivers
/// without leaving duplicate list entries (readers dedupe besides).
public struct OutboxStore: Sendable {
    public static let channel = "starling_outbox"
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The outbox's NOTIFY, in a transaction of its own: how a post wakes the workers when Redis
    /// cannot carry the wake-up (`OutboxWake`).
    public func notify() async throws {
        _ = try await database.query("outbox_notify", "SELECT pg_notify(\(Self.channel), '')")
    }

    /// Leases up to `limit` available jobs, oldest first, for `duration`, and in the same
    /// statement deletes the jobs the caller finished since its last lease (`completing`): a
    /// draining loop pays one round trip per batch for both. Each job carries its account's
    /// follower count, which decides push or pull for a post, and a post job its status.
    public func lease(limit: Int, for duration: Duration, completing finished: [Int64] = []) async throws -> [OutboxJob] {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        var jobs: [OutboxJob] = []
        // `starling_lease_outbox_for_fanout` (PostFunctionMigration.swift): delete `finished`, lease
        // the oldest available rows no other worker is leasing (`FOR UPDATE SKIP LOCKED`), with their
        // account's follower count and, for a post, its status and whether its author is in a list.
        let statement = LeaseOutboxStatement(finished: finished, seconds: seconds, limit: Int32(clamping: limit))
        for row in try await database.execute("outbox_lease", statement) {
            let (id, kind, statusId, accountId, targetId, cursor, attempts, followers) = (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7)
            var job = OutboxJob(id: id, kind: OutboxJob.Kind(rawValue: kind) ?? .post, statusId: statusId,
                                accountId: accountId, targetId: targetId, cursor: cursor, attempts: Int(attempts),
                                isRedo: attempts > 1)
            job.accountFollowers = followers
            if job.kind == .post, let author = row.8, let text = row.9, let spoiler = row.10, let sensitive = row.11,
               let visibility = row.12, let createdAt = row.16, let mentionIds = row.18, let mentionNames = row.19, let tags = row.20,
               let hasMedia = row.23, let authorListed = row.24 {
                job.status = LeasedStatus(
                    row: StatusStore.row(id: statusId, accountId: author, text: text, spoilerText: spoiler, sensitive: sensitive,
                                         visibility: visibility, language: row.13, inReplyToId: row.14, inReplyToAccountId: row.15,
                                         createdAt: createdAt, reblogOfId: row.17, mentionIds: mentionIds, mentionNames: mentionNames,
                                         tags: tags, editedAt: row.21, pollId: row.22),
                    hasMedia: hasMedia, authorListed: authorListed)
            }
            jobs.append(job)
        }
        return jobs.sorted { $0.id < $1.id }
    }

    /// Deletes finished jobs.
    public func complete(_ ids: [Int64]) async throws {
        if ids.isEmpty { return }
        try await database.query("outbox_complete", "DELETE FROM outbox WHERE id = ANY(\(ids))")
    }

    /// Makes failed jobs available again after a backoff (exponential in their attempts, capped at
    /// a minute): a shard that is down for a while is retried, not dropped.
    public func retryLater(_ jobs: [OutboxJob], error: any Error) async throws {
        if jobs.isEmpty { return }
        let ids = jobs.map(\.id)
        let attempts = jobs.map { $0.attempts }.max() ?? 1
        let delay = min(60.0, 0.25 * Double(1 << min(max(attempts - 1, 0), 8)))
        try await database.query("outbox_retry", """
            UPDATE outbox SET available_at = now() + make_interval(secs => \(delay)),
                              last_error = \(String(describing: error).prefix(500).description)
            WHERE id = ANY(\(ids))
            """)
    }

    /// Queues the next chunk of post or delete fan-outs, visible to other workers at once: one
    /// statement for the whole batch. Idempotent: a re-planned chunk with the same cursor is not
    /// queued twice.
    public func enqueueContinuations(_ continuations: [(job: OutboxJob, cursor: Int64)]) async throws {
        if continuations.isEmpty { return }
        let ids = continuations.map(\.job.id)
        let cursors = continuations.map(\.cursor)
        try await database.query("outbox_continue", """
            INSERT INTO outbox (kind, status_id, account_id, cursor, created_at)
            SELECT o.kind, o.status_id, o.account_id, c.cursor, o.created_at
            FROM unnest(\(ids)::bigint[], \(cursors)::bigint[]) AS c(id, cursor) JOIN outbox o ON o.id = c.id
            ON CONFLICT DO NOTHING
            """)
    }

    /// Rows waiting (or being worked on).
    public func depth() async throws -> Int64 {
        for try await count in try await database.query("outbox_depth", "SELECT count(*) FROM outbox").decode(Int64.self) {
            return count
        }
        return 0
    }
}

/// How a post wakes the fan-out workers. Not by the outbox's NOTIFY inside the post's transaction:
/// PostgreSQL serialises the commits of notifying transactions (one lock for the database, held
/// through the commit's WAL flush), so posts would reach the disk one at a time. The post's
/// function marks its transaction with `setting` and the outbox trigger then stays silent
/// (migration 18, PostFunctionMigration.swift); after the commit the API node pushes a token onto
/// `RedisKeys.outboxWakeTokens`, which one worker process pops. If Redis refuses the push, the API
/// falls back to `OutboxStore.notify()`; if that fails too, the workers' poll (a second) finds the
/// post.
public enum OutboxWake {
    /// The transaction-local setting by which a transaction tells the outbox trigger that its
    /// writer wakes the workers itself, after the commit.
    public static let setting = "starling.outbox_wake"
}
