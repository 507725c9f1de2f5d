import Foundation
import NIOCore
import NIOHTTP1
import StarlingDomain
import Synchronization

/// The operation mix, in percent (any positive weights; normalised).
public struct Mix: Sendable, Codable {
    public var home: Double = 60
    public var user: Double = 30
    public var post: Double = 10

    public init(home: Double = 60, user: Double = 30, post: Double = 10) {
        self.home = home
        self.user = user
        self.post = post
    }

    /// `home=60,user=30,post=10`
    public static func parse(_ text: String) throws -> Mix {
        var mix = Mix(home: 0, user: 0, post: 0)
        for item in text.split(separator: ",") {
            let kv = item.split(separator: "=").map(String.init)
            guard kv.count == 2, let v = Double(kv[1]), v >= 0 else { throw LoadTestError.invalid("--mix: '\(item)' should be op=percent") }
            switch kv[0] {
            case "home": mix.home = v
            case "user": mix.user = v
            case "post": mix.post = v
            default: throw LoadTestError.invalid("--mix: unknown operation '\(kv[0])' (home, user, post)")
            }
        }
        guard mix.home + mix.user + mix.post > 0 else { throw LoadTestError.invalid("--mix: all weights are zero") }
        return mix
    }

    /// The share of operations that are posts.
    public var postShare: Double {
        let total = home + user + post
        return total > 0 ? post / total : 0
    }

    func pick(_ x: Double) -> Op {
        let total = home + user + post
        let v = x * total
        if v < home { return .home }
        if v < home + user { return .user }
        return .post
    }

    public var description: String { "home \(Int(home))% / user \(Int(user))% / post \(Int(post))%" }
}

/// Everything a phase needs to issue requests as the seeded users.
public final class Workload: Sendable {
    public let graph: SocialGraph
    public let users: SeededUsers
    public let api: APIClient
    let readers: WeightedSampler
    let authors: WeightedSampler
    let followers: FollowerIndex
    /// The cluster's fan-out rules: which authors are pulled at read time (probed as "celebrities").
    public let policy: FanoutPolicy
    let postCounter = Atomic<Int>(0)

    public init(graph: SocialGraph, users: SeededUsers, api: APIClient, policy: FanoutPolicy) {
        self.graph = graph
        self.users = users
        self.api = api
        // Readers in proportion to how many accounts they follow; authors to their followers (+1).
        readers = WeightedSampler(weights: graph.followingCount.map { Double($0) })
        authors = WeightedSampler(weights: graph.followersCount.map { Double($0) + 1 })
        followers = graph.followerIndex()
        self.policy = policy
    }

    /// Delivery probing: a sample of posts is watched for in a few followers' home timelines.
    ///
    /// The probes' polls are home reads on top of the phase's load, and they multiply when delivery
    /// slows (a probe polls until it sees its post): at a quarter of 500 posts/s, two followers each,
    /// polled every 20 ms, they added about as many reads as the half-load home phase makes, and the
    /// "half load" post phase ran the nodes at their limit. So the sample is capped at
    /// `maxProbesPerSecond` probed posts a second of the phase's post rate (`sample(forPostRate:)`).
    public final class Probe: Sendable {
        let recorder: DeliveryRecorder
        let sample: Double
        let maxActive: Int
        let active = Counter()
        let pollInterval: Duration = .milliseconds(20)
        let cap: Duration = .seconds(10)
        let followersPerPost = 2
        public static let maxProbesPerSecond = 25.0
        public init(recorder: DeliveryRecorder, sample: Double, maxActive: Int) {
            self.recorder = recorder
            self.sample = sample
            self.maxActive = maxActive
        }

        /// The share of posts to probe at `rate` posts a second: `sample`, at most `maxProbesPerSecond` a second.
        public static func sample(_ sample: Double, forPostRate rate: Double) -> Double {
            rate > 0 ? min(sample, maxProbesPerSecond / rate) : sample
        }
    }

    /// One operation as user `reader`/`author`; returns the error kind, or nil. For a post, the new status id.
    func perform(_ op: Op, rng: inout SplitMix64) async -> (error: String?, postedId: Int64?, author: Int) {
        switch op {
        case .home:
            let r = readers.sample(using: &rng)
            let (reply, failure) = await api.send(.GET, "/api/v1/timelines/home?limit=20", token: users.token(r))
            return (failure ?? reply.error, nil, r)
        case .user:
            let r = readers.sample(using: &rng)
            let target = authors.sample(using: &rng)
            let (reply, failure) = await api.send(.GET, "/api/v1/accounts/\(users.accountIds[target])/statuses?limit=20", token: users.token(r))
            return (failure ?? reply.error, nil, target)
        case .post:
            let a = authors.sample(using: &rng)
            let n = postCounter.wrappingAdd(1, ordering: .relaxed).oldValue
            let text = "load test \(users.runId) post \(n) by user \(a)"
            let form = "status=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "x") + "&visibility=\(Visibility.public.rawValue)"
            let (reply, failure) = await api.send(.POST, "/api/v1/statuses", token: users.token(a), form: form)
            let error = failure ?? reply.error
            return (error, error == nil ? reply.body.firstId() : nil, a)
        case .health:
            let (reply, failure) = await api.send(.GET, "/health")
            return (failure ?? reply.error, nil, 0)
        }
    }

