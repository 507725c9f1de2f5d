import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import StarlingDomain
import StarlingRedis
import StarlingStore

/// `starling status`: one screen on the whole cluster, for operators.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the cluster: API nodes and workers (from /ready and /metrics), Redis nodes, outbox depth, fan-out lag.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var timeline: TimelineOptions

    @Option(help: "API node base URLs, comma-separated. Env STARLING_STATUS_API.")
    var api: String?

    @Option(help: "Worker ops base URLs, comma-separated. Env STARLING_STATUS_WORKERS.")
    var workers: String?

    func run() async throws {
        var logger = try common.logger("starling.status")
        logger.logLevel = .error
        let reader = SettingReader()
        let apiURLs = reader.string(api, "STARLING_STATUS_API", default: "").split(separator: ",").map(String.init)
        let workerURLs = reader.string(workers, "STARLING_STATUS_WORKERS", default: "").split(separator: ",").map(String.init)

        print("API nodes")
        for url in apiURLs { print("  " + (await Self.nodeLine(url))) }
        print("Workers")
        var deliveries = 0.0, lagSum = 0.0, lagCount = 0.0
        for url in workerURLs {
            print("  " + (await Self.nodeLine(url)))
            let metrics = (try? await Self.fetch(url + "/metrics")) ?? ""
            deliveries += Self.metric(metrics, "starling_fanout_deliveries_total") ?? 0
            lagSum += Self.metric(metrics, "starling_fanout_lag_seconds_sum") ?? 0
            lagCount += Self.metric(metrics, "starling_fanout_lag_seconds_count") ?? 0
        }
        print(String(format: "  fan-out: %.0f deliveries, mean lag %@", deliveries,
                     lagCount > 0 ? String(format: "%.1f ms over %.0f chunks", lagSum / lagCount * 1000, lagCount) : "n/a"))

        try await printRedis(logger: logger)

        let configuration = try Database.configuration(url: common.resolvedDatabaseURL(), maxConnections: 1)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let rows = try await client.query(
                "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 FROM outbox", logger: logger)
            for try await (depth, age) in rows.decode((Int64, Double).self) {
                print(String(format: "Outbox: %d rows waiting, oldest %.1f s", depth, age))
            }
            group.cancelAll()
        }
    }

    private func printRedis(logger: Logger) async throws {
        let map = try timeline.shardMap()
        let mode = try timeline.mode()
        print("Redis (\(mode.rawValue) mode)")
        var nodes: [(address: String, role: String, slots: String)] = []
        if mode == .cluster {
            let read = try await TopologyCommand.read(seeds: map.shards)
            for node in read.topology.nodes {
                let role = node.isFailing ? "FAILED" : node.isMaster ? "master" : "replica"
                let ranges = node.slots.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
                nodes.append((node.address, role, role == "master" ? "\(node.slotCount) slots \(ranges.joined(separator: " "))" : ""))
            }
        } else {
            var owned: [Int: Int] = [:]
            for slot in 0..<KeySlot.slotCount { owned[map.shardIndex(forSlot: slot), default: 0] += 1 }
            for (index, shard) in map.shards.enumerated() {
                nodes.append((shard.description, "shard", "\(owned[index] ?? 0) slots"))
            }
        }
        for node in nodes.sorted(by: { $0.address < $1.address }) {
            guard let address = try? ShardMap.parseAddress(node.address) else { continue }
            let pool = RedisShardPool(host: address.host, port: address.port, capacity: 1, timeoutSeconds: 1)
            let replies = try? await pool.pipeline([RedisCommand("DBSIZE"), RedisCommand("INFO", "memory")])
            let keys = replies?[0].int64.map(String.init) ?? "?"
            let memory = replies?[1].string?.split(separator: "\r\n").first { $0.hasPrefix("used_memory_human:") }?
                .split(separator: ":").last.map(String.init) ?? "?"
            let state = replies == nil ? "DOWN" : node.role
            print("  \(node.address.padding(toLength: 22, withPad: " ", startingAt: 0)) \(state.padding(toLength: 8, withPad: " ", startingAt: 0)) keys \(keys.padding(toLength: 8, withPad: " ", startingAt: 0)) memory \(memory.padding(toLength: 8, withPad: " ", startingAt: 0)) \(node.slots)")
        }
    }

    static func nodeLine(_ url: String) async -> String {
        guard let body = try? await fetch(url + "/ready") else { return "\(url)  UNREACHABLE" }
        let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: String] ?? [:]
        let status = object["status"] ?? "?"
        let checks = object.filter { $0.key != "status" }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return "\(url)  \(status)  (\(checks.joined(separator: ", ")))"
    }

    static func fetch(_ url: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(3))
        let body = try await response.body.collect(upTo: 4 << 20)
        return String(buffer: body)
    }

    /// The value of an unlabelled metric in Prometheus text.
    static func metric(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }?.split(separator: " ").last.flatMap { Double($0) }
    }
}

