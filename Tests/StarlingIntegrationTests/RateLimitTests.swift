import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import StarlingAPI
import StarlingDomain
import StarlingRedis
import Testing

/// Budgets counted in Redis: per token, per address, per route; 429 with Mastodon's headers.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct RateLimitTests {
    /// The harness itself registers an app and takes a token from 127.0.0.1 (anonymous and
    /// sign-in budgets): start from zero so earlier runs in the same window cannot exhaust them.
    static func clearLoopbackCounts() async throws {
        let map = try ShardMap.parse(try #require(TestEnvironment.redisShards))
        let redis = ShardedRedis(map: map, connectionsPerShard: 1)
        defer { Task { try? await redis.shutdown() } }
        let found = try await redis.pipelines(Dictionary(uniqueKeysWithValues: map.shards.indices.map {
            ($0, [RedisCommand("KEYS", "rl:*:127.0.0.1:*")]) }))
        var deletes: [Int: [RedisCommand]] = [:]
        for (shard, replies) in found {
            guard case .array(let keys)? = replies.first else { continue }
            for key in keys { if let key = key.string { deletes[shard, default: []].append(RedisCommand("DEL", key)) } }
        }
        if !deletes.isEmpty { _ = try await redis.pipelines(deletes) }
    }

    static func options() async throws -> Harness.Options {
        try await clearLoopbackCounts()
        var options = Harness.Options()
        options.live = true  // a real peer address (127.0.0.1, trusted as the proxy: X-Forwarded-For names the client)
        options.rateLimits = try RateLimitPolicy.parse("api=6/600,anonymous=4/600,statuses=2/600,registrations=2/600,sign_in=3/600")
        return options
    }

    /// A unique client address per test run, so counts from earlier runs never interfere.
    static func address() -> String { "10.\(Int.random(in: 0...255)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))" }

    static func call(_ harness: Harness, _ method: HTTPRequest.Method, _ path: String, token: String? = nil, from address: String,
                     form: String? = nil) async throws -> Harness.Reply {
        var headers: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: address]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await harness.client.executeRequest(uri: path, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) })
        return Harness.Reply(status: response.status, headers: response.headers, bytes: Array(response.body.readableBytesView))
    }

    /// Registers from its own address (the harness's helper would spend 127.0.0.1's registration budget).
    static func register(_ harness: Harness) async throws -> (token: String, address: String) {
        let address = Self.address(), name = Harness.uniqueName("limited")
        let reply = try await call(harness, .post, "/api/v1/accounts", token: harness.appToken, from: address,
                                   form: Harness.formEncode(["username": name, "email": "\(name)@example.com", "password": "correct horse", "agreement": "true"]))
        try #require(reply.status == .ok, "\(reply.status)")
        return (reply.string("access_token"), address)
    }

    @Test func aTokensBudgetRunsOutWithMastodonsHeaders() async throws {
        try await Harness.with(try await Self.options()) { harness in
            let (token, address) = try await Self.register(harness)
            let user = (token: token, ())
            var remaining: [String] = []
            for _ in 0..<6 {
                let reply = try await Self.call(harness, .get, "/api/v1/timelines/home", token: user.token, from: address)
                #expect(reply.status == .ok)
                #expect(reply.headers[RateLimitMiddleware.limitHeader] == "6")
                #expect(reply.headers[RateLimitMiddleware.resetHeader]?.hasSuffix("Z") == true)
                remaining.append(reply.headers[RateLimitMiddleware.remainingHeader] ?? "")
            }
            #expect(remaining == ["5", "4", "3", "2", "1", "0"], "\(remaining)")
            let refused = try await Self.call(harness, .get, "/api/v1/timelines/home", token: user.token, from: address)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.error == "Too many requests")
            #expect(refused.headers[RateLimitMiddleware.remainingHeader] == "0")
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 > 0)
            // Another person's token has its own budget; health checks are never limited.
            let other = try await Self.register(harness)
            #expect(try await Self.call(harness, .get, "/api/v1/timelines/home", token: other.token, from: address).status == .ok)
            #expect(try await Self.call(harness, .get, "/health", from: address).status == .ok)
        }
    }

    @Test func postingAndAnonymousAndRegistrationBudgets() async throws {
        try await Harness.with(try await Self.options()) { harness in
            let (token, address) = try await Self.register(harness)
            let user = (token: token, ())
            for text in ["one", "two"] {
                #expect(try await Self.call(harness, .post, "/api/v1/statuses", token: user.token, from: address, form: "status=\(text)").status == .ok)
            }
            let third = try await Self.call(harness, .post, "/api/v1/statuses", token: user.token, from: address, form: "status=three")
            #expect(third.status == .tooManyRequests)
            #expect(third.headers[RateLimitMiddleware.limitHeader] == "2", "the posting budget is the one reported")
            #expect(try await Self.call(harness, .get, "/api/v1/timelines/home", token: user.token, from: address).status == .ok,
                    "reading still has budget")

            // Anonymous requests count per address.
            let anonymous = Self.address()
            for _ in 0..<4 { #expect(try await Self.call(harness, .get, "/api/v1/timelines/public", from: anonymous).status == .ok) }
            #expect(try await Self.call(harness, .get, "/api/v1/timelines/public", from: anonymous).status == .tooManyRequests)
            #expect(try await Self.call(harness, .get, "/api/v1/timelines/public", from: Self.address()).status == .ok)

            // Registrations count per address, whatever the app token.
            let registering = Self.address()
            func register() async throws -> HTTPResponse.Status {
                let name = Harness.uniqueName("reg")
                return try await Self.call(harness, .post, "/api/v1/accounts", token: harness.appToken, from: registering,
                                           form: Harness.formEncode(["username": name, "email": "\(name)@example.com", "password": "correct horse", "agreement": "true"])).status
            }
            #expect(try await register() == .ok)
            #expect(try await register() == .ok)
            #expect(try await register() == .tooManyRequests)
            #expect(try await Self.register(harness).token.isEmpty == false, "another address may still register")
        }
    }

    /// A budget of 300: the node reserves a sixteenth of it in Redis (`RateLimitLedger`) and counts
    /// the requests it lets through from there, one less remaining per request, as before.
    @Test func aLargeBudgetIsReservedInRedisInParts() async throws {
        var options = try await Self.options()
        options.rateLimits = try RateLimitPolicy.parse("api=300/86400")
        try await Harness.with(options) { harness in
            let (token, address) = try await Self.register(harness)
            var remaining: [String] = []
            for _ in 0..<10 {
                let reply = try await Self.call(harness, .get, "/api/v1/timelines/home", token: token, from: address)
                #expect(reply.status == .ok)
                remaining.append(reply.headers[RateLimitMiddleware.remainingHeader] ?? "")
            }
            #expect(remaining == (290..<300).reversed().map(String.init), "\(remaining)")
            let window = RateLimitPolicy.window(RateLimitPolicy.Budget(limit: 300, periodSeconds: 86_400), at: Int(Date().timeIntervalSince1970))
            let counter = RedisKeys.rateLimit("api", subject: TokenDigest(token: token).hex, window: window.index)
            let redis = ShardedRedis(map: try ShardMap.parse(try #require(TestEnvironment.redisShards)), connectionsPerShard: 1)
            defer { Task { try? await redis.shutdown() } }
            #expect(try await redis.send(key: counter, RedisCommand("GET", counter)).string == "18",
                    "one reservation of 18 places for ten requests")
        }
    }
}
