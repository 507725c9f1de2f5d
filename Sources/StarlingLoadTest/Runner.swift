import Foundation
import StarlingRedis
import Logging
import PostgresNIO
import StarlingDomain
import StarlingStore

/// Where the social graph comes from.
public enum GraphSource: Sendable {
    case edges(path: String, mutual: Bool, header: EdgeListLoader.Header)
    case generate(PowerLawGenerator)

    public func load() throws -> SocialGraph {
        switch self {
        case .edges(let path, let mutual, let header): try EdgeListLoader(mutual: mutual, header: header).load(path: path)
        case .generate(let generator): generator.generate()
        }
    }
}

/// What to run.
public enum RunMode: String, Sendable, Codable {
    /// Seed, baselines, closed-loop maxima, open-loop at half load with delivery probes, fan-out burst.
    case full
    /// A short run with a small graph at a low rate (the test suite's smoke test).
    case smoke
    /// One fan-out model's share of `--models`: closed-loop max and an open-loop run at a fixed rate.
    case model
}

public struct LoadTestOptions: Sendable {
    public var mode: RunMode = .full
    public var label: String = "default"
    public var targets: [String] = []
    public var metricsURLs: [String] = []
    public var databaseURL: String = ""
    public var redisShards: String = ""
    /// `shards` or `cluster` (STARLING_REDIS_MODE): how to reach Redis for warming and inspection.
    public var redisMode: RedisMode = .shards
    public var graph: GraphSource = .generate(PowerLawGenerator(users: 10_000))
    public var celebrityThreshold: Int = 10_000
    public var fanoutModel: String = "hybrid"
    public var mix = Mix()
    public var rate: Double? = nil
    public var openSeconds: Double = 60
    public var closedSeconds: Double = 12
    public var baselineSeconds: Int = 10
    public var concurrency: Int = 32
    public var postConcurrency: Int = 16
    public var connectionsPerTarget: Int = 32
    public var deliverySample: Double = 0.25
    public var seed: UInt64 = 1
    public var listTTLSeconds: Int = 604_800
    public var outputDirectory: String = "loadtest/results"
    public var baselines = true
    /// Seed the graph, report the seeding rate, and stop (no workload).
    public var seedOnly = false
    public init() {}
}

public struct Ratio: Codable, Sendable {
    public var name: String
    public var measured: Double
    public var measuredLabel: String
    public var baseline: Double?
    public var baselineLabel: String
    public var ratio: Double?
    public var target: String
    public var met: Bool?
}

public struct Report: Codable, Sendable {
    public var label: String
    public var mode: RunMode
    public var startedAt: Date
    public var targets: [String]
    public var graph: String
    public var fanoutModel: String
    public var celebrityThreshold: Int
    public var mix: Mix
    public var seed: SeedReport?
    public var phases: [PhaseResult] = []
    public var server: ServerFigures?
    public var redisBefore: RedisFigures?
    public var redisAfter: RedisFigures?
    /// Redis commands per client operation during the open-loop phase.
    public var redisCommandsPerOp: Double?
    public var redisMemoryBytes: Double?
    public var baselines: [String: Double] = [:]
    public var fanoutBurst: FanoutBurstResult?
    public var writePath: [String: Double] = [:]
    public var ratios: [Ratio] = []
    public var notes: [String] = []
}

/// Runs a load test end to end and writes its report.
public struct LoadTestRunner: Sendable {
    public let options: LoadTestOptions
    let logger: Logger
    let say: @Sendable (String) -> Void

    public init(options: LoadTestOptions, logger: Logger, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.logger = logger
        self.say = say
    }

