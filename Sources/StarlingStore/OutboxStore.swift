import PostgresNIO

/// The fan-out outbox: claimed with `FOR UPDATE SKIP LOCKED`, so any number of workers share it and a
/// worker that dies mid-job only releases its lock: the row is claimed again and the work redone.
public struct OutboxStore: Sendable {
    public static let channel = "starling_outbox"
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Claims the oldest available job and runs `work` while holding its row lock; deletes the row
    /// when `work` succeeds. Returns false when there was nothing to claim.
    /// If `work` throws, the row stays and becomes available again after a backoff.
    public func processNext(_ work: (OutboxJob) async throws -> Void) async throws -> Bool {
        let logger = database.logger
        var failed: (OutboxJob, any Error)?
        let claimed = try await database.transaction("outbox_job") { connection -> Bool in
            var job: OutboxJob?
            for try await (id, kind, statusId, accountId, targetId, cursor, attempts) in try await connection.query("""
                SELECT id, kind, status_id, account_id, target_id, cursor, attempts FROM outbox
                WHERE available_at <= now() ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                """, logger: logger).decode((Int64, String, Int64, Int64, Int64, Int64, Int).self) {
                job = OutboxJob(id: id, kind: OutboxJob.Kind(rawValue: kind) ?? .post, statusId: statusId,
                                accountId: accountId, targetId: targetId, cursor: cursor, attempts: attempts)
            }
            guard var job else { return false }
            // Autocommit on another connection: the record outlives this transaction if we die.
            var firstClaim = false
            for try await _ in try await database.query("outbox_claim", """
                INSERT INTO outbox_claims (outbox_id) VALUES (\(job.id)) ON CONFLICT DO NOTHING RETURNING 1
                """) { firstClaim = true }
            job.isRedo = !firstClaim || job.attempts > 0
            do {
                try await work(job)
            } catch {
                failed = (job, error)
                return true
            }
            try await connection.query("DELETE FROM outbox WHERE id = \(job.id)", logger: logger)
            try await connection.query("DELETE FROM outbox_claims WHERE outbox_id = \(job.id)", logger: logger)
            return true
        }
        if let (job, error) = failed {
            // Exponential backoff, capped at a minute: a shard that is down for a while is retried, not dropped.
            let delay = min(60.0, 0.25 * Double(1 << min(job.attempts, 8)))
            try await database.query("outbox_retry", """
                UPDATE outbox SET attempts = attempts + 1, available_at = now() + make_interval(secs => \(delay)),
                                  last_error = \(String(describing: error).prefix(500).description)
                WHERE id = \(job.id)
                """)
            throw error
        }
        return claimed
    }

    /// Queues the next chunk of a post or delete fan-out, visible to other workers at once.
    /// Idempotent: a re-planned chunk with the same cursor is not queued twice.
    public func enqueueContinuation(of job: OutboxJob, cursor: Int64) async throws {
        try await database.query("outbox_continue", """
            INSERT INTO outbox (kind, status_id, account_id, cursor, created_at)
            SELECT \(job.kind.rawValue), \(job.statusId), \(job.accountId), \(cursor), created_at FROM outbox WHERE id = \(job.id)
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
