import Foundation
import Testing
@testable import StarlingLoadTest

@Suite struct PowerLawGeneratorTests {
    let graph = PowerLawGenerator(users: 5_000, meanFollows: 20, exponent: 2.1, celebrities: 3, celebrityReach: 0.5, seed: 7).generate()

    @Test func sameSeedSameGraph() {
        let again = PowerLawGenerator(users: 5_000, meanFollows: 20, exponent: 2.1, celebrities: 3, celebrityReach: 0.5, seed: 7).generate()
        #expect(again.follower == graph.follower)
        #expect(again.followee == graph.followee)
        let other = PowerLawGenerator(users: 5_000, meanFollows: 20, exponent: 2.1, celebrities: 3, celebrityReach: 0.5, seed: 8).generate()
        #expect(other.followee != graph.followee)
    }

    @Test func edgesAreUniqueAndNoSelfLoops() {
        var seen = Set<Int64>()
        for i in 0..<graph.edgeCount {
            #expect(graph.follower[i] != graph.followee[i])
            #expect(seen.insert(Int64(graph.follower[i]) << 32 | Int64(graph.followee[i])).inserted)
        }
    }

    @Test func meanFollowsIsNearTheTarget() {
        // 20 chosen by popularity plus 3 celebrities followed by half the users each: about 21.5.
        let mean = Double(graph.edgeCount) / Double(graph.userCount)
        #expect(mean > 18 && mean < 25, "mean follows \(mean)")
        #expect(graph.followingCount.allSatisfy { $0 >= 1 })
    }

    @Test func celebritiesAreVeryLarge() {
        for c in 0..<3 {
            // reach 0.5 of 5000 users
            #expect(graph.followersCount[c] > 2_000, "celebrity \(c) has \(graph.followersCount[c])")
        }
    }

    @Test func inDegreeIsHeavyTailed() {
        let sorted = graph.followersCount.map(Int.init).sorted()
        let median = sorted[sorted.count / 2]
        let p99 = sorted[sorted.count * 99 / 100]
        let largest = sorted.last!
        #expect(median <= 10, "median \(median)")
        #expect(p99 >= 5 * Swift.max(median, 1), "p99 \(p99) vs median \(median)")
        #expect(largest >= 50 * Swift.max(median, 1))
        // Power law: the number of users with >= k followers falls roughly as k^-(alpha-1); check that
        // doubling k from 20 to 40 and 40 to 80 shrinks the tail by a similar, substantial factor.
        func tail(_ k: Int) -> Double { Double(sorted.filter { $0 >= k }.count) }
        let r1 = tail(20) / tail(40), r2 = tail(40) / tail(80)
        #expect(r1 > 1.3 && r2 > 1.3, "tail ratios \(r1), \(r2)")
        #expect(abs(log(r1) - log(r2)) < 0.8, "tail ratios \(r1), \(r2) should be alike on a power law")
    }

    @Test func followerIndexMatchesEdges() {
        let index = graph.followerIndex()
        for u in [0, 1, 100, 4_999] {
            let followers = Set(index.followers(of: u))
            #expect(followers.count == Int(graph.followersCount[u]))
            for f in followers.prefix(20) {
                #expect((0..<graph.edgeCount).contains { graph.follower[$0] == f && graph.followee[$0] == Int32(u) })
            }
        }
    }

    @Test func parsesTheSpec() throws {
        let g = try PowerLawGenerator.parse("users=10k,follows=15,exponent=2.5,celebrities=2,reach=0.1,seed=3")
        #expect(g.users == 10_000 && g.meanFollows == 15 && g.exponent == 2.5 && g.celebrities == 2 && g.celebrityReach == 0.1 && g.seed == 3)
        #expect(throws: LoadTestError.self) { try PowerLawGenerator.parse("users=1") }
        #expect(throws: LoadTestError.self) { try PowerLawGenerator.parse("exponent=0.5") }
        #expect(throws: LoadTestError.self) { try PowerLawGenerator.parse("colour=blue") }
    }
}

@Suite struct EdgeListLoaderTests {
    @Test func directedWithCommentsAndSparseIds() throws {
        let g = try EdgeListLoader(mutual: false).parse("""
            # a SNAP comment
            % a MatrixMarket-style comment
            10 20
            20 30

            10 30
            10 20
            30 30
            """)
        #expect(g.userCount == 3)  // 10, 20, 30 -> 0, 1, 2
        #expect(g.edgeCount == 3)  // duplicate and self-loop dropped
        #expect(Array(zip(g.follower, g.followee)).map { [$0.0, $0.1] } == [[0, 1], [0, 2], [1, 2]])
        #expect(g.followersCount == [0, 1, 2])
        #expect(g.followingCount == [2, 1, 0])
    }

    @Test func mutualDoublesEdges() throws {
        let g = try EdgeListLoader(mutual: true).parse("1 0\n2 0\n2 1\n1 0\n")
        #expect(g.userCount == 3)
        #expect(g.edgeCount == 6)
        #expect(g.followersCount == [2, 2, 2])
    }

