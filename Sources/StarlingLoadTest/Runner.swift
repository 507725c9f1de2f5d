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
    /// The scaling run's graph: authors with given follower counts, celebrities and their readers (`ScalingPlan`).
    case scaling

    func load(scaling plan: ScalingPlan, policy: FanoutPolicy) throws -> SocialGraph {
        switch self {
        case .edges(let path, let mutual, let header): try EdgeListLoader(mutual: mutual, header: header).load(path: path)
        case .generate(let generator): generator.generate()
        case .scaling: plan.layout(policy: policy).graph
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
    /// One fan-out model's share of `--scaling`: write-path cost and delivery lag per author size, home-read
    /// cost per number of followed celebrities, Redis bytes per entry.
    case scaling
    /// Posts and home reads at half load (or `--rate`) for a long time, sampling the nodes' memory,
    /// sockets, Redis memory and the outbox (`Soak.swift`).
    case soak
    /// Home reads before and after every Redis shard is flushed, until they are back (`Recovery.swift`).
    case recovery
}

public struct LoadTestOptions: Sendable {
    public var mode: RunMode = .full
    public var label: String = "default"
    public var targets: [String] = []
    public var metricsURLs: [String] = []
    public var databaseURL: String = ""
    /// The cluster's Redis shards (STARLING_REDIS_SHARDS).
    public var redisMap: ShardMap = try! ShardMap.evenly([ShardAddress(host: "127.0.0.1", port: 6379)])
    /// `shards` or `cluster` (STARLING_REDIS_MODE): how to reach Redis for warming and inspection.
    public var redisMode: RedisMode = .shards
    /// Multiplexed connections per shard (STARLING_REDIS_CONNECTIONS), as the servers use them.
    public var redisConnections: Int = 2
    public var graph: GraphSource = .generate(PowerLawGenerator(users: 10_000))
    /// The cluster's fan-out model and celebrity threshold (STARLING_FANOUT_MODEL, STARLING_CELEBRITY_THRESHOLD).
    public var policy = FanoutPolicy()
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
    /// Starling's own Redis client against redis-benchmark (full runs).
    public var redisClientBaseline = true
    public var redisClientCallers = 50
    public var redisClientSingleCallers = 256
    public var scaling = ScalingPlan()
    /// Seed the graph, report the seeding rate, and stop (no workload).
    public var seedOnly = false
    /// Soak: how long, how often to sample, and which processes (from the cluster env file).
    public var soakSeconds: Double = 600
    public var soakInterval: Double = 10
    public var soakProcesses: [SoakProcess] = []
    /// The cluster's processes by kind (`CPUAccount.clusterGroups`), for each phase's CPU per operation.
    public var cpuGroups: [CPUAccount.Group] = []
    /// Recovery run: at most this many 2 s windows after the flush.
    public var recoveryWindows: Int = 30
    /// Recovery run: older statuses written first (`LoadTestRunner.seedHistory`).
    public var recoveryStatuses: Int = 500_000
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
    /// Starling's Redis client vs redis-benchmark (full runs).
    public var redisClient: RedisClientBaseline?
    /// The scaling run's figures (`--mode scaling`).
    public var scaling: ScalingReport?
    /// The soak run's samples (`--soak`).
    public var soak: SoakReport?
    public var recovery: RecoveryReport?
    public var ratios: [Ratio] = []
    /// CPU per operation of the closed- and open-loop phases and of pgbench, per process kind
    /// (optional: reports written before it existed still decode for `--compare`).
    public var cpu: [CPURow]? = nil
    public var notes: [String] = []

    /// Adds a phase's CPU row, if it has one.
    mutating func record(_ row: CPURow?) {
        if let row { cpu = (cpu ?? []) + [row] }
    }
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
        let graph = try o.graph.load(scaling: o.scaling, policy: o.policy)
        say("graph: \(graph.summary)")
        var report = Report(label: o.label, mode: o.mode, startedAt: Date(), targets: o.targets, graph: graph.summary,
                            fanoutModel: o.policy.model.rawValue, celebrityThreshold: o.policy.celebrityThreshold, mix: o.mix)

        // Seed.
        let seeder = Seeder(databaseURL: o.databaseURL, redisMap: o.redisMap, redisMode: o.redisMode, listTTLSeconds: o.listTTLSeconds, logger: logger)
        let (users, seedReport) = try await seeder.seed(graph, progress: say)
        report.seed = seedReport
        say("seeded \(seedReport.follows) follows + \(seedReport.users) users in \(fmt(seedReport.totalSeconds))s: \(Int(seedReport.followsPerSecond)) follows/s overall")
        if o.seedOnly { return (report, try write(report)) }

        let api = APIClient(targets: o.targets, connectionsPerTarget: o.connectionsPerTarget)
        let workload = Workload(graph: graph, users: users, api: api, policy: o.policy)
        let scraper = MetricsScraper(urls: o.metricsURLs, api: api)
        let redis = try? await RedisInspector(map: o.redisMap, mode: o.redisMode)
        var pgConfig = try Database.configuration(url: o.databaseURL, maxConnections: 2)
        pgConfig.options.minimumConnections = 0
        let pg = PostgresClient(configuration: pgConfig, backgroundLogger: logger)
        let pgTask = Task { await pg.run() }
        defer { pgTask.cancel() }

        let context = PhaseContext(graph: graph, users: users, workload: workload, scraper: scraper, redis: redis, pg: pg,
                                   cpu: CPUAccount(groups: o.cpuGroups))
        do {
            try await runPhases(&report, context)
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

    /// What every phase works with.
    struct PhaseContext: Sendable {
        let graph: SocialGraph
        let users: SeededUsers
        let workload: Workload
        let scraper: MetricsScraper
        let redis: RedisInspector?
        let pg: PostgresClient
        let cpu: CPUAccount
    }

    /// Runs a phase, adds it to the report and records its CPU per operation. Operations are the
    /// phase's own: a delivery probe's polls are load on top of them.
    @discardableResult
    func accounted(_ report: inout Report, _ c: PhaseContext, _ run: () async -> PhaseResult) async -> PhaseResult {
        let start = c.cpu.snapshot()
        let phase = await run()
        report.phases.append(phase)
        report.record(c.cpu.row(phase: phase.name, operations: phase.ops.reduce(0) { $0 + $1.ok }, since: start))
        return phase
    }

    /// Figures one phase measures and the ratios compare at the end.
    struct Measured {
        var lpush: Double?
        var pgbench: Double?
        var health: Double?
        var homeMax: Double?
        var postMax: Double?
        var homeHalf: PhaseResult?
        var postHalf: PhaseResult?
        var writePath: WriteCost?
    }

    struct WriteCost {
        var topFollowers: Int, topP50: Double
        var smallFollowers: Int, smallP50: Double
    }

    /// The phases of the run's mode, one after another.
    func runPhases(_ report: inout Report, _ c: PhaseContext) async throws {
        let o = options
        try await warmUp(c, &report)
        switch o.mode {
        case .smoke:
            try await smokePhases(&report, c)
        case .scaling:
            let scalingRun = ScalingRun(options: o, context: c, logger: logger, say: say)
            let (scaling, phases) = try await scalingRun.run(seed: report.seed) { try await drain($0, timeout: $1) }
            report.scaling = scaling
            report.phases += phases
        case .soak:
            try await soakPhases(&report, c)
        case .recovery:
            try await recoveryPhases(&report, c)
        case .model:
            let mixed = try await closedLoopMix(&report, c)
            try await mainOpenLoop(&report, c, rate: o.rate ?? max(1, mixed.throughput / 2))
        case .full:
            var m = Measured()
            if o.baselines { await baselinePhases(&report, c, &m) }
            if o.redisClientBaseline { await redisClientPhase(&report, c, &m) }
            try await closedLoopMaxima(&report, c, &m)
            let mixed = try await closedLoopMix(&report, c)
            try await halfLoadPhases(&report, c, &m)
            try await mainOpenLoop(&report, c, rate: o.rate ?? max(1, mixed.throughput / 2))
            try await fanoutBurstPhase(&report, c)
            try await writePathPhase(&report, c, &m)
            report.ratios = ratios(report, m)
        }
    }

    /// Lets the API nodes see the new accounts and the pools warm up.
    /// (Reads only in a scaling run: a post by its largest author would fan out to all its followers.)
    /// A full run then fills every home timeline and reads each once on every node (`steadyState`).
    func warmUp(_ c: PhaseContext, _ report: inout Report) async throws {
        _ = await c.workload.closedLoop(name: "warm-up", concurrency: 4, seconds: options.mode == .smoke ? 1 : 2, mix: options.mix,
                                        only: options.mode == .scaling ? .home : nil, seed: 99, progress: { _ in })
        if options.mode == .full || options.mode == .smoke { try await steadyState(c, &report) }
    }

    /// The state the closed-loop home phase measures: full pages and warm caches, as in a running
    /// service. Every user posts once (fanned out before going on), then every user's home is read
    /// once on every node; that pass is the cold-cache figure, kept as a phase of the report.
    func steadyState(_ c: PhaseContext, _ report: inout Report) async throws {
        let fill = await c.workload.fillTimelines(concurrency: options.postConcurrency)
        say("fill: \(fill.op(.post)?.ok ?? 0) posts (one per user) in \(fmt(fill.seconds))s, \(fill.errors) errors")
        try await drain(c.pg)
        let cold = await c.workload.firstReads(concurrency: options.concurrency)
        say("home, first read of every user on every node (cold caches): \(cold.op(.home)?.ok ?? 0) reads, \(Int(cold.throughput))/s, \(cold.errors) errors")
        report.phases.append(cold)
    }

    /// Smoke: a short open-loop mix with every post's delivery probed, then a short closed loop.
    func smokePhases(_ report: inout Report, _ c: PhaseContext) async throws {
        let o = options
        let metricsBefore = await c.scraper.scrape()
        let t0 = ContinuousClock.now
        let rate = o.rate ?? 20
        let probe = Workload.Probe(recorder: DeliveryRecorder(threshold: o.policy.celebrityThreshold), sample: 1, maxActive: 8)
        report.phases.append(await c.workload.openLoop(name: "open \(Int(rate))/s", rate: rate, seconds: o.openSeconds, mix: o.mix,
                                                       seed: o.seed, probe: probe, progress: say))
        report.phases.append(await c.workload.closedLoop(name: "closed c=4", concurrency: 4, seconds: o.closedSeconds, mix: o.mix,
                                                         seed: o.seed &+ 1, progress: say))
        report.server = ServerFigures.between(metricsBefore, await c.scraper.scrape(), seconds: secondsOf(ContinuousClock.now - t0))
    }

    /// The machine's limits: raw pipelined LPUSH (redis-benchmark), a post's transaction (pgbench), GET /health.
    func baselinePhases(_ report: inout Report, _ c: PhaseContext, _ m: inout Measured) async {
        let o = options
        if c.redis != nil, let shard = o.redisMap.shards.first {
            do {
                let lpush = try await Baselines.redisLPush(host: shard.host, port: shard.port, requests: Baselines.lpushRequests)
                m.lpush = lpush
                report.baselines["redis_lpush_pipelined_per_s"] = lpush
                say("baseline: redis-benchmark -P \(Baselines.lpushPipeline) -t lpush: \(Int(lpush)) requests/s")
            } catch { report.notes.append("redis-benchmark: \(error)"); say("redis-benchmark: \(error)") }
        }
        do {
            let start = c.cpu.snapshot()
            let tps = try await Baselines.pgbench(databaseURL: o.databaseURL, client: c.pg, logger: logger, users: c.users,
                                                  clients: o.postConcurrency, seconds: o.baselineSeconds)
            report.record(c.cpu.row(phase: "pgbench c=\(o.postConcurrency)", operations: Int(tps * Double(o.baselineSeconds)), since: start))
            m.pgbench = tps
            report.baselines["pgbench_post_tps"] = tps
            say("baseline: pgbench post transaction, \(o.postConcurrency) clients: \(Int(tps)) tps")
        } catch { report.notes.append("pgbench: \(error)"); say("pgbench: \(error)") }
        let health = await accounted(&report, c) {
            await c.workload.closedLoop(name: "GET /health c=\(o.concurrency)", concurrency: o.concurrency, seconds: o.closedSeconds,
                                        mix: nil, only: .health, seed: o.seed, progress: say)
        }
        m.health = health.throughput
        report.baselines["health_requests_per_s"] = health.throughput
    }

    /// Starling's own Redis client (`RedisShardPool.pipeline`) against redis-benchmark on the first shard.
    func redisClientPhase(_ report: inout Report, _ c: PhaseContext, _ m: inout Measured) async {
        let o = options
        let map = c.redis?.redis.map ?? o.redisMap  // in cluster mode, the masters as learnt
        guard let shard = map.shards.first,
              let key = (0..<100_000).lazy.map({ "loadtest:lpush:{\($0)}" }).first(where: { map.shardIndex(forKey: $0) == 0 }) else { return }
        do {
            let result = try await RedisClientBench(host: shard.host, port: shard.port, key: key, connections: o.redisConnections, logger: logger)
                .run(pipelinedCallers: o.redisClientCallers, singleCallers: o.redisClientSingleCallers,
                     redisBenchmarkPipelined: m.lpush, say: say)
            report.redisClient = result
        } catch {
            report.notes.append("redis client baseline: \(error)")
            say("redis client baseline: \(error)")
        }
    }

    /// Closed-loop maxima of home reads and of posts on their own.
    func closedLoopMaxima(_ report: inout Report, _ c: PhaseContext, _ m: inout Measured) async throws {
        let o = options
        let home = await accounted(&report, c) {
            await c.workload.closedLoop(name: "home c=\(o.concurrency)", concurrency: o.concurrency, seconds: o.closedSeconds,
                                        mix: nil, only: .home, seed: o.seed &+ 2, progress: say)
        }
        m.homeMax = home.throughput
        let post = await accounted(&report, c) {
            await c.workload.closedLoop(name: "post c=\(o.postConcurrency)", concurrency: o.postConcurrency, seconds: o.closedSeconds,
                                        mix: nil, only: .post, seed: o.seed &+ 3, progress: say)
        }
        m.postMax = post.throughput
        try await drain(c.pg)
    }

    /// The closed-loop maximum of the mix (what the open-loop rate is half of).
    func closedLoopMix(_ report: inout Report, _ c: PhaseContext) async throws -> PhaseResult {
        let o = options
        let mixed = await accounted(&report, c) {
            await c.workload.closedLoop(name: "mix c=\(o.concurrency)", concurrency: o.concurrency, seconds: o.closedSeconds,
                                        mix: o.mix, seed: o.seed &+ 4, progress: say)
        }
        try await drain(c.pg)
        return mixed
    }

    /// Home reads and posts each at half their closed-loop maximum, open loop (the p99 and delivery targets).
    func halfLoadPhases(_ report: inout Report, _ c: PhaseContext, _ m: inout Measured) async throws {
        let o = options
        guard let homeMax = m.homeMax, let postMax = m.postMax else { return }
        let home = await accounted(&report, c) {
            await c.workload.openLoop(name: "home open \(Int(homeMax / 2))/s", rate: max(1, homeMax / 2), seconds: o.closedSeconds,
                                      mix: Mix(home: 1, user: 0, post: 0), seed: o.seed &+ 5, progress: say)
        }
        m.homeHalf = home
        let probe = Workload.Probe(recorder: DeliveryRecorder(threshold: o.policy.celebrityThreshold),
                                   sample: Workload.Probe.sample(o.deliverySample, forPostRate: postMax / 2), maxActive: 64)
        let post = await accounted(&report, c) {
            await c.workload.openLoop(name: "post open \(Int(postMax / 2))/s", rate: max(1, postMax / 2), seconds: o.closedSeconds,
                                      mix: Mix(home: 0, user: 0, post: 1), seed: o.seed &+ 6, probe: probe, progress: say)
        }
        m.postHalf = post
        try await drain(c.pg)
    }

    /// The main open-loop run: the mix at `rate` with delivery probes, server metrics and Redis INFO around it.
    func mainOpenLoop(_ report: inout Report, _ c: PhaseContext, rate: Double) async throws {
        let o = options
        let metricsBefore = await c.scraper.scrape()
        let redisBefore = await c.redis?.info()
        let t0 = ContinuousClock.now
        let probe = Workload.Probe(recorder: DeliveryRecorder(threshold: o.policy.celebrityThreshold),
                                   sample: Workload.Probe.sample(o.deliverySample, forPostRate: rate * o.mix.postShare), maxActive: 64)
        let open = await accounted(&report, c) {
            await c.workload.openLoop(name: "mix open \(Int(rate))/s", rate: rate, seconds: o.openSeconds, mix: o.mix,
                                      seed: o.seed &+ 7, probe: probe, progress: say)
        }
        try await drain(c.pg)
        report.server = ServerFigures.between(metricsBefore, await c.scraper.scrape(), seconds: secondsOf(ContinuousClock.now - t0))
        if let redisBefore, let redisAfter = await c.redis?.info() {
            report.redisBefore = redisBefore
            report.redisAfter = redisAfter
            let operations = open.ops.reduce(0) { $0 + $1.ok }  // client operations (probe polls excluded)
            report.redisCommandsPerOp = (redisAfter.commandsProcessed - redisBefore.commandsProcessed) / Double(max(1, operations))
            report.redisMemoryBytes = redisAfter.usedMemory
        }
    }

    /// Fan-out on its own vs raw LPUSH: a backlog of posts by the largest authors the cluster's policy pushes.
    func fanoutBurstPhase(_ report: inout Report, _ c: PhaseContext) async throws {
        let graph = c.graph
        let pushed = (0..<graph.userCount).filter { options.policy.pushesToFollowers(followersCount: Int(graph.followersCount[$0])) }
            .sorted { graph.followersCount[$0] > graph.followersCount[$1] }.prefix(8)
        guard let first = pushed.first, graph.followersCount[first] > 0 else {
            report.notes.append("fan-out burst skipped: no pushed author with followers under the \(options.policy.model.rawValue) model")
            return
        }
        let perRound = pushed.reduce(0) { $0 + Int(graph.followersCount[$1]) }
        let rounds = max(1, min(4096 / pushed.count, 150_000 / max(1, perRound)))
        let burst = try await Baselines.fanoutBurst(client: c.pg, logger: logger, scraper: c.scraper,
                                                    authors: pushed.map { c.users.accountIds[$0] }, posts: rounds * pushed.count,
                                                    expectedDeliveries: rounds * perRound)
        report.fanoutBurst = burst
        say("fan-out burst: \(Int(burst.deliveries)) of \(burst.expectedDeliveries) deliveries in \(fmt(burst.seconds))s: \(Int(burst.deliveriesPerSecond))/s")
    }

    /// Write-path cost: 40 sequential posts by the most followed author and 40 by an author with about ten followers.
    func writePathPhase(_ report: inout Report, _ c: PhaseContext, _ m: inout Measured) async throws {
        let graph = c.graph
        let top = (0..<graph.userCount).max { graph.followersCount[$0] < graph.followersCount[$1] } ?? 0
        let ten = (0..<graph.userCount).min { abs(Int(graph.followersCount[$0]) - 10) < abs(Int(graph.followersCount[$1]) - 10) } ?? 0
        let topP50 = await c.workload.sequentialPostP50(author: top, posts: 40, label: "write path probe")
        let smallP50 = await c.workload.sequentialPostP50(author: ten, posts: 40, label: "write path probe")
        report.writePath = ["top_author_followers": Double(graph.followersCount[top]), "top_author_post_p50_ms": topP50,
                            "small_author_followers": Double(graph.followersCount[ten]), "small_author_post_p50_ms": smallP50]
        m.writePath = WriteCost(topFollowers: Int(graph.followersCount[top]), topP50: topP50,
                                smallFollowers: Int(graph.followersCount[ten]), smallP50: smallP50)
        try await drain(c.pg)
    }

    /// Every figure against its baseline and the issue's target.
    func ratios(_ report: Report, _ m: Measured) -> [Ratio] {
        let o = options
        var ratios: [Ratio] = []
        if let burst = report.fanoutBurst {
            ratios.append(Ratio(name: "fan-out deliveries/s", measured: burst.deliveriesPerSecond, measuredLabel: "worker burst",
                                baseline: m.lpush, baselineLabel: "redis-benchmark -P 64 LPUSH (1 shard)",
                                ratio: m.lpush.map { burst.deliveriesPerSecond / $0 }, target: ">= 0.4",
                                met: m.lpush.map { burst.deliveriesPerSecond / $0 >= 0.4 }))
        }
        if let client = report.redisClient {
            ratios.append(Ratio(name: "Redis client LPUSH/s, pipelined", measured: client.pipelined.perSecond,
                                measuredLabel: "\(client.pipelined.callers) callers, \(client.pipelined.pipeline) per pipeline, \(client.connections) connections",
                                baseline: client.redisBenchmarkPipelined, baselineLabel: "redis-benchmark -P 64 LPUSH (1 shard)",
                                ratio: client.pipelinedRatio, target: "", met: nil))
            ratios.append(Ratio(name: "Redis client LPUSH/s, one command each", measured: client.single.perSecond,
                                measuredLabel: "\(client.single.callers) callers, 1 command per call, \(client.connections) connections",
                                baseline: client.redisBenchmarkSingle, baselineLabel: "redis-benchmark -c \(client.single.callers) LPUSH, no pipeline",
                                ratio: client.singleRatio, target: "", met: nil))
        }
        if let homeMax = m.homeMax {
            ratios.append(Ratio(name: "home-timeline reads/s", measured: homeMax, measuredLabel: "closed loop c=\(o.concurrency), full pages, warm caches",
                                baseline: m.health, baselineLabel: "GET /health, same client",
                                ratio: m.health.map { homeMax / $0 }, target: ">= 0.5", met: m.health.map { homeMax / $0 >= 0.5 }))
        }
        if let homeHalf = m.homeHalf, let p99 = homeHalf.op(.home)?.latency.p99 {
            ratios.append(Ratio(name: "home p99 at half max load (ms)", measured: p99, measuredLabel: "open loop \(Int(homeHalf.targetRate ?? 0))/s",
                                baseline: nil, baselineLabel: "", ratio: nil, target: "< 10 ms", met: p99 < 10 && homeHalf.errors == 0))
        }
        if let postMax = m.postMax {
            ratios.append(Ratio(name: "posts/s", measured: postMax, measuredLabel: "closed loop c=\(o.postConcurrency)",
                                baseline: m.pgbench, baselineLabel: "pgbench, same statements, c=\(o.postConcurrency)",
                                ratio: m.pgbench.map { postMax / $0 }, target: ">= 0.6", met: m.pgbench.map { postMax / $0 >= 0.6 }))
        }
        if let d = m.postHalf?.delivery, d.normal.count > 0 {
            ratios.append(Ratio(name: "delivery p99, normal authors (ms)", measured: d.normal.p99,
                                measuredLabel: "posts at half max, \(d.normal.count) probes, \(d.timeouts) timeouts",
                                baseline: nil, baselineLabel: "", ratio: nil, target: "< 1000 ms", met: d.normal.p99 < 1000 && d.timeouts == 0))
        }
        if let w = m.writePath, w.smallP50 > 0 {
            let r = w.topP50 / w.smallP50
            ratios.append(Ratio(name: "post p50, \(w.topFollowers) vs \(w.smallFollowers) followers", measured: w.topP50,
                                measuredLabel: "ms, sequential", baseline: w.smallP50, baselineLabel: "ms",
                                ratio: r, target: "<= 1.5", met: r <= 1.5))
        }
        return ratios
    }

    /// Waits (up to `timeout`) until the outbox is empty, so one phase's fan-out does not bill the next.
    func drain(_ pg: PostgresClient, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var depth: Int64 = 0
            for try await n in try await pg.query("SELECT count(*)::int8 FROM outbox", logger: logger).decode(Int64.self) { depth = n }
            if depth == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        say("warning: outbox still not empty after \(timeout)")
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
        if report.scaling != nil {
            try ReportRenderer.scalingSVG([report]).write(toFile: directory + "/scaling.svg", atomically: true, encoding: .utf8)
        }
        return directory
    }
}

/// The cluster launcher's env file (`cluster/starling-cluster` writes `KEY='value'` lines), as a fallback
/// environment for the server's setting readers: a variable set (non-empty) in the process environment wins.
public enum ClusterEnvironment {
    /// `KEY='value'` lines of the launcher's env file; empty when the file is missing.
    public static func readFile(_ path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        return parse(text)
    }

    public static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: eq)...])
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "'\\''", with: "'")
            }
            out[String(line[..<eq])] = value
        }
        return out
    }

    /// The file's variables overridden by the process environment's non-empty ones.
    public static func layered(file: [String: String], process: [String: String]) -> [String: String] {
        file.merging(process.filter { !$0.value.isEmpty }) { $1 }
    }
}
