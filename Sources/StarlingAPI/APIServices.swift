import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import StarlingDomain
import StarlingPush
import StarlingRedis
import StarlingStore
import StarlingTimelines

/// API settings; every field has the default the `api` command documents.
public struct APISettings: Sendable {
    /// The URL clients reach this service at (the load balancer), without a trailing slash.
    public var publicURL: String = "http://127.0.0.1:8080"
    /// The status character limit, counted as Mastodon counts.
    public var maxCharacters: Int = 280
    /// What polls may be (`STARLING_POLL_MAX_OPTIONS`, …), as `configuration.polls` publishes it.
    public var polls = PollLimits()
    public var policy = FanoutPolicy()
    /// Users idle longer than this got no fan-out; their home list is rebuilt when they return.
    public var inactiveAfterSeconds: Double = 7 * 24 * 3600
    /// bcrypt cost for new passwords.
    public var bcryptCost: UInt8 = 10
    public var title = "Starling"
    /// How long a node trusts a token owner it looked up (it asks PostgreSQL again after that,
    /// which also keeps `last_active_at` current).
    public var tokenCacheTTL: Duration = .seconds(300)
    /// The longest a node keeps account rows and users' pulled-author lists. Changes reach every
    /// node's cache at once through pub/sub invalidation; this only bounds what a lost message costs.
    public var readCacheTTL: Duration = .seconds(300)
    /// Web Push: the VAPID key and which subscription endpoints are accepted.
    public var push = PushSettings()
    /// The server's rules (`STARLING_RULES`), as the instance endpoints list them.
    public var rules: [InstanceRule] = []
    /// The address the instance entities give for contacting the operator (`STARLING_CONTACT_EMAIL`).
    public var contactEmail: String = ""
    /// Request budgets, counted in Redis (`RateLimitMiddleware`); Mastodon's by default.
    public var rateLimits = RateLimitPolicy.mastodon
    /// How failed sign-ins (password grant and the sign-in page) are slowed.
    public var signInThrottle = SignInThrottle()

    public init() {}
}

/// Everything a request handler uses, built once per process.
public struct APIServices: Sendable {
    public let settings: APISettings
    public let database: Database
    public let redis: ShardedRedis
    public let cache: TimelineCache
    public let ids: SnowflakeGenerator
    public let rebuilds: RebuildQueue
    /// Counters and viewers' favourites/reblogs in Redis (home reads skip PostgreSQL for them).
    public let interactionCache: InteractionCache
    let accounts: AccountStore
    let follows: FollowStore
    let statuses: StatusStore
    let interactions: InteractionStore
    let notifications: NotificationStore
    let oauth: OAuthStore
    let signInGuard: SignInGuard
    let trends: TrendStore
    let renderer: Renderer
    let textRules: StatusTextRules
    /// Token owners, so a request costs no PostgreSQL round trip for its token.
    let tokenOwners: ExpiringCache<TokenDigest, TokenOwner>
    /// Accounts a home read merges at read time, per user (invalidated on follows, on every node).
    let pulledAuthors: ExpiringCache<Int64, [Int64]>
    /// Users' lists with their members, for list timeline reads (ListRoutes.swift); dropped with `pulledAuthors`.
    let ownerLists: ExpiringCache<Int64, OwnerLists>
    /// Accounts as embedded in statuses (invalidated on every node when a row changes).
    let accountRows: ExpiringCache<Int64, AccountRow>
    /// Lower-cased username → account id, for lookups by name (accounts are never renamed or
    /// deleted, so an entry never goes stale).
    let accountIdsByUsername = ExpiringCache<String, Int64>(ttl: .seconds(300), capacity: 50_000)
    /// Blocks, mutes and follow requests (RelationshipRoutes.swift).
    let relationStore: RelationshipStore
    /// Each viewer's blocks (both ways) and mutes, for every read path: a home read in steady state
    /// asks no PostgreSQL for them (invalidated on every node when either side blocks or mutes).
    let blocksAndMutes: ExpiringCache<Int64, BlocksAndMutes>
    /// Each viewer's filters (v2), for every timeline read; invalidated on every node when they change (DirectFilterRoutes.swift).
    let contentFilters: ExpiringCache<Int64, [ContentFilter]>
    /// bcrypt is slow by design: it runs here, never on the Swift concurrency pool or an event loop.
    let bcryptThreads: NIOThreadPool
    /// The server's VAPID key, loaded on first use (PushRoutes.swift).
    let vapid = VAPIDKeyCache()
    /// The instance figures (usage, activity), computed from PostgreSQL at most once per TTL.
    let instanceFigures = InstanceFigures()

