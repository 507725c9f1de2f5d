import Foundation
import StarlingDomain
import StarlingRedis
import StarlingStore
import Synchronization

/// Sizes and lifetimes of the Redis timeline structures.
public struct TimelineSettings: Sendable {
    /// Entries kept per home (and authored) list.
    public var listLength: Int
    /// Seconds a list lives without being read; also when a user counts as inactive for fan-out.
    public var listTTLSeconds: Int
    /// Seconds a cached status (or a deletion tombstone) lives.
    public var statusTTLSeconds: Int

    /// Cluster mode: replicas that must hold a fan-out batch before it counts as done (`WAIT`), and
    /// how long a master may take to get their acknowledgement.
    public var replicaAcks: Int
    public var replicaWaitMilliseconds: Int

    public init(listLength: Int = 800, listTTLSeconds: Int = 7 * 24 * 3600, statusTTLSeconds: Int = 24 * 3600,
                replicaAcks: Int = 1, replicaWaitMilliseconds: Int = 50) {
        self.listLength = listLength
        self.listTTLSeconds = listTTLSeconds
        self.statusTTLSeconds = statusTTLSeconds
        self.replicaAcks = replicaAcks
        self.replicaWaitMilliseconds = replicaWaitMilliseconds
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
    /// Rows decoded from the status cache, reused while their bytes are unchanged.
    let decodedRows = DecodedRows()
    /// The lists whose lifetimes this node refreshed lately (`read`).
    let lifetimes = ListLifetimes()
    static let sentinel: Int64 = 0

    public init(redis: ShardedRedis, settings: TimelineSettings) {
        self.redis = redis
        self.settings = settings
    }

    /// Which list: a user's home, or an author's own statuses.
    public enum List: Sendable, Hashable {
        case home(Int64)
        case authored(Int64)
        /// A list's timeline, on its owner's shard (ListRoutes.swift).
        case list(owner: Int64, id: Int64)

        public var key: String {
            switch self {
            case .home(let id): RedisKeys.home(id)
            case .authored(let id): RedisKeys.authored(id)
            case .list(let owner, let id): RedisKeys.list(owner: owner, list: id)
            }
        }

        var readyKey: String {
            switch self {
            case .home(let id): RedisKeys.homeReady(id)
            case .authored(let id): RedisKeys.authoredReady(id)
            case .list(let owner, let id): RedisKeys.listReady(owner: owner, list: id)
            }
        }
    }

    // MARK: Reading

    /// Each list's ids (newest first, deduplicated), or nil where the list must be rebuilt first.
    /// Reading refreshes the lists' lifetimes, each list's once in a quarter of its lifetime
    /// (`ListLifetimes`). One pipeline per shard, shards concurrently.
    /// - Parameter depth: read only the newest `depth` entries (a first page needs no more than its
    ///   size plus what dedupe and filters drop); nil reads whole lists.
    public func read(_ lists: [List], depth: Int? = nil) async throws -> [List: [Int64]?] {
        let last = depth.map { String(max(1, $0) - 1) } ?? "-1"
        let ttl = String(settings.listTTLSeconds)
        var batch = redis.batch()
        let stale = lifetimes.due(lists, lifetimeSeconds: settings.listTTLSeconds)
        let tickets = lists.map { list in
            let (key, readyKey) = (list.key, list.readyKey)  // each built once: every read asks for them
            let shard = batch.shard(forKey: key)
            let ready = batch.add(RedisCommand("EXISTS", readyKey), shard: shard)
            let ids = batch.add(RedisCommand("LRANGE", key, "0", last), shard: shard)
            if stale.contains(list) {
                batch.add(RedisCommand("EXPIRE", key, ttl), shard: shard)
                batch.add(RedisCommand("EXPIRE", readyKey, ttl), shard: shard)
            }
            return (list, ready, ids)
        }
        let replies = try await redis.send(batch).throwingFirstError()
        var out: [List: [Int64]?] = [:]
        for (list, ready, ids) in tickets {
            guard replies[ready].int64 == 1 else {
                out[list] = .some(nil)
                continue
            }
            out[list] = .some(Self.ids(in: replies[ids].array ?? []))
        }
        return out
    }

    /// A list's ids, newest first and without duplicates, in one pass over the reply: a list as
    /// fan-out keeps it is already in that order, and is sorted only when it is not.
    static func ids(in values: [RESPValue]) -> [Int64] {
        var ids = array(capacity: values.count)
        var ordered = true
        for value in values {
            guard let id = value.int64, id != sentinel else { continue }
            if let last = ids.last, id >= last { ordered = false }
            ids.append(id)
        }
        return ordered ? ids : TimelineMerge.normalise(ids)
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
    ///
    /// The clear leaves the list in existence, holding only the sentinel: fan-out pushes with
    /// `LPUSHX`, which does nothing to a missing list, so a status committed after the read and
    /// delivered before the ids are written would otherwise be missing from the rebuilt list for
    /// good (the fault tests saw it when a shard restarted empty under load).
    public func rebuild(_ list: List, from source: () async throws -> [Int64]) async throws {
        let ttl = String(settings.listTTLSeconds)
        _ = try await redis.pipeline(key: list.key, [
            RedisCommand("DEL", list.key, list.readyKey),
            RedisCommand("RPUSH", list.key, String(Self.sentinel)),
            RedisCommand("EXPIRE", list.key, ttl),
        ]).throwingFirstError()
        let ids = try await source()
        // The ids are merged with whatever fan-out delivered meanwhile, sorted newest first (as
        // fan-out keeps lists: `orderedPush`), and the list marked ready: one script, atomic.
        let arguments = [String(settings.listLength), ttl] + ids.prefix(settings.listLength).map(String.init)
        _ = try await redis.pipeline(key: list.key, [Self.finishRebuildScript.call(
            keys: [Array(list.key.utf8), Array(list.readyKey.utf8)], arguments.map { Array($0.utf8) })]).throwingFirstError()
    }

    // MARK: Writing (fan-out)

    /// Adds a status to each list that exists, trimming it: one pipeline per shard.
    /// - Parameter redo: the delivery may have happened before (a retried job): remove any earlier
    ///   copy first, so the list never holds the id twice, and put it in its place (`orderedPush`).
    public func push(_ statusId: Int64, to lists: [List], redo: Bool = false) async throws {
        var pushes = Pushes(batch: redis.batch())
        for list in lists { pushes.add(list, id: statusId, redo: redo, late: redo) }
        try await send(pushes)
    }

    /// One status for some users' home lists.
    public struct HomeDelivery: Sendable {
        public var statusId: Int64
        public var users: [Int64]
        /// The delivery may have happened before (a redone job): remove an earlier copy first.
        public var redo: Bool
        /// Newer statuses may be in the lists already (a retried or redone job, a later chunk of
        /// a large fan-out): put it in its place rather than on top (`orderedPush`).
        public var late: Bool

        public init(statusId: Int64, users: [Int64], redo: Bool, late: Bool? = nil) {
            self.statusId = statusId
            self.users = users
            self.redo = redo
            self.late = late ?? redo
        }
    }

    /// Lists may grow this far past their length before a push trims them: trimming only every
    /// so often saves an `LTRIM` per push and keeps every list bounded all the same.
    static let trimSlack = 32

    /// Adds statuses to the home lists that exist: one pipeline per shard for the whole batch, one
    /// command per list (`Pushes`).
    public func push(_ deliveries: [HomeDelivery]) async throws {
        var pushes = Pushes(batch: redis.batch())
        pushes.reserve(deliveries.reduce(0) { $0 + $1.users.count })
        // Oldest first, so each list's ids arrive in the order they go on top.
        for delivery in deliveries.sorted(by: { $0.statusId < $1.statusId }) {
            for user in delivery.users {
                pushes.add(.home(user), id: delivery.statusId, redo: delivery.redo, late: delivery.late)
            }
        }
        try await send(pushes)
    }

    /// A batch of pushes being gathered. A list's on-time deliveries go in one command: a single
    /// id is an `LPUSHX` on top, where the newest status goes (its length, as `LPUSHX` reports it,
    /// decides whether an `LTRIM` follows: past the cap plus slack); several ids (a batch holding
    /// several posts by authors the owner follows) run `onTopScript`, which pushes them on top in
    /// one `LPUSH` when they are newer than the head, and otherwise places each in order. So a
    /// batch costs each follower's shard one command, not one per post, and a batch delivered
    /// after a newer one (two workers' batches finish in either order) cannot bury the newer
    /// statuses below a first page's window with up to a batch of older ones. A late delivery
    /// runs `orderedPushScript`, after the list's on-time ones, so it is placed among them.
    struct Pushes {
        /// Empty until `send`: it holds the shard map the pushes are routed by.
        var batch: RedisBatch
        /// The lists in the order first seen, each one's on-time ids at the same position, and each
        /// list's position. (Appending through a dictionary's subscript, `onTop[list]?.append`,
        /// allocated a coroutine frame on every delivery: a fifth of a worker's allocations.)
        var lists: [List] = []
        var onTop: [[Int64]] = []
        var positions: [List: Int] = [:]
        var late: [(list: List, id: Int64, redo: Bool)] = []

        var isEmpty: Bool { lists.isEmpty && late.isEmpty }

        /// Room for `count` lists: a batch's recipients are known up front, and growing the
        /// position table one rehash at a time was ~1 % of a worker's samples under posts.
        mutating func reserve(_ count: Int) {
            lists.reserveCapacity(count)
            onTop.reserveCapacity(count)
            positions.reserveCapacity(count)
        }

        mutating func add(_ list: List, id: Int64, redo: Bool, late: Bool) {
            // A redo removes an earlier copy and places the id in order: both are the script's.
            if late || redo {
                self.late.append((list, id, redo))
                return
            }
            if let position = positions[list] {
                onTop[position].append(id)
            } else {
                positions[list] = lists.count
                lists.append(list)
                onTop.append([id])
            }
        }

        /// The list's key as bytes, and its shard (a home key built without a String: fan-out
        /// makes one per recipient).
        func route(_ list: List) -> (key: [UInt8], shard: Int) {
            if case .home(let user) = list {
                let (key, slot) = RedisKeys.homeKeyAndSlot(user)
                return (key, batch.shard(forSlot: slot))
            }
            let key = list.key
            return (Array(key.utf8), batch.shard(forKey: key))
        }
    }

    func send(_ pushes: Pushes) async throws {
        if pushes.isEmpty { return }
        var batch = pushes.batch
        var tickets: [(key: [UInt8], shard: Int, ticket: RedisBatch.Ticket)] = []
        tickets.reserveCapacity(pushes.lists.count)
        let lpushx = Array("LPUSHX".utf8)
        // Each status's digits written once and shared by every list it goes to (a batch has a
        // few dozen statuses and thousands of lists).
        var digits: [Int64: [UInt8]] = [:]
        func decimal(_ id: Int64) -> [UInt8] {
            if let known = digits[id] { return known }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(20)
            RedisKeys.appendDecimal(id, to: &bytes)
            digits[id] = bytes
            return bytes
        }
        for (list, onTop) in zip(pushes.lists, pushes.onTop) {
            var ids = onTop
            let (key, shard) = pushes.route(list)
            if ids.count > 1 && !zip(ids, ids.dropFirst()).allSatisfy({ $0 < $1 }) {
                ids = Array(Set(ids)).sorted()  // callers not in order, or one id twice: never a list holding it twice
            }
            if ids.count == 1 {
                tickets.append((key, shard, batch.add(RedisCommand(bytes: [lpushx, key, decimal(ids[0])]), shard: shard)))
            } else {
                var arguments: [[UInt8]] = [trimAbove, trimEnd]
                arguments.reserveCapacity(2 + ids.count)
                for id in ids { arguments.append(decimal(id)) }
                batch.add(Self.onTopScript.call(key: key, arguments), shard: shard)  // trims by itself
            }
        }
        for push in pushes.late {
            let (key, shard) = pushes.route(push.list)
            batch.add(orderedPush(key: key, id: Array(String(push.id).utf8), redo: push.redo), shard: shard)
        }
        // In a Redis Cluster, a master acknowledges a write before its replica has it: if it died
        // then, the replica promoted in its place would lack deliveries whose outbox rows are
        // already deleted. WAIT makes the master hold the answer until a replica has them.
        let waits = redis.mode == .cluster && settings.replicaAcks > 0
            ? batch.waitForReplicas(settings.replicaAcks, timeoutMilliseconds: settings.replicaWaitMilliseconds) : []
        let replies = try await redis.send(batch).throwingFirstError()
        // No replica answering in time (none online, or one lagging) is counted, not an error:
        // there is no copy to wait for, and the operator sees a shard running without one.
        if !waits.isEmpty { _ = replies.unreplicated(waits, replicas: settings.replicaAcks) }
        let cap = settings.listLength + Self.trimSlack
        let ltrim = Array("LTRIM".utf8)
        var trims = redis.batch()
        for push in tickets {
            if let length = replies[push.ticket].int64, length > cap {
                trims.add(RedisCommand(bytes: [ltrim, push.key, Self.zero, trimEnd]), shard: push.shard)
            }
        }
        if !trims.isEmpty { _ = try await redis.send(trims).throwingFirstError() }
    }

    /// The call of `orderedPushScript` that adds `id` to the list at `key`, if the list exists.
    func orderedPush(key: [UInt8], id: [UInt8], redo: Bool) -> RedisCommand {
        Self.orderedPushScript.call(key: key, [id, redo ? Self.one : Self.zero, trimAbove, trimEnd])
    }

    static let one = Array("1".utf8), zero = Array("0".utf8)
    private var trimAbove: [UInt8] { Array(String(settings.listLength + Self.trimSlack).utf8) }
    private var trimEnd: [UInt8] { Array(String(settings.listLength).utf8) }

    /// Adds a status id to a list that exists (as `LPUSHX`: a missing list stays missing, its
    /// rebuild will include the id), keeping the top of the list sorted newest first.
    ///
    /// Why: a first page reads only the top of a list (`TimelineReader`), and the next page asks
    /// for ids below the lowest it returned. A delivery that comes late (a job retried after an
    /// outage, leased by a worker that died, a later chunk of a large fan-out) pushed on top
    /// would cover newer ids: with enough of them, those newer ids fell below the first
    /// page's window and no page ever showed them (the fault tests' shutdown scenario hid ~50
    /// posts from every follower this way).
    ///
    /// The invariant kept: the top `sortedTop` entries are sorted, and every entry below them is
    /// older than all of them (rebuilds and merges sort the whole list). So the newest entries of
    /// the list are its first entries, for any page of at most `sortedTop`. A status newer than
    /// the head, the usual case, costs one `LPUSH`; a late one is placed within the top, or just
    /// below it when it is older than the whole top (where order no longer matters). Walking the
    /// whole list instead cost 10× the fan-out throughput under a burst (the load test).
    ///
    /// KEYS[1] the list; ARGV: the id, `1` to remove an earlier copy first (a redone job), the
    /// length past which the list is trimmed, and the index it is trimmed to. Ids compare as
    /// decimal strings (longer is larger; Lua's numbers cannot hold 64-bit ids); the sentinel `0`
    /// is older than every id. Returns the list's new length, 0 if the list is missing or full,
    /// -1 if the id was already among the top.
    static let orderedPushScript = RedisScript(orderedPushFunction + """
        local key = KEYS[1]
        if redis.call('EXISTS', key) == 0 then return 0 end
        if ARGV[2] == '1' then redis.call('LREM', key, 0, ARGV[1]) end
        return ordered_push(key, ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4]))
        """)

    /// Adds ids (ascending) to a list that exists, on time: when all are newer than its head (the
    /// usual case), one `LPUSH` puts them on top, the newest first. Otherwise (a batch delivered
    /// after a newer one) the list's first 2n + `mergeWindow` entries (n ids) are taken off when
    /// every id is newer than the last of them, else its whole sorted top, the ids older than all of that (in
    /// a list longer than the top) pushed where it was, and it is put back merged with the other
    /// ids: a few commands whatever the number of ids (placing each on its own with `ordered_push`,
    /// a scan of the top and an `LINSERT` each, made a burst's fan-out five times slower). KEYS[1]
    /// the list; ARGV: the length past which the list is trimmed, the index it is trimmed to, then
    /// the ids. Returns the list's length, 0 if it is missing.
    static let onTopScript = RedisScript(orderedPushFunction + """
        local key = KEYS[1]
        local head = redis.call('LINDEX', key, 0)
        if not head then return 0 end
        local trim_above, trim_end = tonumber(ARGV[1]), tonumber(ARGV[2])
        -- LPUSH of values[from..to] (ascending) in chunks: unpack's stack is bounded. Returns the
        -- list's length after the last chunk (nil when there was none).
        local function push_ascending(values, from, to)
            local length
            while from <= to do
                local last = math.min(from + 999, to)
                length = redis.call('LPUSH', key, unpack(values, from, last))
                from = last + 1
            end
            return length
        end
        -- Merges ARGV[3..] into `top`, the list's first entries (`whole`: all of it): those older
        -- than all of a partial top go below it, the rest are merged into it, the top rewritten.
        local function merge_top(top, whole)
            local first = 3
            if not whole then
                while first <= #ARGV and older(ARGV[first], top[#top]) do first = first + 1 end
            end
            local merged = {}  -- oldest first
            local t, a = #top, first
            while t >= 1 or a <= #ARGV do
                local v, id = top[t], ARGV[a]
                if not id then merged[#merged + 1] = v; t = t - 1
                elseif not v then merged[#merged + 1] = id; a = a + 1
                elseif v == id then merged[#merged + 1] = v; t = t - 1; a = a + 1
                elseif older(v, id) then merged[#merged + 1] = v; t = t - 1
                else merged[#merged + 1] = id; a = a + 1 end
            end
            -- Rewriting a whole list deletes its key for a moment: its expiry is put back after.
            local ttl = whole and redis.call('PTTL', key) or -1
            redis.call('LTRIM', key, #top, -1)
            push_ascending(ARGV, 3, first - 1)
            push_ascending(merged, 1, #merged)
            if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
        end
        local length
        if older(head, ARGV[3]) then
            length = push_ascending(ARGV, 3, #ARGV)  -- the usual case: LPUSH says the length
        else
            -- Usually a late batch belongs among the first entries, below the ids of one newer
            -- batch (two batches finishing in the other order): then only those are rewritten.
            -- Rewriting the whole sorted top for each was most of Redis's CPU under tagged posts
            -- (150 µs a call, half the calls).
            local depth = math.min(2 * (#ARGV - 2) + \(mergeWindow), \(sortedTop))
            local window = redis.call('LRANGE', key, 0, depth - 1)
            local whole = #window < depth or redis.call('LLEN', key) <= #window
            if whole or depth == \(sortedTop) or older(window[#window], ARGV[3]) then
                merge_top(window, whole)
            else
                local top = redis.call('LRANGE', key, 0, \(sortedTop - 1))
                merge_top(top, redis.call('LLEN', key) <= #top)
            end
            length = redis.call('LLEN', key)
        end
        if length > trim_above then redis.call('LTRIM', key, 0, trim_end) end
        return length
        """)

    /// `ordered_push(key, id, trimAbove, trimEnd)`, shared by the scripts that add to a list.
    static let orderedPushFunction = """
        local function older(a, b) if #a ~= #b then return #a < #b end return a < b end
        local function ordered_push(key, id, trim_above, trim_end)
            local head = redis.call('LINDEX', key, 0)
            local length
            if not head or older(head, id) then
                length = redis.call('LPUSH', key, id)
            else
                local top = redis.call('LRANGE', key, 0, \(sortedTop - 1))
                for _, v in ipairs(top) do
                    if v == id then return -1 end
                    if older(v, id) then
                        length = redis.call('LINSERT', key, 'BEFORE', v, id)
                        break
                    end
                end
                if not length then
                    local below = redis.call('LINDEX', key, \(sortedTop))
                    if below then
                        length = redis.call('LINSERT', key, 'BEFORE', below, id)
                    elseif #top > trim_end then
                        return 0
                    else
                        length = redis.call('RPUSH', key, id)
                    end
                end
            end
            if length > trim_above then redis.call('LTRIM', key, 0, trim_end) end
            return length
        end

        """

    /// How many entries at the top of a list fan-out keeps sorted: more than any page
    /// (Mastodon's largest is 40) and than the first page's read depth needs sorted.
    public static let sortedTop = 100

    /// A late batch of n ids newer than all but a list's first 2n + `mergeWindow` entries is merged
    /// with those alone (`onTopScript`), not with the whole sorted top.
    public static let mergeWindow = 16

    /// Pushes a reblog into home lists unless the reblogged status is already among the newest
    /// `falloff` entries there (Mastodon's reblog falloff: nobody is shown the same post twice in a row).
    /// One script call per list, one pipeline per shard. - Returns: the lists it was pushed into.
    public func pushReblog(_ reblogId: Int64, of originalId: Int64, to lists: [List], falloff: Int = 40, redo: Bool = false) async throws -> [List] {
        var batch = redis.batch()
        let (reblog, original) = (Array(String(reblogId).utf8), Array(String(originalId).utf8))
        let window = Array(String(falloff).utf8)
        let tickets = lists.map { list in
            (list, batch.add(Self.reblogScript.call(key: Array(list.key.utf8), [reblog, original, trimAbove, trimEnd, window,
                                                                                 redo ? Self.one : Self.zero]),
                             routedBy: list.key))
        }
        let replies = try await redis.send(batch).throwingFirstError()
        return tickets.filter { replies[$0.1].int64 == 1 }.map(\.0)
    }

    /// KEYS[1] the list; ARGV: the reblog's id, the original's, trim above, trim end, the falloff
    /// window, `1` for a redo. Returns 1 if the reblog was added.
    static let reblogScript = RedisScript(orderedPushFunction + """
        local key = KEYS[1]
        if redis.call('EXISTS', key) == 0 then return 0 end
        if ARGV[6] == '1' then redis.call('LREM', key, 0, ARGV[1]) end
        if redis.call('LPOS', key, ARGV[2], 'MAXLEN', tonumber(ARGV[5])) then return 0 end
        if ordered_push(key, ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4])) > 0 then return 1 end
        return 0
        """)

    /// Removes status ids from lists (deletes, unfollows): one pipeline per shard.
    public func remove(_ statusIds: [Int64], from lists: [List]) async throws {
        if statusIds.isEmpty { return }
        try await perShard(lists) { list in
            statusIds.map { RedisCommand("LREM", list.key, "0", String($0)) }
        }
    }

    private func perShard(_ lists: [List], _ commands: (List) -> [RedisCommand]) async throws {
        var batch = redis.batch()
        for list in lists {
            let shard = batch.shard(forKey: list.key)
            for command in commands(list) { batch.add(command, shard: shard) }
        }
        _ = try await redis.send(batch).throwingFirstError()
    }

    /// Merges ids into a list that exists and is complete (a new follow's recent statuses), keeping it
    /// sorted, deduplicated and trimmed. One Lua script, so it is atomic against concurrent fan-out
    /// without `WATCH`/`MULTI` (which cannot share a multiplexed connection).
    /// A list that is not built is left alone: its rebuild will include the ids.
    public func merge(_ ids: [Int64], into list: List) async throws {
        if ids.isEmpty { return }
        let arguments = [String(settings.listLength)] + TimelineMerge.normalise(ids).map(String.init)
        _ = try await redis.pipeline(key: list.key, [Self.mergeScript.call(
            keys: [Array(list.key.utf8), Array(list.readyKey.utf8)], arguments.map { Array($0.utf8) })]).throwingFirstError()
    }

    /// `rewrite_sorted(key, ids, length)`: the list's entries and `ids`, deduplicated, newest first,
    /// at most `length` of them, then the sentinel (so an empty list still exists). Ids compare as
    /// decimal strings (longer is larger), since Lua's numbers are doubles and cannot hold a 64-bit id.
    static let rewriteSortedFunction = """
        local function rewrite_sorted(key, ids, length)
            local seen, all = {}, {}
            local function add(v) if v ~= '0' and not seen[v] then seen[v] = true; all[#all + 1] = v end end
            for _, v in ipairs(redis.call('LRANGE', key, 0, -1)) do add(v) end
            for _, v in ipairs(ids) do add(v) end
            table.sort(all, function(a, b) if #a ~= #b then return #a > #b end return a > b end)
            redis.call('DEL', key)
            local batch = {}
            for i = 1, math.min(#all, length) do
                batch[#batch + 1] = all[i]
                if #batch == 1000 then redis.call('RPUSH', key, unpack(batch)); batch = {} end
            end
            batch[#batch + 1] = '0'
            redis.call('RPUSH', key, unpack(batch))
        end

        """

    /// KEYS: the list, its ready key; ARGV: the length, the ids. Only into a list that is built.
    static let mergeScript = RedisScript(rewriteSortedFunction + """
        if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 1000 then ttl = 1000 end
        rewrite_sorted(KEYS[1], {unpack(ARGV, 2)}, tonumber(ARGV[1]))
        redis.call('PEXPIRE', KEYS[1], ttl)
        return 1
        """)

    /// KEYS: the list, its ready key; ARGV: the length, the TTL in seconds, the ids read from PostgreSQL.
    static let finishRebuildScript = RedisScript(rewriteSortedFunction + """
        rewrite_sorted(KEYS[1], {unpack(ARGV, 3)}, tonumber(ARGV[1]))
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
        redis.call('SET', KEYS[2], '1', 'EX', tonumber(ARGV[2]))
        return 1
        """)

    // MARK: Status cache

    /// Where a batch will hold cached statuses' values.
    public struct StatusTickets: Sendable {
        let tickets: [(Int64, RedisBatch.Ticket)]
    }

    /// Queues the reads of cached statuses in a batch, so they travel with other reads of the
    /// same wave (one pipeline per shard for all of them).
    public func queueStatuses(_ ids: [Int64], in batch: inout RedisBatch) -> StatusTickets {
        StatusTickets(tickets: ids.map { id in
            let key = RedisKeys.status(id)
            return (id, batch.add(RedisCommand("GET", key), routedBy: key))
        })
    }

    /// The cached statuses among a batch's replies (missing ids were not cached).
    public func statuses(_ queued: StatusTickets, from replies: RedisBatchReplies) throws -> [Int64: CachedStatus] {
        let tombstone = Array(RedisKeys.tombstone.utf8)
        var out: [Int64: CachedStatus] = [:]
        for (id, ticket) in queued.tickets {
            switch replies[ticket] {
            case .bulk(let bytes):
                if bytes == tombstone {
                    out[id] = .deleted
                } else if let row = decodedRows.row(id, from: bytes) {
                    out[id] = .row(row)
                }
            case .error(let message):
                throw RedisError.server(message)
            default:
                continue
            }
        }
        return out
    }

    /// Where a batch will hold each status's cached row and counters: per `MGET`, the statuses it asks for.
    public struct StatusAndCountsTickets: Sendable {
        let tickets: [(ids: [Int64], ticket: RedisBatch.Ticket)]
    }

    /// Queues the cached row and counters of every status (`status:{id}`, `counts:{id}`), keys built
    /// as bytes. Hydration reads both for every status on a page; as two `GET`s with String keys,
    /// building and encoding the commands was a tenth of a home read's CPU. In `shards` mode one
    /// `MGET` per shard asks for all of them (a page is three commands, not twenty: Redis's and the
    /// client's cost is mostly per command); a Redis Cluster refuses keys of several slots in one
    /// command, so there it is one `MGET` per status (its two keys share the hash tag).
    public func queueStatusesAndCounts(_ ids: [Int64], in batch: inout RedisBatch) -> StatusAndCountsTickets {
        if !batch.keysMaySpanSlots {
            return StatusAndCountsTickets(tickets: ids.map { id in
                let keys = RedisKeys.statusAndCountsKeys(id)
                return ([id], batch.add(RedisCommand(bytes: [Self.mget, keys.status, keys.counts]), shard: batch.shard(forSlot: keys.slot)))
            })
        }
        // One packed `MGET` per shard: its keys written straight into the command, not an array each.
        var idsByShard: [Int: [Int64]] = [:]
        for id in ids {
            idsByShard[batch.shard(forSlot: RedisKeys.slot(ofTag: id)), default: Self.array(capacity: ids.count)].append(id)
        }
        return StatusAndCountsTickets(tickets: idsByShard.map { shard, ids in
            var command = RedisCommand.packed(Self.mget, capacity: 8 + ids.count * 60, arguments: 1 + ids.count * 2)
            for id in ids {
                command.appendArgument { RedisKeys.appendStatusKey(id, to: &$0) }
                command.appendArgument { RedisKeys.appendCountsKey(id, to: &$0) }
            }
            return (ids, batch.add(command, shard: shard))
        })
    }

    private static let mget = Array("MGET".utf8)

    /// An empty array with room for `capacity` (grown one id at a time, it reallocated several times per page).
    private static func array(capacity: Int) -> [Int64] {
        var ids: [Int64] = []
        ids.reserveCapacity(capacity)
        return ids
    }

    /// The cached statuses and counters among a batch's replies (what is missing was not cached).
    public func statusesAndCounts(_ queued: StatusAndCountsTickets, from replies: RedisBatchReplies) throws
        -> (statuses: [Int64: CachedStatus], counts: [Int64: StatusInteractions]) {
        var statuses: [Int64: CachedStatus] = [:], counts: [Int64: StatusInteractions] = [:]
        let total = queued.tickets.reduce(0) { $0 + $1.ids.count }
        statuses.reserveCapacity(total)
        counts.reserveCapacity(total)
        let tombstone = Array(RedisKeys.tombstone.utf8)
        for (ids, ticket) in queued.tickets {
            switch replies[ticket] {
            case .array(let values) where values.count == 2 * ids.count:
                for (position, id) in ids.enumerated() {
                    if case .bulk(let bytes) = values[2 * position] {
                        if bytes == tombstone {
                            statuses[id] = .deleted
                        } else if let row = decodedRows.row(id, from: bytes) {
                            statuses[id] = .row(row)
                        }
                    }
                    if let parsed = InteractionCache.parseCounts(values[2 * position + 1]) { counts[id] = parsed }
                }
            case .error(let message):
                throw RedisError.server(message)
            default:
                continue
            }
        }
        return (statuses, counts)
    }

    /// Cached statuses by id (missing ids were not cached): one pipeline per shard.
    public func cachedStatuses(_ ids: [Int64]) async throws -> [Int64: CachedStatus] {
        var batch = redis.batch()
        let queued = queueStatuses(ids, in: &batch)
        return try statuses(queued, from: try await redis.send(batch))
    }

    /// Caches rows with `SET NX`, so a fill racing a delete can never overwrite its tombstone.
    public func cache(_ rows: [StatusRow]) async throws {
        if rows.isEmpty { return }
        var batch = redis.batch()
        let ttl = Array(String(settings.statusTTLSeconds).utf8)
        for row in rows {
            let key = RedisKeys.status(row.id)
            batch.add(RedisCommand(bytes: [Array("SET".utf8), Array(key.utf8), StatusRowCodec.encode(row), Array("NX".utf8), Array("EX".utf8), ttl]),
                      routedBy: key)
        }
        _ = try await redis.send(batch).throwingFirstError()
    }

    /// Replaces a status's cache entry with a tombstone: no reader can see or re-cache it.
    public func tombstone(_ statusId: Int64) async throws {
        _ = try await redis.send(key: RedisKeys.status(statusId),
                                 RedisCommand("SET", RedisKeys.status(statusId), RedisKeys.tombstone, "EX", String(settings.statusTTLSeconds)))
    }
}

/// Which lists a node refreshed the lifetimes of in the current window (a quarter of a list's
/// lifetime), so that reads refresh each list once per window instead of sending two `EXPIRE`s
/// with every read (two of a home read's eleven Redis commands). A list read in a window had its
/// lifetime renewed in that window, so it outlives any read by at least three quarters of it.
/// Holds one entry per list read in the current window, at most `maxEntries` (a window is 42 hours
/// with the default lifetime): past that it starts afresh, which costs those lists one more renewal.
final class ListLifetimes: Sendable {
    private let state = Mutex<(window: Int, refreshed: Set<TimelineCache.List>)>((0, []))
    let maxEntries: Int

    init(maxEntries: Int = 100_000) { self.maxEntries = maxEntries }

    /// The lists among `lists` whose lifetimes are due a refresh, marked as refreshed.
    func due(_ lists: [TimelineCache.List], lifetimeSeconds: Int, now: Int = Int(time(nil))) -> Set<TimelineCache.List> {
        let window = now / max(1, lifetimeSeconds / 4)
        return state.withLock { state in
            if state.window != window || state.refreshed.count >= maxEntries { state = (window, []) }
            var due: Set<TimelineCache.List> = []
            for list in lists where state.refreshed.insert(list).inserted { due.insert(list) }
            return due
        }
    }
}
