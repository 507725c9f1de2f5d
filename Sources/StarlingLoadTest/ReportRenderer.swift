import Foundation

/// The human-readable outputs: the summary table, the model comparison and the SVG chart.
public enum ReportRenderer {
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
    static func num(_ x: Double) -> String {
        if x >= 100 { return String(Int(x.rounded())) }
        if x >= 10 { return fmt(x, 1) }
        return fmt(x, 2)
    }

    public static func table(_ r: Report) -> String {
        var out: [String] = []
        out.append("Starling load test: \(r.label) (\(r.mode.rawValue)), model \(r.fanoutModel), celebrity threshold \(r.celebrityThreshold)")
        out.append("graph: \(r.graph)")
        out.append("targets: \(r.targets.joined(separator: ", "))   mix: \(r.mix.description)")
        if let s = r.seed {
            out.append("seeding: \(s.users) users + \(s.follows) follows in \(fmt(s.totalSeconds))s (accounts \(fmt(s.accountsSeconds))s, follows COPY \(fmt(s.followsSeconds))s = \(Int(Double(s.follows) / max(s.followsSeconds, 1e-9)))/s, counters \(fmt(s.countersSeconds))s, tokens \(fmt(s.tokensSeconds))s, redis warm-up \(fmt(s.redisSeconds))s)")
        }
        out.append("")
        out.append(pad("phase", 24) + pad("op", 15) + lpad("ok", 8) + lpad("ops/s", 9) + lpad("p50", 8) + lpad("p90", 8) + lpad("p99", 8)
                   + lpad("p99.9", 8) + lpad("max", 8) + "  errors")
        out.append(String(repeating: "-", count: 110))
        for phase in r.phases {
            for (i, op) in phase.ops.enumerated() {
                let errors = op.errors.isEmpty ? "0" : op.errors.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
                out.append(pad(i == 0 ? phase.name : "", 24) + pad(op.op, 15) + lpad(String(op.ok), 8) + lpad(num(op.throughput), 9)
                           + lpad(num(op.latency.p50), 8) + lpad(num(op.latency.p90), 8) + lpad(num(op.latency.p99), 8)
                           + lpad(num(op.latency.p999), 8) + lpad(num(op.latency.max), 8) + "  " + errors)
            }
            if phase.ops.count > 1 { out.append(pad("", 24) + pad("all", 15) + lpad("", 8) + lpad(num(phase.throughput), 9)) }
            if let d = phase.delivery {
                out.append(pad("", 24) + "delivery: normal authors p50 \(num(d.normal.p50)) ms, p99 \(num(d.normal.p99)) ms (\(d.normal.count) probes); "
                           + "celebrities (>= \(d.threshold)) " + (d.celebrity.count == 0 ? "none posted" : "p50 \(num(d.celebrity.p50)) ms, p99 \(num(d.celebrity.p99)) ms (\(d.celebrity.count))")
                           + "; timeouts (10 s) \(d.timeouts)")
            }
        }
        out.append("latencies in ms; open-loop latencies are measured from the intended send time")
        if let s = r.server {
            var line = "server (/metrics, main open-loop phase): \(Int(s.deliveries)) fan-out deliveries (\(num(s.deliveriesPerSecond))/s), \(Int(s.fanoutJobs)) fan-out jobs, outbox depth after \(Int(s.outboxDepthAfter))"
            if let lag = s.fanoutLagMeanSeconds { line += ", fan-out lag mean \(num(lag * 1000)) ms" }
            if let p99 = s.fanoutLagP99Seconds { line += ", p99 <= \(num(p99 * 1000)) ms" }
            out.append(line)
        }
        if let m = r.redisMemoryBytes, let c = r.redisCommandsPerOp {
            out.append("redis: used_memory \(fmt(m / 1_048_576, 1)) MiB over all shards; \(fmt(c, 2)) commands per client operation (open-loop phase)")
        }
        if let b = r.fanoutBurst {
            out.append("fan-out burst: \(b.posts) posts queued at once, \(Int(b.deliveries)) of \(b.expectedDeliveries) deliveries in \(fmt(b.seconds))s = \(Int(b.deliveriesPerSecond))/s")
        }
        if !r.ratios.isEmpty {
            out.append("")
            out.append(pad("figure", 40) + lpad("measured", 10) + "  " + pad("baseline", 48) + lpad("ratio", 7) + "  " + pad("target", 10) + "result")
            out.append(String(repeating: "-", count: 125))
            for x in r.ratios {
                let baseline = x.baseline.map { "\(num($0)) (\(x.baselineLabel))" } ?? (x.baselineLabel.isEmpty ? "" : "n/a (\(x.baselineLabel))")
                out.append(pad(x.name, 40) + lpad(num(x.measured), 10) + "  " + pad(baseline, 48) + lpad(x.ratio.map { fmt($0, 2) } ?? "", 7)
                           + "  " + pad(x.target, 10) + (x.met.map { $0 ? "met" : "MISSED" } ?? "n/a"))
                out.append("    (\(x.measuredLabel))")
            }
        }
        for note in r.notes { out.append("note: \(note)") }
        return out.joined(separator: "\n") + "\n"
    }