    public init(settings: APISettings, database: Database, redis: ShardedRedis, cache: TimelineCache,
                ids: SnowflakeGenerator, rebuilds: RebuildQueue, bcryptThreads: NIOThreadPool) {
        self.settings = settings
        self.database = database
        self.redis = redis
        self.cache = cache
        self.ids = ids
        self.rebuilds = rebuilds
        self.interactionCache = InteractionCache(redis: redis)
        self.accounts = AccountStore(database: database)
        self.follows = FollowStore(database: database)
        self.statuses = StatusStore(database: database)
        self.interactions = InteractionStore(database: database)
        self.notifications = NotificationStore(database: database)
        self.oauth = OAuthStore(database: database)
        self.signInGuard = SignInGuard(redis: redis, rules: settings.signInThrottle, logger: database.logger)
        self.trends = TrendStore(redis: redis)
        self.renderer = Renderer(baseURL: settings.publicURL)
        self.textRules = StatusTextRules(maxCharacters: settings.maxCharacters)
        self.bcryptThreads = bcryptThreads
        self.tokenOwners = ExpiringCache(ttl: settings.tokenCacheTTL)
        self.pulledAuthors = ExpiringCache(ttl: settings.readCacheTTL)
        self.ownerLists = ExpiringCache(ttl: settings.readCacheTTL)
        self.accountRows = ExpiringCache(ttl: settings.readCacheTTL)
        self.relationStore = RelationshipStore(database: database)
        self.blocksAndMutes = ExpiringCache(ttl: settings.readCacheTTL)
        self.contentFilters = ExpiringCache(ttl: settings.readCacheTTL)
    }

    /// Accounts by id, from the short-lived cache, the rest from PostgreSQL in one query.
    /// The rows of `ids` if this node's cache holds every one of them, else nil (no await).
    func cachedAccountRows(_ ids: Set<Int64>) -> [Int64: AccountRow]? {
        var out: [Int64: AccountRow] = [:]
        out.reserveCapacity(ids.count)
        for id in ids {
            guard let row = accountRows.get(id) else { return nil }
            out[id] = row
        }
        return out
    }

    /// The account a username names (case-insensitive), or nil: in steady state from the node's
    /// caches (`accountIdsByUsername`, `accountRows`), not PostgreSQL. Apps look an account up by
    /// name to open a profile from a mention or a link; the web client does on every profile page.
    func account(username: String) async throws -> AccountRow? {
        let key = username.lowercased()
        if let id = accountIdsByUsername.get(key) { return try await accountRows([id])[id] }
        let ticket = accountRows.fillTicket()
        guard let row = try await accounts.account(username: username) else { return nil }
        accountIdsByUsername.set(key, row.id)
        accountRows.set(row.id, row, readSince: ticket)
        return row
    }

    /// The accounts `ids` name, in that order (unknown ones left out), from the node's caches: rows
    /// from `accountRows`, each one's JSON written once per row (`Renderer.sharedAccount`).
    func accountEntities(_ ids: [Int64]) async throws -> [Shared<AccountEntity>] {
        let rows = try await accountRows(Set(ids))
        return ids.compactMap { rows[$0].map(renderer.sharedAccount) }
    }

    func accountRows(_ ids: Set<Int64>) async throws -> [Int64: AccountRow] {
        var out: [Int64: AccountRow] = [:]
        var missing: [Int64] = []
        for id in ids {
            if let row = accountRows.get(id) { out[id] = row } else { missing.append(id) }
        }
        if missing.isEmpty { return out }
        let ticket = accountRows.fillTicket()
        for row in try await accounts.accounts(ids: missing) {
            accountRows.set(row.id, row, readSince: ticket)
            out[row.id] = row
        }
        return out
    }

    /// After a committed write that changes statuses' counters (and, for a favourite or reblog,
    /// the acting user's flags): drop them from the Redis cache so the next read refills them.
    /// A Redis failure is logged, not thrown: the write stands, and the cached values expire.
    func interactionsChanged(statuses: [Int64], actionsOf viewer: Int64? = nil) async {
        do {
            try await interactionCache.invalidate(statuses: statuses, actionsOf: viewer)
        } catch {
            database.logger.warning("could not invalidate cached counters", metadata: ["error": "\(error)"])
        }
    }

