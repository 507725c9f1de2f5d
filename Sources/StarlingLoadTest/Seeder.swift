import Foundation
import Logging
import NIOCore
import PostgresNIO
import StarlingDomain
import StarlingRedis
import StarlingStore

/// The accounts a seeding run created: user `n` of the graph is account `accountIds[n]`, token `token(n)`.
public struct SeededUsers: Sendable {
    public let runId: String
    public let accountIds: [Int64]
    public func token(_ n: Int) -> String { "lt-\(runId)-\(n)" }
    public func username(_ n: Int) -> String { "lt\(runId)_\(n)" }
}

public struct SeedReport: Sendable, Codable {
    public var users: Int
    public var follows: Int
    public var accountsSeconds: Double
    public var followsSeconds: Double
    public var countersSeconds: Double
    public var tokensSeconds: Double
    public var redisSeconds: Double
    public var totalSeconds: Double
    public var followsPerSecond: Double
}

/// Bulk-loads a graph straight into PostgreSQL (COPY) and warms the Redis timelines.
public struct Seeder: Sendable {
    public let databaseURL: String
    public let redisMap: ShardMap
    public let redisMode: RedisMode
    public let listTTLSeconds: Int
    public let logger: Logger

    public init(databaseURL: String, redisMap: ShardMap, redisMode: RedisMode = .shards, listTTLSeconds: Int, logger: Logger) {
        self.redisMode = redisMode
        self.databaseURL = databaseURL
        self.redisMap = redisMap
        self.listTTLSeconds = listTTLSeconds
        self.logger = logger
    }

    /// A 6-character run id (base 36 of the current time in 10 ms units), unique across runs.
    public static func newRunId() -> String {
        let t = UInt64(Date().timeIntervalSince1970 * 100) % 2_176_782_336  // 36^6
        let s = String(t, radix: 36)
        return String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    /// A bcrypt-shaped hash no password matches: these users authenticate by token only.
    static let passwordHash = "$2b$10$" + String(String(repeating: "loadtestLOADTEST", count: 4).prefix(53))

    public func seed(_ graph: SocialGraph, runId: String = Seeder.newRunId(),
                     progress: @escaping @Sendable (String) -> Void) async throws -> (SeededUsers, SeedReport) {
        var configuration = try Database.configuration(url: databaseURL, maxConnections: 4)
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: (SeededUsers, SeedReport)?.self) { group in
            group.addTask { await client.run(); return nil }
            defer { group.cancelAll() }
            let result = try await seed(graph, runId: runId, client: client, progress: progress)
            return result
        }
    }

