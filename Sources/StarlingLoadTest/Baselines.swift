import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import PostgresNIO
import StarlingDomain
import StarlingStore

/// The machine's own limits, measured right before the system under test.
public enum Baselines {
    /// Runs a program, returns its exit status and its standard output and error together (nil if it
    /// cannot start). Spawned with posix_spawn, an empty signal mask and default handlers: the Swift
    /// runtime's threads block signals, and a child inheriting that mask would never see pgbench's own
    /// SIGALRM (its `-T` timer) or a SIGTERM.
    static func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) -> (Int32, String)? {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("starling-loadtest-\(UInt32.random(in: 0...UInt32.max)).out").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, &attributes, argv, envp) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/lib/postgresql/15/bin"]
        for dir in dirs {
            let candidate = dir + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The LPUSH baseline: `redis-benchmark -P 64 -t lpush -n 200000` (50 clients, its default).
    public static let lpushPipeline = 64
    public static let lpushRequests = 200_000
    public static let lpushClients = 50

    /// `redis-benchmark -P 64 -t lpush`: raw pipelined LPUSH requests per second on one shard
    /// (`pipeline: 1`: one command per round trip, `clients` connections).
    public static func redisLPush(host: String, port: Int, requests: Int, pipeline: Int = lpushPipeline,
                                  clients: Int = lpushClients) async throws -> Double {
        guard let tool = which("redis-benchmark") else { throw LoadTestError.failed("redis-benchmark not found (Debian package redis-tools)") }
        let output: (Int32, String)? = await blocking {
            run(tool, ["-h", host, "-p", String(port), "-P", String(pipeline), "-c", String(clients), "-t", "lpush",
                       "-n", String(requests), "-q"])
        }
        guard let (status, text) = output, status == 0 else { throw LoadTestError.failed("redis-benchmark failed: \(output?.1 ?? "")") }
        // "LPUSH: 1234567.89 requests per second, p50=…" (the last line, after \r progress updates)
        let lines = text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("LPUSH:") }
        guard let line = lines.last, let value = line.dropFirst(6).split(separator: " ").first.flatMap({ Double($0) }) else {
            throw LoadTestError.failed("redis-benchmark: no LPUSH figure in \(text.suffix(200))")
        }
        return value
    }

    /// pgbench running the same statements as a post's transaction (INSERT status, UPDATE the author's
    /// counters, INSERT the outbox row) on shadow copies of the tables, so the workers do not fan the
    /// rows out. Returns transactions per second. Without a NOTIFY, as a post's transaction since
    /// migration 18 (`OutboxWake`): a notifying commit holds a database-wide lock through its WAL
    /// flush, and the baseline with one measured that lock, not what PostgreSQL can do.
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
            INSERT INTO lt_pgb_statuses (id, account_id, text, spoiler_text, sensitive, visibility, language, in_reply_to_id, in_reply_to_account_id, created_at) VALUES (:sid, :aid, 'pgbench baseline status text of a typical length', '', false, '\(Visibility.public.rawValue)', NULL, NULL, NULL, now());
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
        // The function went with the NOTIFY; a database a baseline once ran on may still hold it.
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
        let startWall = Date().timeIntervalSince1970
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
        // The end is the workers' last delivery (their gauge, in wall-clock seconds on this machine);
        // a scrape every 50 ms put it up to 50 ms late in a burst of a few hundred. Workers without
        // the gauge: when a scrape last saw the count change.
        let lastDelivery = await scraper.scrape().max("starling_fanout_last_delivery_timestamp_seconds")
        let seconds = lastDelivery > startWall ? lastDelivery - startWall : secondsOf(lastChange - start)
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
