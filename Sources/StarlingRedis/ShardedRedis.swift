import Logging
import NIOCore
import NIOPosix
import StarlingDomain
import Synchronization

/// How the Redis side is laid out.
public enum RedisMode: String, Sendable {
    /// Independent Redis servers; slot ranges come from configuration.
    case shards
    /// A Redis Cluster: the slot map is learnt from the cluster (`CLUSTER NODES`), `MOVED` and `ASK`
    /// redirects are followed, and the map is refreshed after a failover or a resharding.
    case cluster
}

/// The Redis shards as one store: routes each key by its slot to the pool of the node that owns it.
public final class ShardedRedis: Sendable {
    public let mode: RedisMode
    let seeds: [ShardAddress]
    let connectionsPerShard: Int
    let timeoutSeconds: Double
    let logger: Logger
    let group: any EventLoopGroup
    private let topology: Mutex<Topology>
    private let lastRefresh = Mutex<ContinuousClock.Instant?>(nil)

    struct Topology {
        var map: ShardMap
        var pools: [RedisShardPool]
    }

    /// - Parameters:
    ///   - map: the slot map (`shards` mode), or a provisional one over the seed nodes (`cluster`
    ///     mode; call `refreshTopology()` before use).
    ///   - connectionsPerShard: multiplexed connections per node; every caller shares them.
    ///   - timeoutSeconds: connect and command timeout.
    ///   - group: the event loops the connections run on (no thread of their own).
    public init(map: ShardMap, mode: RedisMode = .shards, connectionsPerShard: Int = 2, timeoutSeconds: Double = 2,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "starling.redis")) {
        self.mode = mode
        self.seeds = map.shards
        self.connectionsPerShard = connectionsPerShard
        self.timeoutSeconds = timeoutSeconds
        self.logger = logger
        self.group = group
        let pools = map.shards.map {
            RedisShardPool(host: $0.host, port: $0.port, capacity: connectionsPerShard, timeoutSeconds: timeoutSeconds, group: group)
        }
        self.topology = Mutex(Topology(map: map, pools: pools))
    }

    /// Closes every connection; calls still outstanding fail.
    public func shutdown() async throws {
        for pool in pools { await pool.close() }
    }

    /// The current slot map (in `cluster` mode, as last learnt from the cluster).
    public var map: ShardMap { topology.withLock { $0.map } }
    /// One pool per shard (or per cluster master), indexed like `map.shards`.
    public var pools: [RedisShardPool] { topology.withLock { $0.pools } }

    public func shardIndex(forKey key: String) -> Int { map.shardIndex(forKey: key) }

    public func pool(forKey key: String) -> RedisShardPool {
        topology.withLock { $0.pools[$0.map.shardIndex(forKey: key)] }
    }

    /// Runs a pipeline on the shard that owns `key` (every command should touch that user's keys only).
    public func pipeline(key: String, _ commands: [RedisCommand]) async throws -> [RESPValue] {
        let (shard, pool) = topology.withLock { ($0.map.shardIndex(forKey: key), $0.pools[$0.map.shardIndex(forKey: key)]) }
        return try await run(shard: shard, pool: pool, commands)
    }

    public func send(key: String, _ command: RedisCommand) async throws -> RESPValue {
        try await pipeline(key: key, [command])[0]
    }

    /// Runs one pipeline per shard, all shards concurrently. Returns the replies by shard index.
    /// In `cluster` mode a command redirected by the cluster is retried where it now belongs.
    public func pipelines(_ byShard: [Int: [RedisCommand]]) async throws -> [Int: [RESPValue]] {
        let pools = self.pools
        if mode == .shards {
            // Shard indices never move here: every pipeline is written at once, then each awaited
            // (no child task per shard; a home read sends one such wave per page).
            let started = byShard.compactMap { shard, commands in
                commands.isEmpty ? nil : (shard: shard, commands: commands, pool: pools[shard], pending: pools[shard].start(commands))
            }
            var results: [Int: [RESPValue]] = [:]
            for call in started {
                let replies = try await call.pool.finish(call.pending, call.commands)
                results[call.shard] = replies.contains(where: RedisScript.isNoScript) ? try await loadingScripts(call.commands, replies) : replies
            }
            return results
        }
        return try await withThrowingTaskGroup(of: (Int, [RESPValue]).self) { group in
            for (shard, commands) in byShard where !commands.isEmpty {
                // An index from an older map may be gone: such commands are routed one by one.
                let pool = shard < pools.count ? pools[shard] : nil
                group.addTask { (shard, try await self.run(shard: shard, pool: pool, commands)) }
            }
            var results: [Int: [RESPValue]] = [:]
            for try await (shard, replies) in group { results[shard] = replies }
            return results
        }
    }

    private func run(shard: Int, pool: RedisShardPool?, _ commands: [RedisCommand]) async throws -> [RESPValue] {
        let replies = try await routed(shard: shard, pool: pool, commands)
        guard replies.contains(where: RedisScript.isNoScript) else { return replies }
        return try await loadingScripts(commands, replies)
    }

    /// Runs again, as `EVAL`, the `EVALSHA` calls a server answered `NOSCRIPT` (it had not seen the
    /// script: it started after this process first sent it). `EVAL` caches the script there.
    private func loadingScripts(_ commands: [RedisCommand], _ initial: [RESPValue]) async throws -> [RESPValue] {
        var replies = initial
        let unloaded = replies.indices.filter { RedisScript.isNoScript(replies[$0]) }
        var byShard: [Int: [(index: Int, command: RedisCommand)]] = [:]
        for index in unloaded {
            guard let eval = RedisScript.evalForm(of: commands[index]) else { continue }
            byShard[shardIndex(forKey: Self.routingKey(of: eval)), default: []].append((index, eval))
        }
        let results = try await pipelines(byShard.mapValues { $0.map(\.command) })
        for (shard, items) in byShard {
            guard let answers = results[shard] else { continue }
            for (item, answer) in zip(items, answers) { replies[item.index] = answer }
        }
        return replies
    }

    private func routed(shard: Int, pool: RedisShardPool?, _ commands: [RedisCommand]) async throws -> [RESPValue] {
        guard mode == .cluster else { return try await pool!.pipeline(commands) }  // shards mode: indices are fixed
        var replies: [RESPValue]
        if let pool {
            do {
                replies = try await pool.pipeline(commands)
            } catch RedisError.connectFailed {
                // A master died: its replica takes over; learn the new map and route again.
                try await refreshTopology(minimumInterval: .milliseconds(200))
                replies = commands.map { _ in RESPValue.error("MOVED") }
            } catch RedisError.io(let address, let reason) {
                // The connection died mid-pipeline: re-route only what a repeat cannot double.
                try await refreshTopology(minimumInterval: .milliseconds(200))
                guard reason.hasPrefix(RedisShardPool.notSent) || commands.allSatisfy(\.isIdempotent) else {
                    throw RedisError.io(address: address, reason: reason)
                }
                replies = commands.map { _ in RESPValue.error("MOVED") }
            }
        } else {
            replies = commands.map { _ in RESPValue.error("MOVED") }
        }
        return try await followRedirects(commands, replies)
    }

    /// Re-sends the commands whose replies were `MOVED`/`ASK` redirects, each to its new owner.
    private func followRedirects(_ commands: [RedisCommand], _ initial: [RESPValue]) async throws -> [RESPValue] {
        var replies = initial
        for attempt in 0..<5 {
            let redirected = replies.indices.filter { Self.redirect(replies[$0]) != nil }
            if redirected.isEmpty { return replies }
            if attempt > 0 { try await Task.sleep(for: .milliseconds(50 * attempt)) }  // a failover is still settling
            if redirected.contains(where: { Self.redirect(replies[$0])?.ask == false }) {
                try await refreshTopology(minimumInterval: .milliseconds(100))
            }
            for index in redirected {
                let command = commands[index]
                let pool: RedisShardPool
                var pipeline = [command]
                if let target = Self.redirect(replies[index]), target.ask, let address = target.address {
                    pool = self.pool(forAddress: address)
                    pipeline = [RedisCommand("ASKING"), command]  // ASK: this one command, once, on the target
                } else {
                    pool = self.pool(forKey: Self.routingKey(of: command))
                }
                do {
                    replies[index] = try await pool.pipeline(pipeline).last ?? .null
                } catch RedisError.connectFailed {
                    replies[index] = .error("MOVED")
                } catch RedisError.io(let address, let reason) {
                    guard reason.hasPrefix(RedisShardPool.notSent) || command.isIdempotent else {
                        throw RedisError.io(address: address, reason: reason)
                    }
                    replies[index] = .error("MOVED")
                }
            }
        }
        return replies
    }

    /// A redirect reply: `MOVED slot host:port`, `ASK slot host:port` (or our own marker `MOVED`).
    static func redirect(_ reply: RESPValue) -> (ask: Bool, address: ShardAddress?)? {
        guard case .error(let message) = reply else { return nil }
        let parts = message.split(separator: " ")
        guard let kind = parts.first, kind == "MOVED" || kind == "ASK" else {
            // The cluster is between owners (a failover in progress): try again after a refresh.
            return message.hasPrefix("CLUSTERDOWN") || message.hasPrefix("TRYAGAIN") ? (false, nil) : nil
        }
        let address = parts.count == 3 ? try? ShardMap.parseAddress(String(parts[2])) : nil
        return (kind == "ASK", address)
    }

    /// The key a command is routed by: its first key argument.
    static func routingKey(of command: RedisCommand) -> String {
        let index = command.name.uppercased() == "EVAL" || command.name.uppercased() == "EVALSHA" ? 3 : 1
        return command.argument(at: index).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    private func pool(forAddress address: ShardAddress) -> RedisShardPool {
        if let existing = pools.first(where: { $0.host == address.host && $0.port == address.port }) { return existing }
        return RedisShardPool(host: address.host, port: address.port, capacity: connectionsPerShard,
                              timeoutSeconds: timeoutSeconds, group: group)
    }

    /// Learns the slot map from the cluster (`CLUSTER NODES`), asking the known masters and the seeds
    /// in turn. Pools of masters that stay are kept. No-op in `shards` mode, and at most once per
    /// `minimumInterval` (a burst of redirects triggers one refresh, not hundreds).
    public func refreshTopology(minimumInterval: Duration = .zero) async throws {
        guard mode == .cluster else { return }
        let now = ContinuousClock.now
        let due = lastRefresh.withLock { last -> Bool in
            if let last, now - last < minimumInterval { return false }
            last = now
            return true
        }
        guard due else { return }
        var lastError: (any Error)?
        let candidates = pools.map { ShardAddress(host: $0.host, port: $0.port) } + seeds
        for address in candidates {
            do {
                let reply = try await pool(forAddress: address).pipeline([RedisCommand("CLUSTER", "NODES")])[0]
                let map = try Self.clusterTopology(from: reply).shardMap()
                topology.withLock { topology in
                    let old = topology.pools
                    topology.pools = map.shards.map { shard in
                        old.first { $0.host == shard.host && $0.port == shard.port }
                            ?? RedisShardPool(host: shard.host, port: shard.port, capacity: connectionsPerShard,
                                              timeoutSeconds: timeoutSeconds, group: group)
                    }
                    topology.map = map
                }
                return
            } catch {
                lastError = error
            }
        }
        logger.warning("could not learn the Redis Cluster slot map", metadata: ["error": "\(String(describing: lastError))"])
        throw lastError ?? RedisError.unexpectedReply("no Redis Cluster node answered CLUSTER NODES")
    }

    /// `CLUSTER NODES`, parsed by the one topology reader (`ClusterTopology`): masters' slot ranges
    /// at their endpoints, as `CLUSTER SLOTS` would give them.
    public static func clusterTopology(from reply: RESPValue) throws -> ClusterTopology {
        if case .error(let message) = reply { throw RedisError.server(message) }
        guard let text = reply.string else { throw RedisError.unexpectedReply("CLUSTER NODES: \(reply)") }
        return try ClusterTopology.parse(clusterNodes: text)
    }

    /// PING every shard (every master); the address and whether it answered.
    public func ping() async -> [(String, Bool)] {
        let pools = self.pools
        return await withTaskGroup(of: (Int, String, Bool).self) { group in
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