    func seed(_ graph: SocialGraph, runId: String, client: PostgresClient,
              progress: @escaping @Sendable (String) -> Void) async throws -> (SeededUsers, SeedReport) {
        let start = ContinuousClock.now
        func seconds(since t: ContinuousClock.Instant) -> Double {
            let d = ContinuousClock.now - t
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        let n = graph.userCount
        // Account ids: Snowflake ids on node 1023 (no API node uses it), after every existing id.
        var maxExisting: Int64 = 0
        for try await id in try await client.query("SELECT coalesce(max(id), 0)::int8 FROM accounts", logger: logger).decode(Int64.self) {
            maxExisting = id
        }
        let dayAgo = SnowflakeGenerator.systemMillis() - 86_400_000
        let baseMillis = max(dayAgo, SnowflakeGenerator.millis(of: maxExisting) + 1)
        let ids = (0..<n).map { SnowflakeGenerator.compose(millis: baseMillis + Int64($0 / 4096), node: 1023, sequence: Int64($0 % 4096)) }
        let users = SeededUsers(runId: runId, accountIds: ids)

        // 1. Accounts.
        var t = ContinuousClock.now
        try await client.withConnection { connection in
            try await connection.copyFrom(table: "accounts", columns: ["id", "username", "email", "password_hash"], logger: logger) { writer in
                var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
                for i in 0..<n {
                    let name = users.username(i)
                    buffer.writeString("\(ids[i])\t\(name)\t\(name)@loadtest.invalid\t\(Self.passwordHash)\n")
                    if buffer.readableBytes > (1 << 20) - 512 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        }
        let accountsSeconds = seconds(since: t)
        progress("seed: \(n) accounts in \(fmt(accountsSeconds))s")

        // 2. Follows: two COPY streams at once (PostgreSQL maintains the indexes on both cores).
        t = ContinuousClock.now
        let edges = graph.edgeCount
        let parts = edges >= 100_000 ? 2 : 1
        try await withThrowingTaskGroup(of: Void.self) { group in
            for part in 0..<parts {
                let range = (edges * part / parts)..<(edges * (part + 1) / parts)
                group.addTask {
                    try await client.withConnection { connection in
                        try await connection.copyFrom(table: "follows", columns: ["follower_id", "followee_id"], logger: logger) { writer in
                            var buffer = ByteBufferAllocator().buffer(capacity: 1 << 20)
                            for e in range {
                                buffer.writeString("\(ids[Int(graph.follower[e])])\t\(ids[Int(graph.followee[e])])\n")
                                if buffer.readableBytes > (1 << 20) - 128 {
                                    try await writer.write(buffer)
                                    buffer.clear()
                                }
                            }
                            if buffer.readableBytes > 0 { try await writer.write(buffer) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let followsSeconds = seconds(since: t)
        progress("seed: \(edges) follows in \(fmt(followsSeconds))s (\(Int(Double(edges) / max(followsSeconds, 1e-9))) follows/s)")

        // 3. Counters, in one UPDATE over this run's id range.
        t = ContinuousClock.now
        let lo = ids.first ?? 0, hi = ids.last ?? 0
        try await client.query("""
            UPDATE accounts a SET followers_count = c.followers, following_count = c.following
            FROM (SELECT id, sum(fr)::int8 AS followers, sum(fg)::int8 AS following FROM (
                    SELECT followee_id AS id, 1 AS fr, 0 AS fg FROM follows WHERE followee_id BETWEEN \(lo) AND \(hi)
                    UNION ALL
                    SELECT follower_id, 0, 1 FROM follows WHERE follower_id BETWEEN \(lo) AND \(hi)) x
                  GROUP BY id) c
            WHERE a.id = c.id
            """, logger: logger)
        let countersSeconds = seconds(since: t)

        // 4. One app and one token per user, hashed in SQL as AccountStore stores them.
        t = ContinuousClock.now
        var appId: Int64 = 0
        let clientId = "loadtest-\(runId)"
        for try await id in try await client.query("""
            INSERT INTO oauth_apps (name, redirect_uri, scopes, client_id, client_secret_hash)
            VALUES (\(clientId), 'urn:ietf:wg:oauth:2.0:oob', 'read write follow', \(clientId), sha256(convert_to(\(clientId), 'UTF8')))
            RETURNING id
            """, logger: logger).decode(Int64.self) {
            appId = id
        }
        let prefix = "lt\(runId)_"
        let tokenPrefix = "lt-\(runId)-"
        try await client.query("""
            INSERT INTO access_tokens (token_hash, app_id, account_id, scopes)
            SELECT sha256(convert_to(\(tokenPrefix) || substr(username, \(Int32(prefix.count + 1))), 'UTF8')), \(appId), id, 'read write follow'
            FROM accounts WHERE id BETWEEN \(lo) AND \(hi) AND username LIKE \(prefix + "%")
            """, logger: logger)
        try await client.query("ANALYZE accounts", logger: logger)
        try await client.query("ANALYZE follows", logger: logger)
        let tokensSeconds = seconds(since: t)
        progress("seed: counters \(fmt(countersSeconds))s, tokens + analyze \(fmt(tokensSeconds))s")

        // 5. Warm the timelines: every home (and authored) list built and empty, as a rebuild leaves it.
        t = ContinuousClock.now
        try await warmTimelines(ids)
        let redisSeconds = seconds(since: t)
        let total = seconds(since: start)
        progress("seed: \(n) home timelines warmed in \(fmt(redisSeconds))s; total \(fmt(total))s")
        let report = SeedReport(users: n, follows: edges, accountsSeconds: accountsSeconds, followsSeconds: followsSeconds,
                                countersSeconds: countersSeconds, tokensSeconds: tokensSeconds, redisSeconds: redisSeconds,
                                totalSeconds: total, followsPerSecond: Double(edges) / max(total, 1e-9))
        return (users, report)
    }

    /// `RPUSH list 0` (the sentinel), `EXPIRE`, `SET ok-marker 1 EX ttl` for each user's home and authored
    /// lists: pipelined, grouped by shard, all shards at once.
    func warmTimelines(_ ids: [Int64]) async throws {
        let redis = ShardedRedis(map: redisMap, mode: redisMode, connectionsPerShard: 2, timeoutSeconds: 30)
        do {
            try await redis.refreshTopology()  // cluster mode: learn which master owns which slot
            try await warm(ids, map: redis.map, redis: redis)
        } catch {
            try? await redis.shutdown()
            throw error
        }
        try? await redis.shutdown()
    }

    func warm(_ ids: [Int64], map: ShardMap, redis: ShardedRedis) async throws {
        let ttl = String(listTTLSeconds)
        let batch = 5_000
        var index = 0
        while index < ids.count {
            var pipeline = RedisBatch(map: map)
            for id in ids[index..<min(ids.count, index + batch)] {
                let shard = pipeline.shard(forKey: RedisKeys.home(id))  // every key of a user shares its slot
                for (list, ok) in [(RedisKeys.home(id), RedisKeys.homeReady(id)), (RedisKeys.authored(id), RedisKeys.authoredReady(id))] {
                    for command in [RedisCommand("DEL", list), RedisCommand("RPUSH", list, "0"), RedisCommand("EXPIRE", list, ttl),
                                    RedisCommand("SET", ok, "1", "EX", ttl)] {
                        pipeline.add(command, shard: shard)
                    }
                }
            }
            _ = try await redis.send(pipeline).throwingFirstError()
            index += batch
        }
    }
}

func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
