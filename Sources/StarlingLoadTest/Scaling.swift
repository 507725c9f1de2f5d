import Foundation
import Logging
import PostgresNIO
import StarlingDomain
import StarlingRedis

/// The scaling run's graph and what it measures: authors whose only difference is their follower
/// count, celebrities, and groups of readers who follow 0, 5, 20 or 50 of them.
///
/// Users, in order: a follower pool (`0..<pool`), one author per size (followed by the first `size`
/// pool users), the celebrities (followed by the first `celebrityThreshold` pool users, so the
/// cluster's policy pulls them under hybrid, plus their readers), a few normal authors (followed by
/// every reader, so homes have pushed entries too) and the reader groups.
public struct ScalingPlan: Sendable {
    /// Follower counts of the measured authors.
    public var sizes: [Int] = [10, 1_000, 10_000, 100_000]
    /// Followed celebrities of each reader group.
    public var celebrityCounts: [Int] = [0, 5, 20, 50]
    public var readersPerGroup = 50
    public var normalAuthors = 10
    public var postsPerCelebrity = 2
    public var postsPerNormalAuthor = 10
    /// Posts per size: one after another (latency), then concurrently (throughput).
    public var sequentialPosts = 10
    public var concurrentPosts = 12
    public var postConcurrency = 4
    /// Closed-loop seconds per reader group.
    public var readSeconds: Double = 5
    /// Home lists and cached statuses whose `MEMORY USAGE` is sampled.
    public var memorySample = 300

    public init() {}

    /// `10,1k,10k,100k,1m`
    public static func parseList(_ text: String, name: String) throws -> [Int] {
        let values = try text.split(separator: ",").map { item -> Int in
            var t = item.trimmingCharacters(in: .whitespaces).lowercased()
            var scale = 1
            if t.hasSuffix("k") { scale = 1_000; t.removeLast() } else if t.hasSuffix("m") { scale = 1_000_000; t.removeLast() }
            guard let n = Int(t), n >= 0 else { throw LoadTestError.invalid("\(name): '\(item)' is not a whole number") }
            return n * scale
        }
        guard !values.isEmpty else { throw LoadTestError.invalid("\(name) is empty") }
        return values.sorted()
    }

    public struct Layout: Sendable {
        public var graph: SocialGraph
        public var pool: Int
        /// The author (graph user) of each size, in `sizes` order.
        public var authors: [Int]
        public var celebrities: [Int]
        public var celebrityFollowers: Int
        public var normals: [Int]
        /// Reader groups, one per `celebrityCounts` entry.
        public var readers: [[Int]]
    }

    public func layout(policy: FanoutPolicy) -> Layout {
        let celebrityCount = celebrityCounts.max() ?? 0
        let celebrityFollowers = max(1, policy.celebrityThreshold)
        let pool = max(sizes.max() ?? 0, celebrityCount > 0 ? celebrityFollowers : 0, 1)
        var next = pool
        func take(_ n: Int) -> [Int] {
            defer { next += n }
            return Array(next..<(next + n))
        }
        let authors = take(sizes.count)
        let celebrities = take(celebrityCount)
        let normals = take(normalAuthors)
        let readers = celebrityCounts.map { _ in take(readersPerGroup) }
        var follower: [Int32] = [], followee: [Int32] = []
        func follow(_ a: Int, _ b: Int) {
            follower.append(Int32(a))
            followee.append(Int32(b))
        }
        for (size, author) in zip(sizes, authors) {
            for u in 0..<size { follow(u, author) }
        }
        for celebrity in celebrities {
            for u in 0..<celebrityFollowers { follow(u, celebrity) }
        }
        for (count, group) in zip(celebrityCounts, readers) {
            for reader in group {
                for celebrity in celebrities.prefix(count) { follow(reader, celebrity) }
                for normal in normals { follow(reader, normal) }
            }
        }
        let label = "scaling(authors with \(sizes.map(String.init).joined(separator: "/")) followers, \(celebrityCount) celebrities "
            + "with \(celebrityFollowers)+ followers, readers following \(celebrityCounts.map(String.init).joined(separator: "/")) of them)"
        let graph = SocialGraph(userCount: next, follower: follower, followee: followee, source: label)
        return Layout(graph: graph, pool: pool, authors: authors, celebrities: celebrities, celebrityFollowers: celebrityFollowers,
                      normals: normals, readers: readers)
    }
}

