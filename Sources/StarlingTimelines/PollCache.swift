import Foundation
import StarlingDomain
import StarlingRedis
import StarlingStore

extension RedisKeys {
    /// A poll's state ("<version>\n<JSON>"): written only over an older version (`PollCache`).
    public static func poll(_ pollId: Int64) -> String { "poll:{\(pollId)}" }
    /// People's votes on a poll: field = account id, value "<epoch>:<choices, comma-separated>"
    /// ("<epoch>:" for no vote). Same hash tag as the poll, so same shard.
    public static func pollVotes(_ pollId: Int64) -> String { "pollvotes:{\(pollId)}" }
    /// The edit count of the status a cached row shows: an edit's rewrite never goes backwards.
    public static func statusVersion(_ statusId: Int64) -> String { "statusv:{\(statusId)}" }
}

/// Polls and viewers' votes in Redis, so a timeline with polls on it costs no PostgreSQL round trip,
/// and the edited-status rewrite of the status cache.
///
/// Every write is guarded so that a stale value never replaces a fresh one: poll states carry the
/// row's version (a fill that read PostgreSQL before a vote cannot overwrite the vote's state),
/// viewers' votes are filled with `HSETNX` and written by the vote with `HSET`, and carry the poll's
/// epoch (votes from before an edit reset them are ignored).
public struct PollCache: Sendable {
    public let redis: ShardedRedis
    public let ttlSeconds: Int

    public init(redis: ShardedRedis, ttlSeconds: Int = 24 * 3600) {
        self.redis = redis
        self.ttlSeconds = ttlSeconds
    }

    /// A viewer's cached vote: the poll epoch it belongs to and the choices (empty: did not vote).
    public struct CachedVote: Sendable, Equatable {
        public var epoch: Int64
        public var choices: [Int]

        public init(epoch: Int64, choices: [Int]) {
            self.epoch = epoch
            self.choices = choices
        }
    }

    public struct Tickets: Sendable {
        let polls: [(Int64, RedisBatch.Ticket)]
        let votes: [(Int64, RedisBatch.Ticket)]
    }

    public func queue(_ pollIds: [Int64], viewer: Int64?, in batch: inout RedisBatch) -> Tickets {
        var polls: [(Int64, RedisBatch.Ticket)] = [], votes: [(Int64, RedisBatch.Ticket)] = []
        for id in pollIds {
            polls.append((id, batch.add(RedisCommand("GET", RedisKeys.poll(id)), routedBy: RedisKeys.poll(id))))
            if let viewer {
                votes.append((id, batch.add(RedisCommand("HGET", RedisKeys.pollVotes(id), String(viewer)), routedBy: RedisKeys.pollVotes(id))))
            }
        }
        return Tickets(polls: polls, votes: votes)
    }

    public func read(_ tickets: Tickets, from replies: RedisBatchReplies) -> (polls: [Int64: PollRow], votes: [Int64: CachedVote]) {
        var polls: [Int64: PollRow] = [:], votes: [Int64: CachedVote] = [:]
        for (id, ticket) in tickets.polls {
            if case .bulk(let bytes) = replies[ticket], let row = Self.decodePoll(bytes.array) { polls[id] = row }
        }
        for (id, ticket) in tickets.votes {
            if case .bulk(let bytes) = replies[ticket], let vote = Self.decodeVote(String(decoding: bytes, as: UTF8.self)) { votes[id] = vote }
        }
        return (polls, votes)
    }

    // MARK: Writing

    static let versionedSet = """
        local cur = redis.call('GET', KEYS[1])
        if cur then
            local v = tonumber(string.match(cur, '^(%d+)\\n'))
            if v and v >= tonumber(ARGV[1]) then return 0 end
        end
        redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
        return 1
        """

    /// Stores poll states unless Redis already holds the same or a newer version.
    public func store(_ polls: [PollRow]) async throws {
        if polls.isEmpty { return }
        var batch = redis.batch()
        for poll in polls {
            let key = RedisKeys.poll(poll.id)
            batch.add(RedisCommand(bytes: [Array("EVAL".utf8), Array(Self.versionedSet.utf8), Array("1".utf8), Array(key.utf8),
                                           Array(String(poll.version).utf8), Self.encodePoll(poll), Array(String(ttlSeconds).utf8)]),
                      routedBy: key)
        }
        _ = try await redis.send(batch).throwingFirstError()
    }

