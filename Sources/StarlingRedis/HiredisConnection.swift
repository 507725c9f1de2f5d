import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// One blocking hiredis connection.
///
/// `@unchecked Sendable` is safe because a connection is only ever used by the one task that has
/// it checked out of its `RedisShardPool`, and that task runs every call on the pool's dedicated
/// thread pool, one call at a time. The raw `redisContext` is never shared between threads concurrently.
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

    /// Sends `command` (a `SUBSCRIBE` or `PSUBSCRIBE`) and hands every reply that follows to
    /// `handle` until `shouldStop` returns true, waiting for the socket a second at a time.
    /// Blocking. The replies are built by a `RESPReplyBuilder` installed as this connection's
    /// reader, as the multiplexed client's are: hiredis's own reply objects, copied into Swift
    /// values and freed, were a sixth of an API node's allocations under posting (every node gets
    /// every post's stream events and cache invalidations). The connection is used for nothing else
    /// afterwards.
    func subscribe(_ command: RedisCommand, until shouldStop: () -> Bool, _ handle: (RESPValue) -> Void) throws {
        let builder = RESPReplyBuilder()
        guard let reader = builder.makeReader() else { throw RedisError.io(address: address, reason: "out of memory") }
        // Nothing has been read on this connection yet, so the old reader holds no bytes. The new
        // one is freed with the context; its free function touches no builder.
        redisReaderFree(context.pointee.reader)
        context.pointee.reader = reader
        try withExtendedLifetime(builder) {
            try append(command)
            var done: Int32 = 0
            repeat {
                guard redisBufferWrite(context, &done) == REDIS_OK else {
                    throw RedisError.io(address: address, reason: Self.errorString(context))
                }
            } while done == 0
            while !shouldStop() {
                var raw: UnsafeMutableRawPointer?
                // A reply may already be buffered from the last read.
                guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
                    throw RedisError.io(address: address, reason: "protocol error")
                }
                if raw != nil {
                    handle(builder.take())
                    continue
                }
                var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, 1000)
                if ready < 0 && errno != EINTR { throw RedisError.io(address: address, reason: "poll failed") }
                if ready > 0 {
                    guard redisBufferRead(context) == REDIS_OK else {
                        throw RedisError.io(address: address, reason: Self.errorString(context))
                    }
                }
            }
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
