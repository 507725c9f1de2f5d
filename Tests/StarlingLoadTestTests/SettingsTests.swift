import ArgumentParser
import StarlingDomain
import StarlingSettings
import Testing
@testable import StarlingLoadTest

/// The harness reads the cluster's settings with the server's own types: the environment first, then
/// the launcher's env file, then the server's defaults.
@Suite struct HarnessSettingsTests {
    let envFile = """
        # written by cluster/starling-cluster
        STARLING_URL='http://127.0.0.1:8080'
        STARLING_FANOUT_MODEL='push'
        STARLING_CELEBRITY_THRESHOLD='150'
        STARLING_REDIS_SHARDS='127.0.0.1:7001,127.0.0.1:7002'
        STARLING_NOTE='it'\\''s quoted'
        """

    @Test func parsesTheLaunchersEnvFile() {
        let file = ClusterEnvironment.parse(envFile)
        #expect(file["STARLING_URL"] == "http://127.0.0.1:8080")
        #expect(file["STARLING_NOTE"] == "it's quoted")
        #expect(file.count == 5)
    }

    @Test func theEnvFileFillsWhatTheEnvironmentDoesNotSet() throws {
        let environment = ClusterEnvironment.layered(file: ClusterEnvironment.parse(envFile),
                                                     process: ["STARLING_CELEBRITY_THRESHOLD": "42", "STARLING_FANOUT_MODEL": ""])
        let reader = SettingReader(environment: environment)
        let timeline = try TimelineOptions.parse([])
        let policy = try timeline.policy(reader)
        #expect(policy.model == .push)  // the env file (the process's value is empty)
        #expect(policy.celebrityThreshold == 42)  // the process environment wins
        #expect(try timeline.shardMap(reader).shards.map(\.port) == [7001, 7002])
    }

    @Test func eventLoopsAreOnePerCoreUnlessSet() throws {
        let none = try CommonOptions.parse([])
        #expect(try none.resolvedEventLoops(SettingReader(environment: [:])) == nil)
        #expect(try none.resolvedEventLoops(SettingReader(environment: ["STARLING_EVENT_LOOPS": ""])) == nil)
        #expect(try none.resolvedEventLoops(SettingReader(environment: ["STARLING_EVENT_LOOPS": "1"])) == 1)
        #expect(try CommonOptions.parse(["--event-loops", "3"]).resolvedEventLoops(SettingReader(environment: ["STARLING_EVENT_LOOPS": "1"])) == 3)
        #expect(throws: ValidationError.self) { try none.resolvedEventLoops(SettingReader(environment: ["STARLING_EVENT_LOOPS": "0"])) }
        #expect(throws: ValidationError.self) { try none.resolvedEventLoops(SettingReader(environment: ["STARLING_EVENT_LOOPS": "many"])) }
    }

    @Test func flagsWinAndDefaultsAreTheServers() throws {
        let reader = SettingReader(environment: ["STARLING_CELEBRITY_THRESHOLD": "42"])
        let policy = try TimelineOptions.parse(["--celebrity-threshold", "7", "--fanout-model", "pull"]).policy(reader)
        #expect(policy.model == .pull)
        #expect(policy.celebrityThreshold == 7)
        let defaults = try TimelineOptions.parse([]).policy(SettingReader(environment: [:]))
        #expect(defaults.model == FanoutPolicy().model)
        #expect(defaults.celebrityThreshold == FanoutPolicy().celebrityThreshold)
    }

    @Test(arguments: [["STARLING_FANOUT_MODEL": "fanout"], ["STARLING_CELEBRITY_THRESHOLD": "many"], ["STARLING_CELEBRITY_THRESHOLD": "0"]])
    func badValuesAreRejected(environment: [String: String]) throws {
        #expect(throws: (any Error).self) { try TimelineOptions.parse([]).policy(SettingReader(environment: environment)) }
    }
}