    /// After a post committed: wakes one fan-out worker process (its transaction sent no NOTIFY,
    /// `OutboxWake`) by pushing a token onto their list, which one of them pops, tells every node
    /// that the author's row changed (its statuses_count and last_status_at), and caches the new
    /// status's counters (all zero), in one Redis wave. If the push fails, the workers are woken by
    /// PostgreSQL's NOTIFY instead; if that fails too, their poll finds the post within a second.
    /// Never thrown: the post stands.
    /// The token is the status id (workers only count tokens; it tells an observer which post
    /// woke them).
    func postCommitted(_ status: Int64, author: AccountRow) async {
        var invalidation = CacheInvalidation()
        invalidation.posted = [CacheInvalidation.Posted(author)]
        apply(invalidation)
        let key = RedisKeys.outboxWakeTokens, channel = RedisKeys.cacheInvalidationChannel
        var batch = redis.batch()
        let push = batch.add(RedisCommand("LPUSH", key, String(status)), routedBy: key)
        batch.add(RedisCommand("LTRIM", key, "0", String(RedisKeys.outboxWakeTokensKept - 1)), routedBy: key)
        let published = batch.add(.publish(channel, invalidation.payload), routedBy: channel)
        interactionCache.queueNewStatusCounts(status, in: &batch)
        do {
            let replies = try await redis.send(batch)
            if case .error(let message) = replies[published] { invalidationLost(message) }
            if case .error = replies[push] { await wakeThroughPostgreSQL() }
        } catch {
            invalidationLost("\(error)")
            await wakeThroughPostgreSQL()
        }
    }

    private func invalidationLost(_ error: String) {
        database.logger.warning("could not publish a cache invalidation; other nodes catch up by expiry", metadata: ["error": "\(error)"])
    }

    /// The outbox's NOTIFY, when Redis could not carry a post's wake-up; if that fails too, the
    /// workers' poll finds the post within a second.
    private func wakeThroughPostgreSQL() async {
        do {
            try await OutboxStore(database: database).notify()
        } catch {
            database.logger.warning("could not wake the fan-out workers; their poll will find the post", metadata: ["error": "\(error)"])
        }
    }

    /// After a committed change to account rows (counters, profile) or to whom users follow:
    /// drops them from this node's caches at once and tells every other node through pub/sub.
    /// - Parameters:
    ///   - accounts: accounts whose rows changed.
    ///   - pulledOf: users whose pulled-author lists changed (they followed or unfollowed).
    ///   - allPulled: an author crossed the celebrity threshold: every pulled-author list is stale.
    func accountsChanged(_ accounts: [Int64], pulledOf: [Int64] = [], allPulled: Bool = false, relationsOf: [Int64] = []) async {
        await publish(CacheInvalidation(accounts: accounts, pulledOf: pulledOf, allPulled: allPulled, relationsOf: relationsOf))
    }

    /// A user's filters changed (DirectFilterRoutes.swift): every node drops its cached copy.
    func filtersChanged(_ user: Int64) async {
        var message = CacheInvalidation()
        message.filtersOf = [user]
        await publish(message)
    }

    /// After tokens were revoked (their digests, as PostgreSQL's `encode(token_hash, 'hex')` gives
    /// them): every node forgets their owners at once.
    func tokensRevoked(_ digests: [TokenDigest]) async {
        guard !digests.isEmpty else { return }
        await publish(CacheInvalidation(tokens: digests))
    }

    /// Applies an invalidation here and publishes it to every other node.
    private func publish(_ message: CacheInvalidation) async {
        apply(message)
        do {
            let channel = RedisKeys.cacheInvalidationChannel
            // Every node subscribes to every shard (or to the cluster), so one shard carries it to all.
            _ = try await redis.send(key: channel, .publish(channel, message.payload))
        } catch {
            invalidationLost("\(error)")
        }
    }

    /// Applies an invalidation, from this node or another.
    func apply(_ message: CacheInvalidation) {
        accountRows.invalidate(message.accounts)
        for posted in message.posted {
            accountRows.update(posted.account) { posted.raise(&$0) }
        }
        tokenOwners.invalidate(message.tokens)
        blocksAndMutes.invalidate(message.relationsOf)
        contentFilters.invalidate(message.filtersOf)
        if message.allPulled {
            pulledAuthors.invalidateAll()
            ownerLists.invalidateAll()
        } else {
            pulledAuthors.invalidate(message.pulledOf)
            ownerLists.invalidate(message.pulledOf)
        }
    }

