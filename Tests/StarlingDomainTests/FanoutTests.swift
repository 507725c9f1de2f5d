import Testing
import StarlingDomain

@Suite("FanoutPolicy")
struct FanoutPolicyTests {
    @Test func defaults() {
        let policy = FanoutPolicy()
        #expect(policy.model == .hybrid)
        #expect(policy.celebrityThreshold == 10_000)
        #expect(policy.chunkSize == 1_000)
        #expect(policy.homeLength == 800)
    }

    @Test func modelNames() {
        #expect(FanoutModel.allCases == [.push, .pull, .hybrid])
        #expect(FanoutModel(rawValue: "push") == .push)
        #expect(FanoutModel(rawValue: "pull") == .pull)
        #expect(FanoutModel(rawValue: "hybrid") == .hybrid)
        #expect(FanoutModel(rawValue: "Hybrid") == nil)
    }

    @Test(arguments: [1, 5, 10_000])
    func hybridSwitchesToPullAtTheThreshold(threshold: Int) {
        let policy = FanoutPolicy(model: .hybrid, celebrityThreshold: threshold)
        #expect(policy.pushesToFollowers(followersCount: 0) == (threshold > 0))
        #expect(policy.pushesToFollowers(followersCount: threshold - 1))
        #expect(!policy.pushesToFollowers(followersCount: threshold))
        #expect(!policy.pushesToFollowers(followersCount: threshold + 1))
        #expect(!policy.pushesToFollowers(followersCount: Int.max))
        #expect(!policy.isPulled(followersCount: threshold - 1))
        #expect(policy.isPulled(followersCount: threshold))
        #expect(policy.isPulled(followersCount: threshold + 1))
    }

    @Test(arguments: [0, 9_999, 10_000, 10_001, 5_000_000])
    func pushAlwaysPushes(followers: Int) {
        let policy = FanoutPolicy(model: .push)
        #expect(policy.pushesToFollowers(followersCount: followers))
        #expect(!policy.isPulled(followersCount: followers))
    }

    @Test(arguments: [0, 9_999, 10_000, 10_001, 5_000_000])
    func pullNeverPushes(followers: Int) {
        let policy = FanoutPolicy(model: .pull)
        #expect(!policy.pushesToFollowers(followersCount: followers))
        #expect(policy.isPulled(followersCount: followers))
    }

    @Test(arguments: FanoutModel.allCases)
    func isPulledIsTheInverseOfPushing(model: FanoutModel) {
        let policy = FanoutPolicy(model: model, celebrityThreshold: 100)
        for followers in [0, 1, 99, 100, 101, 1_000_000] {
            #expect(policy.isPulled(followersCount: followers) != policy.pushesToFollowers(followersCount: followers))
        }
    }
}

@Suite("FanoutPlanner")
struct FanoutPlannerTests {
    static func threeShards() throws -> ShardMap {
        try ShardMap.parse("127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003")
    }

    @Test func everyIdLandsOnceUnderTheShardOfItsHomeKey() throws {
        let map = try Self.threeShards()
        var rng = SeededGenerator(seed: 5)
        var ids = (0..<1_500).map { Int64($0) }
        ids += (0..<1_500).map { _ in Int64.random(in: 1_000_000...Int64.max, using: &rng) }
        ids = Array(Set(ids)).shuffled(using: &rng)

        let groups = FanoutPlanner.groupByShard(ids, map: map)
        #expect(Set(groups.keys) == [0, 1, 2])
        let flattened = groups.values.flatMap { $0 }
        #expect(flattened.count == ids.count)
        #expect(Set(flattened) == Set(ids))
        for (shard, members) in groups {
            #expect(!members.isEmpty)
            for id in members {
                #expect(map.shardIndex(forKey: RedisKeys.home(id)) == shard)
                #expect(map.shardIndex(forSlot: KeySlot.slot(of: "\(id)")) == shard)
            }
            // Input order is kept within a shard.
            let expectedOrder = ids.filter { map.shardIndex(forKey: RedisKeys.home($0)) == shard }
            #expect(members == expectedOrder)
        }
    }

    @Test func knownPlacement() throws {
        let map = try Self.threeShards()
        // home:{42} is slot 8000 (shard 1); home:{7} is slot 1716 (shard 0).
        let groups = FanoutPlanner.groupByShard([42, 7], map: map)
        #expect(groups == [1: [42], 0: [7]])
    }

    @Test func customKeyFunction() throws {
        let map = try ShardMap.parse("0-8191=127.0.0.1:7001,8192-16383=127.0.0.1:7002")
        let ids = (0..<300).map { Int64($0) }
        let byName = FanoutPlanner.groupByShard(ids, map: map) { "fixed{bar}:\($0)" }  // every key in slot 5061
        #expect(byName == [0: ids])
        let byFoo = FanoutPlanner.groupByShard(ids, map: map) { "x{foo}\($0)" }  // slot 12182
        #expect(byFoo == [1: ids])
    }

    @Test func emptyInputGivesNoGroups() throws {
        #expect(FanoutPlanner.groupByShard([], map: try Self.threeShards()).isEmpty)
    }

    @Test func singleShardTakesEverything() throws {
        let map = try ShardMap.parse("127.0.0.1:7001")
        let ids: [Int64] = [5, 1, 9, 3]
        #expect(FanoutPlanner.groupByShard(ids, map: map) == [0: ids])
    }
}

@Suite("DomainError")
struct DomainErrorTests {
    @Test func codesAndMessages() {
        #expect(DomainError.validation("v").code == "validation_failed")
        #expect(DomainError.badParameter("b").code == "bad_parameter")
        #expect(DomainError.invalidSetting("s").code == "invalid_setting")
        #expect(DomainError.validation("too long").description == "too long")
        #expect(DomainError.badParameter("bad").description == "bad")
        #expect(DomainError.invalidSetting("SETTING").description == "SETTING")
        #expect(DomainError.validation("x") != DomainError.badParameter("x"))
    }
}

@Suite("FanoutPolicy thresholds")
struct FanoutThresholdTests {
    @Test func thresholdsFollowTheModel() {
        #expect(FanoutPolicy(model: .hybrid, celebrityThreshold: 500).pushedBelow == 500)
        #expect(FanoutPolicy(model: .hybrid, celebrityThreshold: 500).pulledFrom == 500)
        #expect(FanoutPolicy(model: .push, celebrityThreshold: 500).pushedBelow == .max)
        #expect(FanoutPolicy(model: .push, celebrityThreshold: 500).pulledFrom == nil)
        #expect(FanoutPolicy(model: .pull, celebrityThreshold: 500).pulledFrom == 0)
    }
}
