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
