import Foundation

/// Where a phase's CPU went, per operation: the cluster's processes by kind, the harness itself and
/// the whole machine, read from /proc before and after the phase.
///
/// On a machine the cluster shares with its load test, a ratio such as home reads to `GET /health`
/// is bounded by every process a request passes through, the harness's own client included; this
/// names the share of each (the figures the closing notes of issue 8 used to take by hand).
public struct CPUAccount: Sendable {
    /// Processes of one kind: their own CPU, and with `children` that of every live child (and what
    /// it has reaped) and of the children they have reaped (PostgreSQL's backends come and go with
    /// connections; the postmaster reaps them).
    public struct Group: Sendable, Codable, Equatable {
        public var name: String
        public var pids: [Int32]
        public var children: Bool

        public init(name: String, pids: [Int32], children: Bool = false) {
            self.name = name
            self.pids = pids
            self.children = children
        }
    }

    /// The groups in the order the table shows them; the harness (this process and the tools it has
    /// run and waited for: pgbench, redis-benchmark) is added last.
    public let groups: [Group]

    public init(groups: [Group]) {
        self.groups = groups.filter { !$0.pids.isEmpty }
    }

    /// The kinds a cluster started by `cluster/starling-cluster` runs, from its env file, keeping the
    /// processes that are alive with the expected command name (a stale file names none).
    public static func clusterGroups(env: [String: String]) -> [Group] {
        func pids(_ prefix: String, _ comm: String) -> [Int32] {
            (1...64).compactMap { env["\(prefix)\($0)_PID"].flatMap { Int32($0) } }.filter { ProcStat.command($0) == comm }
        }
        var groups = [Group(name: "api", pids: pids("API", "starling")),
                      Group(name: "worker", pids: pids("WORKER", "starling"))]
        if let dir = env["PG_DIR"], let first = try? String(contentsOfFile: dir + "/data/postmaster.pid", encoding: .utf8)
            .split(separator: "\n").first, let pid = Int32(first.trimmingCharacters(in: .whitespaces)), ProcStat.command(pid) == "postgres" {
            groups.append(Group(name: "postgres", pids: [pid], children: true))
        }
        groups.append(Group(name: "redis", pids: pids("REDIS", "redis-server")))
        if let pid = env["HAPROXY_PID"].flatMap({ Int32($0) }), ProcStat.command(pid) == "haproxy" {
            groups.append(Group(name: "haproxy", pids: [pid]))
        }
        return groups
    }

    /// CPU seconds so far per group (and `harness`, `machine`), and when they were read.
    public struct Snapshot: Sendable {
        var seconds: [String: Double]
        var at: ContinuousClock.Instant
    }

    public func snapshot() -> Snapshot {
        var seconds: [String: Double] = [:]
        let children = groups.contains { $0.children } ? ProcStat.childrenByParent() : [:]
        for group in groups {
            var ticks = 0.0
            for pid in group.pids {
                guard let stat = ProcStat.read(pid) else { continue }
                ticks += stat.own
                if group.children {
                    ticks += stat.reaped
                    ticks += (children[pid] ?? []).compactMap { ProcStat.read($0).map { $0.own + $0.reaped } }.reduce(0, +)
                }
            }
            seconds[group.name] = ticks / ProcStat.ticksPerSecond
        }
        if let me = ProcStat.read(getpid()) { seconds[Self.harness] = (me.own + me.reaped) / ProcStat.ticksPerSecond }
        if let busy = ProcStat.machineBusyTicks() { seconds[Self.machine] = busy / ProcStat.ticksPerSecond }
        return Snapshot(seconds: seconds, at: .now)
    }

    public static let harness = "harness"
    public static let machine = "machine"

    /// Milliseconds of CPU per operation in each group between `start` and now, and the cores the
    /// machine kept busy on average; nil without operations.
    public func row(phase: String, operations: Int, since start: Snapshot) -> CPURow? {
        guard operations > 0 else { return nil }
        let end = snapshot()
        let wall = max(1e-9, secondsOf(end.at - start.at))
        var perOperation: [String: Double] = [:]
        for (name, after) in end.seconds {
            guard let before = start.seconds[name] else { continue }
            perOperation[name] = max(0, after - before) * 1000 / Double(operations)
        }
        let busy = (end.seconds[Self.machine] ?? 0) - (start.seconds[Self.machine] ?? 0)
        return CPURow(phase: phase, operations: operations, seconds: wall, perOperationMs: perOperation, busyCores: busy / wall,
                      cores: ProcessInfo.processInfo.activeProcessorCount, columns: groups.map(\.name) + [Self.harness])
    }
}

/// One phase's CPU per operation (`CPUAccount.row`).
public struct CPURow: Sendable, Codable {
    public var phase: String
    public var operations: Int
    public var seconds: Double
    /// Per group name, plus `harness` and `machine` (every busy tick of the machine: the groups,
    /// the kernel's softirq work and anything else running).
    public var perOperationMs: [String: Double]
    /// Busy CPU seconds per wall second over the phase.
    public var busyCores: Double
    /// The machine's cores.
    public var cores: Int
    /// The groups in table order.
    public var columns: [String]

    /// The most operations per second the machine's cores allow at this cost per operation.
    public var ceiling: Double? {
        guard let ms = perOperationMs[CPUAccount.machine], ms > 0 else { return nil }
        return Double(cores) * 1000 / ms
    }
}

/// Reading /proc/PID/stat and /proc/stat.
enum ProcStat {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    struct Times {
        /// utime + stime, ticks.
        var own: Double
        /// cutime + cstime: children waited for, ticks.
        var reaped: Double
        var parent: Int32
    }

    /// The fields after the command (which may hold spaces and parentheses): state, ppid, … utime is the 14th field.
    static func read(_ pid: Int32) -> Times? {
        (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).flatMap(parse)
    }

    static func parse(_ text: String) -> Times? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3), so field n is fields[n - 3].
        guard fields.count > 14, let ppid = Int32(fields[1]), let u = Double(fields[11]), let s = Double(fields[12]),
              let cu = Double(fields[13]), let cs = Double(fields[14]) else { return nil }
        return Times(own: u + s, reaped: cu + cs, parent: ppid)
    }

    static func command(_ pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Every live process's children, by parent pid.
    static func childrenByParent() -> [Int32: [Int32]] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [:] }
        var out: [Int32: [Int32]] = [:]
        for entry in entries {
            guard let pid = Int32(entry), let times = read(pid) else { continue }
            out[times.parent, default: []].append(pid)
        }
        return out
    }

    /// user + nice + system + irq + softirq + steal of the machine, ticks.
    static func machineBusyTicks() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard v.count >= 8 else { return nil }
        return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
    }
}
