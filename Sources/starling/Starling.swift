import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import StarlingAPI
import StarlingDomain
import StarlingOps
import StarlingRedis
import StarlingStore
import StarlingTimelines
import StarlingWorker

@main
struct Starling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "starling",
        abstract: "Starling: a Mastodon-compatible microblog on a sharded timeline cluster.",
        subcommands: [APICommand.self, WorkerCommand.self, MigrateCommand.self, StatusCommand.self, TopologyCommand.self, LoadTestCommand.self]
    )
}

/// The pieces api and worker share: PostgreSQL and the Redis shards (their nodes build the rest).
struct Backends {
    let client: PostgresClient
    let database: Database
    let redis: ShardedRedis

    init(common: CommonOptions, timeline: TimelineOptions, logger: Logger) throws {
        let configuration: PostgresClient.Configuration
        do {
            configuration = try Database.configuration(url: common.resolvedDatabaseURL(), maxConnections: try common.resolvedDatabaseConnections())
        } catch let error as StoreError {
            throw ValidationError(error.description)
        }
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        // A quarter of the pool, at most 4, is kept for prepared statements sent alone (StatementLanes.swift);
        // the rest serves transactions and what the kept ones cannot take.
        let kept = min(4, configuration.options.maximumConnections / 4)
        database = Database(client: client, logger: logger, timeout: try common.resolvedDatabaseTimeout(), keptConnections: kept)
        redis = ShardedRedis(map: try timeline.shardMap(), mode: try timeline.mode(), connectionsPerShard: try timeline.connections(),
                             logger: logger)
    }

