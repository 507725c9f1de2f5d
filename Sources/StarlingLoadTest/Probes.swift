import Foundation
import StarlingDomain
import StarlingRedis

/// A parsed Prometheus text exposition: sample name (with labels) to value.
public struct PrometheusSamples: Sendable {
    public var samples: [(name: String, labels: String, value: Double)] = []

    public init(text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let key = line[..<space]
            if let brace = key.firstIndex(of: "{") {
                samples.append((String(key[..<brace]), String(key[brace...]), value))
            } else {
                samples.append((String(key), "", value))
            }
        }
    }

    public init() {}

    public mutating func merge(_ other: PrometheusSamples) { samples += other.samples }

    /// Sum over every series of `name`, optionally only those whose labels contain `labelFilter`.
    public func sum(_ name: String, labels labelFilter: String? = nil) -> Double {
        samples.filter { s in s.name == name && (labelFilter.map { s.labels.contains($0) } ?? true) }.reduce(0) { $0 + $1.value }
    }

    public func max(_ name: String) -> Double {
        samples.filter { $0.name == name }.map(\.value).max() ?? 0
    }

    /// Cumulative histogram buckets of `name` summed over series: `le` to count.
    func buckets(_ name: String) -> [(Double, Double)] {
        var out: [Double: Double] = [:]
        for s in samples where s.name == name + "_bucket" {
            guard let r = s.labels.range(of: "le=\"") else { continue }
            let rest = s.labels[r.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { continue }
            let le = rest[..<end] == "+Inf" ? Double.infinity : Double(rest[..<end]) ?? .infinity
            out[le, default: 0] += s.value
        }
        return out.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// Server-side figures between two scrapes of every node's /metrics.
public struct ServerFigures: Codable, Sendable {
    public var deliveries: Double
    public var deliveriesPerSecond: Double
    public var outboxDepthAfter: Double
    public var fanoutLagMeanSeconds: Double?
    public var fanoutLagP99Seconds: Double?
    public var fanoutJobs: Double

    static func between(_ a: PrometheusSamples, _ b: PrometheusSamples, seconds: Double) -> ServerFigures {
        let d = b.sum("starling_fanout_deliveries_total") - a.sum("starling_fanout_deliveries_total")
        let lagCount = b.sum("starling_fanout_lag_seconds_count") - a.sum("starling_fanout_lag_seconds_count")
        let lagSum = b.sum("starling_fanout_lag_seconds_sum") - a.sum("starling_fanout_lag_seconds_sum")
        var p99: Double? = nil
        let before = Dictionary(a.buckets("starling_fanout_lag_seconds"), uniquingKeysWith: +)
        let delta = b.buckets("starling_fanout_lag_seconds").map { ($0.0, $0.1 - (before[$0.0] ?? 0)) }
        if let total = delta.last?.1, total > 0 {
            p99 = delta.first { $0.1 >= 0.99 * total }?.0
        }
        return ServerFigures(deliveries: d, deliveriesPerSecond: d / Swift.max(seconds, 1e-9),
                             outboxDepthAfter: b.max("starling_outbox_depth"),
                             fanoutLagMeanSeconds: lagCount > 0 ? lagSum / lagCount : nil, fanoutLagP99Seconds: p99,
                             fanoutJobs: b.sum("starling_fanout_job_duration_seconds_count") - a.sum("starling_fanout_job_duration_seconds_count"))
    }
}

/// Scrapes the /metrics of every node given (API and worker ops URLs).
public struct MetricsScraper: Sendable {
    public let urls: [String]
    let api: APIClient

    public init(urls: [String], api: APIClient) {
        self.urls = urls
        self.api = api
    }

    public func scrape() async -> PrometheusSamples {
        var all = PrometheusSamples()
        for url in urls {
            if let text = try? await api.get(url: url + "/metrics") { all.merge(PrometheusSamples(text: text)) }
        }
        return all
    }
}

/// `INFO` figures summed over the Redis shards.
public struct RedisFigures: Codable, Sendable {
    public var usedMemory: Double
    public var commandsProcessed: Double
}

public final class RedisInspector: Sendable {
    let redis: ShardedRedis
    public var ports: [Int] { redis.map.shards.map(\.port) }

    public init(map: ShardMap, mode: RedisMode = .shards) async throws {
        redis = ShardedRedis(map: map, mode: mode, connectionsPerShard: 1, timeoutSeconds: 5)
        try await redis.refreshTopology()
    }

    public func shutdown() async { try? await redis.shutdown() }

    public func info() async -> RedisFigures {
        var memory = 0.0, commands = 0.0
        for pool in redis.pools {
            guard let text = (try? await pool.pipeline([RedisCommand("INFO")]))?.first?.string else { continue }
            for line in text.split(whereSeparator: \.isNewline) {
                let kv = line.split(separator: ":", maxSplits: 1)
                guard kv.count == 2 else { continue }
                if kv[0] == "used_memory" { memory += Double(kv[1]) ?? 0 }
                if kv[0] == "total_commands_processed" { commands += Double(kv[1]) ?? 0 }
            }
        }
        return RedisFigures(usedMemory: memory, commandsProcessed: commands)
    }
}
