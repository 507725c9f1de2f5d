import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import StarlingDomain
import StarlingStore
import StarlingTimelines

/// Worker settings; every field has the default the `worker` command documents.
public struct WorkerSettings: Sendable {
    /// Jobs processed at once by this process.
    public var concurrency: Int = 4
    /// How often the outbox is polled when no NOTIFY arrives (the fallback if a notification is lost).
    public var pollInterval: Duration = .seconds(1)
    public var policy = FanoutPolicy()
    /// Followers not seen for this long get no fan-out; their home list is rebuilt when they return.
    public var inactiveAfterSeconds: Double = 7 * 24 * 3600
    /// Statuses merged into a home list when its owner follows someone.
    public var followMergeCount: Int = 200

    public init() {}
}

/// Claims outbox rows and delivers them to the Redis timelines.
public final class FanoutWorker: Service {
    let database: Database
    let outbox: OutboxStore
    let follows: FollowStore
    let statuses: StatusStore
    let cache: TimelineCache
    let settings: WorkerSettings
    let logger: Logger

    private let deliveries = Counter(label: "starling_fanout_deliveries_total")
    private let lag = Timer(label: "starling_fanout_lag_seconds", preferredDisplayUnit: .seconds)
    private let depthGauge = Gauge(label: "starling_outbox_depth")

    public init(database: Database, cache: TimelineCache, settings: WorkerSettings, logger: Logger) {
        self.database = database
        self.outbox = OutboxStore(database: database)
        self.follows = FollowStore(database: database)
        self.statuses = StatusStore(database: database)
        self.cache = cache
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        // One wake-up stream per processing loop; NOTIFY and the poll ticker ring all of them.
        let bells = (0..<max(1, settings.concurrency)).map { _ in AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1)) }
        let ring: @Sendable () -> Void = { for bell in bells { bell.continuation.yield() } }
        await withDiscardingTaskGroup { background in
            background.addTask { await self.listen(ring: ring) }
            background.addTask {
                while !Task.isCancelled {
                    ring()
                    await self.reportDepth()
                    try? await Task.sleep(for: self.settings.pollInterval)
                }
            }
            await withDiscardingTaskGroup { loops in
                for bell in bells {
                    loops.addTask {
                        for await _ in bell.stream { await self.drain() }
                    }
                }
                loops.addTask {
                    // On SIGTERM: stop taking new jobs, let the loops finish the ones they hold.
                    try? await gracefulShutdown()
                    for bell in bells { bell.continuation.finish() }
                }
            }
            background.cancelAll()
        }
    }

    /// LISTEN on the outbox channel, reconnecting after a failure, until cancelled.
    private func listen(ring: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            do {
                try await database.client.withConnection { connection in
                    try await connection.listen(on: OutboxStore.channel) { notifications in
                        ring()  // rows may have arrived while we were not listening
                        for try await _ in notifications { ring() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("outbox LISTEN failed; polling until it reconnects", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func reportDepth() async {
        if let depth = try? await outbox.depth() { depthGauge.record(depth) }
    }

    /// Processes jobs until the outbox has none available, or the process is shutting down.
    func drain() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                guard try await outbox.processNext({ job in try await self.handle(job) }) else { return }
            } catch {
                logger.warning("fan-out job failed; it will be retried", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    /// Delivers one job. Idempotent: a job redone after a crash (`isRedo`) removes any copy it
    /// delivered before pushing again, and readers dedupe besides, so nobody sees a status twice.
    public func handle(_ job: OutboxJob) async throws {
        let start = ContinuousClock.now
        defer {
            Timer(label: "starling_fanout_job_duration_seconds", dimensions: [("kind", job.kind.rawValue)], preferredDisplayUnit: .seconds)
                .record(duration: ContinuousClock.now - start)
        }
        switch job.kind {
        case .post: try await deliverPost(job)
        case .delete: try await deliverDelete(job)
        case .follow: try await mergeFollow(job)
        case .unfollow: try await purgeUnfollow(job)
        }
    }

    private func deliverPost(_ job: OutboxJob) async throws {
        guard let info = try await statuses.fanoutInfo(statusId: job.statusId), !info.deleted else { return }
        let pushes = settings.policy.pushesToFollowers(followersCount: Int(info.followersCount))
        if job.cursor == 0 {
            if let row = try await statuses.statuses(ids: [job.statusId]).first { try await cache.cache([row]) }
            var own: [TimelineCache.List] = [.authored(info.accountId)]
            if settings.policy.model != .pull { own.append(.home(info.accountId)) }
            try await cache.push(job.statusId, to: own, redo: job.isRedo)
        }
        if pushes {
            let page = try await follows.fanoutFollowers(of: info.accountId, after: job.cursor, limit: settings.policy.chunkSize,
                                                         activeWithinSeconds: settings.inactiveAfterSeconds)
            if page.count == settings.policy.chunkSize, let last = page.last {
                // Queue the rest first so other workers deliver it while we deliver this chunk.
                try await outbox.enqueueContinuation(of: job, cursor: last)
            }
            try await cache.push(job.statusId, to: page.map { .home($0) }, redo: job.isRedo)
            deliveries.increment(by: Int64(page.count))
        }
        let committedMillis = SnowflakeGenerator.millis(of: job.statusId)
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        lag.recordMilliseconds(max(0, nowMillis - committedMillis))
    }

    private func deliverDelete(_ job: OutboxJob) async throws {
        if job.cursor == 0 {
            try await cache.tombstone(job.statusId)
            try await cache.remove([job.statusId], from: [.authored(job.accountId), .home(job.accountId)])
        }
        // Every follower, active or not: a status that once reached a list must leave it.
        let page = try await follows.fanoutFollowers(of: job.accountId, after: job.cursor, limit: settings.policy.chunkSize,
                                                     activeWithinSeconds: nil)
        if page.count == settings.policy.chunkSize, let last = page.last {
            try await outbox.enqueueContinuation(of: job, cursor: last)
        }
        try await cache.remove([job.statusId], from: page.map { .home($0) })
    }

    private func mergeFollow(_ job: OutboxJob) async throws {
        guard settings.policy.model != .pull,
              let followee = try await AccountStore(database: database).account(id: job.targetId),
              settings.policy.pushesToFollowers(followersCount: Int(followee.followersCount)) else {
            return  // celebrities are merged at read time
        }
        let ids = try await statuses.recentIds(author: job.targetId, limit: settings.followMergeCount)
        try await cache.merge(ids, into: .home(job.accountId))
    }

    private func purgeUnfollow(_ job: OutboxJob) async throws {
        let list = TimelineCache.List.home(job.accountId)
        guard let current = try await cache.read([list])[list], let ids = current else { return }
        let theirs = try await statuses.ids(ids, authoredBy: job.targetId)
        try await cache.remove(theirs, from: [list])
    }
}