    /// In cluster mode, learns the slot map before serving (waiting up to a minute for the cluster).
    func start(logger: Logger) async throws {
        guard redis.mode == .cluster else { return }
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            do {
                try await redis.refreshTopology()
                logger.info("Redis Cluster slot map learnt", metadata: ["masters": "\(redis.map.shards)"])
                return
            } catch {
                if ContinuousClock.now > deadline { throw error }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "Serve the Mastodon client API.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var timeline: TimelineOptions
    @OptionGroup var listen: ListenOptions
    @OptionGroup var instance: InstanceOptions

    @Option(help: "Public URL clients use (the load balancer). Env STARLING_PUBLIC_URL. Default http://HOST:PORT.")
    var publicURL: String?

    @Option(help: "Status character limit. Env STARLING_MAX_CHARACTERS. Default 280.")
    var maxCharacters: Int?

    @Option(help: "bcrypt cost for new passwords. Env STARLING_BCRYPT_COST. Default 10.")
    var bcryptCost: Int?

    @OptionGroup var push: PushOptions
    @OptionGroup var media: MediaOptions

    @Option(help: "Rate limits: on (Mastodon's budgets), off, or overrides such as api=600/300,statuses=off (budgets: api, anonymous, statuses, media, registrations, sign_in; LIMIT/SECONDS). Env STARLING_RATE_LIMITS. Default on.")
    var rateLimits: String?

    func run() async throws {
        try common.applyEventLoops()
        _ = MetricsBootstrap.registry
        let logger = try common.logger("starling.api")
        let reader = SettingReader()
        try media.apply()  // STARLING_MEDIA_* (the API serves and checks uploads too)
        let host = listen.resolvedHost()
        let port = try listen.resolvedPort(default: 8080)
        var settings = APISettings()
        settings.publicURL = String(reader.string(publicURL, "STARLING_PUBLIC_URL", default: "http://\(host):\(port)").trimmingSuffix("/"))
        guard URL(string: settings.publicURL)?.host != nil else {
            throw ValidationError("STARLING_PUBLIC_URL must be an absolute URL, got '\(settings.publicURL)'")
        }
        settings.maxCharacters = try reader.int(maxCharacters, "STARLING_MAX_CHARACTERS", default: 280, range: 1...100_000)
        settings.rules = try instance.resolvedRules()
        settings.contactEmail = try instance.resolvedContactEmail()
        settings.polls = try instance.resolvedPollLimits()
        do {
            settings.rateLimits = try RateLimitPolicy.parse(reader.string(rateLimits, "STARLING_RATE_LIMITS", default: "on"))
        } catch {
            throw ValidationError(error.description)
        }
        settings.bcryptCost = UInt8(try reader.int(bcryptCost, "STARLING_BCRYPT_COST", default: 10, range: 4...31))
        settings.push = try push.settings(publicURL: settings.publicURL)
        settings.policy = try timeline.policy()
        settings.inactiveAfterSeconds = Double(try timeline.inactiveAfterSeconds())

        let backends = try Backends(common: common, timeline: timeline, logger: logger)
        do {
            try await backends.start(logger: logger)
        } catch {
            try? await backends.redis.shutdown()
            throw error
        }
        var lease: NodeIdLease?
        if try listen.resolvedNodeId() == nil {
            lease = try await NodeIdLease.acquire(url: common.resolvedDatabaseURL(), range: 1...SnowflakeGenerator.maxNode, logger: logger)
        }
        let ids: SnowflakeGenerator
        do {
            ids = try SnowflakeGenerator(node: try listen.resolvedNodeId() ?? lease?.nodeId ?? 0)
        } catch {
            await lease?.release()
            throw error
        }
        logger.info("id generator node", metadata: ["node": "\(ids.node)", "claimed": "\(lease != nil)"])
        // The same builder the integration tests use; it owns the Redis connections and the bcrypt threads.
        let node = APINode(settings: settings, database: backends.database, redis: backends.redis, ids: ids,
                           host: host, port: port, logger: logger)
        // The lease is released last, once nothing mints ids any more.
        let held = lease
        let release = ShutdownHook("node id lease") { await held?.release() }
        let group = ServiceGroup(configuration: .node(services: [.init(service: release)] + node.serviceConfigurations(), logger: logger))
        logger.info("api starting", metadata: ["address": "\(host):\(port)", "public_url": "\(settings.publicURL)",
                                               "shards": "\(backends.redis.map.shards)", "model": "\(settings.policy.model)"])
        try await group.run()
    }
}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", abstract: "Fan statuses out from the outbox to the Redis timelines.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var timeline: TimelineOptions
    @OptionGroup var listen: ListenOptions

    @Option(help: "Outbox jobs processed at once. Env STARLING_WORKER_CONCURRENCY. Default 4.")
    var concurrency: Int?

    @Option(help: "Outbox poll interval in milliseconds when no NOTIFY arrives. Env STARLING_POLL_INTERVAL_MS. Default 1000.")
    var pollIntervalMs: Int?

    @Option(help: "Outbox jobs leased at once by one processing loop. Env STARLING_WORKER_BATCH_SIZE. Default 128.")
    var batchSize: Int?

    @OptionGroup var push: PushOptions
    @OptionGroup var media: MediaOptions

    func run() async throws {
        try common.applyEventLoops()
        _ = MetricsBootstrap.registry
        let logger = try common.logger("starling.worker")
        let reader = SettingReader()
        try media.apply()  // STARLING_MEDIA_*
        var settings = WorkerSettings()
        settings.policy = try timeline.policy()
        settings.inactiveAfterSeconds = Double(try timeline.inactiveAfterSeconds())
        settings.concurrency = try reader.int(concurrency, "STARLING_WORKER_CONCURRENCY", default: 4, range: 1...256)
        settings.pollInterval = .milliseconds(try reader.int(pollIntervalMs, "STARLING_POLL_INTERVAL_MS", default: 1000, range: 10...60_000))
        settings.batchSize = try reader.int(batchSize, "STARLING_WORKER_BATCH_SIZE", default: settings.batchSize, range: 1...1000)
        // The API's public URL: payload icons point there.
        settings.push = try push.settings(publicURL: String(reader.string(nil, "STARLING_PUBLIC_URL", default: "http://127.0.0.1:8080").trimmingSuffix("/")))
        let host = listen.resolvedHost()
        let port = try listen.resolvedPort(default: 9090)
        let backends = try Backends(common: common, timeline: timeline, logger: logger)
        do {
            try await backends.start(logger: logger)
        } catch {
            try? await backends.redis.shutdown()
            throw error
        }
        // The same builder the integration tests use; it owns the Redis connections, and the group
        // shuts everything down in reverse order even if it fails.
        let node = WorkerNode(settings: settings, database: backends.database, redis: backends.redis,
                              host: host, port: port, logger: logger)
        let group = ServiceGroup(configuration: .node(services: node.serviceConfigurations(), logger: logger))
        logger.info("worker starting", metadata: ["ops": "\(host):\(port)", "concurrency": "\(settings.concurrency)",
                                                  "model": "\(settings.policy.model)"])
        try await group.run()
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply the versioned schema migrations.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let logger = try common.logger("starling.migrate")
        let configuration: PostgresClient.Configuration
        do {
            configuration = try Database.configuration(url: common.resolvedDatabaseURL(), maxConnections: 2)
        } catch let error as StoreError {
            throw ValidationError(error.description)
        }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let applied: [Int]
            do {
                applied = try await Migrator(database: Database(client: client, logger: logger)).migrate()
            } catch {
                logger.error("migration failed", metadata: ["error": "\(String(reflecting: error))"])
                throw error
            }
            logger.info("migrations done", metadata: ["applied": "\(applied)", "latest": "\(Migrations.all.last?.version ?? 0)"])
            group.cancelAll()
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: Character) -> Substring {
        var s = self[...]
        while s.last == suffix { s.removeLast() }
        return s
    }
}

extension CommonOptions {
    /// Sizes SwiftNIO's shared event-loop group (`STARLING_EVENT_LOOPS`); first thing a node does,
    /// before anything starts the group.
    func applyEventLoops() throws {
        if let loops = try resolvedEventLoops() { NIOSingletons.groupLoopCountSuggestion = loops }
    }
}
