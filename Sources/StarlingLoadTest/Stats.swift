import Foundation
import Histogram
import Synchronization

/// The operations the harness issues.
public enum Op: String, CaseIterable, Codable, Sendable {
    case home, user, post, health
    public var label: String {
        switch self {
        case .home: "home timeline"
        case .user: "user timeline"
        case .post: "post"
        case .health: "GET /health"
        }
    }
}

/// Latency figures of one histogram, in milliseconds.
public struct LatencySummary: Codable, Sendable {
    public var count: UInt64
    public var p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double

    init(_ h: Histogram<UInt64>) {
        count = h.totalCount
        func ms(_ v: UInt64) -> Double { Double(v) / 1000 }
        p50 = count == 0 ? 0 : ms(h.valueAtPercentile(50))
        p90 = count == 0 ? 0 : ms(h.valueAtPercentile(90))
        p99 = count == 0 ? 0 : ms(h.valueAtPercentile(99))
        p999 = count == 0 ? 0 : ms(h.valueAtPercentile(99.9))
        max = count == 0 ? 0 : ms(h.max)
        mean = count == 0 ? 0 : h.mean / 1000
    }
}

/// One second of a phase, for the chart.
public struct SecondSample: Codable, Sendable {
    public var second: Int
    public var ops: Int
    public var errors: Int
    public var p50: Double
    public var p99: Double
}

/// What a phase measured for one operation.
public struct OpResult: Codable, Sendable {
    public var op: String
    public var ok: Int
    public var errors: [String: Int]
    public var throughput: Double
    public var latency: LatencySummary
}

public struct PhaseResult: Codable, Sendable {
    public var name: String
    public var mode: String
    public var seconds: Double
    public var targetRate: Double?
    public var concurrency: Int?
    public var throughput: Double
    public var errors: Int
    public var ops: [OpResult]
    public var timeline: [SecondSample]
    public var delivery: DeliveryResult?

    public func op(_ op: Op) -> OpResult? { ops.first { $0.op == op.rawValue } }
}

public struct DeliveryResult: Codable, Sendable {
    public var threshold: Int
    public var normal: LatencySummary
    public var celebrity: LatencySummary
    public var timeouts: Int
    /// Home reads the probes sent (their polls): load on top of the phase's own.
    public var polls: Int? = nil
}

/// Thread-safe recording of latencies (microseconds) per operation and per second.
public final class Recorder: Sendable {
    struct State {
        var histograms: [Op: Histogram<UInt64>] = [:]
        var ok: [Op: Int] = [:]
        var errors: [Op: [String: Int]] = [:]
        var seconds: [Histogram<UInt64>] = []
        var secondErrors: [Int] = []
    }
    private let state = Mutex(State())
    let start: ContinuousClock.Instant

    public init(start: ContinuousClock.Instant = .now) { self.start = start }

    static func histogram(_ digits: SignificantDigits = .three) -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: digits)
    }

    /// Records one finished request. `error` is nil on success, otherwise the status code or failure kind.
    public func record(_ op: Op, micros: UInt64, error: String?, at instant: ContinuousClock.Instant = .now) {
        let second = max(0, Int((instant - start).components.seconds))
        state.withLock { s in
            while s.seconds.count <= second {
                s.seconds.append(Self.histogram(.two))
                s.secondErrors.append(0)
            }
            if let error {
                s.errors[op, default: [:]][error, default: 0] += 1
                s.secondErrors[second] += 1
                return
            }
            s.ok[op, default: 0] += 1
            if s.histograms[op] == nil { s.histograms[op] = Self.histogram() }
            _ = s.histograms[op]!.record(min(micros, 119_999_999))
            _ = s.seconds[second].record(min(micros, 119_999_999))
        }
    }

    /// Completed requests and errors so far, and the latest full second's p99 (ms).
    public func snapshot() -> (ok: Int, errors: Int, lastSecondOps: Int, lastSecondP99: Double) {
        let now = Int((ContinuousClock.now - start).components.seconds)
        return state.withLock { s in
            let ok = s.ok.values.reduce(0, +)
            let errors = s.errors.values.flatMap(\.values).reduce(0, +)
            var ops = 0, p99 = 0.0
            if now >= 1, now - 1 < s.seconds.count {
                let h = s.seconds[now - 1]
                ops = Int(h.totalCount)
                p99 = h.totalCount == 0 ? 0 : Double(h.valueAtPercentile(99)) / 1000
            }
            return (ok, errors, ops, p99)
        }
    }

    public func result(name: String, mode: String, seconds: Double, targetRate: Double? = nil, concurrency: Int? = nil,
                       delivery: DeliveryResult? = nil) -> PhaseResult {
        state.withLock { s in
            var ops: [OpResult] = []
            for op in Op.allCases where s.ok[op] != nil || s.errors[op] != nil {
                let h = s.histograms[op] ?? Self.histogram()
                let ok = s.ok[op] ?? 0
                ops.append(OpResult(op: op.rawValue, ok: ok, errors: s.errors[op] ?? [:],
                                    throughput: Double(ok) / max(seconds, 1e-9), latency: LatencySummary(h)))
            }
            let timeline = s.seconds.enumerated().filter { $0.offset < Int(seconds.rounded(.up)) }.map { i, h in
                SecondSample(second: i, ops: Int(h.totalCount), errors: s.secondErrors[i],
                             p50: h.totalCount == 0 ? 0 : Double(h.valueAtPercentile(50)) / 1000,
                             p99: h.totalCount == 0 ? 0 : Double(h.valueAtPercentile(99)) / 1000)
            }
            let ok = s.ok.values.reduce(0, +)
            let errors = s.errors.values.flatMap(\.values).reduce(0, +)
            return PhaseResult(name: name, mode: mode, seconds: seconds, targetRate: targetRate, concurrency: concurrency,
                               throughput: Double(ok) / max(seconds, 1e-9), errors: errors, ops: ops, timeline: timeline,
                               delivery: delivery)
        }
    }
}

/// Delivery latencies (post's 200 to appearance in a follower's home), normal vs celebrity authors.
public final class DeliveryRecorder: Sendable {
    struct State {
        var normal = Recorder.histogram()
        var celebrity = Recorder.histogram()
        var timeouts = 0
        var polls = 0
    }
    private let state = Mutex(State())
    let threshold: Int
    public init(threshold: Int) { self.threshold = threshold }

    func record(micros: UInt64?, celebrity: Bool) {
        state.withLock { s in
            guard let micros else { s.timeouts += 1; return }
            if celebrity { _ = s.celebrity.record(micros) } else { _ = s.normal.record(micros) }
        }
    }

    public var count: Int { state.withLock { Int($0.normal.totalCount + $0.celebrity.totalCount) + $0.timeouts } }

    func recordPoll() { state.withLock { $0.polls += 1 } }

    public func result() -> DeliveryResult {
        state.withLock { s in
            DeliveryResult(threshold: threshold, normal: LatencySummary(s.normal), celebrity: LatencySummary(s.celebrity), timeouts: s.timeouts,
                           polls: s.polls)
        }
    }
}

func micros(_ d: Duration) -> UInt64 {
    let c = d.components
    return UInt64(max(0, c.seconds)) * 1_000_000 + UInt64(max(0, c.attoseconds) / 1_000_000_000_000)
}

func secondsOf(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
