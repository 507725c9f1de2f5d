import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
@testable import StarlingAPI
import StarlingDomain
import StarlingRedis
import StarlingStore
import StarlingTimelines
@testable import StarlingWorker
import Testing

/// Where the real PostgreSQL and Redis of the test run are: `scripts/test` starts them and sets these.
enum TestEnvironment {
    static let databaseURL = ProcessInfo.processInfo.environment["STARLING_TEST_DATABASE_URL"]
    static let redisShards = ProcessInfo.processInfo.environment["STARLING_TEST_REDIS_SHARDS"]
    static var available: Bool { databaseURL != nil && redisShards != nil }
}

/// A Starling API node and a fan-out worker, built exactly as `starling api` and `starling worker`
/// build them, over the test run's real PostgreSQL and Redis shards.
struct Harness: Sendable {
    let client: any TestClientProtocol
    let services: APIServices
    let worker: FanoutWorker
    let database: Database
    let redis: ShardedRedis
    let appToken: String

    struct Options: Sendable {
        var policy = FanoutPolicy(model: .hybrid, celebrityThreshold: 3, chunkSize: 2, homeLength: 800)
        var inactiveAfterSeconds: Double = 3600
        var maxCharacters = 280
        /// `.live` listens on a real port (for streaming clients); `.router` calls the router directly.
        var live = false
        /// Redis shards to use instead of the test run's (e.g. an unreachable one).
        var redisShards: String?
        var cacheTTL: Duration = .zero
        /// Off: suites make hundreds of requests a second from one token.
        var rateLimits = RateLimitPolicy.off
        /// The server's rules (`STARLING_RULES`).
        var rules: [InstanceRule] = []
    }

