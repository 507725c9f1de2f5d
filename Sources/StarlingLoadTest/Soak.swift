import Foundation
import Logging
import PostgresNIO
import StarlingRedis

/// A server process the soak run watches (from the cluster env file: `API1_PID`, `WORKER1_PID`, …).
public struct SoakProcess: Sendable, Codable {
    public var name: String
    public var pid: Int32

    public init(name: String, pid: Int32) {
        self.name = name
        self.pid = pid
    }
}

/// One sample of the soak run. A figure that could not be read (a process gone, a shard down) is absent.
public struct SoakSample: Sendable, Codable {
    public var seconds: Double
    /// Resident set size per process (`VmRSS` of /proc/PID/status), bytes.
    public var rssBytes: [String: Double] = [:]
    /// Open sockets per process (entries of /proc/PID/fd that are sockets): client keep-alive
    /// connections, PostgreSQL and Redis connections, listeners.
    public var sockets: [String: Double] = [:]
    /// Redis `used_memory` per shard (`host:port`), bytes.
    public var redisUsedMemory: [String: Double] = [:]
    /// Rows in the outbox (`SELECT count(*)`).
    public var outboxDepth: Double?
}

/// What `--soak` measured: the samples, and each figure's growth.
public struct SoakReport: Sendable, Codable {
    public var rate: Double
    public var seconds: Double
    /// Growth "after warm-up" is measured from the first sample at or past this.
    public var warmUpSeconds: Double
    public var processes: [String]
    public var shards: [String]
    public var samples: [SoakSample]

    /// One figure's first, after-warm-up and last value.
    public struct Growth: Sendable {
        public var name: String
        public var first: Double
        public var warm: Double
        public var last: Double
        public var percent: Double { first > 0 ? (last - first) / first * 100 : 0 }
        public var percentAfterWarmUp: Double { warm > 0 ? (last - warm) / warm * 100 : 0 }
    }

    /// Every series (per process, per shard, the outbox, and the RSS total), first → last.
    public var growth: [Growth] {
        guard let warmIndex = samples.firstIndex(where: { $0.seconds >= warmUpSeconds }) ?? samples.indices.last else { return [] }
        func series(_ name: String, _ value: (SoakSample) -> Double?) -> Growth? {
            let values = samples.map(value)
            guard let first = values.first ?? nil, let last = values.last ?? nil else { return nil }
            let warm = values[warmIndex] ?? first
            return Growth(name: name, first: first, warm: warm, last: last)
        }
        var out: [Growth] = []
        out += processes.compactMap { p in series("RSS \(p)") { $0.rssBytes[p] } }
        out += [series("RSS all nodes") { s in processes.allSatisfy { s.rssBytes[$0] != nil } ? processes.reduce(0) { $0 + (s.rssBytes[$1] ?? 0) } : nil }].compactMap { $0 }
        out += processes.compactMap { p in series("sockets \(p)") { $0.sockets[p] } }
        out += shards.compactMap { s in series("redis used_memory \(s)") { $0.redisUsedMemory[s] } }
        out += [series("outbox depth") { $0.outboxDepth }].compactMap { $0 }
        return out
    }
}

/// Reads the soak figures.
struct SoakSampler: Sendable {
    let processes: [SoakProcess]
    let redis: RedisInspector?
    let pg: PostgresClient
    let logger: Logger

    func sample(at seconds: Double) async -> SoakSample {
        var s = SoakSample(seconds: seconds)
        for p in processes {
            s.rssBytes[p.name] = Self.rss(p.pid)
            s.sockets[p.name] = Self.sockets(p.pid)
        }
        if let redis { s.redisUsedMemory = await redis.usedMemoryPerShard() }
        do {
            for try await n in try await pg.query("SELECT count(*)::int8 FROM outbox", logger: logger).decode(Int64.self) {
                s.outboxDepth = Double(n)
            }
        } catch {
            logger.warning("soak: outbox depth not read", metadata: ["error": "\(error)"])
        }
        return s
    }

    static func rss(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kb = Double(fields[1]) { return kb * 1024 }
        }
        return nil
    }

    static func sockets(_ pid: Int32) -> Double? {
        let dir = "/proc/\(pid)/fd"
        guard let fds = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return nil }
        return Double(fds.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\($0)"))?.hasPrefix("socket:") == true }.count)
    }
}

extension RedisInspector {
    /// `used_memory` of each shard (`host:port`); a shard that does not answer is left out.
    func usedMemoryPerShard() async -> [String: Double] {
        var out: [String: Double] = [:]
        let shards = redis.map.shards
        for (i, pool) in redis.pools.enumerated() {
            guard let text = (try? await pool.pipeline([RedisCommand("INFO", "memory")]))?.first?.string else { continue }
            let name = i < shards.count ? "\(shards[i].host):\(shards[i].port)" : "shard \(i + 1)"
            for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("used_memory:") {
                out[name] = Double(line.dropFirst("used_memory:".count))
            }
        }
        return out
    }
}

