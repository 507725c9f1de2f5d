import Foundation
import StarlingDomain
import Testing
@testable import StarlingLoadTest

@Suite struct ScalingPlanTests {
    var plan: ScalingPlan {
        var plan = ScalingPlan()
        plan.sizes = [10, 1_000, 5_000]
        plan.celebrityCounts = [0, 5, 20]
        plan.readersPerGroup = 7
        plan.normalAuthors = 3
        return plan
    }
    let policy = FanoutPolicy(model: .hybrid, celebrityThreshold: 1_000)

    @Test func authorsHaveExactlyTheirFollowerCounts() {
        let layout = plan.layout(policy: policy)
        for (size, author) in zip(plan.sizes, layout.authors) {
            #expect(Int(layout.graph.followersCount[author]) == size)
        }
        #expect(layout.pool == 5_000)
    }

    @Test func celebritiesArePulledUnderTheClusterPolicy() {
        let layout = plan.layout(policy: policy)
        #expect(layout.celebrities.count == 20)
        for celebrity in layout.celebrities {
            #expect(policy.isPulled(followersCount: Int(layout.graph.followersCount[celebrity])))
        }
        #expect(policy.pushesToFollowers(followersCount: Int(layout.graph.followersCount[layout.authors[0]])))
        for normal in layout.normals {
            #expect(policy.pushesToFollowers(followersCount: Int(layout.graph.followersCount[normal])))
        }
    }

    @Test(arguments: [0, 1, 2])
    func readersFollowTheirGroupsCelebritiesAndEveryNormalAuthor(group: Int) {
        let layout = plan.layout(policy: policy)
        let celebrities = Set(layout.celebrities.map(Int32.init))
        let normals = Set(layout.normals.map(Int32.init))
        for reader in layout.readers[group] {
            let followed = (0..<layout.graph.edgeCount).filter { layout.graph.follower[$0] == Int32(reader) }.map { layout.graph.followee[$0] }
            #expect(followed.filter(celebrities.contains).count == plan.celebrityCounts[group])
            #expect(Set(followed.filter(normals.contains)) == normals)
        }
    }

    @Test func edgesAreUniqueAndUsersDistinct() {
        let layout = plan.layout(policy: policy)
        var seen = Set<Int64>()
        for i in 0..<layout.graph.edgeCount {
            #expect(layout.graph.follower[i] != layout.graph.followee[i])
            #expect(seen.insert(Int64(layout.graph.follower[i]) << 32 | Int64(layout.graph.followee[i])).inserted)
        }
        let roles = layout.authors + layout.celebrities + layout.normals + layout.readers.flatMap { $0 }
        #expect(Set(roles).count == roles.count)
        #expect(roles.allSatisfy { $0 >= layout.pool && $0 < layout.graph.userCount })
    }

    @Test(arguments: [("10,1k,10k,100k", [10, 1_000, 10_000, 100_000]), ("1m, 10", [10, 1_000_000]), ("0,5,20,50", [0, 5, 20, 50])])
    func parsesSizeLists(text: String, expected: [Int]) throws {
        #expect(try ScalingPlan.parseList(text, name: "--scaling-sizes") == expected)
    }

    @Test(arguments: ["", "ten", "-5", "1.5k"])
    func rejectsBadSizeLists(text: String) {
        #expect(throws: LoadTestError.self) { try ScalingPlan.parseList(text, name: "--scaling-sizes") }
    }
}

@Suite struct ScalingReportTests {
    func report(model: String, small: Double, large: Double, bytes: Double) -> Report {
        var scaling = ScalingReport(model: model, celebrityThreshold: 1_000, sizes: [10, 100_000], sequentialPosts: 10,
                                    concurrentPosts: 12, postConcurrency: 4)
        scaling.writePath = [
            ScalingWriteRow(followers: 10, pushed: true, postP50Ms: small, postMeanMs: small, postsPerSecond: 100, postErrors: 0,
                            deliveryP50Ms: 5, deliveryMaxMs: 6, deliveryTimeouts: 0, fanoutDoneSeconds: 0.01),
            ScalingWriteRow(followers: 100_000, pushed: model == "push", postP50Ms: large, postMeanMs: large, postsPerSecond: 90, postErrors: 0,
                            deliveryP50Ms: nil, deliveryMaxMs: nil, deliveryTimeouts: 3, fanoutDoneSeconds: nil),
        ]
        scaling.writeCostRatio = large / small
        scaling.homeReads = [ScalingReadRow(celebrities: 0, readers: 50, concurrency: 16, p50Ms: 2, p99Ms: 5, readsPerSecond: 1000, errors: 0),
                             ScalingReadRow(celebrities: 50, readers: 50, concurrency: 16, p50Ms: 4, p99Ms: 9, readsPerSecond: 600, errors: 0)]
        scaling.bytesPerHomeEntry = bytes
        scaling.homeListsSampled = 10
        scaling.homeEntriesSampled = 500
        scaling.bytesPerCachedStatus = 420
        scaling.statusesSampled = 100
        var r = Report(label: "scaling-\(model)", mode: .scaling, startedAt: Date(timeIntervalSince1970: 0), targets: [], graph: "g",
                       fanoutModel: model, celebrityThreshold: 1_000, mix: Mix())
        r.scaling = scaling
        return r
    }

