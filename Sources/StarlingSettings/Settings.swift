import ArgumentParser
import Foundation
import Logging
import StarlingDomain
import StarlingRedis

/// Reads a setting: the command-line flag wins, then the `STARLING_…` environment variable, then the default.
/// A value that does not parse stops start-up with an error naming the setting.
/// Shared by `starling` and `starling-loadtest`; the load test passes an environment that falls back to the
/// cluster launcher's env file.
public struct SettingReader: Sendable {
    public let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func string(_ flag: String?, _ variable: String, default value: String) -> String {
        flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? value
    }

    public func int(_ flag: Int?, _ variable: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        let result: Int
        if let flag {
            result = flag
        } else if let text = environment[variable], !text.isEmpty {
            guard let parsed = Int(text) else { throw ValidationError("\(variable) must be a whole number, got '\(text)'") }
            result = parsed
        } else {
            result = value
        }
        guard range.contains(result) else {
            throw ValidationError("\(variable) must be within \(range.lowerBound)...\(range.upperBound), got \(result)")
        }
        return result
    }
}

/// Options every role shares.
public struct CommonOptions: ParsableArguments {
    public init() {}

    @Option(help: "PostgreSQL URL, postgres://user:password@host:port/database. Env STARLING_DATABASE_URL. Default postgres://starling@127.0.0.1:5432/starling.")
    var databaseURL: String?

    @Option(help: "Maximum PostgreSQL connections of this process. Env STARLING_DATABASE_CONNECTIONS. Default 16.")
    var databaseConnections: Int?

    @Option(help: "How long a request waits for PostgreSQL (queueing included) before it fails with a 503, in milliseconds. Env STARLING_DATABASE_TIMEOUT_MS. Default 5000.")
    var databaseTimeoutMs: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env STARLING_LOG_LEVEL. Default info.")
    var logLevel: String?

    @Option(help: "Event-loop threads of this process (its sockets and requests run on them). Env STARLING_EVENT_LOOPS. Default: one per core. Nodes sharing a machine may take fewer: more throughput, longer tails (README, Configuration).")
    var eventLoops: Int?

    /// The event-loop threads asked for; nil: one per core (SwiftNIO's default).
    public func resolvedEventLoops(_ reader: SettingReader = SettingReader()) throws -> Int? {
        guard eventLoops != nil || reader.environment["STARLING_EVENT_LOOPS"]?.isEmpty == false else { return nil }
        return try reader.int(eventLoops, "STARLING_EVENT_LOOPS", default: 1, range: 1...256)
    }

    public func resolvedDatabaseURL(_ reader: SettingReader = SettingReader()) -> String {
        reader.string(databaseURL, "STARLING_DATABASE_URL", default: "postgres://starling@127.0.0.1:5432/starling")
    }

    public func resolvedDatabaseConnections(_ reader: SettingReader = SettingReader()) throws -> Int {
        try reader.int(databaseConnections, "STARLING_DATABASE_CONNECTIONS", default: 16, range: 2...500)
    }

    public func resolvedDatabaseTimeout(_ reader: SettingReader = SettingReader()) throws -> Duration {
        .milliseconds(try reader.int(databaseTimeoutMs, "STARLING_DATABASE_TIMEOUT_MS", default: 5000, range: 100...600_000))
    }

