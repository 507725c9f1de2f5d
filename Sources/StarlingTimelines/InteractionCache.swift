import StarlingDomain
import StarlingRedis
import StarlingStore

/// Counters and the viewer's own favourites and reblogs in Redis, so that a home read needs no
/// PostgreSQL round trip for them.
///
/// - Counters (`counts:{id}`) are filled from PostgreSQL with `SET NX`, and deleted by the API
///   right after a write that changes them, which also bumps the status's generation
///   (`countsgen:{id}`). A fill carries the generation read before PostgreSQL was, and is refused
///   if it moved: a fill that raced a write never installs the old counters. So they can live
///   long (`countsTTLSeconds`): with a minute, each hot status's counters expired once a minute
///   and 1.5 % of home reads went to PostgreSQL for them.
/// - A viewer's actions (`acts:{viewer}`) are a set of their recent favourites and reblogs, rebuilt
///   from PostgreSQL when its ready marker is missing. The marker holds the floor above which the
///   set is complete; older statuses are looked up in PostgreSQL. A favourite or reblog bumps the
///   viewer's generation and drops the marker; a rebuild installs its result only if the
///   generation it saw before reading PostgreSQL is still current, so it never installs a set
///   that misses the viewer's latest action. Every structure is bounded (at most
///   `actionsLimit` of each kind, TTLs on all keys).
public struct InteractionCache: Sendable {
    public let redis: ShardedRedis
    public var countsTTLSeconds = 3600
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
        /// The viewer's (bookmarked, pinned) by status id, for the same statuses as `flags`
        /// (members `b<id>` and `p<id>` of the same set; ListStore.recentMarks fills them).
        public var marks: [Int64: (bookmarked: Bool, pinned: Bool)] = [:]
        /// Set when the viewer's action set must be rebuilt: the generation seen (nil if none).
        public var rebuildGeneration: String??