    /// Polls a few followers' home timelines until status `id` shows up (or the cap passes).
    func probeDelivery(id: Int64, author: Int, postedAt: ContinuousClock.Instant, probe: Probe, rng: inout SplitMix64) async {
        let all = followers.followers(of: author)
        guard !all.isEmpty else { return }
        var chosen = Set<Int32>()
        while chosen.count < min(probe.followersPerPost, all.count) {
            chosen.insert(all[all.startIndex + Int(rng.next() % UInt64(all.count))])
        }
        let celebrity = policy.isPulled(followersCount: Int(graph.followersCount[author]))
        let needle = Array("\"id\":\"\(id)\"".utf8)
        await withTaskGroup(of: Void.self) { group in
            for follower in chosen {
                group.addTask {
                    let token = self.users.token(Int(follower))
                    // min_id: the page just above id - 1, so newer statuses arriving meanwhile cannot push
                    // this one off the page (since_id would return the newest five instead).
                    let path = "/api/v1/timelines/home?min_id=\(id - 1)&limit=5"
                    while ContinuousClock.now - postedAt < probe.cap {
                        let (reply, _) = await self.api.send(.GET, path, token: token)
                        probe.recorder.recordPoll()
                        if reply.status == 200 && reply.body.contains(needle) {
                            probe.recorder.record(micros: micros(ContinuousClock.now - postedAt), celebrity: celebrity)
                            return
                        }
                        try? await Task.sleep(for: probe.pollInterval)
                    }
                    probe.recorder.record(micros: nil, celebrity: celebrity)
                }
            }
        }
    }

    /// Open loop: Poisson arrivals at `rate`/s for `seconds`, send times fixed in advance; each latency
    /// is measured from the intended send time, so a slow server cannot hide its latency by slowing us.
    public func openLoop(name: String, rate: Double, seconds: Double, mix: Mix, seed: UInt64, probe: Probe? = nil,
                         progress: @escaping @Sendable (String) -> Void) async -> PhaseResult {
        var rng = SplitMix64(seed: seed)
        var offsets: [Double] = []
        var t = 0.0
        while true {
            t += -log(max(rng.unit(), 1e-12)) / rate
            if t >= seconds { break }
            offsets.append(t)
        }
        let start = ContinuousClock.now + .milliseconds(50)
        let recorder = Recorder(start: start)
        let inflight = Counter()
        let reporter = startProgress(name: name, recorder: recorder, inflight: inflight, probe: probe, progress: progress)
        await withDiscardingTaskGroup { group in
            for (i, offset) in offsets.enumerated() {
                let intended = start + .nanoseconds(Int64(offset * 1e9))
                if intended - ContinuousClock.now > .microseconds(500) { try? await Task.sleep(until: intended, tolerance: .microseconds(200)) }
                let op = mix.pick(rng.unit())
                let taskSeed = seed &+ UInt64(i) &* 0x9E37_79B9
                if inflight.value >= 20_000 {
                    recorder.record(op, micros: 0, error: "client-overload", at: intended)
                    continue
                }
                inflight.add(1)
                group.addTask {
                    var taskRng = SplitMix64(seed: taskSeed)
                    let (error, posted, author) = await self.perform(op, rng: &taskRng)
                    let done = ContinuousClock.now
                    recorder.record(op, micros: micros(done - intended), error: error, at: intended)
                    inflight.add(-1)
                    if let probe, let posted, taskRng.unit() < probe.sample {
                        if probe.active.add(1) <= probe.maxActive {
                            await self.probeDelivery(id: posted, author: author, postedAt: done, probe: probe, rng: &taskRng)
                        }
                        probe.active.add(-1)
                    }
                }
            }
        }
        reporter.cancel()
        return recorder.result(name: name, mode: "open", seconds: seconds, targetRate: rate,
                               delivery: probe.map { $0.recorder.result() })
    }

    /// Closed loop: `concurrency` clients, each sending its next request when the previous one answers.
    public func closedLoop(name: String, concurrency: Int, seconds: Double, mix: Mix?, only: Op? = nil, seed: UInt64,
                           progress: @escaping @Sendable (String) -> Void) async -> PhaseResult {
        let start = ContinuousClock.now
        let deadline = start + .nanoseconds(Int64(seconds * 1e9))
        let recorder = Recorder(start: start)
        let inflight = Counter()
        let reporter = startProgress(name: name, recorder: recorder, inflight: inflight, probe: nil, progress: progress)
        await withDiscardingTaskGroup { group in
            for c in 0..<concurrency {
                group.addTask {
                    var rng = SplitMix64(seed: seed &+ UInt64(c) &* 0x5851_F42D)
                    while ContinuousClock.now < deadline {
                        let op = only ?? (mix ?? Mix()).pick(rng.unit())
                        let sent = ContinuousClock.now
                        let (error, _, _) = await self.perform(op, rng: &rng)
                        let done = ContinuousClock.now
                        if done <= deadline { recorder.record(op, micros: micros(done - sent), error: error, at: sent) }
                    }
                }
            }
        }
        reporter.cancel()
        return recorder.result(name: name, mode: "closed", seconds: seconds, concurrency: concurrency)
    }