    func hashPassword(_ password: String) async throws -> String {
        let cost = settings.bcryptCost
        return try await bcryptThreads.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await bcryptThreads.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}

/// What changed, as carried on `RedisKeys.cacheInvalidationChannel`: `a<id>` for an account row,
/// `p<id>` for a user's pulled-author list, `P` for every pulled-author list, `t<hex digest>` for
/// a revoked token, `r<id>` for a user's blocks and mutes, `f<id>` for a user's filters, `s…` for a
/// post (`posted`); space-separated.
struct CacheInvalidation: Sendable, Equatable {
    var accounts: [Int64] = []
    /// Authors who posted, with the counters their post left (`s<id>:<statuses_count>:<last_status_at
    /// in ms>`): a node holding the author's row raises its counters to these instead of dropping
    /// it, so a post no longer sends every node that shows its author back to PostgreSQL for the row.
    /// Raised, never lowered: two posts' messages may arrive in either order. (A delete drops the
    /// row: `a<id>`. A post's message overtaken by a later delete's, from another node, can leave a
    /// refilled row one too high until it expires: accepted, for a count and the cache's lifetime.)
    var posted: [Posted] = []
    var pulledOf: [Int64] = []
    var allPulled = false
    var tokens: [TokenDigest] = []
    var relationsOf: [Int64] = []
    /// Users whose filters changed (`f<id>`).
    var filtersOf: [Int64] = []

    struct Posted: Sendable, Equatable {
        var account: Int64
        var statusesCount: Int64
        var lastStatusAtMillis: Int64

        init(account: Int64, statusesCount: Int64, lastStatusAtMillis: Int64) {
            self.account = account
            self.statusesCount = statusesCount
            self.lastStatusAtMillis = lastStatusAtMillis
        }

        init(_ author: AccountRow) {
            self.init(account: author.id, statusesCount: author.statusesCount,
                      lastStatusAtMillis: Int64(((author.lastStatusAt ?? Date()).timeIntervalSince1970 * 1000).rounded()))
        }

        func raise(_ row: inout AccountRow) {
            row.statusesCount = max(row.statusesCount, statusesCount)
            let at = Date(timeIntervalSince1970: Double(lastStatusAtMillis) / 1000)
            if (row.lastStatusAt ?? .distantPast) < at { row.lastStatusAt = at }
        }
    }

    var payload: [UInt8] {
        let parts = accounts.map { "a\($0)" } + pulledOf.map { "p\($0)" } + (allPulled ? ["P"] : []) + tokens.map { "t\($0.hex)" }
            + relationsOf.map { "r\($0)" } + filtersOf.map { "f\($0)" }
            + posted.map { "s\($0.account):\($0.statusesCount):\($0.lastStatusAtMillis)" }
        return Array(parts.joined(separator: " ").utf8)
    }

    private static let kinds = Set("apPtrfs".utf8)

    /// nil for a malformed part (the message is ignored: the caches still expire). A part of a kind
    /// this version does not know (from a newer node, during an upgrade) is skipped.
    init?(payload: [UInt8]) {
        for part in payload.split(separator: UInt8(ascii: " ")) {
            guard let kind = part.first else { continue }
            if kind == UInt8(ascii: "t") {
                guard let digest = TokenDigest(hex: String(decoding: part.dropFirst(), as: UTF8.self)) else { return nil }
                tokens.append(digest)
                continue
            }
            if kind == UInt8(ascii: "s") {
                let fields = part.dropFirst().split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
                    .map { Int64(String(decoding: $0, as: UTF8.self)) }
                guard fields.count == 3, let account = fields[0], let count = fields[1], let at = fields[2] else { return nil }
                posted.append(Posted(account: account, statusesCount: count, lastStatusAtMillis: at))
                continue
            }
            let number = Int64(String(decoding: part.dropFirst(), as: UTF8.self))
            switch (kind, number) {
            case (UInt8(ascii: "a"), let id?): accounts.append(id)
            case (UInt8(ascii: "p"), let id?): pulledOf.append(id)
            case (UInt8(ascii: "r"), let id?): relationsOf.append(id)
            case (UInt8(ascii: "f"), let id?): filtersOf.append(id)
            case (UInt8(ascii: "P"), nil): allPulled = true
            case (let other, _) where Self.kinds.contains(other): return nil  // a known kind, malformed
            case (let other, _) where (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(other | 0x20): continue  // a newer version's
            default: return nil
            }
        }
    }

    init(accounts: [Int64] = [], pulledOf: [Int64] = [], allPulled: Bool = false, tokens: [TokenDigest] = [], relationsOf: [Int64] = []) {
        self.accounts = accounts
        self.pulledOf = pulledOf
        self.allPulled = allPulled
        self.tokens = tokens
        self.relationsOf = relationsOf
    }
}
