import Metrics
import StarlingDomain

/// Commands for many keys, grouped by the shard that owns each key, sent as one pipeline per shard
/// (shards concurrently); each command's reply is found again by the ticket `add` returned.
///
/// This is the one place commands are grouped by shard: callers say which key routes a command,
/// never which shard it goes to.
public struct RedisBatch: Sendable {
    /// Where one command's reply will be: its shard and its position in that shard's pipeline.
    public struct Ticket: Hashable, Sendable {
        let shard: Int
        let index: Int
    }

    let map: ShardMap
    /// Whether one command may name keys of different slots on the same shard: yes in `shards`
    /// mode (each shard is one Redis server), no in a Redis Cluster (it answers `CROSSSLOT`).
    public let keysMaySpanSlots: Bool
    private(set) var commands: [Int: [RedisCommand]] = [:]

    public init(map: ShardMap, keysMaySpanSlots: Bool = false) {
        self.map = map
        self.keysMaySpanSlots = keysMaySpanSlots
    }

    public var isEmpty: Bool { commands.isEmpty }

    /// Queues a command on the shard that owns `key` (its first key, whose slot decides).
    @discardableResult
    public mutating func add(_ command: RedisCommand, routedBy key: String) -> Ticket {
        add(command, shard: map.shardIndex(forKey: key))
    }

    /// Queues a command on a shard already computed for its key (a caller that routes many
    /// commands by the same key computes its slot once).
    @discardableResult
    public mutating func add(_ command: RedisCommand, shard: Int) -> Ticket {
        let index = commands[shard, default: []].count
        commands[shard, default: []].append(command)
        return Ticket(shard: shard, index: index)
    }

    /// Ends every shard's pipeline with `WAIT replicas timeout`: the master answers once its
    /// replicas hold the pipeline's writes (WAIT covers the writes sent before it on the same
    /// connection, which is why it rides in the same pipeline). - Returns: one ticket per shard.
    public mutating func waitForReplicas(_ replicas: Int, timeoutMilliseconds: Int) -> [Ticket] {
        commands.keys.sorted().map { add(RedisCommand("WAIT", String(replicas), String(timeoutMilliseconds)), shard: $0) }
    }

    /// The shard that owns `slot` in this batch's map.
    public func shard(forSlot slot: Int) -> Int { map.shardIndex(forSlot: slot) }

    /// The shard that owns `key` in this batch's map.
    public func shard(forKey key: String) -> Int { map.shardIndex(forKey: key) }
}

/// The replies to a `RedisBatch`.
public struct RedisBatchReplies: Sendable {
    let byShard: [Int: [RESPValue]]

    public subscript(ticket: RedisBatch.Ticket) -> RESPValue {
        guard let replies = byShard[ticket.shard], ticket.index < replies.count else { return .null }
        return replies[ticket.index]
    }

    /// Throws the first error reply of any shard.
    public func throwingFirstError() throws -> RedisBatchReplies {
        for replies in byShard.values { _ = try replies.throwingFirstError() }
        return self
    }

    /// How many of the shards whose `WAIT` replies the tickets name got fewer than `replicas`
    /// acknowledgements (counted in `starling_redis_unreplicated_total`).
    public func unreplicated(_ tickets: [RedisBatch.Ticket], replicas: Int) -> Int {
        let short = tickets.filter { ticket in
            if case .integer(let acknowledged) = self[ticket] { return acknowledged < replicas }
            return true
        }.count
        if short > 0 { RedisBatchReplies.unreplicatedCounter.increment(by: short) }
        return short
    }

    static let unreplicatedCounter = Counter(label: "starling_redis_unreplicated_total")

    /// Every reply of every shard, with the command it answers (for callers that scan them all).
    public func all(of batch: RedisBatch) -> [(RedisCommand, RESPValue)] {
        batch.commands.flatMap { shard, commands in
            zip(commands, byShard[shard] ?? []).map { ($0, $1) }
        }
    }
}

extension ShardedRedis {
    /// A new batch over the current slot map.
    public func batch() -> RedisBatch { RedisBatch(map: map, keysMaySpanSlots: mode == .shards) }

    /// Sends a batch: one pipeline per shard, shards concurrently.
    public func send(_ batch: RedisBatch) async throws -> RedisBatchReplies {
        if batch.isEmpty { return RedisBatchReplies(byShard: [:]) }
        return RedisBatchReplies(byShard: try await pipelines(batch.commands))
    }
}
