import Foundation
import StarlingDomain

/// The human-readable outputs: the summary table, the model comparison and the SVG chart.
public enum ReportRenderer {
    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
    static func num(_ x: Double) -> String {
        if x >= 100 { return String(Int(x.rounded())) }
        if x >= 10 { return fmt(x, 1) }
        return fmt(x, 2)
    }

    /// CPU per operation by process kind (`CPUAccount`): what each figure's cost is made of.
    static func cpuTable(_ rows: [CPURow]) -> String {
        let columns = rows.reduce(into: [String]()) { all, row in all += row.columns.filter { !all.contains($0) } } + [CPUAccount.machine]
        var out = ["CPU per operation, ms (/proc; harness: this load test and the tools it ran; machine: every busy core-ms, kernel included)"]
        out.append(pad("phase", 24) + columns.map { lpad($0, 9) }.joined() + lpad("cores", 7) + lpad("ceiling/s", 11))
        out.append(String(repeating: "-", count: 24 + 9 * columns.count + 18))
        for row in rows {
            out.append(pad(row.phase, 24) + columns.map { lpad(row.perOperationMs[$0].map { fmt($0, 3) } ?? "", 9) }.joined()
                       + lpad(fmt(row.busyCores, 2), 7) + lpad(row.ceiling.map { String(Int($0)) } ?? "", 11))
        }
        out.append("cores: busy cores on average over the phase (of \(rows.first?.cores ?? 0)); ceiling: operations/s if every core were busy at the machine's cost per operation")
        return out.joined(separator: "\n")
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
                           + "; timeouts (10 s) \(d.timeouts)"
                           + (d.polls.map { "; probe polls \($0) (\(Int(Double($0) / max(phase.seconds, 1e-9)))/s, home reads on top of the phase's)" } ?? ""))
            }
        }
        out.append("latencies in ms; open-loop latencies are measured from the intended send time")
        if let cpu = r.cpu, !cpu.isEmpty { out.append(""); out.append(cpuTable(cpu)) }
        if let soak = r.soak { out.append(""); out.append(SoakRendering.table(soak)) }
        if let recovery = r.recovery { out.append(recovery.line) }
        if let s = r.server {
            var line = "server (/metrics, main open-loop phase): \(Int(s.deliveries)) fan-out deliveries (\(num(s.deliveriesPerSecond))/s), \(Int(s.fanoutJobs)) fan-out jobs, outbox depth after \(Int(s.outboxDepthAfter))"
            if let lag = s.fanoutLagMeanSeconds { line += ", fan-out lag mean \(num(lag * 1000)) ms" }
            if let p99 = s.fanoutLagP99Seconds { line += ", p99 <= \(num(p99 * 1000)) ms" }
            out.append(line)
        }
        if let m = r.redisMemoryBytes, let c = r.redisCommandsPerOp {
            out.append("redis: used_memory \(fmt(m / 1_048_576, 1)) MiB over all shards; \(fmt(c, 2)) commands per client operation (open-loop phase)")
        }
        if let c = r.redisClient {
            out.append("redis client (StarlingRedis, \(c.connections) multiplexed connections, 1 shard): pipelined LPUSH \(Int(c.pipelined.perSecond))/s "
                       + "(\(c.pipelined.callers) callers × \(c.pipelined.pipeline)" + (c.pipelinedRatio.map { ", \(fmt($0)) × redis-benchmark -P 64" } ?? "") + "); "
                       + "one LPUSH per call \(Int(c.single.perSecond))/s (\(c.single.callers) callers"
                       + (c.singleRatio.map { ", \(fmt($0)) × redis-benchmark -c \(c.single.callers) without -P" } ?? "") + ")")
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
        if r.scaling != nil {
            out.append("")
            out.append(scalingTable([r]).trimmingCharacters(in: .newlines))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// The scaling table: write-path cost and delivery lag per author size, home-read cost per followed
    /// celebrities, Redis bytes per entry; one block per model (report).
    public static func scalingTable(_ reports: [Report]) -> String {
        let runs = reports.compactMap { r in r.scaling.map { (r, $0) } }
        guard let (_, first) = runs.first else { return "" }
        var out: [String] = []
        out.append("How cost grows (\(runs.map(\.1.model).joined(separator: " vs ")), celebrity threshold \(first.celebrityThreshold))")
        out.append("write path: POST /api/v1/statuses by one author, p50/mean of \(first.sequentialPosts) sequential posts, posts/s of "
                   + "\(first.concurrentPosts) at c=\(first.postConcurrency); delivery: post's 200 to the status in the first, middle and last "
                   + "follower's home (one post, idle outbox); fan-out done: to an empty outbox")
        out.append(pad("model", 8) + lpad("followers", 10) + "  " + pad("fan-out", 8) + lpad("post p50", 10) + lpad("mean", 8) + lpad("posts/s", 9)
                   + lpad("deliv p50", 11) + lpad("deliv max", 11) + lpad("fan-out done", 14) + "  errors")
        out.append(String(repeating: "-", count: 100))
        for (_, s) in runs {
            for w in s.writePath {
                out.append(pad(s.model, 8) + lpad(String(w.followers), 10) + "  " + pad(w.pushed ? "push" : "pull", 8) + lpad(num(w.postP50Ms), 10)
                           + lpad(num(w.postMeanMs), 8) + lpad(num(w.postsPerSecond), 9)
                           + lpad(w.deliveryP50Ms.map(num) ?? "n/a", 11) + lpad(w.deliveryMaxMs.map(num) ?? "n/a", 11)
                           + lpad(w.fanoutDoneSeconds.map { fmt($0) + " s" } ?? "> 60 s", 14)
                           + "  " + (w.postErrors + w.deliveryTimeouts == 0 ? "0" : "\(w.postErrors) posts, \(w.deliveryTimeouts) delivery timeouts"))
            }
        }
        out.append("latencies in ms")
        for (_, s) in runs {
            guard let ratio = s.writeCostRatio, let small = s.writePath.first, let large = s.writePath.last else { continue }
            let target = s.model == FanoutModel.hybrid.rawValue
                ? "target <= \(fmt(ScalingReport.writeCostRatioTarget, 1)): " + (ratio <= ScalingReport.writeCostRatioTarget ? "met" : "MISSED")
                : "the target applies to hybrid"
            out.append("write-path cost, \(large.followers) vs \(small.followers) followers (\(s.model)): \(fmt(ratio)) × (\(target))")
        }
        out.append("")
        out.append("home reads: GET /api/v1/timelines/home?limit=20, closed loop, readers following N celebrities (pulled under hybrid/pull)")
        out.append(pad("model", 8) + lpad("celebrities", 12) + lpad("readers", 9) + lpad("c", 5) + lpad("p50", 9) + lpad("p99", 9) + lpad("reads/s", 10) + lpad("errors", 8))
        out.append(String(repeating: "-", count: 70))
        for (_, s) in runs {
            for h in s.homeReads {
                out.append(pad(s.model, 8) + lpad(String(h.celebrities), 12) + lpad(String(h.readers), 9) + lpad(String(h.concurrency), 5)
                           + lpad(num(h.p50Ms), 9) + lpad(num(h.p99Ms), 9) + lpad(num(h.readsPerSecond), 10) + lpad(String(h.errors), 8))
            }
        }
        out.append("")
        out.append("Redis memory (MEMORY USAGE … SAMPLES 0)")
        for (_, s) in runs {
            var line = pad(s.model, 8)
            if let b = s.bytesPerHomeEntry {
                line += "\(fmt(b, 1)) bytes per home-timeline entry (\(s.homeListsSampled) lists, \(s.homeEntriesSampled) entries; target <= "
                    + "\(Int(ScalingReport.bytesPerHomeEntryTarget)): " + (b <= ScalingReport.bytesPerHomeEntryTarget ? "met" : "MISSED") + ")"
            } else {
                line += "no home list with entries sampled"
            }
            if let b = s.bytesPerCachedStatus { line += "; \(Int(b.rounded())) bytes per cached status (\(s.statusesSampled) statuses)" }
            out.append(line)
        }
        for (_, s) in runs { for note in s.notes { out.append("note (\(s.model)): \(note)") } }
        return out.joined(separator: "\n") + "\n"
    }

    /// Three panels: post p50 and delivery lag against followers (log scale), home p50/p99 against followed celebrities.
    public static func scalingSVG(_ reports: [Report]) -> String {
        let runs = reports.compactMap(\.scaling)
        let colors = ["push": "#c33", "pull": "#36c", "hybrid": "#2a7"]
        let panelW = 300.0, panelH = 220.0, left = 60.0, top = 50.0, gap = 70.0
        let width = left + 3 * panelW + 2 * gap + 30, height = top + panelH + 90
        var svg: [String] = []
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">")
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        svg.append("<text x=\"\(left)\" y=\"20\" font-size=\"14\">Starling: how cost grows (\(runs.map(\.model).joined(separator: " vs ")))</text>")
        struct Series { var model: String; var points: [(Double, Double)]; var dashed = false }
        func panel(_ index: Int, title: String, xLabel: String, logX: Bool, series: [Series]) {
            let x0 = left + Double(index) * (panelW + gap)
            let xs = series.flatMap { $0.points.map(\.0) }, ys = series.flatMap { $0.points.map(\.1) }
            let tx: (Double) -> Double = { logX ? log10(max($0, 1)) : $0 }
            let minX = tx(xs.min() ?? 0), maxX = max(tx(xs.max() ?? 1), minX + 1e-9)
            let maxY = max(ys.max() ?? 1, 1e-9) * 1.1
            func px(_ v: Double) -> Double { x0 + (tx(v) - minX) / (maxX - minX) * panelW }
            func py(_ v: Double) -> Double { top + panelH - v / maxY * panelH }
            svg.append("<text x=\"\(x0)\" y=\"\(top - 8)\">\(escape(title))</text>")
            svg.append("<rect x=\"\(x0)\" y=\"\(top)\" width=\"\(panelW)\" height=\"\(panelH)\" fill=\"none\" stroke=\"#999\"/>")
            for k in 0...4 {
                let v = maxY * Double(k) / 4
                svg.append("<line x1=\"\(x0)\" x2=\"\(x0 + panelW)\" y1=\"\(fmt(py(v), 1))\" y2=\"\(fmt(py(v), 1))\" stroke=\"#eee\"/>")
                svg.append("<text x=\"\(x0 - 4)\" y=\"\(fmt(py(v) + 4, 1))\" text-anchor=\"end\">\(num(v))</text>")
            }
            for x in Set(xs).sorted() {
                svg.append("<text x=\"\(fmt(px(x), 1))\" y=\"\(top + panelH + 14)\" text-anchor=\"middle\">\(x >= 1000 ? "\(Int(x / 1000))k" : String(Int(x)))</text>")
            }
            svg.append("<text x=\"\(x0 + panelW / 2)\" y=\"\(top + panelH + 30)\" text-anchor=\"middle\" fill=\"#666\">\(escape(xLabel))</text>")
            for s in series where !s.points.isEmpty {
                let color = colors[s.model] ?? "#555"
                let points = s.points.map { "\(fmt(px($0.0), 1)),\(fmt(py($0.1), 1))" }.joined(separator: " ")
                svg.append("<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"4,3\"" : "") points=\"\(points)\"/>")
                for p in s.points { svg.append("<circle cx=\"\(fmt(px(p.0), 1))\" cy=\"\(fmt(py(p.1), 1))\" r=\"2.5\" fill=\"\(color)\"/>") }
            }
        }
        panel(0, title: "post p50 (ms), write path", xLabel: "followers of the author (log)", logX: true,
              series: runs.map { s in Series(model: s.model, points: s.writePath.map { (Double($0.followers), $0.postP50Ms) }) })
        panel(1, title: "delivery lag, last probed follower (ms)", xLabel: "followers of the author (log)", logX: true,
              series: runs.map { s in Series(model: s.model, points: s.writePath.compactMap { w in w.deliveryMaxMs.map { (Double(w.followers), $0) } }) })
        panel(2, title: "home read p50 (solid) and p99 (dashed), ms", xLabel: "followed celebrities", logX: false,
              series: runs.flatMap { s in [Series(model: s.model, points: s.homeReads.map { (Double($0.celebrities), $0.p50Ms) }),
                                           Series(model: s.model, points: s.homeReads.map { (Double($0.celebrities), $0.p99Ms) }, dashed: true)] })
        for (i, s) in runs.enumerated() {
            let x = left + Double(i) * 220
            svg.append("<rect x=\"\(x)\" y=\"\(height - 22)\" width=\"12\" height=\"12\" fill=\"\(colors[s.model] ?? "#555")\"/>")
            var label = s.model
            if let b = s.bytesPerHomeEntry { label += " (\(fmt(b, 1)) B/entry)" }
            svg.append("<text x=\"\(x + 16)\" y=\"\(height - 12)\">\(escape(label))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
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