/// `starling topology`: the Redis nodes, their roles and slots, as one node of the cluster sees them
/// (`CLUSTER NODES`, read by `ClusterTopology`). The launcher and the end-to-end tests ask this
/// command rather than parsing Redis' replies themselves.
struct TopologyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Print the Redis nodes: role, health, slots (cluster mode: CLUSTER NODES from the first seed that answers).",
        discussion: """
            Text output, one line per node: ADDRESS ROLE HEALTH SLOTS MASTER ID, where ROLE is master, \
            replica, unknown or shard, HEALTH is ok, pfail, fail, noaddr or handshake, SLOTS the number of \
            slots served and MASTER the address of a replica's master (- otherwise). --json prints every \
            field (slot ranges, flags, migrating and importing slots) and the asked node's cluster_state.
            """)

    @OptionGroup var timeline: TimelineOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let map = try timeline.shardMap()
        let report: Report
        if try timeline.mode() == .cluster {
            let read = try await Self.read(seeds: map.shards)
            report = Report(topology: read.topology, asked: read.asked, state: read.state)
        } else {
            report = Report(shards: map)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            for node in report.nodes {
                print([node.address, node.role, node.health, String(node.slotCount), node.masterAddress ?? "-", node.id ?? "-"]
                    .joined(separator: " "))
            }
        }
    }

    /// `CLUSTER NODES` and `cluster_state` (from `CLUSTER INFO`) from the first seed that answers.
    static func read(seeds: [ShardAddress]) async throws -> (topology: ClusterTopology, asked: ShardAddress, state: String?) {
        var lastError: (any Error)?
        for seed in seeds {
            let pool = RedisShardPool(host: seed.host, port: seed.port, capacity: 1, timeoutSeconds: 1)
            defer { Task { await pool.close() } }
            do {
                let replies = try await pool.pipeline([RedisCommand("CLUSTER", "NODES"), RedisCommand("CLUSTER", "INFO")])
                let topology = try ShardedRedis.clusterTopology(from: replies[0])
                let state = replies[1].string?.split(whereSeparator: \.isNewline)
                    .first { $0.hasPrefix("cluster_state:") }?.dropFirst("cluster_state:".count)
                return (topology, seed, state.map(String.init))
            } catch {
                lastError = error
            }
        }
        throw ValidationError("no Redis Cluster node answered CLUSTER NODES (seeds \(seeds.map(\.description).joined(separator: ","))): \(lastError.map { String(describing: $0) } ?? "no seed")")
    }

    /// What `--json` prints (and the text lines are made of).
    struct Report: Encodable {
        var mode: String
        /// The node that answered (cluster mode).
        var asked: String?
        /// Its `cluster_state` (`ok` or `fail`).
        var clusterState: String?
        /// Slots served by some master (all of them in shards mode).
        var slotsCovered: Int
        var nodes: [NodeReport]

        enum CodingKeys: String, CodingKey {
            case mode, asked, nodes
            case clusterState = "cluster_state", slotsCovered = "slots_covered"
        }

        init(topology: ClusterTopology, asked: ShardAddress, state: String?) {
            mode = RedisMode.cluster.rawValue
            self.asked = asked.description
            clusterState = state
            slotsCovered = topology.coveredSlots
            nodes = topology.nodes.map { NodeReport($0, in: topology) }
        }

        init(shards map: ShardMap) {
            mode = RedisMode.shards.rawValue
            slotsCovered = KeySlot.slotCount
            var ranges = [[Int]](repeating: [], count: map.shards.count)
            for slot in 0..<KeySlot.slotCount {
                let owner = map.shardIndex(forSlot: slot)
                if let last = ranges[owner].last, last == slot - 1 {
                    ranges[owner][ranges[owner].count - 1] = slot
                } else {
                    ranges[owner] += [slot, slot]
                }
            }
            nodes = map.shards.enumerated().map { index, shard in
                let pairs = stride(from: 0, to: ranges[index].count, by: 2).map { [ranges[index][$0], ranges[index][$0 + 1]] }
                return NodeReport(shard: shard, slots: pairs)
            }
        }
    }

    struct NodeReport: Encodable {
        var id: String?
        var address: String
        var host: String
        var port: Int
        var busPort: Int?
        var hostname: String?
        /// Where clients connect (the hostname if announced, else the IP).
        var endpoint: String
        var role: String
        var health: String
        var flags: [String]
        var myself: Bool
        var masterId: String?
        var masterAddress: String?
        var link: String?
        var slotCount: Int
        var slots: [[Int]]
        var migrating: [Move]
        var importing: [Move]

        struct Move: Encodable {
            var slot: Int
            var node: String
        }

        enum CodingKeys: String, CodingKey {
            case id, address, host, port, hostname, endpoint, role, health, flags, myself, link, slots, migrating, importing
            case busPort = "bus_port", masterId = "master_id", masterAddress = "master_address", slotCount = "slot_count"
        }

        init(_ node: ClusterTopology.Node, in topology: ClusterTopology) {
            id = node.id
            address = node.address
            host = node.ip
            port = node.port
            busPort = node.busPort
            hostname = node.hostname
            endpoint = node.endpoint.description
            role = node.role
            health = node.health
            flags = node.flags.sorted()
            myself = node.isMyself
            masterId = node.masterId
            masterAddress = node.masterId.flatMap { topology.node(id: $0)?.address }
            link = node.linkState
            slotCount = node.slotCount
            slots = node.slots.map { [$0.lowerBound, $0.upperBound] }
            migrating = node.migrating.map { Move(slot: $0.slot, node: $0.to) }
            importing = node.importing.map { Move(slot: $0.slot, node: $0.from) }
        }

        init(shard: ShardAddress, slots: [[Int]]) {
            address = shard.description
            host = shard.host
            port = shard.port
            endpoint = shard.description
            role = "shard"
            health = "ok"
            flags = []
            myself = false
            slotCount = slots.reduce(0) { $0 + $1[1] - $1[0] + 1 }
            self.slots = slots
            migrating = []
            importing = []
        }
    }
}
