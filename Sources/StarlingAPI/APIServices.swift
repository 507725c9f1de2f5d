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
    let accounts: AccountStore
    let follows: FollowStore
    let statuses: StatusStore
    let interactions: InteractionStore
    let notifications: NotificationStore
    let trends: TrendStore
    let renderer: Renderer
    let textRules: StatusTextRules
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
        self.accounts = AccountStore(database: database)
        self.follows = FollowStore(database: database)
        self.statuses = StatusStore(database: database)
        self.interactions = InteractionStore(database: database)
        self.notifications = NotificationStore(database: database)
        self.trends = TrendStore(redis: redis)
        self.renderer = Renderer(baseURL: settings.publicURL)
        self.textRules = StatusTextRules(maxCharacters: settings.maxCharacters)
        self.bcryptThreads = bcryptThreads
    }

    func hashPassword(_ password: String) async throws -> String {
        let cost = settings.bcryptCost
        return try await bcryptThreads.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await bcryptThreads.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// The followers threshold from which an author is pulled at read time (0: everyone, push: nobody).
    var pullThreshold: Int64? {
        switch settings.policy.model {
        case .push: nil
        case .pull: 0
        case .hybrid: Int64(settings.policy.celebrityThreshold)
        }
    }
}
