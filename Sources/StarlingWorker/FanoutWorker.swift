import Foundation
import Logging
import Metrics
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import Synchronization
import StarlingDomain
import StarlingPush
import StarlingRedis
import StarlingStore
import StarlingTimelines

/// Worker settings; every field has the default the `worker` command documents.
public struct WorkerSettings: Sendable {
    /// Jobs processed at once by this process.
    public var concurrency: Int = 4
    /// How often the outbox is polled when no wake-up arrives (the fallback if a NOTIFY or a
    /// post's Redis wake-up is lost).
    public var pollInterval: Duration = .seconds(1)
    public var policy = FanoutPolicy()
    /// Followers not seen for this long get no fan-out; their home list is rebuilt when they return.
    public var inactiveAfterSeconds: Double = 7 * 24 * 3600
    /// Statuses merged into a home list when its owner follows someone.
    public var followMergeCount: Int = 200
    /// Outbox rows leased at once by one processing loop.
    public var batchSize: Int = 128
    /// How long a lease lasts: a worker that dies holds its rows this long before another
    /// worker redoes them. Far longer than a batch takes.
    public var leaseDuration: Duration = .seconds(10)
    /// Under load (a lease found work within `busyWindow`), a woken loop waits this long before
    /// leasing, so that one lease gathers the posts of a few milliseconds instead of one each.
    /// An idle outbox is leased at once: a lone post's fan-out never waits.
    public var batchWindow: Duration = .milliseconds(4)
    public var busyWindow: Duration = .milliseconds(100)
    /// How long a batch in hand may run on after SIGTERM before it is cancelled (`drain`).
    public var shutdownGrace: Duration = .seconds(2)
    /// Web Push sending (`PushSender`).
    public var push = PushSettings()

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
    let fanout: FanoutStore
    let settings: WorkerSettings
    let logger: Logger

    private let deliveries = Counter(label: "starling_fanout_deliveries_total")
    /// When this process last delivered to home lists (Unix seconds): the load test's fan-out burst
    /// reads its end from it, to the millisecond, rather than from when a scrape saw the count stop.
    private let lastDelivery = Gauge(label: "starling_fanout_last_delivery_timestamp_seconds")
    private let lag = Timer(label: "starling_fanout_lag_seconds", preferredDisplayUnit: .seconds)
    private let depthGauge = Gauge(label: "starling_outbox_depth")
    /// When a lease last found work (any loop of this process).
    private let lastWork = Mutex<ContinuousClock.Instant?>(nil)
    /// Finished rows not deleted yet: the next lease of any loop of this process deletes them
    /// (`drain(deferringDeletions:)`).
    private let deferredDeletions = Mutex<[Int64]>([])
    /// Whether a wake-up needs a loop of its own (`LeaseDemand`).
    let demand = LeaseDemand()
    /// Wakes one more processing loop whatever the others do (set by `run`): for a large fan-out's
    /// next chunk, which another loop should take while this one delivers the current one.
    private let ringAnotherLoop = Mutex<(@Sendable () -> Void)?>(nil)

