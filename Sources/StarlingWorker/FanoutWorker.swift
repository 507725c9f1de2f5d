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
    let accounts: AccountStore
    let notifications: NotificationStore
    let cache: TimelineCache
    let trends: TrendStore
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
        self.accounts = AccountStore(database: database)
        self.notifications = NotificationStore(database: database)
        self.cache = cache
        self.trends = TrendStore(redis: cache.redis)
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
        case .favourite: try await notifyFavourite(job)
        }
    }

    private func deliverPost(_ job: OutboxJob) async throws {
        guard let status = try await statuses.statuses(ids: [job.statusId]).first,
              let author = try await accounts.account(id: status.accountId) else { return }  // deleted meanwhile
        let pushes = settings.policy.pushesToFollowers(followersCount: Int(author.followersCount))
        let update = StreamEvent(event: .update, status: status.id, author: author.id, replyTo: status.inReplyToAccountId)
        if job.cursor == 0 {
            try await firstChunkEffects(of: status, pushes: pushes, update: update, redo: job.isRedo)
        }
        // Direct messages reach only the people they mention (through notifications), not followers.
        if pushes && status.visibility != "direct" {
            // The reply rule: a reply to someone else reaches only the followers who follow them too.
            let replyTo = status.inReplyToAccountId.flatMap { $0 == author.id ? nil : $0 }
            let page = try await follows.fanoutFollowers(of: author.id, after: job.cursor, limit: settings.policy.chunkSize,
                                                         activeWithinSeconds: settings.inactiveAfterSeconds, alsoFollowing: replyTo)
            if page.count == settings.policy.chunkSize, let last = page.last {
                // Queue the rest first so other workers deliver it while we deliver this chunk.
                try await outbox.enqueueContinuation(of: job, cursor: last)
            }
            let homes: [TimelineCache.List] = page.map { .home($0) }
            let reached: [TimelineCache.List]
            if let original = status.reblogOfId {
                reached = try await cache.pushReblog(status.id, of: original, to: homes, redo: job.isRedo)
            } else {
                try await cache.push(status.id, to: homes, redo: job.isRedo)
                reached = homes
            }
            var batch = update
            batch.users = reached.compactMap { list in
                if case .home(let user) = list { return user }
                return nil
            }
            if batch.users?.isEmpty == false { try await cache.publish(batch, on: [StreamChannels.users]) }
            deliveries.increment(by: Int64(page.count))
        }
        let committedMillis = SnowflakeGenerator.millis(of: job.statusId)
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        lag.recordMilliseconds(max(0, nowMillis - committedMillis))
    }

    /// What happens once per status, with its first chunk: the author's own lists, the cache,
    /// notifications, trends and the public streams.
    private func firstChunkEffects(of status: StatusRow, pushes: Bool, update: StreamEvent, redo: Bool) async throws {
        try await cache.cache([status])
        var own: [TimelineCache.List] = [.authored(status.accountId)]
        if settings.policy.model != .pull { own.append(.home(status.accountId)) }
        try await cache.push(status.id, to: own, redo: redo)
        var channels = [StreamChannels.user(status.accountId)]
        if !pushes { channels.append(StreamChannels.pulled) }
        if status.visibility == "public" && status.reblogOfId == nil {
            channels.append(StreamChannels.publicTimeline)
            channels += status.tags.map(StreamChannels.hashtag)
            try await trends.record(tags: status.tags, author: status.accountId, at: status.createdAt)
        }
        try await cache.publish(update, on: channels)

        for mention in status.mentions {
            try await notify(mention.id, from: status.accountId, type: "mention", status: status.id)
        }
        if let original = status.reblogOfId, let originalRow = try await statuses.statuses(ids: [original]).first {
            try await notify(originalRow.accountId, from: status.accountId, type: "reblog", status: original)
        }
    }

    /// Creates a notification (once, however often the job runs) and streams it to its recipient.
    private func notify(_ recipient: Int64, from: Int64, type: String, status: Int64?) async throws {
        guard let id = try await notifications.create(recipient: recipient, from: from, type: type, statusId: status) else { return }
        try await cache.publish(StreamEvent(event: .notification, notification: id), on: [StreamChannels.user(recipient)])
    }

    private func deliverDelete(_ job: OutboxJob) async throws {
        let event = StreamEvent(event: .delete, status: job.statusId)
        if job.cursor == 0 {
            try await cache.tombstone(job.statusId)
            try await cache.remove([job.statusId], from: [.authored(job.accountId), .home(job.accountId)])
            try await cache.publish(event, on: [StreamChannels.user(job.accountId), StreamChannels.publicTimeline, StreamChannels.pulled])
        }
        // Every follower, active or not: a status that once reached a list must leave it.
        let page = try await follows.fanoutFollowers(of: job.accountId, after: job.cursor, limit: settings.policy.chunkSize,
                                                     activeWithinSeconds: nil, alsoFollowing: nil)
        if page.count == settings.policy.chunkSize, let last = page.last {
            try await outbox.enqueueContinuation(of: job, cursor: last)
        }
        try await cache.remove([job.statusId], from: page.map { .home($0) })
        if !page.isEmpty {
            var batch = event
            batch.users = page
            try await cache.publish(batch, on: [StreamChannels.users])
        }
    }

    private func notifyFavourite(_ job: OutboxJob) async throws {
        try await notify(job.targetId, from: job.accountId, type: "favourite", status: job.statusId)
    }

    private func mergeFollow(_ job: OutboxJob) async throws {
        if job.cursor == 0 { try await notify(job.targetId, from: job.accountId, type: "follow", status: nil) }
        guard settings.policy.model != .pull,
              let followee = try await accounts.account(id: job.targetId),
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
