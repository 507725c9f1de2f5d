/// Names of every Redis key Starling writes, and of the pub/sub channels it publishes on.
/// Each key carries its owner in a `{…}` hash tag, so a user's keys share a shard (and a
/// Redis Cluster slot) and can go in one pipeline.
public enum RedisKeys {
    // MARK: Timelines

    /// A user's home timeline: status ids, newest first, trimmed to the configured length.
    public static func home(_ userId: Int64) -> String { "home:{\(userId)}" }
    /// `home(userId)` as bytes, with its slot: built without a String, as fan-out needs one per recipient.
    public static func homeKeyAndSlot(_ userId: Int64) -> (key: [UInt8], slot: Int) {
        taggedKeyAndSlot(homePrefix, userId)
    }

    /// `prefix` (ending in `{`), the id's decimal digits and `}`, with the key's slot (the CRC of
    /// the digits, computed as they are written): the hot paths' keys, built without a String.
    static func taggedKeyAndSlot(_ prefix: [UInt8], _ id: Int64) -> (key: [UInt8], slot: Int) {
        var key: [UInt8] = []
        key.reserveCapacity(prefix.count + 21)
        appendTaggedKey(prefix, id, to: &key)
        // The tag is what lies between the prefix and the closing `}`.
        let slot = Int(KeySlot.crc16(key[prefix.count..<key.count - 1])) % KeySlot.slotCount
        return (key, slot)
    }

