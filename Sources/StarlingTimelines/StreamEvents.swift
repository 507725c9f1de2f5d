import Foundation
import StarlingDomain
import StarlingRedis

/// Real-time events, published by workers through Redis pub/sub and fanned out by every API node
/// to its own streaming clients. Payloads carry ids only; the API node hydrates them.
public struct StreamEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case update, delete, notification, conversation
        /// An edited status (Mastodon's `status.update`), to whoever was shown it.
        case statusUpdate = "status.update"
    }

    public var event: Kind
    public var status: Int64?
    public var notification: Int64?
    /// For `update` on the pulled channel: the author, and whom the status replies to.
    public var author: Int64?
    public var replyTo: Int64?
    /// On the `users` channel: every user whose home the event concerns (one message per chunk,
    /// not one per follower).
    public var users: [Int64]?
    /// For `conversation`: the recipient's conversation (`account_conversations.id`), on their user channel.
    public var conversation: Int64?

    public init(event: Kind, status: Int64? = nil, notification: Int64? = nil, author: Int64? = nil, replyTo: Int64? = nil,
                users: [Int64]? = nil) {
        self.event = event
        self.status = status
        self.notification = notification
        self.author = author
        self.replyTo = replyTo
        self.users = users
    }

    /// The event as JSON, written by hand: a fan-out chunk's event lists up to a chunk of user ids,
    /// and `JSONEncoder` was 6 % of a worker's CPU. `decode` reads it with `JSONDecoder`.
    public var payload: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96 + (users?.count ?? 0) * 20)
        func field(_ name: StaticString, _ value: Int64?) {
            guard let value else { return }
            out.append(UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: "\":".utf8)
            RedisKeys.appendDecimal(value, to: &out)
        }
        out.append(contentsOf: "{\"event\":\"".utf8)
        out.append(contentsOf: event.rawValue.utf8)
        out.append(UInt8(ascii: "\""))
        field("status", status)
        field("notification", notification)
        field("author", author)
        field("replyTo", replyTo)
        field("conversation", conversation)
        if let users {
            // Ids written as digits into the payload: a chunk's event lists up to a thousand.
            out.append(contentsOf: ",\"users\":[".utf8)
            for (index, user) in users.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                RedisKeys.appendDecimal(user, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
    /// Reads a payload: `payload`'s own shape over its bytes (every API node reads every fan-out
    /// event, each listing up to a chunk of user ids, and `JSONDecoder` was 5 % of a node's CPU
    /// under posts); anything else through `JSONDecoder`.
    public static func decode(_ bytes: [UInt8]) -> StreamEvent? {
        var reader = PayloadReader(bytes: bytes)
        if let event = reader.read() { return event }
        return try? JSONDecoder().decode(StreamEvent.self, from: Data(bytes))
    }

    /// The compact JSON `payload` writes: an object of known keys, integers, one array of
    /// integers and the event name (no escapes, no whitespace). nil for anything else.
    private struct PayloadReader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func read() -> StreamEvent? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var event: StreamEvent?
            var fields: [String: Int64] = [:]
            var users: [Int64]?
            repeat {
                guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
                switch key {
                case "event":
                    guard let name = string(), let kind = Kind(rawValue: name) else { return nil }
                    event = StreamEvent(event: kind)
                case "users":
                    guard take(UInt8(ascii: "[")) else { return nil }
                    var ids: [Int64] = []
                    if !take(UInt8(ascii: "]")) {
                        repeat {
                            guard let id = integer() else { return nil }
                            ids.append(id)
                        } while take(UInt8(ascii: ","))
                        guard take(UInt8(ascii: "]")) else { return nil }
                    }
                    users = ids
                case "status", "notification", "author", "replyTo", "conversation":
                    guard fields[key] == nil, let value = integer() else { return nil }
                    fields[key] = value
                default:
                    return nil
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")), index == bytes.count, var result = event else { return nil }
            result.status = fields["status"]
            result.notification = fields["notification"]
            result.author = fields["author"]
            result.replyTo = fields["replyTo"]
            result.conversation = fields["conversation"]
            result.users = users
            return result
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string without escapes.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") || bytes[index] < 0x20 { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            index += 1
            return text
        }

        /// A decimal integer that fits an Int64 (as `JSONDecoder` reads one; other spellings are
        /// left to it).
        mutating func integer() -> Int64? {
            DecimalBytes.int64(bytes, at: &index)
        }
    }
}

/// Channel names. A user's channel has the user's hash tag, so it is published on the shard that
/// holds their home list, in the same pipeline as the delivery.
public enum StreamChannels {
    public static let pattern = RedisKeys.channelPattern
    public static func user(_ id: Int64) -> String { RedisKeys.userChannel(id) }
    public static let publicTimeline = RedisKeys.publicChannel
    public static func hashtag(_ tag: String) -> String { RedisKeys.hashtagChannel(tag) }
    /// Statuses of pulled (celebrity) authors: one event that each node matches against its
    /// clients' follows, instead of one per follower.
    public static let pulled = RedisKeys.pulledChannel
    /// A fan-out chunk's event for all its recipients at once (`StreamEvent.users`).
    public static let users = RedisKeys.usersChannel

    /// The user id of a `timeline:{id}` channel.
    public static func userId(of channel: String) -> Int64? { RedisKeys.userId(ofChannel: channel) }
}

extension TimelineCache {
    /// Publishes an event on channels (each on the shard that owns the channel name).
    public func publish(_ event: StreamEvent, on channels: [String]) async throws {
        try await publish([event], on: channels)
    }

    /// Publishes every event on every channel in one pipeline per shard (a fan-out batch's
    /// events together, rather than a task and a round trip each).
    public func publish(_ events: [StreamEvent], on channels: [String]) async throws {
        try await publish(events.map { ($0, channels) })
    }

    /// Publishes each event on its channels, all in one pipeline per shard (the first-chunk
    /// events of a fan-out batch, each on its author's and tags' channels).
    public func publish(_ events: [(event: StreamEvent, channels: [String])]) async throws {
        var batch = redis.batch()
        let publish = Array("PUBLISH".utf8)
        for (event, channels) in events where !channels.isEmpty {
            let payload = event.payload
            for channel in channels {
                batch.add(RedisCommand(bytes: [publish, Array(channel.utf8), payload]), shard: batch.shard(forKey: channel))
            }
        }
        if batch.isEmpty { return }
        _ = try await redis.send(batch).throwingFirstError()
    }
}

/// Tag use counted per day in Redis, ranked with a time decay for `/api/v1/trends/tags`.
public struct TrendStore: Sendable {
    let redis: ShardedRedis
    /// Days of history kept and shown.
    public static let days = 7

    public init(redis: ShardedRedis) {
        self.redis = redis
    }

    static func dayNumber(_ date: Date) -> Int { Int(date.timeIntervalSince1970 / 86_400) }
    // All trend keys share the `{trends}` tag: one shard, and one pipeline per operation.
    static func usesKey(_ day: Int) -> String { RedisKeys.trendUses(day: day) }
    static func accountsKey(_ day: Int, _ tag: String) -> String { RedisKeys.trendAccounts(day: day, tag: tag) }

    /// Counts one use of each tag by `author` on `date`'s day.
    public func record(tags: [String], author: Int64, at date: Date) async throws {
        try await record([(tags, author, date)])
    }

    /// Counts the uses of several statuses (a fan-out batch's) in one pipeline.
    public func record(_ uses: [(tags: [String], author: Int64, date: Date)]) async throws {
        let ttl = String((Self.days + 1) * 86_400)
        var commands: [RedisCommand] = []
        var days: Set<Int> = []
        for (tags, author, date) in uses where !tags.isEmpty {
            let day = Self.dayNumber(date)
            days.insert(day)
            for tag in tags {
                commands.append(RedisCommand("ZINCRBY", Self.usesKey(day), "1", tag))
                commands.append(RedisCommand("PFADD", Self.accountsKey(day, tag), String(author)))
                commands.append(RedisCommand("EXPIRE", Self.accountsKey(day, tag), ttl))
            }
        }
        guard let anyDay = days.first else { return }
        for day in days.sorted() { commands.append(RedisCommand("EXPIRE", Self.usesKey(day), ttl)) }
        _ = try await redis.pipeline(key: Self.usesKey(anyDay), commands).throwingFirstError()
    }

    public struct Trend: Sendable, Equatable {
        public var name: String
        public var score: Double
        /// Newest day first: (day start, uses, distinct accounts).
        public var history: [(day: Date, uses: Int64, accounts: Int64)]

        public static func == (a: Trend, b: Trend) -> Bool { a.name == b.name && a.score == b.score }
    }

    /// The top tags: uses per day weighted by half every day back.
    public func top(limit: Int, offset: Int = 0, now: Date = Date()) async throws -> [Trend] {
        let today = Self.dayNumber(now)
        let days = (0..<Self.days).map { today - $0 }
        let key = Self.usesKey(today)
        let ranges = try await redis.pipeline(key: key, days.map { RedisCommand("ZREVRANGE", Self.usesKey($0), "0", "199", "WITHSCORES") })
            .throwingFirstError()
        var scores: [String: Double] = [:]
        for (age, reply) in ranges.enumerated() {
            let items = reply.array ?? []
            for pair in stride(from: 0, to: items.count - 1, by: 2) {
                guard let tag = items[pair].string, let uses = items[pair + 1].string.flatMap(Double.init) else { continue }
                scores[tag, default: 0] += uses * pow(0.5, Double(age))
            }
        }
        let ranked = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.dropFirst(offset).prefix(limit)
        if ranked.isEmpty { return [] }
        var commands: [RedisCommand] = []
        for (tag, _) in ranked {
            for day in days {
                commands.append(RedisCommand("ZSCORE", Self.usesKey(day), tag))
                commands.append(RedisCommand("PFCOUNT", Self.accountsKey(day, tag)))
            }
        }
        let replies = try await redis.pipeline(key: key, commands).throwingFirstError()
        var index = 0
        return ranked.map { tag, score in
            var history: [(Date, Int64, Int64)] = []
            for day in days {
                let uses = replies[index].string.flatMap(Double.init).map { Int64($0) } ?? 0
                let accounts = replies[index + 1].int64 ?? 0
                history.append((Date(timeIntervalSince1970: Double(day) * 86_400), uses, accounts))
                index += 2
            }
            return Trend(name: tag, score: score, history: history)
        }
    }
}