    public init(database: Database, cache: TimelineCache, settings: WorkerSettings, logger: Logger) {
        self.database = database
        self.outbox = OutboxStore(database: database)
        self.follows = FollowStore(database: database)
        self.statuses = StatusStore(database: database)
        self.accounts = AccountStore(database: database)
        self.notifications = NotificationStore(database: database)
        self.cache = cache
        self.trends = TrendStore(redis: cache.redis)
        self.fanout = FanoutStore(database: database)
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        // One wake-up stream per processing loop. A post's token, a NOTIFY or a poll tick wakes one
        // loop when none is draining; a loop that leases a full batch wakes the next, so loops join
        // in as the outbox fills, and an idle outbox costs one lease query per tick, not one per loop.
        let bells = (0..<max(1, settings.concurrency)).map { _ in AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1)) }
        let turn = Atomic<Int>(0)
        let ring: @Sendable () -> Void = {
            bells[turn.wrappingAdd(1, ordering: .relaxed).oldValue % bells.count].continuation.yield()
        }
        // A wake-up rings a loop only when no loop is already leasing (`LeaseDemand`); a full batch
        // rings one regardless, so loops join as the outbox fills.
        let demand = self.demand
        let wake: @Sendable () -> Void = { if demand.wake() { ring() } }
        ringAnotherLoop.withLock { $0 = ring }
        await withDiscardingTaskGroup { background in
            background.addTask { await self.listen(ring: wake) }
            background.addTask { await self.listenForPosts(ring: wake) }
            background.addTask {
                while !Task.isCancelled {
                    wake()
                    await self.reportDepth()
                    try? await Task.sleep(for: self.settings.pollInterval)
                }
            }
            // Each processing loop runs on one event loop, in turn (`EventLoopTaskExecutor`): its
            // Redis pipelines go out on that loop's connections without a thread hop.
            let eventLoops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
            await withDiscardingTaskGroup { loops in
                for (index, bell) in bells.enumerated() {
                    let executor = EventLoopTaskExecutor(eventLoops[index % eventLoops.count])
                    loops.addTask {
                        await withTaskExecutorPreference(executor) {
                            for await _ in bell.stream { await self.drain(wakeAnother: ring, deferringDeletions: true) }
                        }
                    }
                }
                loops.addTask {
                    // On SIGTERM: stop taking new jobs, let the loops finish the batches they hold.
                    try? await gracefulShutdown()
                    for bell in bells { bell.continuation.finish() }
                }
            }
            await deleteDeferred()
            background.cancelAll()
        }
    }

    /// LISTEN on the outbox channel, reconnecting after a failure, until cancelled.
    private func listen(ring: @escaping @Sendable () -> Void) async {
        let client = database.client
        while !Task.isCancelled {
            do {
                // Abandoned, not awaited, on cancellation: a LISTEN sent to a PostgreSQL that stopped
                // answering ignores cancellation, and would hold the node's shutdown until it answers.
                // The pool closes its connection when the node shuts down.
                try await Database.abandoning {
                    try await client.withConnection { connection in
                        try await connection.listen(on: OutboxStore.channel) { notifications in
                            ring()  // rows may have arrived while we were not listening
                            for try await _ in notifications { ring() }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("outbox LISTEN failed; polling until it reconnects", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Posts wake the workers through Redis, not NOTIFY (`OutboxWake`): each post pushes a token
    /// that one worker process pops (`RedisTokenWaiter`, on an event loop), so a post wakes
    /// one processing loop in one process. With a pub/sub message every process woke, and all but
    /// one leased and found nothing. The list lives on the shard that owns its key (in cluster
    /// mode the waiter tries every node until one holds it). Runs until cancelled; shutdown does
    /// not wait for the waiter: it notices `stop()` within a second and closes its connection.
    private func listenForPosts(ring: @escaping @Sendable () -> Void) async {
        let redis = cache.redis
        let key = RedisKeys.outboxWakeTokens
        let shards = redis.map.shards.map { (host: $0.host, port: $0.port) }
        let addresses = redis.mode == .cluster ? shards : [shards[redis.shardIndex(forKey: key)]]
        let waiter = RedisTokenWaiter(addresses: addresses, key: key, logger: logger)
        waiter.start { _ in ring() }
        defer { waiter.stop() }
        // Stopped as shutdown begins, when the loops stop taking rows: a token popped from then on
        // is given back for a running process, not rung into a finished loop.
        await withGracefulShutdownHandler {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        } onGracefulShutdown: {
            waiter.stop()
        }
    }

    private func reportDepth() async {
        if let depth = try? await outbox.depth() { depthGauge.record(depth) }
    }

    /// Leases and runs batches until the outbox has none available, or the process is shutting down.
    /// - Parameters:
    ///   - wakeAnother: called when a batch came back full, so another loop shares the work.
    ///   - deferringDeletions: a batch that was not full (the outbox had no more) leaves its finished
    ///     rows to the process's next lease, which deletes them in the same statement, instead of
    ///     leasing once more now only to delete them and find nothing. The next post's wake-up or the
    ///     poll tick (a second) brings that lease, well within the rows' lease. The processing loops
    ///     pass true; a caller draining by hand (tests) gets every finished row deleted on return.
    public func drain(wakeAnother: @escaping @Sendable () -> Void = {}, deferringDeletions: Bool = false) async {
        // Rows finished in the last batch are deleted by the next lease statement (one round trip
        // for both); whatever is left when the loop stops is deleted on its own.
        demand.enter()
        var draining = true
        defer { if draining { demand.leave() } }
        var finished: [Int64] = []
        let busy = lastWork.withLock { last in last.map { ContinuousClock.now - $0 < settings.busyWindow } ?? false }
        if busy && settings.batchWindow > .zero {
            await LoopTimer.sleep(for: settings.batchWindow)
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let jobs: [OutboxJob]
            // Rows another loop finished and left for the next lease: this loop may drain for a
            // long time under steady load, and theirs must not wait out their lease to be redone.
            if deferringDeletions { finished += deferredDeletions.withLock { rows in defer { rows = [] }; return rows } }
            demand.leasing()
            do {
                // A lease waiting for PostgreSQL holds no batch: SIGTERM cancels it rather than letting it
                // run to its deadline, so a node exits promptly during an outage.
                let (outbox, settings) = (self.outbox, self.settings)
                jobs = try await cancelledAtGracefulShutdown { [finished] in
                    try await outbox.lease(limit: settings.batchSize, for: settings.leaseDuration, completing: finished)
                }
                finished = []
            } catch {
                if !Task.isShuttingDownGracefully {
                    logger.warning("could not lease outbox rows; polling again later", metadata: ["error": "\(error)"])
                }
                break
            }
            if jobs.isEmpty {
                if demand.mayLeave() { draining = false; return }
                continue  // a wake-up came after this lease began: its row may be one it did not see
            }
            lastWork.withLock { $0 = ContinuousClock.now }
            if jobs.count == settings.batchSize { wakeAnother() }
            // A batch running past `stallAfter` holds the wake-ups that came meanwhile: another
            // loop takes their rows then, not when this batch ends.
            let watchdog = LoopTimer.schedule(in: demand.stallAfter) { [demand] in
                if demand.isMarked { wakeAnother() }
            }
            finished = await runUntilShutdownGrace { await self.run(batch: jobs) }
            watchdog.cancel()
            if deferringDeletions && jobs.count < settings.batchSize && !Task.isShuttingDownGracefully {
                // Posts that woke the workers during this batch are leased now, with these rows'
                // deletion in the same statement; with none, the next lease deletes them.
                if demand.mayLeave() {
                    draining = false
                    deferredDeletions.withLock { $0 += finished }
                    return
                }
            }
        }
        do {
            if Task.isShuttingDownGracefully {
                // Shutting down: a second at most, then the rows are redone after their lease.
                let (outbox, done) = (self.outbox, finished)
                try await Database.abandoning(after: .seconds(1)) { try await outbox.complete(done) }
            } else {
                try await outbox.complete(finished)
            }
        } catch {
            logger.warning("could not delete finished outbox rows; they are redone after their lease", metadata: ["error": "\(error)"])
        }
    }

    /// At shutdown, once the loops stopped: the rows still waiting for a lease to delete them, within
    /// a second (else they are redone after their lease; delivery is idempotent).
    private func deleteDeferred() async {
        let rows = deferredDeletions.withLock { rows in defer { rows = [] }; return rows }
        if rows.isEmpty { return }
        let outbox = self.outbox
        do {
            try await Database.abandoning(after: .seconds(1)) { try await outbox.complete(rows) }
        } catch {
            logger.warning("could not delete finished outbox rows; they are redone after their lease", metadata: ["error": "\(error)"])
        }
    }

    /// Runs `batch`; once the node is shutting down it gets `shutdownGrace` more, then is cancelled.
    /// A batch normally ends well within it, but while PostgreSQL is down each job waits for its
    /// query deadline in turn, which would hold SIGTERM for minutes. A job cut short is redone after
    /// its lease (delivery is idempotent).
    private func runUntilShutdownGrace(_ batch: @escaping @Sendable () async -> [Int64]) async -> [Int64] {
        let grace = settings.shutdownGrace
        return await withTaskGroup(of: [Int64]?.self) { group in
            group.addTask { await batch() }
            group.addTask {
                // Returns at SIGTERM; throws (nothing to wait for) once the batch is done and this is cancelled.
                guard (try? await gracefulShutdown()) != nil else { return nil }
                try? await Task.sleep(for: grace)
                return nil
            }
            var finished: [Int64] = []
            for await result in group {
                group.cancelAll()
                if let result { finished = result }
            }
            return finished
        }
    }

    /// Delivers a leased batch and schedules the failed jobs for a retry; returns the finished
    /// ones, for the caller to delete. A row whose deletion is lost (PostgreSQL unreachable) is
    /// redone when its lease ends: delivery is idempotent.
    func run(batch jobs: [OutboxJob]) async -> [Int64] {
        var done: [Int64] = []
        var failed: [(OutboxJob, any Error)] = []
        let posts = jobs.filter { $0.kind == .post }
        if !posts.isEmpty {
            let start = ContinuousClock.now
            do {
                try await deliverPosts(posts)
                done += posts.map(\.id)
            } catch {
                failed += posts.map { ($0, error) }
            }
            Self.jobTimers[.post]?.record(duration: ContinuousClock.now - start)
        }
        for job in jobs where job.kind != .post {
            do {
                try await handle(job)
                done.append(job.id)
            } catch {
                failed.append((job, error))
            }
        }
        for (job, error) in failed {
            logger.warning("fan-out job failed; it will be retried", metadata: ["job": "\(job.id)", "error": "\(error)"])
            try? await outbox.retryLater([job], error: error)
        }
        return done
    }

    private static let jobTimers: [OutboxJob.Kind: Timer] = Dictionary(uniqueKeysWithValues: OutboxJob.Kind.allCases.map {
        ($0, Timer(label: "starling_fanout_job_duration_seconds", dimensions: [("kind", $0.rawValue)], preferredDisplayUnit: .seconds))
    })

    /// Delivers one job (any kind), without touching its outbox row. Idempotent: a job redone
    /// after a crash (`isRedo`) removes any copy it delivered before pushing again, and readers
    /// dedupe besides, so nobody sees a status twice.
    public func handle(_ job: OutboxJob) async throws {
        let start = ContinuousClock.now
        defer { Self.jobTimers[job.kind]?.record(duration: ContinuousClock.now - start) }
        switch job.kind {
        case .post: try await deliverPosts([job])
        case .delete: try await deliverDelete(job)
        case .follow: try await mergeFollow(job)
        case .unfollow: try await purgeUnfollow(job)
        case .favourite: try await notifyFavourite(job)
        }
    }

    /// Delivers the post jobs of a batch together: their statuses and authors in one query each,
    /// every chunk's recipients in one query, one push pipeline per shard for all of them.
    private func deliverPosts(_ jobs: [OutboxJob]) async throws {
        let rows = try await statuses.statuses(of: jobs)  // as the lease read them
        let statusById = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })

        struct Work { var job: OutboxJob; var status: StatusRow; var pushes: Bool }
        let work: [Work] = jobs.compactMap { job in
            // Deleted meanwhile: nothing to deliver (its delete job cleans up).
            guard let status = statusById[job.statusId] else { return nil }
            // The author's follower count came with the lease (a post job's account is its author).
            return Work(job: job, status: status, pushes: settings.policy.pushesToFollowers(followersCount: Int(job.accountFollowers)))
        }
        // What happens once per status runs while the recipients are read: its Redis pipelines and
        // the recipients' queries overlap instead of waiting on each other (a batch of a few posts
        // took ~20 ms under load, nearly all of it waiting, one round trip after another).
        let firsts = work.filter { $0.job.cursor == 0 }
        async let effects: Void = firstChunkEffects(of: firsts.map { ($0.status, $0.pushes, $0.job.isRedo) })

        // Who among the followers gets each status (direct messages, the reply rule) is the
        // domain's `Audience.homeFanout`, and who among its tags' followers `Audience.tagFanout`
        // (a pulled author's followers get neither: they merge the author's list); the query applies both.
        func reach(_ item: Work) -> HomeFanout { item.pushes ? Audience.homeFanout(of: item.status.audience) : .none }
        func tagReach(_ item: Work) -> TagFanout? {
            Audience.tagFanout(of: item.status.audience, authorPulled: !item.pushes, model: settings.policy.model)
        }
        let fanned = work.filter { reach($0) != .none || tagReach($0) != nil }
        if fanned.isEmpty {
            try await effects
            return recordLag(jobs)
        }
        // Only statuses whose authors are in some list (the lease says) need the lists' query.
        let listed = fanned.filter { $0.pushes && $0.job.status?.authorListed != false }.map { ($0.job, $0.status) }
        async let listsReached = listDeliveries(of: listed)
        let chunkSize = settings.policy.chunkSize
        var recipients = try await fanout.recipients(of: fanned.map { item in
            FanoutStore.ChunkRequest(job: item.job.id, author: item.status.accountId, cursor: item.job.cursor,
                                     reach: reach(item), tags: tagReach(item))
        }, limit: chunkSize, activeWithinSeconds: settings.inactiveAfterSeconds)

        // Queue the rest first so other workers deliver it while we deliver these chunks.
        let continuations: [(job: OutboxJob, cursor: Int64)] = fanned.compactMap { item in
            guard let page = recipients[item.job.id], page.count == chunkSize, let last = page.last else { return nil }
            return (item.job, last)
        }
        try await outbox.enqueueContinuations(continuations)
        if !continuations.isEmpty { ringAnotherLoop.withLock { $0 }?() }
        // Lists holding the authors get the statuses; exclusive ones keep them out of homes (ListFanout.swift).
        // The statuses are cached before any list holds them (a reader would otherwise read them from PostgreSQL).
        try await effects
        recipients = try await deliverToLists(listed, deliveries: try await listsReached, homes: recipients)

        var plain: [TimelineCache.HomeDelivery] = []
        var reached: [(Work, [Int64])] = []
        for item in fanned where item.status.reblogOfId == nil {
            let users = recipients[item.job.id] ?? []
            // A redone job or a later chunk may find newer statuses delivered already: it goes in its place.
            plain.append(.init(statusId: item.status.id, users: users, redo: item.job.isRedo, late: item.job.isRedo || item.job.cursor > 0))
            reached.append((item, users))
        }
        try await cache.push(plain)
        for item in fanned {
            guard let original = item.status.reblogOfId else { continue }
            let homes: [TimelineCache.List] = (recipients[item.job.id] ?? []).map { .home($0) }
            let pushed = try await cache.pushReblog(item.status.id, of: original, to: homes, redo: item.job.isRedo)
            reached.append((item, pushed.compactMap { if case .home(let user) = $0 { user } else { nil } }))
        }
        // The batch's events in one pipeline (in order, as the statuses were delivered).
        try await cache.publish(reached.compactMap { item, users in
            users.isEmpty ? nil : StreamEvent(event: .update, status: item.status.id, author: item.status.accountId,
                                              replyTo: item.status.inReplyToAccountId, users: users)
        }, on: [StreamChannels.users])
        let delivered = fanned.reduce(0) { $0 + (recipients[$1.job.id]?.count ?? 0) }
        deliveries.increment(by: Int64(delivered))
        if delivered > 0 { lastDelivery.record(Date().timeIntervalSince1970) }
        recordLag(jobs)
    }

    /// Commit-to-delivery time, from the time inside each status id.
    private func recordLag(_ jobs: [OutboxJob]) {
        let nowMillis = Int64(Date().timeIntervalSince1970 * 1000)
        for job in jobs {
            lag.recordMilliseconds(max(0, nowMillis - SnowflakeGenerator.millis(of: job.statusId)))
        }
    }

    /// What happens once per status, with its first chunk: the author's own lists, the cache,
    /// trends and the public streams, for the whole batch in one pipeline each, sent together;
    /// then what needs PostgreSQL (conversations, notifications), for the statuses that have any,
    /// alongside the stream events.
    private func firstChunkEffects(of statuses: [(status: StatusRow, pushes: Bool, redo: Bool)]) async throws {
        if statuses.isEmpty { return }
        // The status cache and the author's own lists first: a stream event makes clients read them.
        let ownLists = statuses.map { status, _, redo in
            var own: [TimelineCache.List] = [.authored(status.accountId)]
            if settings.policy.model != .pull { own.append(.home(status.accountId)) }
            return TimelineCache.ListDeliveryBatch(statusId: status.id, lists: own, redo: redo)
        }
        let notifying = statuses.map(\.status).filter { status in
            !status.mentions.isEmpty || status.reblogOfId != nil || status.visibility == .direct
        }
        let listed = statuses.map(\.status).filter { Audience.isPubliclyListed($0.audience) }
        // Independent of each other: sent together, the Redis client writes them in one go.
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.cache.cache(statuses.map(\.status)) }
            group.addTask { try await self.cache.push(toLists: ownLists) }
            group.addTask { try await self.trends.record(listed.map { ($0.tags, $0.accountId, $0.createdAt) }) }
        }
        try await withThrowingDiscardingTaskGroup { group in
            for status in notifying { group.addTask { try await self.notifications(of: status) } }
            group.addTask { try await self.publishFirstEvents(of: statuses) }
        }
    }

    /// The statuses' events on their authors' streams, the public and hashtag streams, in one pipeline.
    private func publishFirstEvents(of statuses: [(status: StatusRow, pushes: Bool, redo: Bool)]) async throws {
        try await cache.publish(statuses.map { status, pushes, _ in
            var channels = [StreamChannels.user(status.accountId)]
            if !pushes { channels.append(StreamChannels.pulled) }
            if Audience.isPubliclyListed(status.audience) {
                channels.append(StreamChannels.publicTimeline)
                channels += status.tags.map(StreamChannels.hashtag)
            }
            return (StreamEvent(event: .update, status: status.id, author: status.accountId, replyTo: status.inReplyToAccountId), channels)
        })
    }

    /// A status's conversation and notifications: its mentions, and the reblogged status's author.
    private func notifications(of status: StatusRow) async throws {
        if status.visibility == .direct && status.reblogOfId == nil { try await recordConversation(status) }  // DirectConversationFanout.swift
        for mention in status.mentions {
            try await notify(mention.id, from: status.accountId, type: .mention, status: status.id)
        }
        if let original = status.reblogOfId, let originalRow = try await statuses.statuses(ids: [original]).first {
            try await notify(originalRow.accountId, from: status.accountId, type: .reblog, status: original)
        }
    }

    /// Creates a notification (once, however often the job runs) and streams it to its recipient.
    private func notify(_ recipient: Int64, from: Int64, type: NotificationKind, status: Int64?) async throws {
        guard let id = try await notifications.create(recipient: recipient, from: from, type: type, statusId: status) else { return }
        try await cache.publish(StreamEvent(event: .notification, notification: id), on: [StreamChannels.user(recipient)])
    }

    private func deliverDelete(_ job: OutboxJob) async throws {
        let event = StreamEvent(event: .delete, status: job.statusId)
        if job.cursor == 0 {
            try await cache.tombstone(job.statusId)
            try await conversationStatusDeleted(job.statusId)  // DirectConversationFanout.swift
            try await cache.remove([job.statusId], from: [.authored(job.accountId), .home(job.accountId)])
            try await removeFromLists(job)  // ListFanout.swift
            try await cache.publish(event, on: [StreamChannels.user(job.accountId), StreamChannels.publicTimeline, StreamChannels.pulled])
        }
        // Every follower, active or not: a status that once reached a list must leave it. So must
        // the followers of its tags, when it reached them (`Audience.followedTagReach`).
        let page: [Int64]
        if let tags = try await TagFollowStore(database: database).deliveredTags(of: job.statusId) {
            let chunk = FanoutStore.ChunkRequest(job: job.id, author: job.accountId, cursor: job.cursor, reach: .followers,
                                                 tags: TagFanout(tags: tags, exceptAuthorFollowers: false))
            page = try await fanout.recipients(of: [chunk], limit: settings.policy.chunkSize, activeWithinSeconds: nil)[job.id] ?? []
        } else {
            page = try await follows.fanoutFollowers(of: job.accountId, after: job.cursor, limit: settings.policy.chunkSize,
                                                     activeWithinSeconds: nil, reach: .followers)
        }
        if page.count == settings.policy.chunkSize, let last = page.last {
            try await outbox.enqueueContinuations([(job, last)])
            ringAnotherLoop.withLock { $0 }?()
        }
        try await cache.remove([job.statusId], from: page.map { .home($0) })
        if !page.isEmpty {
            var batch = event
            batch.users = page
            try await cache.publish(batch, on: [StreamChannels.users])
        }
    }

    private func notifyFavourite(_ job: OutboxJob) async throws {
        try await notify(job.targetId, from: job.accountId, type: .favourite, status: job.statusId)
    }

    private func mergeFollow(_ job: OutboxJob) async throws {
        if job.cursor == 0 { try await notify(job.targetId, from: job.accountId, type: .follow, status: nil) }
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
        // A block (either way) removes everything of theirs; readers hide it besides (RelationshipStore.block).
        if try await RelationshipStore(database: database).blockedEitherWay(job.accountId, job.targetId) {
            return try await cache.remove(theirs, from: [list])
        }
        // What still reaches the home through a followed tag stays, as a rebuild would put it back.
        let tagged = try await TagFollowStore(database: database).reachingThroughTags(user: job.accountId, among: theirs)
        try await cache.remove(theirs.filter { !tagged.contains($0) }, from: [list])
    }
}

/// Runs `operation` in a task of its own (on the caller's event loop, as `Database.abandoning`'s
/// work) and cancels it at graceful shutdown or when the caller is cancelled. What ServiceLifecycle's
/// `cancelWhenGracefulShutdown` does, without its per-call task group, actor and global-executor
/// task: called for every lease, those were 2–3 % of a worker's CPU under posts (`perf record -g`:
/// `CancellationWaiter` and its tasks on the dispatch threads).
private func cancelledAtGracefulShutdown<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let task = Task(executorPreference: EventLoopTaskExecutor.current) { try await operation() }
    return try await withTaskCancellationHandler {
        try await withGracefulShutdownHandler {
            try await task.value
        } onGracefulShutdown: {
            task.cancel()
        }
    } onCancel: {
        task.cancel()
    }
}
