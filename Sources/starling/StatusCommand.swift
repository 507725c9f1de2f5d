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
        let redis = ShardedRedis(map: map, mode: try timeline.mode(), connectionsPerShard: 1, logger: logger)
        defer { Task { try? await redis.shutdown() } }
        print("Redis (\(redis.mode.rawValue) mode)")
        var nodes: [(address: String, role: String, slots: String)] = []
        if redis.mode == .cluster {
            try await redis.refreshTopology()
            let reply = try await redis.pools[0].pipeline([RedisCommand("CLUSTER", "NODES")])[0]
            for line in (reply.string ?? "").split(separator: "\n") {
                let fields = line.split(separator: " ").map(String.init)
                guard fields.count >= 8 else { continue }
                let address = String(fields[1].split(separator: "@")[0])
                let flags = fields[2]
                let role = flags.contains("fail") ? "FAILED" : flags.contains("master") ? "master" : "replica"
                let ranges = fields.dropFirst(8).joined(separator: " ")
                let count = fields.dropFirst(8).reduce(0) { total, range in
                    let bounds = range.split(separator: "-").compactMap { Int($0) }
                    return total + (bounds.count == 2 ? bounds[1] - bounds[0] + 1 : bounds.count)
                }
                nodes.append((address, role, role == "master" ? "\(count) slots \(ranges)" : ""))
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
