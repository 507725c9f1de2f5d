import Foundation
import HummingbirdBcrypt
import Logging
import NIOPosix
import StarlingDomain
import StarlingRedis
import StarlingStore
import StarlingTimelines

/// API settings; every field has the default the `api` command documents.
public struct APISettings: Sendable {
    /// The URL clients reach this service at (the load balancer), without a trailing slash.
    public var publicURL: String = "http://127.0.0.1:8080"
    /// The status character limit, counted as Mastodon counts.
    public var maxCharacters: Int = 280
    public var policy = FanoutPolicy()
    /// Users idle longer than this got no fan-out; their home list is rebuilt when they return.
    public var inactiveAfterSeconds: Double = 7 * 24 * 3600
    /// bcrypt cost for new passwords.
    public var bcryptCost: UInt8 = 10
    public var title = "Starling"
    /// How long a node trusts a token owner it looked up (it asks PostgreSQL again after that).
    public var tokenCacheTTL: Duration = .seconds(30)
    /// How long a node reuses account rows and a user's pulled-author list on the read path.
    public var readCacheTTL: Duration = .seconds(2)

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
    let trends: TrendStore
    let renderer: Renderer
    let textRules: StatusTextRules
    /// Token owners, so a request costs no PostgreSQL round trip for its token (30 s; the database
    /// is asked again after that, which also keeps `last_active_at` current).
    let tokenOwners: ExpiringCache<String, TokenOwner>
    /// Accounts a home read merges at read time, per user (dropped on this node's follows).
    let pulledAuthors: ExpiringCache<Int64, [Int64]>
    /// Accounts as embedded in statuses (their counters may lag by the cache lifetime).
    let accountRows: ExpiringCache<Int64, AccountRow>
    /// bcrypt is slow by design: it runs here, never on the Swift concurrency pool or an event loop.
    let bcryptThreads: NIOThreadPool

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
        self.trends = TrendStore(redis: redis)
        self.renderer = Renderer(baseURL: settings.publicURL)
        self.textRules = StatusTextRules(maxCharacters: settings.maxCharacters)
        self.bcryptThreads = bcryptThreads
        self.tokenOwners = ExpiringCache(ttl: settings.tokenCacheTTL)
        self.pulledAuthors = ExpiringCache(ttl: settings.readCacheTTL)
        self.accountRows = ExpiringCache(ttl: settings.readCacheTTL)
    }

    /// Accounts by id, from the short-lived cache, the rest from PostgreSQL in one query.
    func accountRows(_ ids: Set<Int64>) async throws -> [Int64: AccountRow] {
        var out: [Int64: AccountRow] = [:]
        var missing: [Int64] = []
        for id in ids {
            if let row = accountRows.get(id) { out[id] = row } else { missing.append(id) }
        }
        for row in try await accounts.accounts(ids: missing) {
            accountRows.set(row.id, row)
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

    func hashPassword(_ password: String) async throws -> String {
        let cost = settings.bcryptCost
        return try await bcryptThreads.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await bcryptThreads.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
