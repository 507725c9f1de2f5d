import NIOPosix
import StarlingDomain

/// The Redis shards as one store: routes each key by its slot to the owning shard's pool.
public final class ShardedRedis: Sendable {
    public let map: ShardMap
    public let pools: [RedisShardPool]
    private let threadPool: NIOThreadPool

    /// - Parameters:
    ///   - connectionsPerShard: hiredis connections per shard; the dedicated thread pool gets one
    ///     thread per connection, so a blocking call never waits for a thread.
    ///   - timeoutSeconds: connect and command timeout.
    public init(map: ShardMap, connectionsPerShard: Int = 8, timeoutSeconds: Double = 2) {
        self.map = map
        let threadPool = NIOThreadPool(numberOfThreads: max(1, connectionsPerShard) * map.shards.count)
        threadPool.start()
        self.threadPool = threadPool
        self.pools = map.shards.map {
            RedisShardPool(host: $0.host, port: $0.port, capacity: connectionsPerShard, timeoutSeconds: timeoutSeconds, threadPool: threadPool)
        }
    }

    public func shutdown() async throws {
        try await threadPool.shutdownGracefully()
    }

    public func shardIndex(forKey key: String) -> Int { map.shardIndex(forKey: key) }

    public func pool(forKey key: String) -> RedisShardPool { pools[shardIndex(forKey: key)] }

    /// Runs a pipeline on the shard that owns `key` (every command should touch that user's keys only).
    public func pipeline(key: String, _ commands: [RedisCommand]) async throws -> [RESPValue] {
        try await pool(forKey: key).pipeline(commands)
    }

    public func send(key: String, _ command: RedisCommand) async throws -> RESPValue {
        try await pipeline(key: key, [command])[0]
    }

    /// Runs one pipeline per shard, all shards concurrently. Returns the replies by shard index.
    public func pipelines(_ byShard: [Int: [RedisCommand]]) async throws -> [Int: [RESPValue]] {
        try await withThrowingTaskGroup(of: (Int, [RESPValue]).self) { group in
            for (shard, commands) in byShard where !commands.isEmpty {
                let pool = pools[shard]
                group.addTask { (shard, try await pool.pipeline(commands)) }
            }
            var results: [Int: [RESPValue]] = [:]
            for try await (shard, replies) in group { results[shard] = replies }
            return results
        }
    }

    /// Each key's GET result, with one MGET per shard, shards concurrently.
    public func mget(_ keys: [String]) async throws -> [String: RESPValue] {
        var byShard: [Int: [String]] = [:]
        for key in keys { byShard[shardIndex(forKey: key), default: []].append(key) }
        let replies = try await pipelines(byShard.mapValues { [RedisCommand(["MGET"] + $0)] })
        var out: [String: RESPValue] = [:]
        for (shard, shardKeys) in byShard {
            guard let values = replies[shard]?.first else { continue }
            if case .error(let message) = values { throw RedisError.server(message) }
            guard let items = values.array, items.count == shardKeys.count else {
                throw RedisError.unexpectedReply("MGET returned \(values)")
            }
            for (key, value) in zip(shardKeys, items) { out[key] = value }
        }
        return out
    }

    /// PING every shard; the address and whether it answered.
    public func ping() async -> [(String, Bool)] {
        await withTaskGroup(of: (Int, String, Bool).self) { group in
            for (i, pool) in pools.enumerated() {
                group.addTask {
                    let ok = (try? await pool.pipeline([RedisCommand("PING")]))?.first == .status("PONG")
                    return (i, pool.address, ok)
                }
            }
            var out: [(Int, String, Bool)] = []
            for await item in group { out.append(item) }
            return out.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
        }
    }
}