extension LoadTestRunner {
    /// Soak: the mix's posts and home reads (no profile reads) at `--rate`, or half their closed-loop
    /// maximum, for `soakSeconds`, sampling RSS and open sockets of every node, Redis memory per
    /// shard and the outbox depth every `soakInterval` seconds.
    func soakPhases(_ report: inout Report, _ c: PhaseContext) async throws {
        let o = options
        let mix = Mix(home: o.mix.home, user: 0, post: o.mix.post)
        let rate: Double
        if let given = o.rate {
            rate = given
        } else {
            let max = await c.workload.closedLoop(name: "soak mix c=\(o.concurrency)", concurrency: o.concurrency, seconds: o.closedSeconds,
                                                  mix: mix, seed: o.seed &+ 4, progress: say)
            report.phases.append(max)
            try await drain(c.pg)
            rate = Swift.max(1, max.throughput / 2)
        }
        let seconds = o.soakSeconds
        let sampler = SoakSampler(processes: o.soakProcesses, redis: c.redis, pg: c.pg, logger: logger)
        say("soak: \(Int(rate))/s of \(mix.description) for \(fmt(seconds / 60, 1)) min, sampling every \(fmt(o.soakInterval, 0)) s: "
            + (o.soakProcesses.isEmpty ? "no node pids (no cluster env file): RSS and sockets not sampled" : o.soakProcesses.map(\.name).joined(separator: ", ")))
        let workload = c.workload
        let seed = o.seed &+ 7
        let phase = Task { await workload.openLoop(name: "soak \(Int(rate))/s", rate: rate, seconds: seconds, mix: mix, seed: seed, progress: { _ in }) }
        let t0 = ContinuousClock.now
        var samples: [SoakSample] = []
        while true {
            let now = secondsOf(ContinuousClock.now - t0)
            let sample = await sampler.sample(at: now)
            samples.append(sample)
            say("soak " + SoakRendering.line(sample, processes: o.soakProcesses.map(\.name)))
            let left = seconds - secondsOf(ContinuousClock.now - t0)
            if left <= 0 { break }
            try? await Task.sleep(for: .seconds(Swift.min(o.soakInterval, left)))
        }
        report.phases.append(await phase.value)
        try await drain(c.pg)
        let shards = Array(Set(samples.flatMap { $0.redisUsedMemory.keys })).sorted()
        report.soak = SoakReport(rate: rate, seconds: seconds, warmUpSeconds: Swift.min(60, seconds / 5),
                                 processes: o.soakProcesses.map(\.name), shards: shards, samples: samples)
    }
}

/// The soak report's text.
public enum SoakRendering {
    static func mb(_ bytes: Double?) -> String { bytes.map { String(format: "%.1f", $0 / 1_048_576) } ?? "-" }
    static func count(_ n: Double?) -> String { n.map { String(Int($0)) } ?? "-" }

    static func line(_ s: SoakSample, processes: [String]) -> String {
        "t=\(Int(s.seconds))s rss MB " + processes.map { "\($0) \(mb(s.rssBytes[$0]))" }.joined(separator: " ")
            + "; sockets " + processes.map { "\($0) \(count(s.sockets[$0]))" }.joined(separator: " ")
            + "; redis MB " + s.redisUsedMemory.sorted { $0.key < $1.key }.map { mb($0.value) }.joined(separator: " ")
            + "; outbox \(count(s.outboxDepth))"
    }

    /// The samples as a table, then each figure's growth.
    public static func table(_ soak: SoakReport) -> String {
        var out: [String] = []
        out.append("soak: \(Int(soak.rate))/s for \(fmt(soak.seconds / 60, 1)) min, \(soak.samples.count) samples")
        let columns = soak.processes.map { "rss \($0)" } + soak.processes.map { "sock \($0)" }
            + soak.shards.indices.map { "redis\($0 + 1) MB" } + ["outbox"]
        out.append("t (s)".padding(toLength: 8, withPad: " ", startingAt: 0) + columns.map { $0.leftPadded(13) }.joined())
        for s in soak.samples {
            let values = soak.processes.map { mb(s.rssBytes[$0]) } + soak.processes.map { count(s.sockets[$0]) }
                + soak.shards.map { mb(s.redisUsedMemory[$0]) } + [count(s.outboxDepth)]
            out.append(String(Int(s.seconds)).padding(toLength: 8, withPad: " ", startingAt: 0) + values.map { $0.leftPadded(13) }.joined())
        }
        out.append("(rss and redis in MB; redis columns: \(soak.shards.enumerated().map { "redis\($0.offset + 1) = \($0.element)" }.joined(separator: ", ")))")
        out.append("")
        out.append("growth".padding(toLength: 40, withPad: " ", startingAt: 0) + "first".leftPadded(12) + "after warm-up".leftPadded(15)
                   + "last".leftPadded(12) + "first→last".leftPadded(12) + "warm→last".leftPadded(12))
        for g in soak.growth {
            let bytes = g.name.hasPrefix("RSS") || g.name.hasPrefix("redis")
            let v: (Double) -> String = { bytes ? mb($0) + " MB" : count($0) }
            out.append(g.name.padding(toLength: 40, withPad: " ", startingAt: 0) + v(g.first).leftPadded(12) + v(g.warm).leftPadded(15)
                       + v(g.last).leftPadded(12) + String(format: "%+.1f%%", g.percent).leftPadded(12)
                       + String(format: "%+.1f%%", g.percentAfterWarmUp).leftPadded(12))
        }
        out.append("(after warm-up: from the first sample at or past \(Int(soak.warmUpSeconds)) s)")
        return out.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