    static func with<T: Sendable>(_ options: Options = Options(), _ body: @Sendable (Harness) async throws -> T) async throws -> T {
        let databaseURL = try #require(TestEnvironment.databaseURL, "STARLING_TEST_DATABASE_URL is not set: run ./scripts/test")
        let shards = try #require(TestEnvironment.redisShards, "STARLING_TEST_REDIS_SHARDS is not set: run ./scripts/test")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let pg = PostgresClient(configuration: try Database.configuration(url: databaseURL, maxConnections: 10), backgroundLogger: logger)
        let database = Database(client: pg, logger: logger, keptConnections: 4)
        let redis = ShardedRedis(map: try ShardMap.parse(options.redisShards ?? shards), connectionsPerShard: 4,
                                 timeoutSeconds: options.redisShards == nil ? 2 : 0.5)  // fail fast only against a dead shard
        var settings = APISettings()
        settings.publicURL = "http://starling.test"
        settings.policy = options.policy
        settings.inactiveAfterSeconds = options.inactiveAfterSeconds
        settings.maxCharacters = options.maxCharacters
        settings.rules = options.rules
        settings.bcryptCost = 4
        settings.rateLimits = options.rateLimits
        // Tests act and read back within milliseconds: they check the logic, not the caches' lag.
        settings.tokenCacheTTL = options.cacheTTL
        settings.readCacheTTL = options.cacheTTL
        // Built by the function `starling api` uses; only the HTTP server is left out of the group,
        // since HummingbirdTesting serves the application itself.
        let node = APINode(settings: settings, database: database, redis: redis,
                           ids: try SnowflakeGenerator(node: Int.random(in: 0...1023)),
                           host: "127.0.0.1", port: 0, bcryptThreads: 1, logger: logger)
        let services = node.services
        var workerSettings = WorkerSettings()
        workerSettings.policy = options.policy
        workerSettings.inactiveAfterSeconds = options.inactiveAfterSeconds
        // Built by the function `starling worker` uses. Its services are not run: the API node's group
        // already runs the PostgreSQL client and closes the Redis connections they share, and tests
        // drive the worker by hand (`drainOutbox`, `worker.handle`) so that they decide when fan-out runs.
        let worker = WorkerNode(settings: workerSettings, database: database, redis: redis,
                                host: "127.0.0.1", port: 0, logger: logger).worker
        let group = ServiceGroup(configuration: .init(services: node.serviceConfigurations(includingServer: false), logger: logger))

        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Thrown or not, the group shuts down as in production (in reverse order: hub, rebuilds,
            // bcrypt threads, Redis connections, PostgreSQL); if the body throws, leaving this
            // closure cancels the group, which runs the same shutdowns.
            try await Migrator(database: database).migrate()
            let value = try await node.app.test(options.live ? .live : .router) { client in
                let appToken = try await Self.appToken(client)
                return try await body(Harness(client: client, services: services, worker: worker, database: database,
                                              redis: redis, appToken: appToken))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        }
    }

    private static func appToken(_ client: any TestClientProtocol) async throws -> String {
        let app = try await call(client, .post, "/api/v1/apps", form: ["client_name": "tests", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow"])
        #expect(app.status == .ok)
        let token = try await call(client, .post, "/oauth/token", form: [
            "grant_type": "client_credentials", "client_id": app.string("client_id"), "client_secret": app.string("client_secret"),
        ])
        return token.string("access_token")
    }

    // MARK: HTTP helpers

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let bytes: [UInt8]

        var json: Any? { try? JSONSerialization.jsonObject(with: Data(bytes)) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        func string(_ key: String) -> String { object[key] as? String ?? "" }
        var ids: [String] { array.compactMap { $0["id"] as? String } }
        var error: String? { object["error"] as? String }
        var link: String? { headers[HTTPField.Name("Link")!] }
    }

    static func formEncode(_ form: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
    }

    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String? = nil,
                     form: [String: String]? = nil, rawBody: [UInt8]? = nil, contentType: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: formEncode(form))
        }
        if let rawBody {
            headers[.contentType] = contentType ?? "application/x-www-form-urlencoded"
            body = ByteBuffer(bytes: rawBody)
        }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body)
        return Reply(status: response.status, headers: response.headers, bytes: Array(response.body.readableBytesView))
    }

    func call(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, form: [String: String]? = nil,
              rawBody: [UInt8]? = nil, contentType: String? = nil) async throws -> Reply {
        try await Self.call(client, method, path, token: token, form: form, rawBody: rawBody, contentType: contentType)
    }

    // MARK: Domain helpers

    struct User: Sendable {
        let id: Int64
        let username: String
        let token: String
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    func register(_ prefix: String = "user") async throws -> User {
        let username = Self.uniqueName(prefix)
        let reply = try await call(.post, "/api/v1/accounts", token: appToken, form: [
            "username": username, "email": "\(username)@example.com", "password": "correct horse", "agreement": "true",
        ])
        try #require(reply.status == .ok, "registration failed: \(reply.status) \(String(decoding: reply.bytes, as: UTF8.self))")
        let token = reply.string("access_token")
        let me = try await call(.get, "/api/v1/accounts/verify_credentials", token: token)
        return User(id: try #require(Int64(me.string("id"))), username: username, token: token)
    }

    func follow(_ follower: User, _ followee: User) async throws {
        let reply = try await call(.post, "/api/v1/accounts/\(followee.id)/follow", token: follower.token)
        #expect(reply.status == .ok)
        #expect(reply.object["following"] as? Bool == true)
    }

    func post(_ author: User, _ text: String, inReplyTo: Int64? = nil, visibility: String = "public") async throws -> Int64 {
        var form = ["status": text, "visibility": visibility]
        if let inReplyTo { form["in_reply_to_id"] = String(inReplyTo) }
        let reply = try await call(.post, "/api/v1/statuses", token: author.token, form: form)
        try #require(reply.status == .ok, "post failed: \(reply.status) \(String(decoding: reply.bytes, as: UTF8.self))")
        return try #require(Int64(reply.string("id")))
    }

    func home(_ user: User, _ query: String = "") async throws -> [Int64] {
        let reply = try await call(.get, "/api/v1/timelines/home\(query.isEmpty ? "" : "?" + query)", token: user.token)
        #expect(reply.status == .ok)
        return reply.ids.compactMap { Int64($0) }
    }

    /// The base URL of a `.live` harness.
    var baseURL: String { "http://127.0.0.1:\(client.port ?? 0)" }

    /// Runs the worker until the outbox has nothing available.
    func drain() async {
        await worker.drain()
    }

    /// Runs a worker node's fan-out loops and push sender, as `starling worker` does, for `body`
    /// (woken by posts' Redis tokens and NOTIFY, as in production; `pollInterval` is its fallback).
    func withRunningWorker<T: Sendable>(pollInterval: Duration = .seconds(1), _ body: @Sendable () async throws -> T) async throws -> T {
        var logger = Logger(label: "test-worker")
        logger.logLevel = .warning
        var settings = WorkerSettings()
        settings.pollInterval = pollInterval
        settings.policy = Harness.Options().policy
        settings.inactiveAfterSeconds = 3600
        settings.push.publicURL = "http://starling.test"
        settings.push.subject = "mailto:admin@starling.test"
        settings.push.retryBaseDelay = 0.05  // retries in tens of milliseconds, not seconds
        let node = WorkerNode(settings: settings, database: database, redis: redis, host: "127.0.0.1", port: 0, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: node.worker), .init(service: node.push)], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            let value = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        }
    }

    /// Reads a home timeline until its Redis list is built (the first read serves by pull and queues the rebuild).
    func buildHome(_ user: User) async throws {
        _ = try await home(user)
        for _ in 0..<100 {
            if try await redis.send(key: RedisKeys.homeReady(user.id), RedisCommand("EXISTS", RedisKeys.homeReady(user.id))).int64 == 1 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("home list of \(user.username) was not rebuilt")
    }

    /// The raw Redis home list (without the sentinel).
    func redisHome(_ user: User) async throws -> [Int64] {
        let key = RedisKeys.home(user.id)
        return (try await redis.send(key: key, RedisCommand("LRANGE", key, "0", "-1")).array ?? []).compactMap(\.int64).filter { $0 != 0 }
    }

    func account(_ user: User) async throws -> [String: Any] {
        try await call(.get, "/api/v1/accounts/\(user.id)").object
    }

    /// Outbox rows about these users (as authors, followers or followees).
    func outboxRows(of users: [User]) async throws -> Int {
        let ids = users.map(\.id)
        return try await database.query("test_outbox_rows", """
            SELECT id FROM outbox WHERE account_id = ANY(\(ids)) OR target_id = ANY(\(ids))
            """).collect(Int64.self).count
    }

    func outboxDepth() async throws -> Int64 {
        try await OutboxStore(database: database).depth()
    }
}