    /// Records a viewer's votes. `authoritative`: written by the vote itself (`HSET`); otherwise a
    /// fill from PostgreSQL that must not replace what a vote wrote (`HSETNX`).
    public func storeVotes(viewer: Int64, _ votes: [(poll: Int64, epoch: Int64, choices: [Int])], authoritative: Bool) async throws {
        if votes.isEmpty { return }
        var batch = redis.batch()
        for vote in votes {
            let key = RedisKeys.pollVotes(vote.poll)
            let value = "\(vote.epoch):" + vote.choices.map(String.init).joined(separator: ",")
            if authoritative {
                // A fill of an older epoch may sit there: HSET replaces it whatever it is.
                batch.add(RedisCommand("HSET", key, String(viewer), value), routedBy: key)
            } else {
                batch.add(RedisCommand("EVAL", Self.fillVote, "1", key, String(viewer), value, String(vote.epoch)), routedBy: key)
            }
            batch.add(RedisCommand("EXPIRE", key, String(ttlSeconds)), routedBy: key)
        }
        _ = try await redis.send(batch).throwingFirstError()
    }

    /// Fills a vote unless one of the same or a newer epoch is there (an older epoch's is stale).
    static let fillVote = """
        local cur = redis.call('HGET', KEYS[1], ARGV[1])
        if cur then
            local e = tonumber(string.match(cur, '^(%d+):'))
            if e and e >= tonumber(ARGV[3]) then return 0 end
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """

    /// Drops every cached vote of a poll (its votes were reset, or it was removed).
    public func forget(polls: [Int64]) async throws {
        if polls.isEmpty { return }
        var batch = redis.batch()
        for id in polls {
            batch.add(RedisCommand("DEL", RedisKeys.pollVotes(id)), routedBy: RedisKeys.pollVotes(id))
            batch.add(RedisCommand("DEL", RedisKeys.poll(id)), routedBy: RedisKeys.poll(id))
        }
        _ = try await redis.send(batch).throwingFirstError()
    }

    static let rewriteStatus = """
        if redis.call('GET', KEYS[1]) == ARGV[4] then return 0 end
        local v = tonumber(redis.call('GET', KEYS[2]) or '-1')
        if v > tonumber(ARGV[1]) then return 0 end
        redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
        redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])
        return 1
        """

    /// Puts an edited status's row in the status cache at once (every node reads it from there),
    /// unless the status was deleted meanwhile (tombstone) or a later edit already wrote its row.
    public func rewrite(_ row: StatusRow, version: Int64, statusTTLSeconds: Int) async throws {
        let key = RedisKeys.status(row.id), versionKey = RedisKeys.statusVersion(row.id)
        _ = try await redis.send(key: key, RedisCommand(bytes: [
            Array("EVAL".utf8), Array(Self.rewriteStatus.utf8), Array("2".utf8), Array(key.utf8), Array(versionKey.utf8),
            Array(String(version).utf8), StatusRowCodec.encode(row), Array(String(statusTTLSeconds).utf8), Array(RedisKeys.tombstone.utf8),
        ]))
    }

    // MARK: Encoding

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func encodePoll(_ poll: PollRow) -> [UInt8] {
        Array("\(poll.version)\n".utf8) + ((try? encoder.encode(poll)).map(Array.init) ?? [])
    }

    static func decodePoll(_ bytes: [UInt8]) -> PollRow? {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        guard let row = try? decoder.decode(PollRow.self, from: Data(bytes[(newline + 1)...])),
              row.tallies.count == row.options.count else { return nil }
        return row
    }

    static func decodeVote(_ text: String) -> CachedVote? {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let epoch = Int64(parts[0]) else { return nil }
        var choices: [Int] = []
        for item in parts[1].split(separator: ",") {
            guard let choice = Int(item) else { return nil }
            choices.append(choice)
        }
        return CachedVote(epoch: epoch, choices: choices)
    }
}