/// Write-path cost and delivery lag of one author size.
public struct ScalingWriteRow: Codable, Sendable {
    public var followers: Int
    /// Whether the cluster's policy pushes this author's statuses to followers' homes.
    public var pushed: Bool
    /// POST /api/v1/statuses, sequential.
    public var postP50Ms: Double
    public var postMeanMs: Double
    /// Posts/s with `postConcurrency` concurrent posts by the author.
    public var postsPerSecond: Double
    public var postErrors: Int
    /// Post's 200 to the status in the probed followers' homes (first, middle and last follower).
    public var deliveryP50Ms: Double?
    public var deliveryMaxMs: Double?
    public var deliveryTimeouts: Int
    /// Post's 200 to an empty outbox (the whole fan-out done); nil if not within the cap.
    public var fanoutDoneSeconds: Double?
}

/// Home-read cost for readers following `celebrities` pulled authors.
public struct ScalingReadRow: Codable, Sendable {
    public var celebrities: Int
    public var readers: Int
    public var concurrency: Int
    public var p50Ms: Double
    public var p99Ms: Double
    public var readsPerSecond: Double
    public var errors: Int
}

public struct ScalingReport: Codable, Sendable {
    public var model: String
    public var celebrityThreshold: Int
    public var sizes: [Int]
    public var sequentialPosts: Int
    public var concurrentPosts: Int
    public var postConcurrency: Int
    public var writePath: [ScalingWriteRow] = []
    public var homeReads: [ScalingReadRow] = []
    /// `MEMORY USAGE` of sampled home lists over their summed lengths.
    public var bytesPerHomeEntry: Double?
    public var homeListsSampled = 0
    public var homeEntriesSampled = 0
    /// `MEMORY USAGE status:{id}` over sampled cached statuses.
    public var bytesPerCachedStatus: Double?
    public var statusesSampled = 0
    /// Post p50 of the largest author over the smallest's (target <= 1.5 under hybrid).
    public var writeCostRatio: Double?
    public var notes: [String] = []

    public static let bytesPerHomeEntryTarget = 12.0
    public static let writeCostRatioTarget = 1.5
}

/// The scaling phases, on a cluster seeded with `ScalingPlan.layout`.
struct ScalingRun {
    let options: LoadTestOptions
    let context: LoadTestRunner.PhaseContext
    let logger: Logger
    let say: @Sendable (String) -> Void

    var plan: ScalingPlan { options.scaling }
    var workload: Workload { context.workload }

    func run(seed: SeedReport?, drain: (PostgresClient, Duration) async throws -> Void) async throws -> (ScalingReport, [PhaseResult]) {
        let layout = plan.layout(policy: options.policy)
        var report = ScalingReport(model: options.policy.model.rawValue, celebrityThreshold: options.policy.celebrityThreshold,
                                   sizes: plan.sizes, sequentialPosts: plan.sequentialPosts, concurrentPosts: plan.concurrentPosts,
                                   postConcurrency: plan.postConcurrency)
        var statusIds = try await seedContent(layout)
        try await drain(context.pg, .seconds(120))  // the content's fan-out must not bill the measurements
        var phases: [PhaseResult] = []
        for (count, readers) in zip(plan.celebrityCounts, layout.readers) {
            let (row, phase) = await homeReads(celebrities: count, readers: readers)
            report.homeReads.append(row)
            phases.append(phase)
            say("scaling: home reads following \(count) celebrities: p50 \(fmt(row.p50Ms)) ms, p99 \(fmt(row.p99Ms)) ms, \(Int(row.readsPerSecond)) reads/s")
        }
        for (size, author) in zip(plan.sizes, layout.authors) {
            let (row, ids) = try await writePath(author: author, followers: size)
            report.writePath.append(row)
            statusIds += ids
            say("scaling: \(size) followers (\(row.pushed ? "pushed" : "pulled")): post p50 \(fmt(row.postP50Ms)) ms, \(fmt(row.postsPerSecond, 1)) posts/s, "
                + "delivery max \(row.deliveryMaxMs.map { fmt($0) } ?? "n/a") ms, fan-out done \(row.fanoutDoneSeconds.map { fmt($0) } ?? "n/a") s")
            try await drain(context.pg, .seconds(60))
        }
        if let small = report.writePath.first, let large = report.writePath.last, small.postP50Ms > 0, report.writePath.count > 1 {
            report.writeCostRatio = large.postP50Ms / small.postP50Ms
        }
        try await measureMemory(&report, layout: layout, statusIds: statusIds)
        if (plan.sizes.max() ?? 0) < 1_000_000, let seed {
            // Seeding is about linear in users (accounts, tokens, warm timelines) plus follows; a 1M author adds
            // about 1M of each.
            let estimate = seed.totalSeconds * 2_000_000 / Double(max(1, seed.users + seed.follows))
            report.notes.append("the 1M-follower author is not in this run (default sizes: what seeds in about a minute on 2 cores): "
                + "seeding \(seed.users) users + \(seed.follows) follows took \(fmt(seed.totalSeconds, 1)) s here, so ~1M more accounts, "
                + "follows, tokens and timelines would take roughly \(Int(estimate)) s more; "
                + "loadtest/run --scaling --scaling-sizes 10,1k,10k,100k,1m includes it")
        }
        return (report, phases)
    }

