/// A Redis reply, built by hiredis's reader straight into Swift values (`RESPReplyBuilder`).
public enum RESPValue: Sendable, Equatable {
    case bulk(RESPBytes)
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
        case .bulk(let bytes): bytes.withUnsafeBufferPointer { Self.int64($0) }
        case .status(let s): Int64(s)
        default: nil
        }
    }

    /// `Int64(String(decoding: bytes, as: UTF8.self))`, read over the bytes: a home read parses
    /// its list's ids this way, 80 of them, and each made a String first (ids are too long to be
    /// stored inline: a heap allocation each). An optional sign, then one or more digits.
    static func int64(_ digits: UnsafeBufferPointer<UInt8>) -> Int64? {
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

    public var array: [RESPValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var isNull: Bool { self == .null }
}

/// A bulk string's bytes: a range of the one array that holds every bulk string of its reply, so
/// a reply of many strings (an `MGET` of a page's statuses) is one allocation, not one per string.
/// Indices run from 0 like an array's.
public struct RESPBytes: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
    let storage: [UInt8]
    let offset: Int
    public let count: Int

    public init(_ bytes: [UInt8]) {
        storage = bytes
        offset = 0
        count = bytes.count
    }

    init(storage: [UInt8], offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= storage.count, "RESPBytes out of its storage")
        self.storage = storage
        self.offset = offset
        self.count = count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < count, "RESPBytes index out of range")
        return storage[offset + position]
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { all in
            try body(count == 0 ? UnsafeBufferPointer(start: nil, count: 0) : UnsafeBufferPointer(rebasing: all[offset..<offset + count]))
        }
    }

    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        try withUnsafeBufferPointer(body)
    }

    /// The bytes as an array of their own (a copy).
    public var array: [UInt8] { withUnsafeBufferPointer { Array($0) } }

    public static func == (lhs: RESPBytes, rhs: RESPBytes) -> Bool {
        lhs.withUnsafeBufferPointer { l in rhs.withUnsafeBufferPointer { r in l.elementsEqual(r) } }
    }

    public static func == (lhs: RESPBytes, rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBufferPointer { l in rhs.withUnsafeBufferPointer { r in l.elementsEqual(r) } }
    }

    public var description: String { String(decoding: self, as: UTF8.self).debugDescription }
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

    /// `PUBLISH channel payload`, the payload as bytes (stream events, invalidations, wake-ups).
    public static func publish(_ channel: String, _ payload: [UInt8]) -> RedisCommand {
        RedisCommand(bytes: [Array("PUBLISH".utf8), Array(channel.utf8), payload])
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