    public func run() async throws -> (Report, String) {
        let o = options
        let graph = try o.graph.load()
        say("graph: \(graph.summary)")
        var report = Report(label: o.label, mode: o.mode, startedAt: Date(), targets: o.targets, graph: graph.summary,
                            fanoutModel: o.fanoutModel, celebrityThreshold: o.celebrityThreshold, mix: o.mix)

        // Seed.
        let seeder = Seeder(databaseURL: o.databaseURL, redisShards: o.redisShards, redisMode: o.redisMode, listTTLSeconds: o.listTTLSeconds, logger: logger)
        let (users, seedReport) = try await seeder.seed(graph, progress: say)
        report.seed = seedReport
        say("seeded \(seedReport.follows) follows + \(seedReport.users) users in \(fmt(seedReport.totalSeconds))s: \(Int(seedReport.followsPerSecond)) follows/s overall")
        if o.seedOnly { return (report, try write(report)) }

        let api = APIClient(targets: o.targets, connectionsPerTarget: o.connectionsPerTarget)
        let workload = Workload(graph: graph, users: users, api: api, celebrityThreshold: o.celebrityThreshold)
        let scraper = MetricsScraper(urls: o.metricsURLs, api: api)
        let redis = try? await RedisInspector(shards: o.redisShards, mode: o.redisMode)
        var pgConfig = try Database.configuration(url: o.databaseURL, maxConnections: 2)
        pgConfig.options.minimumConnections = 0
        let pg = PostgresClient(configuration: pgConfig, backgroundLogger: logger)
        let pgTask = Task { await pg.run() }
        defer { pgTask.cancel() }

        do {
            try await runPhases(&report, graph: graph, users: users, workload: workload, scraper: scraper, redis: redis, pg: pg)
        } catch {
            await api.shutdown()
            await redis?.shutdown()
            throw error
        }
        await api.shutdown()
        await redis?.shutdown()
        let directory = try write(report)
        return (report, directory)
    }

