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

/// One command: its arguments as bytes, written as RESP by `RESPEncoder` (binary safe, no formatting).
///
/// The arguments are held one of two ways. Most commands hold an array per argument, so an argument
/// built once can be shared (fan-out sends a list's key in its `LPUSHX` and again in its `LTRIM`).
/// A command of arguments built for it alone (a page's flag lookup has 80 members, its `MGET`s 40
/// keys; every command made of Strings) is *packed*: every argument's bytes back to back in one
/// array, so it costs two allocations rather than one per argument (`packed`, `append`,
/// `appendArgument`).
public struct RedisCommand: Sendable, Equatable {
    enum Storage: Sendable {
        case separate([[UInt8]])
        /// Every argument's bytes in order, and where each one ends.
        case packed(bytes: [UInt8], ends: [Int])
    }

    private(set) var storage: Storage

    /// A command of Strings, packed: nothing shares its arguments.
    public init(_ arguments: [String]) {
        var bytes: [UInt8] = [], ends: [Int] = []
        bytes.reserveCapacity(arguments.reduce(0) { $0 + $1.utf8.count })
        ends.reserveCapacity(arguments.count)
        for argument in arguments {
            bytes += argument.utf8
            ends.append(bytes.count)
        }
        storage = .packed(bytes: bytes, ends: ends)
    }

    public init(_ arguments: String...) {
        self.init(arguments)
    }

    public init(bytes: [[UInt8]]) {
        storage = .separate(bytes)
    }

    /// A packed command of `name`, with room for `capacity` bytes of arguments (the name's
    /// included) and `arguments` arguments, filled by `append` and `appendArgument`.
    public static func packed(_ name: [UInt8], capacity: Int, arguments: Int) -> RedisCommand {
        var bytes: [UInt8] = [], ends: [Int] = []
        bytes.reserveCapacity(max(capacity, name.count))
        ends.reserveCapacity(max(arguments, 1))
        bytes += name
        ends.append(bytes.count)
        return RedisCommand(storage: .packed(bytes: bytes, ends: ends))
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// Adds an argument.
    public mutating func append(_ argument: [UInt8]) {
        appendArgument { $0 += argument }
    }

    /// Adds an argument whose bytes `write` appends (in place, for a packed command).
    public mutating func appendArgument(_ write: (inout [UInt8]) -> Void) {
        switch storage {
        case .separate(var arguments):
            storage = .separate([])  // the array uniquely referenced while it grows
            var argument: [UInt8] = []
            write(&argument)
            arguments.append(argument)
            storage = .separate(arguments)
        case .packed(var bytes, var ends):
            storage = .separate([])
            write(&bytes)
            ends.append(bytes.count)
            storage = .packed(bytes: bytes, ends: ends)
        }
    }

    public var argumentCount: Int {
        switch storage {
        case .separate(let arguments): arguments.count
        case .packed(_, let ends): ends.count
        }
    }

    /// Calls `body` with each argument's bytes, in order, without copying them.
    func forEachArgument(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        switch storage {
        case .separate(let arguments):
            for argument in arguments { argument.withUnsafeBufferPointer(body) }
        case .packed(let bytes, let ends):
            bytes.withUnsafeBufferPointer { all in
                var start = 0
                for end in ends {
                    body(UnsafeBufferPointer(rebasing: all[start..<end]))
                    start = end
                }
            }
        }
    }

    /// The argument at `index` (a copy), or nil past the last.
    public func argument(at index: Int) -> [UInt8]? {
        switch storage {
        case .separate(let arguments):
            return index < arguments.count ? arguments[index] : nil
        case .packed(let bytes, let ends):
            guard index < ends.count else { return nil }
            return Array(bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
        }
    }

    /// Every argument as an array of its own (copies, for a packed command): cold paths and tests.
    public var arguments: [[UInt8]] {
        switch storage {
        case .separate(let arguments): return arguments
        case .packed:
            var out: [[UInt8]] = []
            out.reserveCapacity(argumentCount)
            forEachArgument { out.append(Array($0)) }
            return out
        }
    }

    /// `PUBLISH channel payload`, the payload as bytes (stream events, invalidations, wake-ups).
    public static func publish(_ channel: String, _ payload: [UInt8]) -> RedisCommand {
        RedisCommand(bytes: [Array("PUBLISH".utf8), Array(channel.utf8), payload])
    }

    public var name: String { argument(at: 0).map { String(decoding: $0, as: UTF8.self) } ?? "" }

    /// Equal when the arguments are, however they are held.
    public static func == (lhs: RedisCommand, rhs: RedisCommand) -> Bool {
        lhs.arguments == rhs.arguments
    }

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
