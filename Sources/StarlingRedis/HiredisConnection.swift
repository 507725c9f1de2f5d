import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// One blocking hiredis connection, with hiredis's own reply objects: the reference the
/// multiplexed client's replies are checked against (`RedisClientTests`). Nothing in the nodes
/// uses it; every connection they make is a NIO channel.
///
/// `@unchecked Sendable` is safe because a connection is used by one caller at a time; the raw
/// `redisContext` is never shared between threads concurrently.
final class HiredisConnection: @unchecked Sendable {
    let address: String
    let context: UnsafeMutablePointer<redisContext>

    init(host: String, port: Int, timeoutSeconds: Double) throws {
        self.address = "\(host):\(port)"
        let tv = timeval(tv_sec: Int(timeoutSeconds), tv_usec: Int((timeoutSeconds - Double(Int(timeoutSeconds))) * 1_000_000))
        guard let context = redisConnectWithTimeout(host, Int32(port), tv) else {
            throw RedisError.connectFailed(address: "\(host):\(port)", reason: "out of memory")
        }
        if context.pointee.err != 0 {
            let reason = Self.errorString(context)
            redisFree(context)
            throw RedisError.connectFailed(address: "\(host):\(port)", reason: reason)
        }
        // A command that does not answer within the timeout breaks the connection instead of hanging a thread.
        redisSetTimeout(context, tv)
        self.context = context
    }

    deinit {
        redisFree(context)
    }

    /// True once hiredis has seen an I/O or protocol error: the connection must be discarded.
    var isBroken: Bool { context.pointee.err != 0 }

    /// Sends all commands in one write, then reads one reply per command. Blocking.
    func pipeline(_ commands: [RedisCommand]) throws -> [RESPValue] {
        for command in commands {
            try append(command)
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                throw RedisError.io(address: address, reason: Self.errorString(context))
            }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.convert(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    private func append(_ command: RedisCommand) throws {
        // One contiguous buffer for all arguments; argv points into it.
        var storage: [UInt8] = []
        storage.reserveCapacity(command.arguments.reduce(1) { $0 + $1.count })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in command.arguments {
            offsets.append(storage.count)
            lengths.append(argument.count)
            storage.append(contentsOf: argument)
        }
        storage.append(0)  // never empty, so the buffer always has a base address
        let status: Int32 = storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var argv: [UnsafePointer<CChar>?] = offsets.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            return argv.withUnsafeMutableBufferPointer { argvBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    redisAppendCommandArgv(context, Int32(argvBuffer.count), argvBuffer.baseAddress, lengthBuffer.baseAddress)
                }
            }
        }
        guard status == REDIS_OK else {
            throw RedisError.io(address: address, reason: Self.errorString(context))
        }
    }

    static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RESPValue {
        let r = reply.pointee
        switch r.type {
        case 1:  // REDIS_REPLY_STRING
            return .bulk(RESPBytes(bytes(r.str, r.len)))
        case 2:  // REDIS_REPLY_ARRAY
            var items: [RESPValue] = []
            items.reserveCapacity(r.elements)
            for i in 0..<r.elements {
                if let element = r.element[i] { items.append(convert(element)) } else { items.append(.null) }
            }
            return .array(items)
        case 3:  // REDIS_REPLY_INTEGER
            return .integer(r.integer)
        case 5:  // REDIS_REPLY_STATUS
            return .status(String(decoding: bytes(r.str, r.len), as: UTF8.self))
        case 6:  // REDIS_REPLY_ERROR
            return .error(String(decoding: bytes(r.str, r.len), as: UTF8.self))
        default:  // REDIS_REPLY_NIL
            return .null
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length).bindMemory(to: UInt8.self))
    }

    static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafePointer(to: &context.pointee.errstr) {
            $0.withMemoryRebound(to: CChar.self, capacity: 128) { String(cString: $0) }
        }
    }
}