    /// Celebrities and normal authors post through the API, so homes and celebrity lists have entries.
    func seedContent(_ layout: ScalingPlan.Layout) async throws -> [Int64] {
        var jobs: [(author: Int, n: Int)] = []
        for celebrity in layout.celebrities { for i in 0..<plan.postsPerCelebrity { jobs.append((celebrity, i)) } }
        for normal in layout.normals { for i in 0..<plan.postsPerNormalAuthor { jobs.append((normal, i)) } }
        let ids = await concurrentPosts(jobs.map { ($0.author, "scaling content \($0.n) by \($0.author)") }, concurrency: 8).ids
        say("scaling: \(ids.count) of \(jobs.count) content posts by \(layout.celebrities.count) celebrities and \(layout.normals.count) normal authors")
        return ids
    }

    /// Posts `jobs` with `concurrency` in flight; ids and latencies of those that succeeded, and the elapsed time.
    func concurrentPosts(_ jobs: [(author: Int, text: String)], concurrency: Int) async -> (ids: [Int64], ms: [Double], seconds: Double, errors: Int) {
        let start = ContinuousClock.now
        let results = await withTaskGroup(of: [(Int64, Double)?].self) { group in
            for worker in 0..<max(1, concurrency) {
                group.addTask {
                    var out: [(Int64, Double)?] = []
                    var i = worker
                    while i < jobs.count {
                        out.append(await workload.post(author: jobs[i].author, text: jobs[i].text))
                        i += max(1, concurrency)
                    }
                    return out
                }
            }
            var all: [(Int64, Double)?] = []
            for await part in group { all += part }
            return all
        }
        let ok = results.compactMap { $0 }
        return (ok.map(\.0), ok.map(\.1), secondsOf(ContinuousClock.now - start), results.count - ok.count)
    }

    /// Closed-loop home reads by one reader group.
    func homeReads(celebrities: Int, readers: [Int]) async -> (ScalingReadRow, PhaseResult) {
        let concurrency = max(1, min(options.concurrency, readers.count))
        let seconds = plan.readSeconds
        let start = ContinuousClock.now
        let deadline = start + .nanoseconds(Int64(seconds * 1e9))
        let recorder = Recorder(start: start)
        let api = workload.api, users = workload.users
        await withDiscardingTaskGroup { group in
            for c in 0..<concurrency {
                group.addTask {
                    var i = c
                    while ContinuousClock.now < deadline {
                        let reader = readers[i % readers.count]
                        i += concurrency
                        let sent = ContinuousClock.now
                        let (reply, failure) = await api.send(.GET, "/api/v1/timelines/home?limit=20", token: users.token(reader))
                        let done = ContinuousClock.now
                        if done <= deadline { recorder.record(.home, micros: micros(done - sent), error: failure ?? reply.error, at: sent) }
                    }
                }
            }
        }
        let phase = recorder.result(name: "home, \(celebrities) celebrities c=\(concurrency)", mode: "closed", seconds: seconds, concurrency: concurrency)
        let home = phase.op(.home)
        let row = ScalingReadRow(celebrities: celebrities, readers: readers.count, concurrency: concurrency,
                                 p50Ms: home?.latency.p50 ?? 0, p99Ms: home?.latency.p99 ?? 0,
                                 readsPerSecond: phase.throughput, errors: phase.errors)
        return (row, phase)
    }

