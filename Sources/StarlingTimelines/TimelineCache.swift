import Foundation
import StarlingDomain
import StarlingRedis
import StarlingStore

/// Sizes and lifetimes of the Redis timeline structures.
public struct TimelineSettings: Sendable {
    /// Entries kept per home (and authored) list.
    public var listLength: Int
    /// Seconds a list lives without being read; also when a user counts as inactive for fan-out.
    public var listTTLSeconds: Int
    /// Seconds a cached status (or a deletion tombstone) lives.
    public var statusTTLSeconds: Int

    public init(listLength: Int = 800, listTTLSeconds: Int = 7 * 24 * 3600, statusTTLSeconds: Int = 24 * 3600) {
        self.listLength = listLength
        self.listTTLSeconds = listTTLSeconds
        self.statusTTLSeconds = statusTTLSeconds
    }
}

/// A cached status: its row, or the mark that it was deleted.
public enum CachedStatus: Sendable, Equatable {
    case row(StatusRow)
    case deleted
}

/// The Redis side of timelines: home lists, authored lists and the status cache.
///
/// A list is trusted only while its `…ok` marker exists (same hash tag, so same shard). Writers use
/// `LPUSHX`, so fan-out never creates a list nobody rebuilt (and so never an unbounded, TTL-less key);
/// a rebuilt list ends with the sentinel id 0 so that it exists even when empty.
public struct TimelineCache: Sendable {
    public let redis: ShardedRedis
    public let settings: TimelineSettings
    static let sentinel: Int64 = 0

    public init(redis: ShardedRedis, settings: TimelineSettings) {
        self.redis = redis
        self.settings = settings
    }

    /// Which list: a user's home, or an author's own statuses.
    public enum List: Sendable, Hashable {
        case home(Int64)
        case authored(Int64)

        public var key: String {
            switch self {
            case .home(let id): RedisKeys.home(id)
            case .authored(let id): RedisKeys.authored(id)
            }
        }

        var readyKey: String {
            switch self {
            case .home(let id): RedisKeys.homeReady(id)
            case .authored(let id): "userok:{\(id)}"
            }
        }
    }

    // MARK: Reading

    /// Each list's ids (newest first, deduplicated), or nil where the list must be rebuilt first.
    /// Reading refreshes the lists' lifetimes. One pipeline per shard, shards concurrently.
    public func read(_ lists: [List]) async throws -> [List: [Int64]?] {
        var byShard: [Int: [List]] = [:]
        for list in lists { byShard[redis.shardIndex(forKey: list.key), default: []].append(list) }
        let ttl = String(settings.listTTLSeconds)
        let replies = try await redis.pipelines(byShard.mapValues { lists in
            lists.flatMap { list in
                [RedisCommand("EXISTS", list.readyKey), RedisCommand("LRANGE", list.key, "0", "-1"),
                 RedisCommand("EXPIRE", list.key, ttl), RedisCommand("EXPIRE", list.readyKey, ttl)]
            }
        })
        var out: [List: [Int64]?] = [:]
        for (shard, shardLists) in byShard {
            let values = try (replies[shard] ?? []).throwingFirstError()
            for (i, list) in shardLists.enumerated() {
                guard values[i * 4].int64 == 1 else {
                    out[list] = .some(nil)
                    continue
                }
                let ids = (values[i * 4 + 1].array ?? []).compactMap(\.int64).filter { $0 != Self.sentinel }
                out[list] = .some(TimelineMerge.normalise(ids))
            }
        }
        return out
    }

    /// Marks a home list stale, so the next read rebuilds it (a returning inactive user missed fan-outs).
    public func invalidate(_ list: List) async throws {
        _ = try await redis.send(key: list.key, RedisCommand("DEL", list.readyKey))
    }

    /// Rebuilds a list from the source of truth.
    ///
    /// The list is cleared *before* PostgreSQL is read: anything delivered after the clear lands in
    /// the new list, anything delivered before it was committed before the read, so nothing is lost.
    /// The ids are appended after whatever arrived meanwhile; readers sort and dedupe.
    public func rebuild(_ list: List, from source: () async throws -> [Int64]) async throws {
        _ = try await redis.pipeline(key: list.key, [RedisCommand("DEL", list.key, list.readyKey)]).throwingFirstError()
        let ids = try await source()
        let ttl = String(settings.listTTLSeconds)
        let push = RedisCommand(["RPUSH", list.key] + ids.prefix(settings.listLength).map(String.init) + [String(Self.sentinel)])
        _ = try await redis.pipeline(key: list.key, [
            push,
            RedisCommand("LTRIM", list.key, "0", String(settings.listLength)),
            RedisCommand("EXPIRE", list.key, ttl),
            RedisCommand("SET", list.readyKey, "1", "EX", ttl),
        ]).throwingFirstError()
    }

    // MARK: Writing (fan-out)

    /// Prepends a status to each list that exists, trimming it: one pipeline per shard.
    /// - Parameter redo: the delivery may have happened before (a retried job): remove any earlier
    ///   copy first, so the list never holds the id twice. Costs an O(list) `LREM`, so only on redo.
    public func push(_ statusId: Int64, to lists: [List], redo: Bool = false) async throws {
        let id = String(statusId)
        let end = String(settings.listLength)
        try await perShard(lists) { list in
            let push = [RedisCommand("LPUSHX", list.key, id), RedisCommand("LTRIM", list.key, "0", end)]
            return redo ? [RedisCommand("LREM", list.key, "0", id)] + push : push
        }
    }

