import Foundation
import Logging
import PostgresNIO
import StarlingDomain
import StarlingStore

/// The machine's own limits, measured right before the system under test.
public enum Baselines {
    /// Runs a program, returns its standard output and error together (nil if it cannot start).
    static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) -> (Int32, String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/lib/postgresql/15/bin"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// `redis-benchmark -P 64 -t lpush`: raw pipelined LPUSH requests per second on one shard.
    public static func redisLPush(host: String, port: Int, requests: Int) async throws -> Double {
        guard let tool = which("redis-benchmark") else { throw LoadTestError.failed("redis-benchmark not found (Debian package redis-tools)") }
        let output: (Int32, String)? = await blocking {
            run(tool, ["-h", host, "-p", String(port), "-P", "64", "-t", "lpush", "-n", String(requests), "-q"])
        }
        guard let (status, text) = output, status == 0 else { throw LoadTestError.failed("redis-benchmark failed: \(output?.1 ?? "")") }
        // "LPUSH: 1234567.89 requests per second, p50=…" (the last line, after \r progress updates)
        let lines = text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).filter { $0.hasPrefix("LPUSH:") }
        guard let line = lines.last, let value = line.dropFirst(6).split(separator: " ").first.flatMap({ Double($0) }) else {
            throw LoadTestError.failed("redis-benchmark: no LPUSH figure in \(text.suffix(200))")
        }
        return value
    }

    /// pgbench running the same statements as a post's transaction (INSERT status, UPDATE the author's
    /// counters, INSERT the outbox row with its NOTIFY trigger) on shadow copies of the tables, so the
    /// workers do not fan the rows out. Returns transactions per second.
    public static func pgbench(databaseURL: String, client: PostgresClient, logger: Logger, users: SeededUsers,
                               clients: Int, seconds: Int) async throws -> Double {
        guard let tool = which("pgbench") else { throw LoadTestError.failed("pgbench not found (Debian package postgresql-contrib)") }
        guard let url = URLComponents(string: databaseURL), let host = url.host else { throw LoadTestError.invalid("bad database URL") }
        let lo = users.accountIds.first ?? 0, hi = users.accountIds.last ?? 0
        for statement in [
            "DROP TABLE IF EXISTS lt_pgb_statuses, lt_pgb_outbox, lt_pgb_accounts",
            "CREATE TABLE lt_pgb_accounts (LIKE accounts INCLUDING ALL)",
            "INSERT INTO lt_pgb_accounts SELECT * FROM accounts WHERE id BETWEEN \(lo) AND \(hi)",
            "CREATE TABLE lt_pgb_statuses (LIKE statuses INCLUDING ALL)",
            "ALTER TABLE lt_pgb_statuses ADD FOREIGN KEY (account_id) REFERENCES lt_pgb_accounts (id) ON DELETE CASCADE",
            "CREATE TABLE lt_pgb_outbox (LIKE outbox INCLUDING ALL)",
            "CREATE OR REPLACE FUNCTION lt_pgb_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('lt_pgbench', ''); RETURN NULL; END $$",
            "CREATE TRIGGER lt_pgb_outbox_inserted AFTER INSERT ON lt_pgb_outbox FOR EACH STATEMENT EXECUTE FUNCTION lt_pgb_notify()",
            "ANALYZE lt_pgb_accounts",
        ] {
            try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        let base = users.accountIds[0]
        let script = """
            \\set n random(0, \(users.accountIds.count - 1))
            \\set aid \(base) + (:n / 4096) * 4194304 + :n % 4096
            \\set sid random(1, 9000000000000000000)
            BEGIN;
            INSERT INTO lt_pgb_statuses (id, account_id, text, spoiler_text, sensitive, visibility, language, in_reply_to_id, in_reply_to_account_id, created_at) VALUES (:sid, :aid, 'pgbench baseline status text of a typical length', '', false, 'public', NULL, NULL, NULL, now());
            UPDATE lt_pgb_accounts SET statuses_count = statuses_count + 1, last_status_at = now(), last_active_at = now() WHERE id = :aid;
            INSERT INTO lt_pgb_outbox (kind, status_id, account_id) VALUES ('post', :sid, :aid);
            COMMIT;

            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("starling-pgbench-\(users.runId).sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var env: [String: String] = [:]
        if let password = url.password { env["PGPASSWORD"] = password }
        let database = String(url.path.drop(while: { $0 == "/" }))
        let args = ["-n", "-c", String(clients), "-j", "2", "-T", String(seconds), "-f", file.path,
                    "-h", host, "-p", String(url.port ?? 5432), "-U", url.user ?? "postgres", database.isEmpty ? "postgres" : database]
        let environment = env
        let output: (Int32, String)? = await blocking { run(tool, args, environment: environment) }
        for statement in ["DROP TABLE IF EXISTS lt_pgb_statuses, lt_pgb_outbox, lt_pgb_accounts", "DROP FUNCTION IF EXISTS lt_pgb_notify()"] {
            _ = try? await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        guard let (status, text) = output, status == 0 else { throw LoadTestError.failed("pgbench failed: \(output?.1.suffix(400) ?? "")") }
        // "tps = 1234.567890 (without initial connection time)"
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
              let tps = line.dropFirst(6).split(separator: " ").first.flatMap({ Double($0) }) else {
            throw LoadTestError.failed("pgbench: no tps in \(text.suffix(300))")
        }
        return tps
    }

    /// Fan-out throughput on its own: queue `posts` statuses by `author` straight into PostgreSQL
    /// (statuses + outbox rows in one transaction, as the API commits them), then watch the workers'
    /// `starling_fanout_deliveries_total` until the backlog is delivered.
    public static func fanoutBurst(client: PostgresClient, logger: Logger, scraper: MetricsScraper, authors: [Int64],
                                   posts: Int, expectedDeliveries: Int) async throws -> FanoutBurstResult {
        let before = await scraper.scrape().sum("starling_fanout_deliveries_total")
        let nowMillis = SnowflakeGenerator.systemMillis()
        var ids: [Int64] = []
        var owners: [Int64] = []
        for i in 0..<posts {
            ids.append(SnowflakeGenerator.compose(millis: nowMillis + Int64(i / 4096), node: 1022, sequence: Int64(i % 4096)))
            owners.append(authors[i % authors.count])
        }
        let start = ContinuousClock.now
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            try await connection.query("""
                INSERT INTO statuses (id, account_id, text, created_at)
                SELECT id, account_id, 'fan-out baseline', now() FROM unnest(\(ids)::int8[], \(owners)::int8[]) AS t(id, account_id)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO outbox (kind, status_id, account_id)
                SELECT 'post', id, account_id FROM unnest(\(ids)::int8[], \(owners)::int8[]) AS t(id, account_id)
                """, logger: logger)
            try await connection.query("COMMIT", logger: logger)
        }
        var last = before
        var lastChange = start
        let cap = ContinuousClock.Instant.now + .seconds(60)
        while ContinuousClock.now < cap {
            try await Task.sleep(for: .milliseconds(50))
            let value = await scraper.scrape().sum("starling_fanout_deliveries_total")
            if value != last {
                last = value
                lastChange = .now
            }
            if Int(last - before) >= expectedDeliveries { break }
            if ContinuousClock.now - lastChange > .seconds(3) && last > before { break }
        }
        let delivered = last - before
        let seconds = secondsOf(lastChange - start)
        return FanoutBurstResult(posts: posts, expectedDeliveries: expectedDeliveries, deliveries: delivered,
                                 seconds: seconds, deliveriesPerSecond: delivered / max(seconds, 1e-9))
    }

    static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}

public struct FanoutBurstResult: Codable, Sendable {
    public var posts: Int
    public var expectedDeliveries: Int
    public var deliveries: Double
    public var seconds: Double
    public var deliveriesPerSecond: Double
}
