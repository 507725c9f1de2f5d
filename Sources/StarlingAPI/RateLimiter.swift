import Foundation
import HTTPTypes
import Hummingbird
import Logging
import StarlingDomain
import StarlingRedis
import Synchronization

/// Counts every API request against its budgets (`RateLimitPolicy`) in Redis, so every API node
/// shares the counts (each node reserves a few requests at a time: `RateLimitLedger`): the general
/// budget per token (its digest, never the token) or, without a token, per client address; plus
/// the route's own budget (posting, media, registrations, sign-in). Over budget: 429 in Mastodon's
/// format. Every counted answer carries Mastodon's `X-RateLimit-Limit`, `X-RateLimit-Remaining`
/// and `X-RateLimit-Reset` for the budget closest to running out. A Redis failure lets the request
/// through (logged): limits must not turn a shard outage into a full one.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = StarlingRequestContext
    let policy: RateLimitPolicy
    let redis: ShardedRedis
    let logger: Logger
    let ledger = SharedRateLimitLedger()

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

    /// Counts the request in each budget: from this node's reserved places (`RateLimitLedger`), and
    /// where it holds none, by reserving more in Redis (one round trip per shard involved); nil if
    /// nothing was counted, or Redis failed for a budget this node held no places of.
    func count(_ counted: [(RateLimitPolicy.Bucket, String)]) async -> Verdict? {
        let now = Int(Date().timeIntervalSince1970)
        var verdict: Verdict?
        var reserving: [(key: RateLimitLedger.Key, budget: RateLimitPolicy.Budget, resetsAt: Int, size: Int)] = []
        ledger.withLock { ledger in
            for (bucket, subject) in counted {
                guard let budget = policy.budgets[bucket] else { continue }
                let window = RateLimitPolicy.window(budget, at: now)
                let key = RateLimitLedger.Key(bucket: bucket, subject: subject, window: window.index)
                if let spent = ledger.spend(key, limit: budget.limit) {
                    Self.fold(spent, limit: budget.limit, resetsAt: window.resetsAt, into: &verdict)
                } else {
                    let size = ledger.beginReservation(key, limit: budget.limit, resetsAt: window.resetsAt, now: now)
                    reserving.append((key, budget, window.resetsAt, size))
                }
            }
        }
        guard !reserving.isEmpty else { return verdict }
        var batch = redis.batch()
        var tickets: [RedisBatch.Ticket] = []
        for reservation in reserving {
            let counter = RedisKeys.rateLimit(reservation.key.bucket.rawValue, subject: reservation.key.subject, window: reservation.key.window)
            tickets.append(batch.add(RedisCommand("INCRBY", counter, String(reservation.size)), routedBy: counter))
            _ = batch.add(RedisCommand("EXPIRE", counter, String(reservation.budget.periodSeconds + 1)), routedBy: counter)
        }
        do {
            let replies = try await redis.send(batch).throwingFirstError()
            ledger.withLock { ledger in
                for (reservation, ticket) in zip(reserving, tickets) {
                    guard case .integer(let shared) = replies[ticket] else {
                        ledger.abandon(reservation.key, size: reservation.size)
                        continue
                    }
                    let spent = ledger.reserved(reservation.key, size: reservation.size, sharedCount: Int(shared),
                                                limit: reservation.budget.limit, resetsAt: reservation.resetsAt)
                    Self.fold(spent, limit: reservation.budget.limit, resetsAt: reservation.resetsAt, into: &verdict)
                }
            }
            return verdict
        } catch {
            ledger.withLock { ledger in
                for reservation in reserving { ledger.abandon(reservation.key, size: reservation.size) }
            }
            logger.warning("rate limits unavailable; request let through", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Keeps the budget closest to running out (an exceeded one first).
    static func fold(_ spent: RateLimitLedger.Spent, limit: Int, resetsAt: Int, into verdict: inout Verdict?) {
        if let current = verdict, !spent.exceeded || current.exceeded, spent.remaining >= current.remaining { return }
        verdict = Verdict(limit: limit, remaining: spent.remaining, resetsAt: resetsAt, exceeded: spent.exceeded)
    }
}

/// This node's `RateLimitLedger`, shared by its requests.
final class SharedRateLimitLedger: Sendable {
    private let ledger = Mutex(RateLimitLedger())

    func withLock(_ body: (inout RateLimitLedger) -> Void) {
        ledger.withLock { body(&$0) }
    }
}