    /// Pushes a reblog into home lists unless the reblogged status is already among the newest
    /// `falloff` entries there (Mastodon's reblog falloff: nobody is shown the same post twice in a row).
    /// One script call per list, one pipeline per shard. - Returns: the lists it was pushed into.
    public func pushReblog(_ reblogId: Int64, of originalId: Int64, to lists: [List], falloff: Int = 40, redo: Bool = false) async throws -> [List] {
        let end = String(settings.listLength)
        var byShard: [Int: [List]] = [:]
        for list in lists { byShard[redis.shardIndex(forKey: list.key), default: []].append(list) }
        let replies = try await redis.pipelines(byShard.mapValues { lists in
            lists.map { list in
                RedisCommand("EVAL", Self.reblogScript, "1", list.key, String(reblogId), String(originalId), end, String(falloff), redo ? "1" : "0")
            }
        })
        var pushed: [List] = []
        for (shard, shardLists) in byShard {
            let values = try (replies[shard] ?? []).throwingFirstError()
            for (list, value) in zip(shardLists, values) where value.int64 == 1 { pushed.append(list) }
        }
        return pushed
    }

    static let reblogScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if ARGV[5] == '1' then redis.call('LREM', KEYS[1], 0, ARGV[1]) end
        if redis.call('LPOS', KEYS[1], ARGV[2], 'MAXLEN', tonumber(ARGV[4])) then return 0 end
        redis.call('LPUSH', KEYS[1], ARGV[1])
        redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]))
        return 1
        """

    /// Removes status ids from lists (deletes, unfollows): one pipeline per shard.
    public func remove(_ statusIds: [Int64], from lists: [List]) async throws {
        if statusIds.isEmpty { return }
        try await perShard(lists) { list in
            statusIds.map { RedisCommand("LREM", list.key, "0", String($0)) }
        }
    }

    private func perShard(_ lists: [List], _ commands: (List) -> [RedisCommand]) async throws {
        var byShard: [Int: [RedisCommand]] = [:]
        for list in lists { byShard[redis.shardIndex(forKey: list.key), default: []].append(contentsOf: commands(list)) }
        for (_, replies) in try await redis.pipelines(byShard) { _ = try replies.throwingFirstError() }
    }

    /// Merges ids into a list that exists and is complete (a new follow's recent statuses), keeping it
    /// sorted and trimmed. Optimistic: `WATCH`, read, rewrite in `MULTI`; retried if a fan-out raced it.
    /// A list that is not built is left alone: its rebuild will include the ids.
    public func merge(_ ids: [Int64], into list: List) async throws {
        if ids.isEmpty { return }
        let pool = redis.pool(forKey: list.key)
        let length = settings.listLength
        try await pool.withLease { lease in
            for _ in 0..<8 {
                let state = try await lease.pipeline([
                    RedisCommand("WATCH", list.key, list.readyKey), RedisCommand("EXISTS", list.readyKey),
                    RedisCommand("LRANGE", list.key, "0", "-1"), RedisCommand("PTTL", list.key),
                ]).throwingFirstError()
                guard state[1].int64 == 1 else {
                    _ = try await lease.send(RedisCommand("UNWATCH"))
                    return
                }
                let existing = TimelineMerge.normalise((state[2].array ?? []).compactMap(\.int64).filter { $0 != Self.sentinel })
                let merged = TimelineMerge.merge([existing, TimelineMerge.normalise(ids)]).prefix(length)
                let ttl = max(state[3].int64 ?? 0, 1000)
                let replies = try await lease.pipeline([
                    RedisCommand("MULTI"),
                    RedisCommand("DEL", list.key),
                    RedisCommand(["RPUSH", list.key] + merged.map(String.init) + [String(Self.sentinel)]),
                    RedisCommand("PEXPIRE", list.key, String(ttl)),
                    RedisCommand("EXEC"),
                ])
                if case .array = replies.last { return }  // EXEC ran; a nil reply means WATCH saw a change
            }
            throw RedisError.unexpectedReply("merge into \(list.key) kept racing with fan-out")
        }
    }

    // MARK: Status cache

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// Cached statuses by id (missing ids were not cached). One MGET per shard.
    public func cachedStatuses(_ ids: [Int64]) async throws -> [Int64: CachedStatus] {
        let values = try await redis.mget(ids.map(RedisKeys.status))
        var out: [Int64: CachedStatus] = [:]
        for id in ids {
            guard case .bulk(let bytes)? = values[RedisKeys.status(id)] else { continue }
            if bytes == Array(RedisKeys.tombstone.utf8) {
                out[id] = .deleted
            } else if let row = try? Self.decoder.decode(StatusRow.self, from: Data(bytes)) {
                out[id] = .row(row)
            }
        }
        return out
    }

    /// Caches rows with `SET NX`, so a fill racing a delete can never overwrite its tombstone.
    public func cache(_ rows: [StatusRow]) async throws {
        if rows.isEmpty { return }
        var byShard: [Int: [RedisCommand]] = [:]
        let ttl = String(settings.statusTTLSeconds)
        for row in rows {
            let key = RedisKeys.status(row.id)
            let json = try Self.encoder.encode(row)
            byShard[redis.shardIndex(forKey: key), default: []].append(
                RedisCommand(bytes: [Array("SET".utf8), Array(key.utf8), Array(json), Array("NX".utf8), Array("EX".utf8), Array(ttl.utf8)]))
        }
        for (_, replies) in try await redis.pipelines(byShard) { _ = try replies.throwingFirstError() }
    }

    /// Replaces a status's cache entry with a tombstone: no reader can see or re-cache it.
    public func tombstone(_ statusId: Int64) async throws {
        _ = try await redis.send(key: RedisKeys.status(statusId),
                                 RedisCommand("SET", RedisKeys.status(statusId), RedisKeys.tombstone, "EX", String(settings.statusTTLSeconds)))
    }
}
