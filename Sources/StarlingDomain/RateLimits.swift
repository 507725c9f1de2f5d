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

/// The part of shared rate-limit budgets one API node has reserved and not yet spent.
///
/// Why: counting every request in Redis (an `INCR` and an `EXPIRE`, a round trip before the
/// handler runs) cost as much as the rest of a home read. A node instead reserves a few requests at
/// a time (`INCRBY` by `reservationSize`) and spends them locally; it asks Redis again when they are
/// spent. The shared count is then at most what the nodes reserved, so a client may be refused a
/// little early (by what other nodes still hold for it), never let through beyond its budget.
///
/// A reservation is a sixteenth of what the node last knew to be left, 1 to 32 requests: budgets
/// under 32 (sign-in, registrations) are counted one request at a time, exactly as before, and every
/// budget is counted exactly as it runs out. While one reservation is on its way, concurrent
/// requests for the same key reserve one each, so a burst cannot make a node hold more than one
/// reservation's worth of places it may not use.
public struct RateLimitLedger: Sendable {
    /// One budget of one subject (a token digest or a client address) in one fixed window.
    public struct Key: Hashable, Sendable {
        public var bucket: RateLimitPolicy.Bucket
        public var subject: String
        public var window: Int

        public init(bucket: RateLimitPolicy.Bucket, subject: String, window: Int) {
            (self.bucket, self.subject, self.window) = (bucket, subject, window)
        }
    }

    /// Where a request leaves its budget.
    public struct Spent: Equatable, Sendable {
        public var remaining: Int
        public var exceeded: Bool

        public init(remaining: Int, exceeded: Bool) {
            (self.remaining, self.exceeded) = (remaining, exceeded)
        }
    }

    struct Reservation {
        /// Places reserved by this node, within the budget, not yet spent.
        var unused = 0
        /// The highest shared count this node has seen (what it knows was taken, by anyone).
        var sharedCount = 0
        var resetsAt: Int
        var reserving = false

        /// The budget left as this node knows it.
        func remaining(limit: Int) -> Int { max(0, limit - (sharedCount - unused)) }
    }

    private var reservations: [Key: Reservation] = [:]
    /// Bound on remembered keys; past it, ended windows are dropped, then everything (which only
    /// means those subjects reserve again).
    public let capacity: Int

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    public var count: Int { reservations.count }

    /// Spends one reserved request, if this node holds one for `key`; nil when it must reserve.
    public mutating func spend(_ key: Key, limit: Int) -> Spent? {
        guard var reservation = reservations[key], reservation.unused > 0 else { return nil }
        reservation.unused -= 1
        reservations[key] = reservation
        return Spent(remaining: reservation.remaining(limit: limit), exceeded: false)
    }

    /// How many requests to reserve for `key` (then `reserved`, or `abandon` if Redis failed): a
    /// sixteenth of what this node last knew was left, 1 to 32; one while another reservation of the
    /// key is on its way.
    public mutating func beginReservation(_ key: Key, limit: Int, resetsAt: Int, now: Int) -> Int {
        if reservations[key] == nil && reservations.count >= capacity { forgetEndedWindows(now: now) }
        var reservation = reservations[key] ?? Reservation(resetsAt: resetsAt)
        if reservation.reserving { return 1 }
        let size = min(32, max(1, (limit - reservation.sharedCount) / 16))
        if size > 1 {
            reservation.reserving = true
            reservations[key] = reservation
        }
        return size
    }

    /// Records a reservation of `size` requests that brought the shared count to `sharedCount`, and
    /// spends one of its places on this request (none is left when the budget had run out).
    public mutating func reserved(_ key: Key, size: Int, sharedCount: Int, limit: Int, resetsAt: Int) -> Spent {
        var reservation = reservations[key] ?? Reservation(resetsAt: resetsAt)
        if size > 1 { reservation.reserving = false }
        reservation.sharedCount = max(reservation.sharedCount, sharedCount)
        // The places `sharedCount - size + 1 ... sharedCount` are this node's; those past the limit are void.
        let places = max(0, min(sharedCount, limit) - (sharedCount - size))
        guard places > 0 else {
            reservations[key] = reservation
            return Spent(remaining: 0, exceeded: true)
        }
        reservation.unused += places - 1
        reservations[key] = reservation
        return Spent(remaining: reservation.remaining(limit: limit), exceeded: false)
    }

    /// A reservation that failed (Redis unavailable): the next request reserves afresh.
    public mutating func abandon(_ key: Key, size: Int) {
        if size > 1 { reservations[key]?.reserving = false }
    }

    private mutating func forgetEndedWindows(now: Int) {
        reservations = reservations.filter { $0.value.resetsAt > now }
        if reservations.count >= capacity { reservations.removeAll(keepingCapacity: true) }
    }
}
