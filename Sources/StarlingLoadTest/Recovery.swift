import Foundation
import PostgresNIO
import StarlingRedis

/// What `--recovery` measured: closed-loop home reads before every Redis shard was flushed (a
/// cluster that lost its shards, or restarted them empty), then in short windows after it, until
/// the reads are back near their rate before. Every home is rebuilt from PostgreSQL as its user
/// reads it (`StatusStore.newest`), so this is the rebuild's cost, seen by readers.
public struct RecoveryReport: Sendable, Codable {
    public var readsPerSecondBefore: Double
    public var windowSeconds: Double
    /// Home reads per second in each window after the flush.
    public var windows: [Double]
    /// The share of the rate before that counts as recovered.
    public var threshold: Double

    public init(readsPerSecondBefore: Double, windowSeconds: Double, windows: [Double], threshold: Double) {
        self.readsPerSecondBefore = readsPerSecondBefore
        self.windowSeconds = windowSeconds
        self.windows = windows
        self.threshold = threshold
    }

    /// Seconds from the flush to the end of the first window at or above `threshold` × the rate
    /// before; nil if no window got there.
    public var secondsToRecover: Double? {
        guard let index = windows.firstIndex(where: { $0 >= threshold * readsPerSecondBefore }) else { return nil }
        return Double(index + 1) * windowSeconds
    }

    public var line: String {
        "recovery after FLUSHALL on every Redis shard: home reads \(Int(readsPerSecondBefore))/s before; per \(fmt(windowSeconds, 0)) s after: "
            + windows.map { String(Int($0)) }.joined(separator: ", ") + "; "
            + (secondsToRecover.map { "back to \(Int(threshold * 100)) % within \(fmt($0, 0)) s" }
               ?? "not back to \(Int(threshold * 100)) % within \(fmt(Double(windows.count) * windowSeconds, 0)) s")
    }
}

extension RedisInspector {
    /// Empties every shard (every master of a Redis Cluster): what a cluster that lost its Redis
    /// data sees. Only for the load test's own cluster.
    func flushAll() async throws {
        for pool in redis.pools { _ = try await pool.pipeline([RedisCommand("FLUSHALL")]) }
    }
}

extension LoadTestRunner {
    /// Recovery: home reads at the closed-loop maximum, then every Redis shard flushed, then home
    /// reads in 2 s windows until they are back to 80 % of the rate before (at most
    /// `recoveryWindows` windows).
    func recoveryPhases(_ report: inout Report, _ c: PhaseContext) async throws {
        let o = options
        guard let redis = c.redis else { throw LoadTestError.failed("recovery: the cluster's Redis is not reachable") }
        if o.recoveryStatuses > 0 { try await seedHistory(o.recoveryStatuses, c) }
        let before = await c.workload.closedLoop(name: "home c=\(o.concurrency), before", concurrency: o.concurrency, seconds: o.closedSeconds,
                                                 mix: nil, only: .home, seed: o.seed &+ 11, progress: say)
        report.phases.append(before)
        try await redis.flushAll()
        say("recovery: every Redis shard flushed")
        let windowSeconds = 2.0, threshold = 0.8
        var windows: [Double] = []
        for index in 0..<o.recoveryWindows {
            let window = await c.workload.closedLoop(name: "home c=\(o.concurrency), after flush \(index + 1)", concurrency: o.concurrency,
                                                     seconds: windowSeconds, mix: nil, only: .home, seed: o.seed &+ 12 &+ UInt64(index),
                                                     progress: { _ in })
            windows.append(window.throughput)
            say("recovery: \(fmt(Double(index + 1) * windowSeconds, 0)) s after the flush: \(Int(window.throughput)) home reads/s")
            if window.throughput >= threshold * before.throughput { break }
        }
        report.recovery = RecoveryReport(readsPerSecondBefore: before.throughput, windowSeconds: windowSeconds, windows: windows, threshold: threshold)
    }

    /// Older statuses, as a cluster that has run for a while holds: `count` of them, older than
    /// every status there, written straight to PostgreSQL (no fan-out: the homes are flushed and
    /// rebuilt anyway), by authors picked with a heavy skew (a few post most), so that a reader who
    /// follows quiet accounts has their newest followed statuses spread deep among everyone's.
    func seedHistory(_ count: Int, _ c: PhaseContext) async throws {
        let start = ContinuousClock.now
        try await c.pg.query("""
            WITH bounds AS (SELECT coalesce(min(id), 1::int8 << 62) AS lowest FROM statuses),
                 authors AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts)
            INSERT INTO statuses (id, account_id, text, visibility, created_at)
            SELECT b.lowest - n, a.ids[1 + floor(power(random(), 4) * cardinality(a.ids))::int],
                   'an older status from the recovery run', 'public', now() - make_interval(secs => n / 10.0)
            FROM bounds b, authors a, generate_series(1, \(count)) AS n
            """, logger: logger)
        say("recovery: \(count) older statuses written in \(fmt(secondsOf(ContinuousClock.now - start), 1)) s")
    }
}
