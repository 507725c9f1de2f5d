/// A Redis reply, copied out of hiredis's reply tree.
public enum RESPValue: Sendable, Equatable {
    case bulk([UInt8])
    case status(String)
    case integer(Int64)
    case array([RESPValue])
    case null
    case error(String)

    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let s): s
        case .integer(let i): String(i)
        default: nil
        }
    }

    public var int64: Int64? {
        switch self {
        case .integer(let i): i
        case .bulk, .status: string.flatMap { Int64($0) }
        default: nil
        }
    }

    public var array: [RESPValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var isNull: Bool { self == .null }
}

/// One command: its arguments as bytes, sent with `redisAppendCommandArgv` (binary safe, no formatting).
public struct RedisCommand: Sendable, Equatable {
    public var arguments: [[UInt8]]

    public init(_ arguments: [String]) {
        self.arguments = arguments.map { Array($0.utf8) }
    }

    public init(_ arguments: String...) {
        self.init(arguments)
    }

    public init(bytes: [[UInt8]]) {
        self.arguments = bytes
    }

    public var name: String { arguments.first.map { String(decoding: $0, as: UTF8.self) } ?? "" }

    /// Commands whose second run changes nothing the first did not: reads, and writes that set a
    /// state rather than add to one. `INCR`, `ZINCRBY`, `LPUSH`, `LPUSHX`, `PUBLISH` and scripts are
    /// not (a repeat counts twice or adds a second entry), so a pipeline holding one is never
    /// re-sent after a connection dies mid-reply (`RedisShardPool.pipeline`).
    public var isIdempotent: Bool {
        Self.idempotent.contains(name.uppercased())
    }

    static let idempotent: Set<String> = [
        "PING", "GET", "MGET", "EXISTS", "TTL", "PTTL", "TYPE", "STRLEN", "LRANGE", "LLEN", "LINDEX",
        "SMEMBERS", "SISMEMBER", "SCARD", "ZRANGE", "ZREVRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZSCORE", "ZCARD",
        "HGET", "HMGET", "HGETALL", "HEXISTS", "PFCOUNT", "SCAN", "KEYS", "INFO", "DBSIZE", "CLUSTER", "EVALSHA_RO", "EVAL_RO",
        "SET", "MSET", "DEL", "UNLINK", "EXPIRE", "PEXPIRE", "EXPIREAT", "PERSIST", "HSET", "HDEL", "SADD", "SREM",
        "ZADD", "ZREM", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "PFADD", "LREM", "LTRIM", "ASKING", "SELECT",
    ]
}

public enum RedisError: Error, CustomStringConvertible, Sendable {
    case connectFailed(address: String, reason: String)
    case io(address: String, reason: String)
    /// The server answered a command with an error reply.
    case server(String)
    case unexpectedReply(String)
    case poolClosed

    public var description: String {
        switch self {
        case .connectFailed(let a, let r): "cannot connect to Redis at \(a): \(r)"
        case .io(let a, let r): "Redis I/O error at \(a): \(r)"
        case .server(let m): "Redis error reply: \(m)"
        case .unexpectedReply(let m): "unexpected Redis reply: \(m)"
        case .poolClosed: "Redis connection pool is shut down"
        }
    }
}

extension Array where Element == RESPValue {
    /// Throws the first error reply, so a pipeline's caller cannot silently ignore one.
    public func throwingFirstError() throws -> [RESPValue] {
        for value in self {
            if case .error(let message) = value { throw RedisError.server(message) }
        }
        return self
    }
}