    /// One author's write-path cost (sequential, then concurrent posts) and delivery lag (one post on an idle outbox).
    func writePath(author: Int, followers: Int) async throws -> (ScalingWriteRow, [Int64]) {
        let pushed = options.policy.pushesToFollowers(followersCount: followers)
        var ids: [Int64] = []
        // Delivery lag: one post, watched in the first, middle and last follower's home, and the outbox until empty.
        var lags: [Double] = []
        var timeouts = 0
        var fanoutDone: Double?
        if let (id, _) = await workload.post(author: author, text: "scaling delivery probe, \(followers) followers") {
            ids.append(id)
            let posted = ContinuousClock.now
            let probed = Array(Set([0, followers / 2, max(0, followers - 1)])).filter { $0 < followers }
            async let outbox = outboxEmpty(since: posted, cap: .seconds(60))
            let results = await withTaskGroup(of: Double?.self) { group in
                for follower in probed { group.addTask { await waitForDelivery(id: id, follower: follower, since: posted, cap: .seconds(30)) } }
                var all: [Double?] = []
                for await r in group { all.append(r) }
                return all
            }
            lags = results.compactMap { $0 }.sorted()
            timeouts = results.count - lags.count
            fanoutDone = await outbox
        }
        // Cost: posts one after another, then `postConcurrency` at a time.
        var sequential: [Double] = []
        var errors = 0
        for i in 0..<plan.sequentialPosts {
            if let (id, ms) = await workload.post(author: author, text: "scaling post \(i), \(followers) followers") {
                sequential.append(ms)
                ids.append(id)
            } else {
                errors += 1
            }
        }
        sequential.sort()
        let burst = await concurrentPosts((0..<plan.concurrentPosts).map { (author, "scaling burst \($0), \(followers) followers") },
                                          concurrency: plan.postConcurrency)
        ids += burst.ids
        errors += burst.errors
        let row = ScalingWriteRow(
            followers: followers, pushed: pushed,
            postP50Ms: sequential.isEmpty ? 0 : sequential[sequential.count / 2],
            postMeanMs: sequential.isEmpty ? 0 : sequential.reduce(0, +) / Double(sequential.count),
            postsPerSecond: Double(burst.ids.count) / max(burst.seconds, 1e-9), postErrors: errors,
            deliveryP50Ms: lags.isEmpty ? nil : lags[lags.count / 2], deliveryMaxMs: lags.last, deliveryTimeouts: timeouts,
            fanoutDoneSeconds: fanoutDone)
        return (row, ids)
    }

    /// Polls `follower`'s home until status `id` shows; ms since `since`, nil after `cap`.
    func waitForDelivery(id: Int64, follower: Int, since: ContinuousClock.Instant, cap: Duration) async -> Double? {
        let needle = Array("\"id\":\"\(id)\"".utf8)
        let path = "/api/v1/timelines/home?min_id=\(id - 1)&limit=5"
        let token = workload.users.token(follower)
        while ContinuousClock.now - since < cap {
            let (reply, _) = await workload.api.send(.GET, path, token: token)
            if reply.status == 200 && reply.body.contains(needle) { return secondsOf(ContinuousClock.now - since) * 1000 }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Seconds from `since` until the outbox is empty, nil after `cap`.
    func outboxEmpty(since: ContinuousClock.Instant, cap: Duration) async -> Double? {
        while ContinuousClock.now - since < cap {
            var depth: Int64 = -1
            if let rows = try? await context.pg.query("SELECT count(*)::int8 FROM outbox", logger: logger).decode(Int64.self) {
                do { for try await n in rows { depth = n } } catch {}
            }
            if depth == 0 { return secondsOf(ContinuousClock.now - since) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// `MEMORY USAGE` over a sample of home lists (per entry) and of cached statuses.
    func measureMemory(_ report: inout ScalingReport, layout: ScalingPlan.Layout, statusIds: [Int64]) async throws {
        guard let inspector = context.redis else {
            report.notes.append("Redis memory not measured: Redis unreachable")
            return
        }
        let redis = inspector.redis
        // Homes with entries: every reader, and the first pool users (they follow every measured author).
        let sampledUsers = layout.readers.flatMap { $0 } + Array(0..<min(layout.pool, plan.memorySample))
        var batch = redis.batch()
        let tickets = sampledUsers.map { user in
            let key = RedisKeys.home(context.users.accountIds[user])
            return (batch.add(RedisCommand("MEMORY", "USAGE", key, "SAMPLES", "0"), routedBy: key),
                    batch.add(RedisCommand("LLEN", key), routedBy: key))
        }
        let replies = try await redis.send(batch)
        var bytes = 0.0, entries = 0, lists = 0
        for (memoryTicket, lengthTicket) in tickets {
            guard let memory = replies[memoryTicket].int64, let length = replies[lengthTicket].int64, length > 1 else { continue }
            bytes += Double(memory)
            entries += Int(length)
            lists += 1
        }
        if entries > 0 {
            report.bytesPerHomeEntry = bytes / Double(entries)
            report.homeListsSampled = lists
            report.homeEntriesSampled = entries
        }
        // Cached statuses.
        var statusBatch = redis.batch()
        let statusTickets = statusIds.suffix(plan.memorySample).map { id in
            statusBatch.add(RedisCommand("MEMORY", "USAGE", RedisKeys.status(id), "SAMPLES", "0"), routedBy: RedisKeys.status(id))
        }
        let statusReplies = try await redis.send(statusBatch)
        var statusBytes = 0.0, statuses = 0
        for ticket in statusTickets {
            guard let memory = statusReplies[ticket].int64 else { continue }
            statusBytes += Double(memory)
            statuses += 1
        }
        if statuses > 0 {
            report.bytesPerCachedStatus = statusBytes / Double(statuses)
            report.statusesSampled = statuses
        } else {
            report.notes.append("no cached status found among \(min(statusIds.count, plan.memorySample)) sampled ids")
        }
    }
}
