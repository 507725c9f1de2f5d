import Hummingbird
import Logging
import ServiceLifecycle
import StarlingDomain
import StarlingOps
import StarlingRedis
import StarlingStore
import StarlingTimelines

/// An API node built the way it ships: `starling api` runs it, and the integration tests build it
/// through the same initialiser (running the HTTP application through HummingbirdTesting).
///
/// Nothing starts here: every long-lived part is a `Service` whose resources start in `run()`, and
/// `serviceConfigurations` lists them in dependency order, so a `ServiceGroup` starts them together
/// and shuts them down in reverse (the hub first, ending open streams so the HTTP server's graceful
/// shutdown does not wait on them; PostgreSQL last).
public struct APINode {
    public let services: APIServices
    public let hub: StreamingHub
    public let app: APIApplication
    let redisConnections: ShutdownHook
    let bcrypt: ThreadPoolService

    /// - Parameters:
    ///   - database: the PostgreSQL pool; its client runs as the first service of the node.
    ///   - redis: the Redis shards (in cluster mode, with the slot map already learnt); their
    ///     connections close when the node shuts down.
    ///   - bcryptThreads: threads that hash passwords (bcrypt must not run on the event loops or the
    ///     concurrency pool).
    public init(settings: APISettings, database: Database, redis: ShardedRedis, ids: SnowflakeGenerator,
                host: String, port: Int, bcryptThreads: Int = 2, logger: Logger) {
        let cache = TimelineCache(redis: redis, settings: TimelineSettings(
            listLength: settings.policy.homeLength, listTTLSeconds: Int(settings.inactiveAfterSeconds)))
        let rebuilds = RebuildQueue(logger: logger, rebuild: RebuildQueue.rebuilder(
            cache: cache, database: database, policy: settings.policy))
        bcrypt = ThreadPoolService(numberOfThreads: bcryptThreads)
        redisConnections = ShutdownHook("redis connections") { try await redis.shutdown() }
        services = APIServices(settings: settings, database: database, redis: redis, cache: cache,
                               ids: ids, rebuilds: rebuilds, bcryptThreads: bcrypt.pool)
        hub = StreamingHub(services: services, logger: logger)
        app = buildAPIApplication(services: services, hub: hub, host: host, port: port, logger: logger)
    }

    /// The node's services in start order (shutdown runs in reverse).
    /// - Parameter includingServer: false when the caller serves `app` itself (HummingbirdTesting).
    public func serviceConfigurations(includingServer: Bool = true) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var list: [any Service] = [services.database.client, services.database.lanes, redisConnections, bcrypt, services.rebuilds]
        if includingServer { list.append(app) }
        list.append(hub)
        return list.map { .init(service: $0) }
    }
}