    @Test func tablePrintsTheHybridRatioAgainstItsTarget() {
        let text = ReportRenderer.scalingTable([report(model: "push", small: 2, large: 2.2, bytes: 20),
                                                report(model: "hybrid", small: 2, large: 2.4, bytes: 11)])
        #expect(text.contains("write-path cost, 100000 vs 10 followers (hybrid): 1.20 × (target <= 1.5: met)"))
        #expect(text.contains("write-path cost, 100000 vs 10 followers (push): 1.10 × (the target applies to hybrid)"))
        #expect(text.contains("11.0 bytes per home-timeline entry"))
        #expect(text.contains("target <= 12: met"))
        #expect(text.contains("target <= 12: MISSED"))
        #expect(text.contains("> 60 s"))
    }

    @Test func missedRatioIsMarked() {
        let text = ReportRenderer.scalingTable([report(model: "hybrid", small: 2, large: 4, bytes: 11)])
        #expect(text.contains("2.00 × (target <= 1.5: MISSED)"))
    }

    @Test func chartHasAPanelPerFigureAndALinePerModel() {
        let svg = ReportRenderer.scalingSVG([report(model: "push", small: 2, large: 2.2, bytes: 20),
                                             report(model: "hybrid", small: 2, large: 2.4, bytes: 11)])
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("post p50 (ms), write path"))
        #expect(svg.contains("home read p50"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2 + 2 + 4)
    }

    @Test func reportRoundTripsThroughJSON() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let original = report(model: "hybrid", small: 2, large: 2.4, bytes: 11)
        let decoded = try decoder.decode(Report.self, from: encoder.encode(original))
        #expect(decoded.scaling?.writeCostRatio == original.scaling?.writeCostRatio)
        #expect(decoded.scaling?.homeReads.count == 2)
        #expect(decoded.mode == .scaling)
    }

    @Test func redisClientRatios() {
        let run = RedisClientRun(callers: 50, pipeline: 64, commands: 200_000, seconds: 1, perSecond: 600_000)
        let single = RedisClientRun(callers: 256, pipeline: 1, commands: 100_000, seconds: 1, perSecond: 90_000)
        let baseline = RedisClientBaseline(connections: 2, pipelined: run, single: single, redisBenchmarkPipelined: 1_200_000,
                                           redisBenchmarkSingle: 100_000)
        #expect(baseline.pipelinedRatio == 0.5)
        #expect(baseline.singleRatio == 0.9)
        #expect(RedisClientBaseline(connections: 2, pipelined: run, single: single, redisBenchmarkPipelined: nil,
                                    redisBenchmarkSingle: nil).pipelinedRatio == nil)
    }
}

/// The delivery probes' budget: a phase probes a quarter of its posts, at most 25 a second.
@Suite struct ProbeBudgetTests {
    @Test func theSampleIsCappedAtTwentyFiveProbedPostsASecond() {
        #expect(Workload.Probe.sample(0.25, forPostRate: 40) == 0.25, "10 probed posts a second: under the budget")
        #expect(Workload.Probe.sample(0.25, forPostRate: 500) == 0.05, "125 would be probed: 25 are")
        #expect(Workload.Probe.sample(1, forPostRate: 2) == 1, "the smoke run probes every post")
        #expect(Workload.Probe.sample(0.25, forPostRate: 0) == 0.25)
        #expect(Mix(home: 60, user: 30, post: 10).postShare == 0.1)
        #expect(Mix(home: 0, user: 0, post: 0).postShare == 0)
    }
}
