import Foundation

/// Rate limits as Mastodon applies them: a general budget per token (or per address for anonymous
/// requests), and separate, smaller budgets for posting, media, registrations and sign-in
/// attempts. Counted in fixed windows (the window a moment falls in is `now / period`), so every
/// API node counting in Redis agrees on the count and on when it resets.
public struct RateLimitPolicy: Sendable, Equatable {
    /// One budget: `limit` requests per `periodSeconds`.
    public struct Budget: Sendable, Equatable {
        public var limit: Int
        public var periodSeconds: Int

        public init(limit: Int, periodSeconds: Int) {
            self.limit = limit
            self.periodSeconds = periodSeconds
        }
    }

    /// What a budget counts, and who it is counted for.
    public enum Bucket: String, Sendable, CaseIterable {
        /// Every API request of a token (Mastodon: 300 per 5 minutes).
        case api
        /// Every API request without a token, per client address (300 per 5 minutes).
        case anonymous
        /// Posting statuses, per account (300 per 3 hours).
        case statuses
        /// Media uploads, per account (30 per 30 minutes).
        case media
        /// Account registrations, per client address (5 per 30 minutes).
        case registrations
        /// Sign-in attempts (password grant, sign-in form), per client address (25 per 5 minutes).
        case signIn = "sign_in"
    }

    /// nil: no limit for that bucket.
    public var budgets: [Bucket: Budget]

    /// Mastodon's defaults (config/initializers/rack_attack.rb and the API's per-route throttles).
    public static let mastodon = RateLimitPolicy(budgets: [
        .api: Budget(limit: 300, periodSeconds: 300),
        .anonymous: Budget(limit: 300, periodSeconds: 300),
        .statuses: Budget(limit: 300, periodSeconds: 10_800),
        .media: Budget(limit: 30, periodSeconds: 1_800),
        .registrations: Budget(limit: 5, periodSeconds: 1_800),
        .signIn: Budget(limit: 25, periodSeconds: 300),
    ])

    /// No limits at all (the load test).
    public static let off = RateLimitPolicy(budgets: [:])

    public init(budgets: [Bucket: Budget]) {
        self.budgets = budgets
    }

    public var isOff: Bool { budgets.isEmpty }

    /// Parses the operator's setting: `on` (Mastodon's budgets), `off`, or Mastodon's budgets with
    /// overrides, e.g. `api=600/300,statuses=off` (limit/period in seconds).
    public static func parse(_ text: String) throws(DomainError) -> RateLimitPolicy {
        let text = text.trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "", "on", "mastodon": return .mastodon
        case "off", "none": return .off
        default: break
        }
        var policy = RateLimitPolicy.mastodon
        for item in text.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let bucket = Bucket(rawValue: pair[0]) else {
                throw .invalidSetting("STARLING_RATE_LIMITS: unknown budget '\(item.prefix(40))' (expected on, off, or NAME=LIMIT/SECONDS with NAME one of \(Bucket.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if pair[1] == "off" {
                policy.budgets[bucket] = nil
                continue
            }
            let numbers = pair[1].split(separator: "/").compactMap { Int($0) }
            guard numbers.count == 2, numbers[0] >= 1, (1...86_400).contains(numbers[1]) else {
                throw .invalidSetting("STARLING_RATE_LIMITS: '\(item.prefix(40))' must be NAME=LIMIT/SECONDS (seconds 1 to 86400) or NAME=off")
            }
            policy.budgets[bucket] = Budget(limit: numbers[0], periodSeconds: numbers[1])
        }
        return policy
    }

    /// The specific budgets a request spends besides the general one (method and route path).
    /// (Every token request counts as a sign-in attempt: the grant type is in a body not read yet.)
    public static func specificBuckets(method: String, path: String) -> [Bucket] {
        guard method == "POST" else { return [] }
        switch path {
        case "/api/v1/statuses": return [.statuses]
        case "/api/v1/media", "/api/v2/media": return [.media]
        case "/api/v1/accounts", "/auth/sign_up": return [.registrations]  // the web sign-up form too
        case "/auth/sign_in": return [.signIn]
        case "/oauth/token": return [.signIn]
        default: return []
        }
    }

    /// Buckets counted per client address rather than per token or account.
    public static func countsPerAddress(_ bucket: Bucket) -> Bool {
        bucket == .anonymous || bucket == .registrations || bucket == .signIn
    }

    /// The fixed window `epochSeconds` falls in, and when it ends (seconds since the epoch).
    public static func window(_ budget: Budget, at epochSeconds: Int) -> (index: Int, resetsAt: Int) {
        let index = epochSeconds / budget.periodSeconds
        return (index, (index + 1) * budget.periodSeconds)
    }
}