    /// Every seeded user posts once, `concurrency` at a time, so each home timeline holds a status
    /// from every account its owner follows: the home phases then read full pages (a reader is
    /// picked in proportion to how many accounts they follow; the median follows 29), not the
    /// near-empty timelines of freshly seeded accounts.
    public func fillTimelines(concurrency: Int) async -> PhaseResult {
        await eachUser(name: "fill: one post per user", op: .post, concurrency: concurrency) { user in
            await self.post(author: user, text: "load test \(self.users.runId) filler by user \(user)") == nil ? "post failed" : nil
        }
    }

    /// Every seeded user's home read once on every API node. A user's first read on a node fills
    /// that node's caches of them (token owner, pulled authors, filters, relations) from
    /// PostgreSQL; a running service has those warm, and the closed-loop home phase measures that
    /// steady state. This pass's own rate is the cold figure, reported as a phase of its own.
    public func firstReads(concurrency: Int) async -> PhaseResult {
        let nodes = api.targets.count
        return await eachUser(name: "home, cold first reads", op: .home, concurrency: concurrency, times: nodes) { user, node in
            let (reply, failure) = await self.api.send(.GET, "/api/v1/timelines/home?limit=20", token: self.users.token(user), target: node)
            return failure ?? reply.error
        }
    }

    /// Runs `body` for every seeded user (`times` rounds, the round passed along), `concurrency` at
    /// a time, recording each call as `op`: nil from `body` is success, otherwise the error kind.
    func eachUser(name: String, op: Op, concurrency: Int, times: Int = 1,
                  _ body: @escaping @Sendable (_ user: Int, _ round: Int) async -> String?) async -> PhaseResult {
        let start = ContinuousClock.now
        let recorder = Recorder(start: start)
        let taken = Counter()
        let userCount = users.accountIds.count
        await withDiscardingTaskGroup { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = taken.add(1) - 1
                        guard index < userCount * times else { return }
                        let sent = ContinuousClock.now
                        let error = await body(index % userCount, index / userCount)
                        recorder.record(op, micros: micros(ContinuousClock.now - sent), error: error, at: sent)
                    }
                }
            }
        }
        return recorder.result(name: name, mode: "closed", seconds: secondsOf(ContinuousClock.now - start), concurrency: concurrency)
    }

    func eachUser(name: String, op: Op, concurrency: Int, _ body: @escaping @Sendable (_ user: Int) async -> String?) async -> PhaseResult {
        await eachUser(name: name, op: op, concurrency: concurrency, times: 1) { user, _ in await body(user) }
    }

    /// One post by user `author` (through the API); its status id and latency in ms, or nil on failure.
    public func post(author: Int, text: String) async -> (id: Int64, ms: Double)? {
        let t = ContinuousClock.now
        let form = "status=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "x") + "&visibility=\(Visibility.public.rawValue)"
        let (reply, failure) = await api.send(.POST, "/api/v1/statuses", token: users.token(author), form: form)
        let ms = secondsOf(ContinuousClock.now - t) * 1000
        guard failure == nil, reply.status == 200, let id = reply.body.firstId() else { return nil }
        return (id, ms)
    }

    /// The median latency (ms) of `posts` posts by `author`, one after another (0 when none succeeded).
    public func sequentialPostP50(author: Int, posts: Int, label: String) async -> Double {
        var latencies: [Double] = []
        for i in 0..<posts {
            if let (_, ms) = await post(author: author, text: "\(label) \(i)") { latencies.append(ms) }
        }
        latencies.sort()
        return latencies.isEmpty ? 0 : latencies[latencies.count / 2]
    }

    func startProgress(name: String, recorder: Recorder, inflight: Counter, probe: Probe?,
                       progress: @escaping @Sendable (String) -> Void) -> Task<Void, Never> {
        Task {
            let t0 = ContinuousClock.now
            var second = 0
            while !Task.isCancelled {
                second += 1
                try? await Task.sleep(until: t0 + .seconds(second))
                if Task.isCancelled { break }
                let s = recorder.snapshot()
                var line = "[\(name) \(second)s] \(s.lastSecondOps) ops/s, p99 \(fmt(s.lastSecondP99, 1)) ms, total \(s.ok) ok, \(s.errors) errors"
                if probe == nil && inflight.value > 0 { line += ", \(inflight.value) in flight" }
                if let probe { line += ", \(inflight.value) in flight, deliveries probed \(probe.recorder.count)" }
                progress(line)
            }
        }
    }
}

/// A shared counter (Atomic itself cannot be captured by escaping closures).
public final class Counter: Sendable {
    let atomic = Atomic<Int>(0)
    public init() {}
    public var value: Int { atomic.load(ordering: .relaxed) }
    /// Adds `delta`; returns the new value.
    @discardableResult public func add(_ delta: Int) -> Int { atomic.wrappingAdd(delta, ordering: .relaxed).newValue }
}