        public init() {}
    }

    /// Where a batch will hold a lookup's replies.
    public struct LookupTickets: Sendable {
        let ids: [Int64]
        let counts: [(Int64, RedisBatch.Ticket)]
        /// The viewer's `MGET` of its set's ready marker and generation, and its `SMISMEMBER`.
        let viewer: (markers: RedisBatch.Ticket, members: RedisBatch.Ticket)?
    }

    /// Queues the reads of counters for `ids` (unless `includeCounts` is false: the caller reads
    /// them with the statuses, `TimelineCache.queueStatusesAndCounts`) and, for a viewer, their
    /// flags in a batch, so they travel with the status reads of the same wave.
    public func queueLookup(_ ids: [Int64], viewer: Int64?, in batch: inout RedisBatch, includeCounts: Bool = true) -> LookupTickets {
        var counts: [(Int64, RedisBatch.Ticket)] = []
        if includeCounts {
            counts = ids.map { id in
                let key = RedisKeys.counts(id)
                return (id, batch.add(RedisCommand("GET", key), routedBy: key))
            }
        }
        guard let viewer, !ids.isEmpty else { return LookupTickets(ids: ids, counts: counts, viewer: nil) }
        let actions = RedisKeys.actions(viewer)
        let shard = batch.shard(forKey: actions)
        // Members f<id>, r<id>, b<id>, p<id> per status (a page asks for 80), written straight into
        // one packed command.
        var members = RedisCommand.packed(Self.smismember, capacity: 16 + actions.utf8.count + ids.count * 4 * 20, arguments: 2 + ids.count * 4)
        members.appendArgument { $0 += actions.utf8 }
        for id in ids {
            for kind in Self.memberKinds {
                members.appendArgument { member in
                    member.append(kind)
                    RedisKeys.appendDecimal(id, to: &member)
                }
            }
        }
        // The ready marker and the generation share the set's hash tag: one MGET reads both.
        return LookupTickets(ids: ids, counts: counts, viewer: (
            batch.add(RedisCommand("MGET", RedisKeys.actionsReady(viewer), RedisKeys.actionsGeneration(viewer)), shard: shard),
            batch.add(members, shard: shard)))
    }

    private static let smismember = Array("SMISMEMBER".utf8)
    /// The member prefixes of the action set, in the order `lookup` reads the replies.
    private static let memberKinds: [UInt8] = [UInt8(ascii: "f"), UInt8(ascii: "r"), UInt8(ascii: "b"), UInt8(ascii: "p")]

    /// What a batch's replies say of the queued lookup.
    public func lookup(_ queued: LookupTickets, from replies: RedisBatchReplies) -> Lookup {
        var lookup = Lookup()
        for (id, ticket) in queued.counts {
            if let counts = Self.parseCounts(replies[ticket]) { lookup.counts[id] = counts }
        }
        guard let viewer = queued.viewer else { return lookup }
        let markers = replies[viewer.markers].array ?? []
        guard let floor = markers.first?.int64, let flags = replies[viewer.members].array, flags.count == queued.ids.count * 4 else {
            lookup.rebuildGeneration = .some(markers.count == 2 ? markers[1].string : nil)
            return lookup
        }
        lookup.flags.reserveCapacity(queued.ids.count)  // a page's worth: grown one by one they reallocated several times
        lookup.marks.reserveCapacity(queued.ids.count)
        for (index, id) in queued.ids.enumerated() where id >= floor {
            lookup.flags[id] = (flags[index * 4].int64 == 1, flags[index * 4 + 1].int64 == 1)
            lookup.marks[id] = (flags[index * 4 + 2].int64 == 1, flags[index * 4 + 3].int64 == 1)
        }
        return lookup
    }

    /// Counters for `ids` and, for a viewer, their flags: one pipeline per shard, shards concurrently.
    public func lookup(_ ids: [Int64], viewer: Int64?) async throws -> Lookup {
        var batch = redis.batch()
        let queued = queueLookup(ids, viewer: viewer, in: &batch)
        return lookup(queued, from: try await redis.send(batch))
    }

    /// `"<replies> <reblogs> <favourites>"` (as `fillCounts` writes it), read over the bytes: this
    /// runs for every status of every page. nil for anything else.
    static func parseCounts(_ value: RESPValue) -> StatusInteractions? {
        guard case .bulk(let reply) = value else { return nil }
        return reply.withUnsafeBufferPointer { bytes -> StatusInteractions? in
            var index = 0
            func number(after separator: Bool) -> Int64? {
                if separator {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: " ") else { return nil }
                    index += 1
                }
                return DecimalBytes.int64(bytes, at: &index)
            }
            guard let replies = number(after: false), let reblogs = number(after: true), let favourites = number(after: true),
                  index == bytes.count else { return nil }
            var counts = StatusInteractions()
            counts.repliesCount = replies
            counts.reblogsCount = reblogs
            counts.favouritesCount = favourites
            return counts
        }
    }

    /// The counters' generations of `ids` ("" where none), read before their counters are read
    /// from PostgreSQL, for `fillCounts`. One pipeline per shard.
    public func countGenerations(_ ids: [Int64]) async throws -> [Int64: String] {
        if ids.isEmpty { return [:] }
        var batch = redis.batch()
        let tickets = ids.map { id in
            let key = RedisKeys.countsGeneration(id)
            return (id, batch.add(RedisCommand("GET", key), routedBy: key))
        }
        let replies = try await redis.send(batch)
        var out: [Int64: String] = [:]
        for (id, ticket) in tickets { out[id] = replies[ticket].string ?? "" }
        return out
    }

    /// Caches counters read from PostgreSQL (`SET NX`: a newer fill or nothing wins), each only if
    /// its generation is still the one in `generations` (read before PostgreSQL was): a write
    /// since then bumped it, and these counters may predate that write.
    public func fillCounts(_ counts: [Int64: StatusInteractions], generations: [Int64: String]) async throws {
        var batch = redis.batch()
        for (id, value) in counts {
            guard let generation = generations[id] else { continue }
            queueCountsFill(id, "\(value.repliesCount) \(value.reblogsCount) \(value.favouritesCount)", generation: generation, in: &batch)
        }
        if batch.isEmpty { return }
        _ = try await redis.send(batch).throwingFirstError()
    }

    /// A new status's counters, all zero, queued in its post's own Redis batch: its first reads on
    /// every node then find them instead of asking PostgreSQL (one query per new status per node
    /// before). A fill under the rule of `fillCounts`, with no generation seen: refused if a write
    /// (a reply, a favourite) already bumped the status's generation.
    public func queueNewStatusCounts(_ id: Int64, in batch: inout RedisBatch) {
        queueCountsFill(id, "0 0 0", generation: "", in: &batch)
    }

    /// One call of `fillCountsScript`: `counts` (as `parseCounts` reads them) installed if the
    /// status's generation is still `generation` ("" for none).
    private func queueCountsFill(_ id: Int64, _ counts: String, generation: String, in batch: inout RedisBatch) {
        let key = RedisKeys.counts(id)
        let keys = [Array(key.utf8), Array(RedisKeys.countsGeneration(id).utf8)]
        batch.add(Self.fillCountsScript.call(keys: keys, [Array(generation.utf8), Array(counts.utf8), Array(String(countsTTLSeconds).utf8)]),
                  routedBy: key)
    }

    /// KEYS: the counters, their generation; ARGV: the generation seen, the value, the TTL.
    static let fillCountsScript = RedisScript("""
        if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[3])
        return 1
        """)

    /// Installs a viewer's action set read from PostgreSQL, unless an action of theirs happened
    /// since `generation` was read.
    public func fillActions(viewer: Int64, favourites: [Int64], reblogs: [Int64], bookmarks: [Int64] = [], pins: [Int64] = [],
                            floor: Int64, generation: String?) async throws {
        let members = favourites.map { "f\($0)" } + reblogs.map { "r\($0)" } + bookmarks.map { "b\($0)" } + pins.map { "p\($0)" }
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

    /// After a write: the statuses' counters are dropped and their generations bumped, and the
    /// viewer's action set (if the write was their favourite or reblog) is marked for rebuild
    /// under a new generation.
    public func invalidate(statuses: [Int64], actionsOf viewer: Int64? = nil) async throws {
        var batch = redis.batch()
        let ttl = String(countsTTLSeconds * 2)  // outlives any fill that read the generation before it
        for id in Set(statuses) {
            let key = RedisKeys.counts(id), generation = RedisKeys.countsGeneration(id)
            let shard = batch.shard(forKey: key)
            batch.add(RedisCommand("INCR", generation), shard: shard)
            batch.add(RedisCommand("EXPIRE", generation, ttl), shard: shard)
            batch.add(RedisCommand("DEL", key), shard: shard)
        }
        if let viewer {
            let generation = RedisKeys.actionsGeneration(viewer)
            let shard = batch.shard(forKey: generation)
            batch.add(RedisCommand("INCR", generation), shard: shard)
            batch.add(RedisCommand("EXPIRE", generation, String(actionsTTLSeconds * 2)), shard: shard)
            batch.add(RedisCommand("DEL", RedisKeys.actionsReady(viewer)), shard: shard)
        }
        _ = try await redis.send(batch).throwingFirstError()
    }
}