    @Test func headerLineIsSkippedAndOneBasedEqualsZeroBased() throws {
        let zero = try EdgeListLoader(mutual: true).parse("1 0\n2 0\n3 2\n")
        let one = try EdgeListLoader(mutual: true).parse("4 4 3\n2 1\n3 1\n4 3\n")
        #expect(one.userCount == 4)
        #expect(one.follower == zero.follower && one.followee == zero.followee)
        // header: no keeps a 3-column first line as an edge (third column ignored)
        let kept = try EdgeListLoader(mutual: false, header: .no).parse("4 4 3\n2 1\n")
        #expect(kept.edgeCount == 1)  // 4 4 is a self-loop, dropped; 2 1 kept
        let forced = try EdgeListLoader(mutual: false, header: .yes).parse("5 6\n2 1\n")
        #expect(forced.edgeCount == 1 && forced.userCount == 2)
    }

    @Test func weightedEdgeListsAreNotMistakenForHeaders() throws {
        let g = try EdgeListLoader(mutual: false).parse("1 2 0.5\n2 3 1.5\n3 1 2\n")
        #expect(g.edgeCount == 3)
        #expect(g.userCount == 3)
    }

    @Test func tabsCommasAndCRLF() throws {
        let g = try EdgeListLoader(mutual: false).parse("1\t2\r\n2,3\r\n")
        #expect(g.edgeCount == 2)
    }

    @Test func badLinesAreErrors() {
        #expect(throws: LoadTestError.self) { try EdgeListLoader(mutual: false).parse("1 x\n") }
        #expect(throws: LoadTestError.self) { try EdgeListLoader(mutual: false).parse("7\n") }
        #expect(throws: LoadTestError.self) { try EdgeListLoader(mutual: false).parse("# only comments\n") }
    }

    /// The Reed98 dataset, if the shared datasets folder is next to the repository.
    @Test func reed98LoadsAsDocumented() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [root.appendingPathComponent("../shared/datasets/socfb-Reed98"), URL(fileURLWithPath: "/work/shared/datasets/socfb-Reed98")]
        guard let dir = candidates.first(where: { FileManager.default.fileExists(atPath: $0.appendingPathComponent("socfb-Reed98.edges").path) }) else {
            return  // dataset not present on this machine
        }
        let edges = try EdgeListLoader(mutual: true).load(path: dir.appendingPathComponent("socfb-Reed98.edges").path)
        #expect(edges.userCount == 962)
        #expect(edges.edgeCount == 37_624)
        #expect(edges.followersCount.max() == 313)
        #expect(edges.followersCount[678] == 313)
        #expect(edges.followersPercentile(50) == 29)
        let mtx = try EdgeListLoader(mutual: true).load(path: dir.appendingPathComponent("socfb-Reed98.mtx").path)
        #expect(mtx.follower == edges.follower && mtx.followee == edges.followee)
    }
}

@Suite struct HarnessPieceTests {
    @Test func mixPicksInProportion() throws {
        let mix = try Mix.parse("home=60,user=30,post=10")
        var counts: [Op: Int] = [:]
        var rng = SplitMix64(seed: 1)
        for _ in 0..<100_000 { counts[mix.pick(rng.unit()), default: 0] += 1 }
        #expect(abs(Double(counts[.home]!) / 100_000 - 0.6) < 0.01)
        #expect(abs(Double(counts[.post]!) / 100_000 - 0.1) < 0.01)
        #expect(throws: LoadTestError.self) { try Mix.parse("home=0,user=0,post=0") }
    }

    @Test func weightedSamplerFollowsWeights() {
        let sampler = WeightedSampler(weights: [0, 1, 3])
        var rng = SplitMix64(seed: 2)
        var counts = [0, 0, 0]
        for _ in 0..<40_000 { counts[sampler.sample(using: &rng)] += 1 }
        #expect(counts[0] == 0)
        #expect(abs(Double(counts[2]) / Double(counts[1]) - 3) < 0.2)
    }

    @Test func prometheusParsing() {
        let samples = PrometheusSamples(text: """
            # TYPE starling_fanout_deliveries_total counter
            starling_fanout_deliveries_total 42
            starling_fanout_lag_seconds_bucket{le="0.1"} 3
            starling_fanout_lag_seconds_bucket{le="+Inf"} 4
            starling_outbox_depth 2.0
            """)
        #expect(samples.sum("starling_fanout_deliveries_total") == 42)
        #expect(samples.max("starling_outbox_depth") == 2)
        #expect(samples.buckets("starling_fanout_lag_seconds").map(\.1) == [3, 4])
    }

    @Test func recorderSummarises() {
        let recorder = Recorder()
        for i in 1...100 { recorder.record(.home, micros: UInt64(i * 1000), error: nil) }
        recorder.record(.post, micros: 0, error: "500")
        let result = recorder.result(name: "t", mode: "closed", seconds: 1)
        #expect(result.op(.home)?.ok == 100)
        #expect(abs((result.op(.home)?.latency.p50 ?? 0) - 50) < 1)
        #expect(result.op(.post)?.errors == ["500": 1])
        #expect(result.errors == 1)
    }
}