    func runPhases(_ report: inout Report, graph: SocialGraph, users: SeededUsers, workload: Workload,
                   scraper: MetricsScraper, redis: RedisInspector?, pg: PostgresClient) async throws {
        let o = options
        let seconds = o.closedSeconds
        // Let the API nodes see the new accounts and the pools warm up.
        _ = await workload.closedLoop(name: "warm-up", concurrency: 4, seconds: o.mode == .smoke ? 1 : 2, mix: o.mix, seed: 99, progress: { _ in })

        if o.mode == .smoke {
            let metricsBefore = await scraper.scrape()
            let t0 = ContinuousClock.now
            let rate = o.rate ?? 20
            let probe = Workload.Probe(recorder: DeliveryRecorder(threshold: o.celebrityThreshold), sample: 1, maxActive: 8)
            report.phases.append(await workload.openLoop(name: "open \(Int(rate))/s", rate: rate, seconds: o.openSeconds, mix: o.mix,
                                                         seed: o.seed, probe: probe, progress: say))
            report.phases.append(await workload.closedLoop(name: "closed c=4", concurrency: 4, seconds: seconds, mix: o.mix,
                                                           seed: o.seed &+ 1, progress: say))
            report.server = ServerFigures.between(metricsBefore, await scraper.scrape(), seconds: secondsOf(ContinuousClock.now - t0))
            return
        }

        var health: Double?
        var lpush: Double?
        var pgbench: Double?
        if o.baselines && o.mode == .full {
            // (a) raw pipelined LPUSH on the first shard.
            if let redis, let port = redis.ports.first {
                let host = (try? ShardMap.parse(o.redisShards))?.shards.first?.host ?? "127.0.0.1"
                do {
                    lpush = try await Baselines.redisLPush(host: host, port: port, requests: 200_000)
                    say("baseline: redis-benchmark -P 64 -t lpush: \(Int(lpush!)) requests/s")
                } catch { report.notes.append("redis-benchmark: \(error)"); say("redis-benchmark: \(error)") }
            }
            // (c) pgbench: a post's inserts in one transaction.
            do {
                pgbench = try await Baselines.pgbench(databaseURL: o.databaseURL, client: pg, logger: logger, users: users,
                                                      clients: o.postConcurrency, seconds: o.baselineSeconds)
                say("baseline: pgbench post transaction, \(o.postConcurrency) clients: \(Int(pgbench!)) tps")
            } catch { report.notes.append("pgbench: \(error)"); say("pgbench: \(error)") }
            // (b) the trivial route, same server, same client.
            let h = await workload.closedLoop(name: "GET /health c=\(o.concurrency)", concurrency: o.concurrency, seconds: seconds,
                                              mix: nil, only: .health, seed: o.seed, progress: say)
            report.phases.append(h)
            health = h.throughput
            lpush.map { report.baselines["redis_lpush_pipelined_per_s"] = $0 }
            pgbench.map { report.baselines["pgbench_post_tps"] = $0 }
            health.map { report.baselines["health_requests_per_s"] = $0 }
        }

        var homeMax: Double?
        var postMax: Double?
        if o.mode == .full {
            let home = await workload.closedLoop(name: "home c=\(o.concurrency)", concurrency: o.concurrency, seconds: seconds,
                                                 mix: nil, only: .home, seed: o.seed &+ 2, progress: say)
            report.phases.append(home)
            homeMax = home.throughput
            let post = await workload.closedLoop(name: "post c=\(o.postConcurrency)", concurrency: o.postConcurrency, seconds: seconds,
                                                 mix: nil, only: .post, seed: o.seed &+ 3, progress: say)
            report.phases.append(post)
            postMax = post.throughput
            try await drain(pg)
        }
        let mixed = await workload.closedLoop(name: "mix c=\(o.concurrency)", concurrency: o.concurrency, seconds: seconds,
                                              mix: o.mix, seed: o.seed &+ 4, progress: say)
        report.phases.append(mixed)
        try await drain(pg)

        var homeHalf: PhaseResult?
        var postHalf: PhaseResult?
        if o.mode == .full, let homeMax, let postMax {
            let h = await workload.openLoop(name: "home open \(Int(homeMax / 2))/s", rate: max(1, homeMax / 2), seconds: seconds,
                                            mix: Mix(home: 1, user: 0, post: 0), seed: o.seed &+ 5, progress: say)
            report.phases.append(h)
            homeHalf = h
            let probe = Workload.Probe(recorder: DeliveryRecorder(threshold: o.celebrityThreshold), sample: o.deliverySample, maxActive: 64)
            let p = await workload.openLoop(name: "post open \(Int(postMax / 2))/s", rate: max(1, postMax / 2), seconds: seconds,
                                            mix: Mix(home: 0, user: 0, post: 1), seed: o.seed &+ 6, probe: probe, progress: say)
            report.phases.append(p)
            postHalf = p
            try await drain(pg)
        }

        // The main open-loop run: the mix at half the closed-loop maximum (or --rate), with delivery probes.
        let rate = o.rate ?? max(1, mixed.throughput / 2)
        let metricsBefore = await scraper.scrape()
        let redisBefore = await redis?.info()
        let t0 = ContinuousClock.now
        let probe = Workload.Probe(recorder: DeliveryRecorder(threshold: o.celebrityThreshold), sample: o.deliverySample, maxActive: 64)
        let open = await workload.openLoop(name: "mix open \(Int(rate))/s", rate: rate, seconds: o.openSeconds, mix: o.mix,
                                           seed: o.seed &+ 7, probe: probe, progress: say)
        report.phases.append(open)
        try await drain(pg)
        let elapsed = secondsOf(ContinuousClock.now - t0)
        let metricsAfter = await scraper.scrape()
        report.server = ServerFigures.between(metricsBefore, metricsAfter, seconds: elapsed)
        if let redisBefore, let redisAfter = await redis?.info() {
            report.redisBefore = redisBefore
            report.redisAfter = redisAfter
            let probeRequests = open.ops.reduce(0) { $0 + $1.ok }  // client operations (probe polls excluded)
            report.redisCommandsPerOp = (redisAfter.commandsProcessed - redisBefore.commandsProcessed) / Double(max(1, probeRequests))
            report.redisMemoryBytes = redisAfter.usedMemory
        }

        guard o.mode == .full else { return }

        // Fan-out on its own vs raw LPUSH: a backlog of posts by the largest pushed authors.
        let pushLimit = o.fanoutModel == "push" ? Int.max : (o.fanoutModel == "pull" ? 0 : o.celebrityThreshold)
        let pushed = (0..<graph.userCount).filter { Int(graph.followersCount[$0]) < pushLimit }
            .sorted { graph.followersCount[$0] > graph.followersCount[$1] }.prefix(8)
        if !pushed.isEmpty, graph.followersCount[pushed.first!] > 0 {
            let perRound = pushed.reduce(0) { $0 + Int(graph.followersCount[$1]) }
            let rounds = max(1, min(4096 / pushed.count, 150_000 / max(1, perRound)))
            let burst = try await Baselines.fanoutBurst(client: pg, logger: logger, scraper: scraper,
                                                        authors: pushed.map { users.accountIds[$0] }, posts: rounds * pushed.count,
                                                        expectedDeliveries: rounds * perRound)
            report.fanoutBurst = burst
            say("fan-out burst: \(Int(burst.deliveries)) of \(burst.expectedDeliveries) deliveries in \(fmt(burst.seconds))s: \(Int(burst.deliveriesPerSecond))/s")
        } else {
            report.notes.append("fan-out burst skipped: no pushed author with followers under the \(o.fanoutModel) model")
        }

        // Write-path cost: the most followed author vs an author with about ten followers, posting alone.
        let top = (0..<graph.userCount).max { graph.followersCount[$0] < graph.followersCount[$1] } ?? 0
        let ten = (0..<graph.userCount).min { abs(Int(graph.followersCount[$0]) - 10) < abs(Int(graph.followersCount[$1]) - 10) } ?? 0
        var costs: [Double] = []
        for author in [top, ten] {
            var latencies: [Double] = []
            for i in 0..<40 {
                let t = ContinuousClock.now
                let (reply, failure) = await workload.api.send(.POST, "/api/v1/statuses", token: users.token(author),
                                                               form: "status=write+path+probe+\(i)")
                if failure == nil && reply.status == 200 { latencies.append(secondsOf(ContinuousClock.now - t) * 1000) }
            }
            latencies.sort()
            costs.append(latencies.isEmpty ? 0 : latencies[latencies.count / 2])
        }
        report.writePath = ["top_author_followers": Double(graph.followersCount[top]), "top_author_post_p50_ms": costs[0],
                            "small_author_followers": Double(graph.followersCount[ten]), "small_author_post_p50_ms": costs[1]]
        try await drain(pg)

        // Ratios against the baselines and the targets.
        var ratios: [Ratio] = []
        if let burst = report.fanoutBurst {
            ratios.append(Ratio(name: "fan-out deliveries/s", measured: burst.deliveriesPerSecond, measuredLabel: "worker burst",
                                baseline: lpush, baselineLabel: "redis-benchmark -P 64 LPUSH (1 shard)",
                                ratio: lpush.map { burst.deliveriesPerSecond / $0 }, target: ">= 0.4",
                                met: lpush.map { burst.deliveriesPerSecond / $0 >= 0.4 }))
        }
        if let homeMax {
            ratios.append(Ratio(name: "home-timeline reads/s", measured: homeMax, measuredLabel: "closed loop c=\(o.concurrency)",
                                baseline: health, baselineLabel: "GET /health, same client",
                                ratio: health.map { homeMax / $0 }, target: ">= 0.5", met: health.map { homeMax / $0 >= 0.5 }))
        }
        if let homeHalf, let p99 = homeHalf.op(.home)?.latency.p99 {
            ratios.append(Ratio(name: "home p99 at half max load (ms)", measured: p99, measuredLabel: "open loop \(Int(homeHalf.targetRate ?? 0))/s",
                                baseline: nil, baselineLabel: "", ratio: nil, target: "< 10 ms", met: p99 < 10 && homeHalf.errors == 0))
        }
        if let postMax {
            ratios.append(Ratio(name: "posts/s", measured: postMax, measuredLabel: "closed loop c=\(o.postConcurrency)",
                                baseline: pgbench, baselineLabel: "pgbench, same statements, c=\(o.postConcurrency)",
                                ratio: pgbench.map { postMax / $0 }, target: ">= 0.6", met: pgbench.map { postMax / $0 >= 0.6 }))
        }
        if let d = postHalf?.delivery, d.normal.count > 0 {
            ratios.append(Ratio(name: "delivery p99, normal authors (ms)", measured: d.normal.p99,
                                measuredLabel: "posts at half max, \(d.normal.count) probes, \(d.timeouts) timeouts",
                                baseline: nil, baselineLabel: "", ratio: nil, target: "< 1000 ms", met: d.normal.p99 < 1000 && d.timeouts == 0))
        }
        if costs[1] > 0 {
            let r = costs[0] / costs[1]
            ratios.append(Ratio(name: "post p50, \(graph.followersCount[top]) vs \(graph.followersCount[ten]) followers", measured: costs[0],
                                measuredLabel: "ms, sequential", baseline: costs[1], baselineLabel: "ms",
                                ratio: r, target: "<= 1.5", met: r <= 1.5))
        }
        report.ratios = ratios
    }

    /// Waits (up to 30 s) until the outbox is empty, so one phase's fan-out does not bill the next.
    func drain(_ pg: PostgresClient) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            var depth: Int64 = 0
            for try await n in try await pg.query("SELECT count(*)::int8 FROM outbox", logger: logger).decode(Int64.self) { depth = n }
            if depth == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        say("warning: outbox still not empty after 30 s")
    }

    func write(_ report: Report) throws -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let name = formatter.string(from: report.startedAt) + (report.label == "default" ? "" : "-\(report.label)")
        let directory = (options.outputDirectory as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(report).write(to: URL(fileURLWithPath: directory + "/report.json"))
        try ReportRenderer.svg(report).write(toFile: directory + "/chart.svg", atomically: true, encoding: .utf8)
        try ReportRenderer.table(report).write(toFile: directory + "/summary.txt", atomically: true, encoding: .utf8)
        return directory
    }
}