    /// Appends `value` in decimal, as `String(value)` spells it.
    public static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        withDigits(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Calls `body` with the decimal digits of `value`'s magnitude. They are written backwards into
    /// a scratch buffer on the stack (reversing them in place in an array went through a slice,
    /// and was a twentieth of a fan-out's CPU).
    static func withDigits<R>(of value: Int64, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = value.magnitude
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            return body(UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// The slot of every key tagged `{id}` (as `taggedKeyAndSlot` computes it), without building one.
    public static func slot(ofTag id: Int64) -> Int {
        if id < 0 { return Int(KeySlot.crc16(Array("\(id)".utf8))) % KeySlot.slotCount }
        return withDigits(of: id) { Int(KeySlot.crc16($0)) % KeySlot.slotCount }
    }

    /// Appends the key `prefix`, the id's digits, `}` (as `taggedKeyAndSlot` spells it) to `bytes`:
    /// keys written straight into a packed Redis command.
    static func appendTaggedKey(_ prefix: [UInt8], _ id: Int64, to bytes: inout [UInt8]) {
        bytes += prefix
        appendDecimal(id, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
    }

    private static let homePrefix = Array("home:{".utf8)

    /// Present while `home` is complete; missing means "rebuild from PostgreSQL before trusting it".
    public static func homeReady(_ userId: Int64) -> String { "homeok:{\(userId)}" }
    /// An author's own statuses, newest first: what readers merge in for celebrity authors.
    public static func authored(_ userId: Int64) -> String { "user:{\(userId)}" }
    /// Present while `authored` is complete (same hash tag, so same shard as the list).
    public static func authoredReady(_ userId: Int64) -> String { "userok:{\(userId)}" }

    // MARK: Status cache

    /// A cached status row (JSON), or the tombstone of a deleted one.
    public static func status(_ statusId: Int64) -> String { "status:{\(statusId)}" }

    /// `status(id)` and `counts(id)` as bytes, with their slot (one: they share the hash tag), for
    /// hydration, which reads both for every status on a page.
    public static func statusAndCountsKeys(_ statusId: Int64) -> (status: [UInt8], counts: [UInt8], slot: Int) {
        let (status, slot) = taggedKeyAndSlot(statusPrefix, statusId)
        var counts = countsPrefix
        counts.reserveCapacity(countsPrefix.count + status.count - statusPrefix.count)
        counts += status[statusPrefix.count...]
        return (status, counts, slot)
    }

    /// Appends `status(id)` to `bytes` (a packed command's next argument).
    public static func appendStatusKey(_ statusId: Int64, to bytes: inout [UInt8]) {
        appendTaggedKey(statusPrefix, statusId, to: &bytes)
    }

    /// Appends `counts(id)` to `bytes` (a packed command's next argument).
    public static func appendCountsKey(_ statusId: Int64, to bytes: inout [UInt8]) {
        appendTaggedKey(countsPrefix, statusId, to: &bytes)
    }

    private static let statusPrefix = Array("status:{".utf8), countsPrefix = Array("counts:{".utf8)

    /// Cache value that marks a deleted status; cache fills use `SET NX` so they cannot overwrite it.
    public static let tombstone = "deleted"

    // MARK: Counters and the viewer's own actions

    /// A status's counters as "replies reblogs favourites": filled with `SET NX` for an hour (when
    /// `countsGeneration` has not moved since the fill read it), deleted by the writes that change them.
    public static func counts(_ statusId: Int64) -> String { "counts:{\(statusId)}" }
    /// Bumped by every write that changes a status's counters: a fill from PostgreSQL that began
    /// before it is refused (`InteractionCache.fillCounts`). Same hash tag as `counts`.
    public static func countsGeneration(_ statusId: Int64) -> String { "countsgen:{\(statusId)}" }
    /// A user's recent favourites and reblogs: members `f<status id>` and `r<status id>`.
    public static func actions(_ userId: Int64) -> String { "acts:{\(userId)}" }
    /// Present while `actions` is complete for statuses at or above its value (the floor).
    public static func actionsReady(_ userId: Int64) -> String { "actsok:{\(userId)}" }
    /// Bumped by every favourite or reblog of the user: a rebuild that read PostgreSQL before the
    /// bump may not install its (stale) result.
    public static func actionsGeneration(_ userId: Int64) -> String { "actsgen:{\(userId)}" }

    // MARK: Trends

    /// Hash tag shared by every trend key: one shard, and one pipeline per trend operation.
    public static let trendsTag = "{trends}"
    /// A sorted set of tag → uses on one day (days since the Unix epoch).
    public static func trendUses(day: Int) -> String { "trends:\(trendsTag):\(day)" }
    /// A HyperLogLog of the accounts that used `tag` on one day.
    public static func trendAccounts(day: Int, tag: String) -> String { "trends:\(trendsTag):\(day):\(tag)" }

    // MARK: Sign-in throttling

    /// Failed sign-ins for a login (username or e-mail, lower-cased), counted for a window.
    public static func signInFailures(login: String) -> String { "signin:login:\(login.lowercased().prefix(320))" }
    /// Failed sign-ins from one client address, counted for a window.
    public static func signInFailures(address: String) -> String { "signin:addr:\(address.prefix(64))" }

    /// A rate-limit counter: one budget, one subject (a token digest or a client address), one
    /// fixed window; it expires with its window.
    public static func rateLimit(_ bucket: String, subject: String, window: Int) -> String {
        "rl:\(bucket):\(subject.prefix(64)):\(window)"
    }

    // MARK: Pub/sub channels (streaming)

    /// Every streaming channel starts with this; API nodes `PSUBSCRIBE` to `channelPattern`.
    public static let channelPrefix = "timeline:"
    public static let channelPattern = "\(channelPrefix)*"
    /// A user's own events (notifications, their own statuses), on the shard of their home list.
    public static func userChannel(_ userId: Int64) -> String { "\(channelPrefix){\(userId)}" }
    /// The public stream.
    public static let publicChannel = "\(channelPrefix)public"
    /// Hashtag streams: this prefix followed by the normalised tag.
    public static let hashtagChannelPrefix = "\(channelPrefix)hashtag:"
    public static func hashtagChannel(_ tag: String) -> String { hashtagChannelPrefix + tag }
    /// Statuses of pulled (celebrity) authors, matched by each node against its clients' follows.
    public static let pulledChannel = "\(channelPrefix)pulled"
    /// A fan-out chunk's event for all its recipients at once.
    public static let usersChannel = "\(channelPrefix)users"
    /// Invalidations of API nodes' in-process caches (account rows, pulled-author lists): every
    /// node subscribes, so a change made through one node reaches the caches of all of them.
    public static let cacheInvalidationChannel = "\(channelPrefix)invalidate"
    /// Wakes one fan-out worker process after a post committed (its transaction sends no NOTIFY:
    /// see `OutboxWake`): the API pushes the status id, one worker pops it (`BLPOP`). It replaced
    /// a pub/sub channel (`starling:outbox-wake`) that woke every process: during a rolling
    /// upgrade, workers of the previous version find posts by their poll (a second).
    public static let outboxWakeTokens = "starling:outbox-wake-tokens"
    /// Tokens kept while no worker pops them (all stopped): the newest are enough to wake them.
    public static let outboxWakeTokensKept = 64

    /// The user id of a `userChannel` name, nil for any other channel.
    public static func userId(ofChannel channel: String) -> Int64? {
        let head = "\(channelPrefix){"
        guard channel.hasPrefix(head), channel.hasSuffix("}") else { return nil }
        return Int64(channel.dropFirst(head.count).dropLast())
    }

    /// The tag of a `hashtagChannel` name, nil for any other channel.
    public static func tag(ofChannel channel: String) -> String? {
        guard channel.hasPrefix(hashtagChannelPrefix) else { return nil }
        return String(channel.dropFirst(hashtagChannelPrefix.count))
    }
}
