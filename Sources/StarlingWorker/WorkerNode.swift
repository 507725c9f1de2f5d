import Hummingbird
import Logging
import ServiceLifecycle
import StarlingOps
import StarlingPush
import StarlingRedis
import StarlingStore
import StarlingTimelines

/// The HTTP application of a worker: `/health`, `/ready` and `/metrics` only.
public typealias WorkerOpsApplication = Application<RouterResponder<BasicRequestContext>>

/// A fan-out worker built the way it ships: `starling worker` runs it, and the integration tests
/// build it through the same initialiser (driving `worker` by hand rather than running its loops).
///
/// Nothing starts here: every long-lived part is a `Service` whose resources start in `run()`, and
/// `serviceConfigurations` lists them in dependency order, so a `ServiceGroup` starts them together
/// and shuts them down in reverse (the ops server first, then the worker, which finishes the
/// batches it holds, then the Redis connections, PostgreSQL last), whether `group.run()` returns
/// or throws.
public struct WorkerNode {
    public let worker: FanoutWorker
    /// Sends the Web Push deliveries that notifications queue.
    public let push: PushSender
    public let cache: TimelineCache
    public let database: Database
    /// `/health`, `/ready` (PostgreSQL and every Redis master) and `/metrics`.
    public let ops: WorkerOpsApplication
    let redisConnections: ShutdownHook

    /// - Parameters:
    ///   - database: the PostgreSQL pool; its client runs as the first service of the node.
    ///   - redis: the Redis shards (in cluster mode, with the slot map already learnt); their
    ///     connections close when the node shuts down.
    ///   - host, port: where the ops server listens.
    public init(settings: WorkerSettings, database: Database, redis: ShardedRedis, host: String, port: Int, logger: Logger) {
        cache = TimelineCache(redis: redis, settings: TimelineSettings(
            listLength: settings.policy.homeLength, listTTLSeconds: Int(settings.inactiveAfterSeconds)))
        worker = FanoutWorker(database: database, cache: cache, settings: settings, logger: logger)
        push = PushSender(database: database, settings: settings.push, logger: logger)
        self.database = database
        redisConnections = ShutdownHook("redis connections") { try await redis.shutdown() }
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware())
        OpsRoutes.add(to: router, role: "worker") {
            [ReadinessCheck(name: "postgres") { await database.ping() }] + ReadinessCheck.redis(redis)
        }
        ops = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Starling worker"),
                          logger: logger)
    }

    /// The node's services in start order (shutdown runs in reverse).
    public func serviceConfigurations() -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let imports = FollowImporter(database: database, redis: cache.redis, logger: Logger(label: "starling.imports"))  // follow imports
        let polls = PollCloser(database: database, cache: cache, logger: Logger(label: "starling.polls"))  // poll expiry
        let media = MediaWorker(database: database, logger: Logger(label: "starling.media"))  // uploads and media cleanup
        let list: [any Service] = [database.client, database.lanes, redisConnections, worker, push, imports, media, polls, ops]
        return list.map { .init(service: $0) }
    }
}