    /// Side-by-side figures of the `--models` runs.
    public static func compare(_ reports: [Report]) -> String {
        var out: [String] = []
        out.append("Fan-out models on the same graph and workload (\(reports.first?.graph ?? "")):")
        out.append(pad("model", 10) + lpad("max ops/s", 11) + lpad("open ops/s", 11) + lpad("home p50", 10) + lpad("home p99", 10)
                   + lpad("post p99", 10) + lpad("deliv p99", 10) + lpad("redis MiB", 11) + lpad("cmds/op", 9) + lpad("errors", 8))
        out.append(String(repeating: "-", count: 100))
        for r in reports {
            let closed = r.phases.first { $0.mode == "closed" && $0.name.hasPrefix("mix") }
            let open = r.phases.last { $0.mode == "open" }
            let errors = r.phases.filter { $0.name != "warm-up" }.reduce(0) { $0 + $1.errors }
            out.append(pad(r.fanoutModel, 10) + lpad(num(closed?.throughput ?? 0), 11) + lpad(num(open?.throughput ?? 0), 11)
                       + lpad(num(open?.op(.home)?.latency.p50 ?? 0), 10) + lpad(num(open?.op(.home)?.latency.p99 ?? 0), 10)
                       + lpad(num(open?.op(.post)?.latency.p99 ?? 0), 10) + lpad(num(open?.delivery?.normal.p99 ?? 0), 10)
                       + lpad(fmt((r.redisMemoryBytes ?? 0) / 1_048_576, 1), 11) + lpad(fmt(r.redisCommandsPerOp ?? 0, 2), 9) + lpad(String(errors), 8))
        }
        out.append("max ops/s: closed-loop mix; the rest from the open-loop run at the same fixed rate; latencies in ms;")
        out.append("cmds/op: Redis commands (INFO total_commands_processed, all shards) per client operation, fan-out included.")
        if let best = reports.min(by: { ($0.redisCommandsPerOp ?? .infinity) < ($1.redisCommandsPerOp ?? .infinity) }) {
            out.append("lowest Redis cost per operation: \(best.fanoutModel)")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Throughput and p50/p99 latency per second over every phase, one after another.
    public static func svg(_ r: Report) -> String {
        let phases = r.phases.filter { $0.name != "warm-up" }
        var samples: [(phase: Int, s: SecondSample)] = []
        for (i, p) in phases.enumerated() { for s in p.timeline { samples.append((i, s)) } }
        let width = 1000.0, panel = 220.0, left = 70.0, top = 40.0, gap = 60.0
        let n = max(1, samples.count)
        let dx = (width - left - 20) / Double(n)
        let maxOps = max(1, samples.map { Double($0.s.ops) }.max() ?? 1)
        let maxLat = max(1, samples.map { $0.s.p99 }.max() ?? 1)
        func x(_ i: Int) -> Double { left + (Double(i) + 0.5) * dx }
        func yOps(_ v: Double) -> Double { top + panel - v / maxOps * panel }
        func yLat(_ v: Double) -> Double { top + panel + gap + panel - v / maxLat * panel }
        func line(_ points: [(Double, Double)], _ color: String) -> String {
            "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"" + points.map { "\(fmt($0.0, 1)),\(fmt($0.1, 1))" }.joined(separator: " ") + "\"/>"
        }
        var svg: [String] = []
        let height = top + 2 * panel + gap + 70
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">")
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        svg.append("<text x=\"\(left)\" y=\"20\" font-size=\"14\">Starling load test \(r.label): throughput and latency per second (model \(r.fanoutModel))</text>")
        for (y0, label, maxV) in [(top, "ops/s", maxOps), (top + panel + gap, "latency ms (p50 blue, p99 red)", maxLat)] {
            svg.append("<rect x=\"\(left)\" y=\"\(y0)\" width=\"\(width - left - 20)\" height=\"\(panel)\" fill=\"none\" stroke=\"#999\"/>")
            svg.append("<text x=\"\(left)\" y=\"\(y0 - 5)\">\(label)</text>")
            for k in 0...4 {
                let v = maxV * Double(k) / 4
                let y = y0 + panel - panel * Double(k) / 4
                svg.append("<line x1=\"\(left - 4)\" x2=\"\(width - 20)\" y1=\"\(fmt(y, 1))\" y2=\"\(fmt(y, 1))\" stroke=\"#eee\"/>")
                svg.append("<text x=\"\(left - 6)\" y=\"\(fmt(y + 4, 1))\" text-anchor=\"end\">\(num(v))</text>")
            }
        }
        // Phase boundaries and names.
        var start = 0
        for (i, p) in phases.enumerated() {
            let count = samples.filter { $0.phase == i }.count
            let x0 = left + Double(start) * dx
            svg.append("<line x1=\"\(fmt(x0, 1))\" x2=\"\(fmt(x0, 1))\" y1=\"\(top)\" y2=\"\(top + 2 * panel + gap)\" stroke=\"#ccc\" stroke-dasharray=\"3,3\"/>")
            svg.append("<text x=\"\(fmt(x0 + 3, 1))\" y=\"\(top + 2 * panel + gap + 15 + Double(i % 3) * 13)\">\(escape(p.name))</text>")
            start += count
        }
        for i in 0..<phases.count {
            let points = samples.enumerated().filter { $0.element.phase == i }
            svg.append(line(points.map { (x($0.offset), yOps(Double($0.element.s.ops))) }, "#2a7"))
            svg.append(line(points.map { (x($0.offset), yLat($0.element.s.p50)) }, "#36c"))
            svg.append(line(points.map { (x($0.offset), yLat($0.element.s.p99)) }, "#c33"))
        }
        svg.append("<text x=\"\(left)\" y=\"\(height - 8)\" fill=\"#666\">seconds, phase after phase; open-loop latency from the intended send time</text>")
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
