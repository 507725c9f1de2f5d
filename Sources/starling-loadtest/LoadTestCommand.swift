import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import StarlingDomain
import StarlingLoadTest
import StarlingRedis
import StarlingSettings

/// `starling-loadtest`: seeds a social graph and drives a cluster; see loadtest/README.md. Its own
/// executable, so `starling` does not link the harness; it reads the cluster's settings with the server's
/// own types (`CommonOptions`, `TimelineOptions`, `FanoutPolicy`).
@main
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "starling-loadtest",
        abstract: "Seed a social graph and load-test a Starling cluster (see loadtest/README.md)."
    )

    @Option(name: .customLong("url"), help: "API URL to load (repeat for several nodes). Default: API1_URL… from the cluster env file, else STARLING_URL.")
    var urls: [String] = []

    @Option(name: .customLong("metrics-url"), help: "Node whose /metrics to scrape (repeat). Default: API*_URL and WORKER*_URL from the env file.")
    var metricsURLs: [String] = []

    @Option(help: "Cluster env file written by cluster/starling-cluster. Default $STARLING_CLUSTER_DIR/env or .cluster/env.")
    var clusterEnv: String?

    @OptionGroup(title: "Database (as the server reads them; the env file fills what the environment does not set)")
    var common: CommonOptions

    @OptionGroup(title: "Redis and fan-out (the cluster's settings, read as the server reads them)")
    var timeline: TimelineOptions

    @Option(help: "SNAP-style edge list to seed (a b per line, #/% comments, optional 'rows cols nnz' header).")
    var edges: String?

    @Flag(inversion: .prefixedNo, help: "Each edge-list line is a mutual follow (default) rather than 'a follows b'.")
    var mutual = true

    @Option(help: "Edge-list header line: auto, yes or no.")
    var header: String = "auto"

    @Option(help: "Generate a power-law graph instead: users=10000,follows=20,exponent=2.1,celebrities=3,reach=0.5,seed=42.")
    var generate: String?

    @Option(help: "Operation mix in percent: home=60,user=30,post=10.")
    var mix: String = "home=60,user=30,post=10"

    @Option(help: "Open-loop arrival rate per second. Default: half the closed-loop maximum (smoke: 20).")
    var rate: Double?

    @Option(help: "Seconds of the main open-loop phase.")
    var duration: Double = 60

    @Option(help: "Seconds of each closed-loop and half-load phase.")
    var phaseSeconds: Double = 12

    @Option(help: "Seconds of the pgbench baseline.")
    var baselineSeconds: Int = 10

    @Option(help: "Closed-loop clients for reads and the mix.")
    var concurrency: Int = 32

    @Option(help: "Closed-loop clients for posts (and pgbench).")
    var postConcurrency: Int = 16

    @Option(help: "Keep-alive connections per API URL.")
    var connections: Int = 32

    @Option(help: "Fraction of posts whose delivery is probed (at most 25 probed posts a second: the probes' polls are home reads on top of the load).")
    var deliverySample: Double = 0.25

    @Option(help: "Seed of the workload's random choices.")
    var seed: UInt64 = 1

    @Option(help: "Run mode: full, smoke, model or scaling.")
    var mode: String = "full"

    @Flag(help: "Short smoke run (small graph, low rate); exits non-zero on any error or zero throughput.")
    var smoke = false

    @Flag(help: "Soak run: posts and home reads at half their closed-loop maximum (or --rate) for --soak-minutes, sampling RSS and sockets of every node (pids from the env file), Redis memory per shard and the outbox depth.")
    var soak = false

    @Flag(help: "Recovery run: older statuses written to PostgreSQL (--recovery-statuses), home reads at their closed-loop maximum, then FLUSHALL on every Redis shard of the cluster (its homes are rebuilt from PostgreSQL as they are read), then home reads in 2 s windows until they are back to 80 % (at most a minute). Only against a load-test cluster.")
    var recovery = false

    @Option(help: "Recovery run: older statuses to write first, by skewed authors (0: none).")
    var recoveryStatuses: Int = 500_000

    @Option(help: "Soak run: minutes of load.")
    var soakMinutes: Double = 10

    @Option(help: "Soak run: seconds between samples.")
    var soakInterval: Double = 10

    @Flag(help: "Skip redis-benchmark, pgbench and the /health baseline.")
    var noBaselines = false

    @Flag(inversion: .prefixedNo, help: "Measure Starling's own Redis client (pipelined and one-command LPUSH) against redis-benchmark (full runs; off in --smoke).")
    var redisClientBaseline = true

    @Option(help: "Concurrent callers of the pipelined Redis client baseline.")
    var redisClientCallers: Int = 50

    @Option(help: "Concurrent callers of the one-command Redis client baseline.")
    var redisClientSingleCallers: Int = 256

    @Option(help: "Scaling run: follower counts of the measured authors (k/m suffixes). Default 10,1k,10k,100k (1m seeds for minutes on 2 cores).")
    var scalingSizes: String = "10,1k,10k,100k"

    @Option(help: "Scaling run: numbers of followed celebrities of the home-read readers.")
    var scalingCelebrities: String = "0,5,20,50"

    @Flag(help: "Only seed the graph (and print the seeding rate).")
    var seedOnly = false

    @Option(help: "Label of this run (used in the results folder name).")
    var label: String = "default"

    @Option(help: "Folder for results (a timestamped subfolder is created).")
    var output: String = "loadtest/results"

    @Option(parsing: .upToNextOption, help: "Print the side-by-side comparison of these report.json files and exit.")
    var compare: [String] = []

    @Option(help: "With --compare: write the scaling chart (SVG) of the reports here.")
    var chart: String?

    func run() async throws {
        if !compare.isEmpty {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let reports = try compare.map { try decoder.decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
            let workloads = reports.filter { $0.mode != .scaling }
            if !workloads.isEmpty { print(ReportRenderer.compare(workloads), terminator: "") }
            if reports.contains(where: { $0.scaling != nil }) {
                if !workloads.isEmpty { print("") }
                print(ReportRenderer.scalingTable(reports), terminator: "")
                if let chart {
                    try ReportRenderer.scalingSVG(reports).write(toFile: chart, atomically: true, encoding: .utf8)
                    print("scaling chart: \(chart)")
                }
            }
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let envFile = clusterEnv ?? ((environment["STARLING_CLUSTER_DIR"].map { $0 + "/env" }) ?? ".cluster/env")
        let cluster = ClusterEnvironment.readFile(envFile)
        // The server's settings, read by the server's readers: flag, then environment, then the env file.
        let reader = SettingReader(environment: ClusterEnvironment.layered(file: cluster, process: environment))

        var options = LoadTestOptions()
        guard smoke || RunMode(rawValue: mode) != nil else { throw ValidationError("--mode must be full, smoke, model, scaling, soak or recovery") }
        options.mode = smoke ? .smoke : soak ? .soak : recovery ? .recovery : (RunMode(rawValue: mode) ?? .full)
        guard soakMinutes > 0, soakInterval > 0 else { throw ValidationError("--soak-minutes and --soak-interval must be positive") }
        options.soakSeconds = soakMinutes * 60
        options.soakInterval = soakInterval
        guard recoveryStatuses >= 0 else { throw ValidationError("--recovery-statuses must not be negative") }
        options.recoveryStatuses = recoveryStatuses
        options.soakProcesses = ["API", "WORKER"].flatMap { kind in
            (1...16).compactMap { n in cluster["\(kind)\(n)_PID"].flatMap { Int32($0) }.map { SoakProcess(name: "\(kind.lowercased())\(n)", pid: $0) } }
        }
        options.cpuGroups = CPUAccount.clusterGroups(env: cluster)
        options.label = label
        if urls.isEmpty {
            let nodes = (1...16).compactMap { cluster["API\($0)_URL"] }
            if let url = environment["STARLING_URL"], !url.isEmpty, cluster["STARLING_URL"] != url {
                options.targets = [url]  // an explicit URL (a load balancer, another cluster) wins over the env file
            } else if !nodes.isEmpty {
                options.targets = nodes
            } else if let url = cluster["STARLING_URL"] {
                options.targets = [url]
            }
        } else {
            options.targets = urls
        }
        guard !options.targets.isEmpty else {
            throw ValidationError("no API URL: pass --url, set STARLING_URL, or start a cluster (cluster/starling-cluster start) so \(envFile) exists")
        }
        options.metricsURLs = metricsURLs.isEmpty
            ? (1...16).compactMap { cluster["API\($0)_URL"] } + (1...16).compactMap { cluster["WORKER\($0)_URL"] }
            : metricsURLs
        if options.metricsURLs.isEmpty { options.metricsURLs = options.targets }
        options.databaseURL = common.resolvedDatabaseURL(reader)
        options.redisMap = try timeline.shardMap(reader)
        options.redisMode = try timeline.mode(reader)
        options.redisConnections = try timeline.connections(reader)
        options.policy = try timeline.policy(reader)
        options.listTTLSeconds = try timeline.inactiveAfterSeconds(reader)
        do {
            options.mix = try Mix.parse(mix)
            if let generate {
                options.graph = .generate(try PowerLawGenerator.parse(generate))
            } else if let edges {
                guard let h = EdgeListLoader.Header(rawValue: header) else { throw ValidationError("--header must be auto, yes or no") }
                options.graph = .edges(path: edges, mutual: mutual, header: h)
            } else if options.mode == .smoke {
                options.graph = .generate(PowerLawGenerator(users: 300, meanFollows: 10, exponent: 2.1, celebrities: 2, celebrityReach: 0.3))
            } else if options.mode == .scaling {
                options.graph = .scaling
            } else {
                throw ValidationError("no graph: pass --edges FILE or --generate users=…,follows=… (loadtest/run finds the Reed98 dataset)")
            }
        } catch let error as LoadTestError {
            throw ValidationError(error.description)
        }
        guard rate.map({ $0 > 0 }) ?? true else { throw ValidationError("--rate must be positive") }
        options.rate = rate
        options.openSeconds = smoke && duration == 60 ? 10 : duration
        options.closedSeconds = smoke && phaseSeconds == 12 ? 4 : phaseSeconds
        options.baselineSeconds = baselineSeconds
        options.concurrency = max(1, concurrency)
        options.postConcurrency = max(1, postConcurrency)
        options.connectionsPerTarget = max(1, connections)
        options.deliverySample = min(1, max(0, deliverySample))
        options.seed = seed
        options.outputDirectory = output
        options.baselines = !noBaselines
        options.seedOnly = seedOnly
        options.redisClientBaseline = redisClientBaseline && options.mode == .full
        options.redisClientCallers = max(1, redisClientCallers)
        options.redisClientSingleCallers = max(1, redisClientSingleCallers)
        do {
            options.scaling.sizes = try ScalingPlan.parseList(scalingSizes, name: "--scaling-sizes")
            options.scaling.celebrityCounts = try ScalingPlan.parseList(scalingCelebrities, name: "--scaling-celebrities")
        } catch let error as LoadTestError {
            throw ValidationError(error.description)
        }

        // The harness logs warnings unless STARLING_LOG_LEVEL (process environment) or --log-level says otherwise.
        let logger = try common.logger("starling.loadtest", SettingReader(environment: ["STARLING_LOG_LEVEL": "warning"].merging(environment) { $1 }))
        let runner = LoadTestRunner(options: options, logger: logger) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let report: Report, directory: String
        do {
            (report, directory) = try await runner.run()
        } catch let error as PSQLError {
            throw ValidationError("PostgreSQL: \(error.serverInfo?[.message] ?? String(reflecting: error))")
        }
        print(ReportRenderer.table(report), terminator: "")
        print("results: \(directory)/report.json, \(directory)/chart.svg, \(directory)/summary.txt")
        if options.mode == .smoke {
            let phases = report.phases.filter { $0.name != "warm-up" }
            let errors = phases.reduce(0) { $0 + $1.errors }
            let zero = phases.filter { $0.throughput <= 0 }.map(\.name)
            let deliveryTimeouts = phases.compactMap(\.delivery).reduce(0) { $0 + $1.timeouts }
            if errors > 0 || !zero.isEmpty || deliveryTimeouts > 0 {
                print("smoke: FAILED (\(errors) errors, zero throughput in [\(zero.joined(separator: ", "))], \(deliveryTimeouts) delivery timeouts)")
                throw ExitCode(1)
            }
            print("smoke: ok")
        }
    }
}
