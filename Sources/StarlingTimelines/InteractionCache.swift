import StarlingDomain
import StarlingRedis
import StarlingStore

/// Counters and the viewer's own favourites and reblogs in Redis, so that a home read needs no
/// PostgreSQL round trip for them.
///
/// - Counters (`counts:{id}`) are filled with `SET NX` and a short TTL, and deleted by the API
///   right after a write that changes them. A fill that raced such a write can leave a counter
///   stale, at most for `countsTTLSeconds`.
/// - A viewer's actions (`acts:{viewer}`) are a set of their recent favourites and reblogs, rebuilt
///   from PostgreSQL when its ready marker is missing. The marker holds the floor above which the
///   set is complete; older statuses are looked up in PostgreSQL. A favourite or reblog bumps the
///   viewer's generation and drops the marker; a rebuild installs its result only if the
///   generation it saw before reading PostgreSQL is still current, so it never installs a set
///   that misses the viewer's latest action. Every structure is bounded (at most
///   `actionsLimit` of each kind, TTLs on all keys).
public struct InteractionCache: Sendable {
    public let redis: ShardedRedis
    public var countsTTLSeconds = 60
    public var actionsTTLSeconds = 3600
    public static let actionsLimit = 1000

    public init(redis: ShardedRedis) {
        self.redis = redis
    }

    /// What Redis knew about some statuses.
    public struct Lookup: Sendable {
        /// Counters by status id (favourited/reblogged left false).
        public var counts: [Int64: StatusInteractions] = [:]
        /// The viewer's (favourited, reblogged) by status id, for the statuses Redis can answer.
        public var flags: [Int64: (favourited: Bool, reblogged: Bool)] = [:]
        /// Set when the viewer's action set must be rebuilt: the generation seen (nil if none).
        public var rebuildGeneration: String??

        public init() {}
    }

    /// Counters for `ids` and, for a viewer, their flags: one pipeline per shard, shards concurrently.
    public func lookup(_ ids: [Int64], viewer: Int64?) async throws -> Lookup {
        var lookup = Lookup()
        if ids.isEmpty { return lookup }
        let map = redis.map
        var byShard: [Int: [RedisCommand]] = [:]
        var countIds: [Int: [Int64]] = [:]
        for id in ids {
            let key = RedisKeys.counts(id)
            let shard = map.shardIndex(forKey: key)
            byShard[shard, default: []].append(RedisCommand("GET", key))
            countIds[shard, default: []].append(id)
        }
        var viewerShard: Int?
        if let viewer {
            let shard = map.shardIndex(forKey: RedisKeys.actions(viewer))
            viewerShard = shard
            var members = ["SMISMEMBER", RedisKeys.actions(viewer)]
            for id in ids { members += ["f\(id)", "r\(id)"] }
            byShard[shard, default: []] += [
                RedisCommand("GET", RedisKeys.actionsReady(viewer)), RedisCommand("GET", RedisKeys.actionsGeneration(viewer)),
                RedisCommand(members),
            ]
        }
        let replies = try await redis.pipelines(byShard)
        for (shard, values) in replies {
            let shardIds = countIds[shard] ?? []
            for (id, value) in zip(shardIds, values) {
                if let counts = Self.parseCounts(value) { lookup.counts[id] = counts }
            }
            guard shard == viewerShard, values.count == shardIds.count + 3 else { continue }
            let (ready, generation, members) = (values[shardIds.count], values[shardIds.count + 1], values[shardIds.count + 2])
            guard let floor = ready.int64, let flags = members.array, flags.count == ids.count * 2 else {
                lookup.rebuildGeneration = .some(generation.string)
                continue
            }
            for (index, id) in ids.enumerated() where id >= floor {
                lookup.flags[id] = (flags[index * 2].int64 == 1, flags[index * 2 + 1].int64 == 1)
            }
        }
        return lookup
    }

    static func parseCounts(_ value: RESPValue) -> StatusInteractions? {
        guard case .bulk(let bytes) = value else { return nil }
        let parts = bytes.split(separator: UInt8(ascii: " "))
        guard parts.count == 3, let r = Int64(String(decoding: parts[0], as: UTF8.self)),
              let b = Int64(String(decoding: parts[1], as: UTF8.self)), let f = Int64(String(decoding: parts[2], as: UTF8.self)) else {
            return nil
        }
        var counts = StatusInteractions()
        counts.repliesCount = r
        counts.reblogsCount = b
        counts.favouritesCount = f
        return counts
    }

    /// Caches counters read from PostgreSQL (`SET NX`: a newer fill or nothing wins).
    public func fillCounts(_ counts: [Int64: StatusInteractions]) async throws {
        if counts.isEmpty { return }
        let map = redis.map
        let ttl = String(countsTTLSeconds)
        var byShard: [Int: [RedisCommand]] = [:]
        for (id, value) in counts {
            let key = RedisKeys.counts(id)
            byShard[map.shardIndex(forKey: key), default: []].append(RedisCommand(
                "SET", key, "\(value.repliesCount) \(value.reblogsCount) \(value.favouritesCount)", "NX", "EX", ttl))
        }
        for (_, replies) in try await redis.pipelines(byShard) { _ = try replies.throwingFirstError() }
    }

    /// Installs a viewer's action set read from PostgreSQL, unless an action of theirs happened
    /// since `generation` was read.
    public func fillActions(viewer: Int64, favourites: [Int64], reblogs: [Int64], floor: Int64, generation: String?) async throws {
        let members = favourites.map { "f\($0)" } + reblogs.map { "r\($0)" }
        let arguments = ["EVAL", Self.fillActionsScript, "3", RedisKeys.actions(viewer), RedisKeys.actionsReady(viewer),
                         RedisKeys.actionsGeneration(viewer), generation ?? "", String(actionsTTLSeconds), String(floor)] + members
        _ = try await redis.send(key: RedisKeys.actions(viewer), RedisCommand(arguments))
    }

    static let fillActionsScript = """
        if (redis.call('GET', KEYS[3]) or '') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        for i = 4, #ARGV, 1000 do
            redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
        end
        redis.call('EXPIRE', KEYS[1], ARGV[2])
        redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
        return 1
        """

    /// After a write: the statuses' counters are dropped, and the viewer's action set (if the
    /// write was their favourite or reblog) is marked for rebuild under a new generation.
    public func invalidate(statuses: [Int64], actionsOf viewer: Int64? = nil) async throws {
        let map = redis.map
        var byShard: [Int: [RedisCommand]] = [:]
        for id in Set(statuses) {
            let key = RedisKeys.counts(id)
            byShard[map.shardIndex(forKey: key), default: []].append(RedisCommand("DEL", key))
        }
        if let viewer {
            let generation = RedisKeys.actionsGeneration(viewer)
            byShard[map.shardIndex(forKey: generation), default: []] += [
                RedisCommand("INCR", generation), RedisCommand("EXPIRE", generation, String(actionsTTLSeconds * 2)),
                RedisCommand("DEL", RedisKeys.actionsReady(viewer)),
            ]
        }
        for (_, replies) in try await redis.pipelines(byShard) { _ = try replies.throwingFirstError() }
    }
}