    public func logger(_ label: String, _ reader: SettingReader = SettingReader()) throws -> Logger {
        let text = reader.string(logLevel, "STARLING_LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: text) else {
            throw ValidationError("STARLING_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical; got '\(text)'")
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

/// Options of the roles that talk to Redis and fan out (api and worker).
public struct TimelineOptions: ParsableArguments {
    public init() {}

    @Option(help: "Redis shards: host:port,host:port (slots split evenly) or 0-5460=host:port,…. Env STARLING_REDIS_SHARDS. Default 127.0.0.1:6379.")
    var redisShards: String?

    @Option(help: "Redis layout: shards (independent servers, slots split by STARLING_REDIS_SHARDS) or cluster (a Redis Cluster; STARLING_REDIS_SHARDS lists seed nodes). Env STARLING_REDIS_MODE. Default shards.")
    var redisMode: String?

    @Option(help: "Multiplexed Redis connections per shard, shared by every request (no thread of their own). Env STARLING_REDIS_CONNECTIONS. Default 2.")
    var redisConnections: Int?

    @Option(help: "Fan-out model: push, pull or hybrid. Env STARLING_FANOUT_MODEL. Default hybrid.")
    var fanoutModel: String?

    @Option(help: "Followers from which an author is a celebrity (pulled at read time). Env STARLING_CELEBRITY_THRESHOLD. Default 10000.")
    var celebrityThreshold: Int?

    @Option(help: "Home timeline length kept in Redis. Env STARLING_HOME_LENGTH. Default 800.")
    var homeLength: Int?

    @Option(help: "Seconds after which an idle user gets no fan-out and their lists expire. Env STARLING_INACTIVE_AFTER. Default 604800 (7 days).")
    var inactiveAfter: Int?

    @Option(help: "Followers per fan-out chunk (one outbox row). Env STARLING_FANOUT_CHUNK. Default 1000.")
    var fanoutChunk: Int?

    public func shardMap(_ reader: SettingReader = SettingReader()) throws -> ShardMap {
        let text = reader.string(redisShards, "STARLING_REDIS_SHARDS", default: "127.0.0.1:6379")
        do {
            return try ShardMap.parse(text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    public func mode(_ reader: SettingReader = SettingReader()) throws -> RedisMode {
        let text = reader.string(redisMode, "STARLING_REDIS_MODE", default: "shards")
        guard let mode = RedisMode(rawValue: text) else {
            throw ValidationError("STARLING_REDIS_MODE must be shards or cluster; got '\(text)'")
        }
        return mode
    }

    public func connections(_ reader: SettingReader = SettingReader()) throws -> Int {
        try reader.int(redisConnections, "STARLING_REDIS_CONNECTIONS", default: 2, range: 1...256)
    }

    public func inactiveAfterSeconds(_ reader: SettingReader = SettingReader()) throws -> Int {
        try reader.int(inactiveAfter, "STARLING_INACTIVE_AFTER", default: 7 * 24 * 3600, range: 60...(365 * 24 * 3600))
    }

    public func policy(_ reader: SettingReader = SettingReader()) throws -> FanoutPolicy {
        let modelText = reader.string(fanoutModel, "STARLING_FANOUT_MODEL", default: "hybrid")
        guard let model = FanoutModel(rawValue: modelText) else {
            throw ValidationError("STARLING_FANOUT_MODEL must be push, pull or hybrid; got '\(modelText)'")
        }
        return FanoutPolicy(
            model: model,
            celebrityThreshold: try reader.int(celebrityThreshold, "STARLING_CELEBRITY_THRESHOLD", default: 10_000, range: 1...Int(Int32.max)),
            chunkSize: try reader.int(fanoutChunk, "STARLING_FANOUT_CHUNK", default: 1_000, range: 1...100_000),
            homeLength: try reader.int(homeLength, "STARLING_HOME_LENGTH", default: 800, range: 20...10_000))
    }
}

/// HTTP listener options (the API, or a worker's ops endpoints).
public struct ListenOptions: ParsableArguments {
    public init() {}

    @Option(help: "Address to listen on. Env STARLING_HTTP_HOST. Default 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on. Env STARLING_HTTP_PORT. Default 8080 for api, 9090 for worker.")
    var port: Int?

    @Option(help: "This process's id-generator node number, unique per process, 0-1023, or auto (claimed in PostgreSQL at start-up, for scaled replicas). Env STARLING_NODE_ID. Default 0.")
    var nodeId: String?

    public func resolvedHost() -> String { SettingReader().string(host, "STARLING_HTTP_HOST", default: "127.0.0.1") }

    public func resolvedPort(default value: Int) throws -> Int {
        try SettingReader().int(port, "STARLING_HTTP_PORT", default: value, range: 1...65535)
    }

    /// A fixed node number, or nil for `auto`.
    public func resolvedNodeId() throws -> Int? {
        let text = SettingReader().string(nodeId, "STARLING_NODE_ID", default: "0")
        if text == "auto" { return nil }
        guard let number = Int(text), (0...SnowflakeGenerator.maxNode).contains(number) else {
            throw ValidationError("STARLING_NODE_ID must be auto or a whole number within 0...\(SnowflakeGenerator.maxNode), got '\(text)'")
        }
        return number
    }
}
