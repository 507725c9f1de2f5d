import Foundation
import HTTPTypes
import Hummingbird
import Logging
import StarlingDomain
import StarlingRedis

/// Counts every API request against its budgets (`RateLimitPolicy`) in Redis, so every API node
/// shares the counts: the general budget per token (its digest, never the token) or, without a
/// token, per client address; plus the route's own budget (posting, media, registrations,
/// sign-in). Over budget: 429 in Mastodon's format. Every counted answer carries Mastodon's
/// `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` for the budget closest to
/// running out. A Redis failure lets the request through (logged): limits must not turn a shard
/// outage into a full one.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = StarlingRequestContext
    let policy: RateLimitPolicy
    let redis: ShardedRedis
    let logger: Logger

    static let limitHeader = HTTPField.Name("X-RateLimit-Limit")!
    static let remainingHeader = HTTPField.Name("X-RateLimit-Remaining")!
    static let resetHeader = HTTPField.Name("X-RateLimit-Reset")!

    /// Only the API, OAuth and sign-in paths are limited (not health, metrics or static assets).
    static func isLimited(_ path: String) -> Bool {
        path.hasPrefix("/api/") || path.hasPrefix("/oauth/") || path.hasPrefix("/auth/")
    }

    /// The state of the budget closest to running out after this request.
    struct Verdict {
        var limit: Int
        var remaining: Int
        var resetsAt: Int
        var exceeded: Bool
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !policy.isOff, Self.isLimited(path) else { return try await next(request, context) }
        let token = BearerToken.find(authorization: request.headers[.authorization], accessToken: nil)
        let address = WebAuth.clientAddress(request, peer: context.peerAddress)
        var counted: [(RateLimitPolicy.Bucket, String)] = []
        if let token {
            counted.append((.api, TokenDigest(token: token).hex))
        } else if let address {
            counted.append((.anonymous, address))
        }
        for bucket in RateLimitPolicy.specificBuckets(method: request.method.rawValue, path: path) {
            if RateLimitPolicy.countsPerAddress(bucket) {
                if let address { counted.append((bucket, address)) }
            } else if let token {
                counted.append((bucket, TokenDigest(token: token).hex))
            }
        }
        guard let verdict = await count(counted) else { return try await next(request, context) }
        let headers: HTTPFields = [
            Self.limitHeader: String(verdict.limit),
            Self.remainingHeader: String(verdict.remaining),
            Self.resetHeader: JSONDate.timestamp(Date(timeIntervalSince1970: Double(verdict.resetsAt))),
        ]
        if verdict.exceeded {
            var limited = headers
            limited[.retryAfter] = String(max(1, verdict.resetsAt - Int(Date().timeIntervalSince1970)))
            throw MastodonError(.tooManyRequests, "Too many requests", headers: limited)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as MastodonError {
            var error = error
            for field in headers where error.headers[field.name] == nil { error.headers.append(field) }
            throw error
        }
        for field in headers where response.headers[field.name] == nil { response.headers.append(field) }
        return response
    }

    /// Counts the request in each budget (one Redis round trip per shard involved); nil if nothing
    /// was counted or Redis failed.
    func count(_ counted: [(RateLimitPolicy.Bucket, String)]) async -> Verdict? {
        let now = Int(Date().timeIntervalSince1970)
        var batch = redis.batch()
        var tickets: [(RateLimitPolicy.Budget, Int, RedisBatch.Ticket)] = []
        for (bucket, subject) in counted {
            guard let budget = policy.budgets[bucket] else { continue }
            let window = RateLimitPolicy.window(budget, at: now)
            let key = RedisKeys.rateLimit(bucket.rawValue, subject: subject, window: window.index)
            let ticket = batch.add(RedisCommand("INCR", key), routedBy: key)
            _ = batch.add(RedisCommand("EXPIRE", key, String(budget.periodSeconds + 1)), routedBy: key)
            tickets.append((budget, window.resetsAt, ticket))
        }
        guard !tickets.isEmpty else { return nil }
        do {
            let replies = try await redis.send(batch).throwingFirstError()
            var verdict: Verdict?
            for (budget, resetsAt, ticket) in tickets {
                guard case .integer(let used) = replies[ticket] else { continue }
                let remaining = max(0, budget.limit - Int(used))
                let exceeded = Int(used) > budget.limit
                if let current = verdict, !exceeded || current.exceeded, remaining >= current.remaining { continue }
                verdict = Verdict(limit: budget.limit, remaining: remaining, resetsAt: resetsAt, exceeded: exceeded)
            }
            return verdict
        } catch {
            logger.warning("rate limits unavailable; request let through", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
