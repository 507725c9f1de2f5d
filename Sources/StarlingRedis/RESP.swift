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
        case .bulk(let bytes): Self.int64(bytes)
        case .status(let s): Int64(s)
        default: nil
        }
    }

    /// `Int64(String(decoding: bytes, as: UTF8.self))`, read over the bytes: a home read parses
    /// its list's ids this way, 80 of them, and each made a String first (ids are too long to be
    /// stored inline: a heap allocation each). An optional sign, then one or more digits.
    static func int64(_ bytes: [UInt8]) -> Int64? {
        bytes.withUnsafeBufferPointer { digits -> Int64? in
            guard let first = digits.first else { return nil }
            let negative = first == UInt8(ascii: "-")
            let start = negative || first == UInt8(ascii: "+") ? 1 : 0
            guard start < digits.count else { return nil }
            // Accumulated as a negative number, which reaches Int64.min.
            var value: Int64 = 0
            for index in start..<digits.count {
                let digit = digits[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = times.subtractingReportingOverflow(Int64(digit))
                guard !overflow1 && !overflow2 else { return nil }
                value = next
            }
            if negative { return value }
            return value == .min ? nil : -value
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
