import Crypto
import Synchronization

/// A Lua script called by `EVALSHA`, so a pipeline of a thousand calls carries a 40-byte digest
/// each instead of the script's text. A server that has not seen the script yet (a fresh or
/// restarted shard) answers `NOSCRIPT`; `ShardedRedis` then runs those calls again with `EVAL`,
/// which also caches the script there. Nothing ran for a `NOSCRIPT` reply, so the retry is safe
/// for scripts that are not idempotent.
public struct RedisScript: Sendable {
    public let source: String
    /// The SHA-1 of `source` in lowercase hex, as `EVALSHA` takes it.
    public let digest: [UInt8]

    public init(_ source: String) {
        self.source = source
        let hex = Array("0123456789abcdef".utf8)
        self.digest = Insecure.SHA1.hash(data: Array(source.utf8)).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0xf)]] }
        Self.known.withLock { $0[digest] = Array(source.utf8) }
    }

    /// `EVALSHA digest 1 key args…`: a call of the script on one key.
    public func call(key: [UInt8], _ arguments: [[UInt8]]) -> RedisCommand {
        call(keys: [key], arguments)
    }

    /// `EVALSHA digest N keys… args…`; the first key routes the call, and all must share its slot.
    public func call(keys: [[UInt8]], _ arguments: [[UInt8]]) -> RedisCommand {
        RedisCommand(bytes: [Self.evalsha, digest, Array(String(keys.count).utf8)] + keys + arguments)
    }

    /// Every script made in this process, by digest: what a `NOSCRIPT` reply's command is re-sent with.
    private static let known = Mutex<[[UInt8]: [UInt8]]>([:])
    private static let evalsha = Array("EVALSHA".utf8), eval = Array("EVAL".utf8)

    /// The `EVAL` form of an `EVALSHA` command of a known script, for a server that answered `NOSCRIPT`.
    static func evalForm(of command: RedisCommand) -> RedisCommand? {
        let arguments = command.arguments
        guard arguments.count >= 2, arguments[0] == evalsha,
              let source = known.withLock({ $0[arguments[1]] }) else { return nil }
        return RedisCommand(bytes: [eval, source] + arguments.dropFirst(2))
    }

    static func isNoScript(_ reply: RESPValue) -> Bool {
        if case .error(let message) = reply { return message.hasPrefix("NOSCRIPT") }
        return false
    }
}
