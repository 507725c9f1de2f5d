import NIOCore

/// One pipeline handed to a connection: its commands already encoded as RESP, how many replies
/// to wait for, and where to deliver them.
struct RedisPipelineRequest: Sendable {
    var bytes: ByteBuffer
    var replyCount: Int
    var promise: EventLoopPromise<[RESPValue]>
}

/// Writes pipelines to a Redis server and completes them in order as the replies arrive.
///
/// Redis answers commands in the order it received them, so the handler keeps one FIFO of
/// outstanding pipelines: any number of callers share the connection, and their writes in one
/// event-loop tick leave in one `flush` (one syscall). Replies are parsed by hiredis's reader
/// (`redisReaderFeed`/`redisReaderGetReply`), fed straight from the channel's buffers, which
/// builds them as Swift values as it goes (`RESPReplyBuilder`).
///
/// A pipeline that gets no complete answer within `timeout` (plus a little per command) closes
/// the connection: replies are ordered, so one lost answer would shift every later one onto the
/// wrong caller. Closing fails every outstanding pipeline with `RedisError.io`; the pool dials
/// anew on the next call.
///
/// The handler lives on its channel's event loop only (NIO calls it there), which is why the raw
/// hiredis reader needs no lock.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisPipelineRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var promise: EventLoopPromise<[RESPValue]>
        var replyCount: Int
        var deadline: NIODeadline
    }

    let address: String
    let timeout: TimeAmount
    private let reader = RESPReader()
    private var pending = CircularBuffer<Pending>(initialCapacity: 16)
    /// The replies gathered so far for the oldest pending pipeline. Kept outside `pending`: an
    /// array mutated through the buffer's subscript would be copied on every append.
    private var replies: [RESPValue] = []
    private var flushScheduled = false
    private var timeoutCheck: Scheduled<Void>?
    private var failure: RedisError?
    private var context: ChannelHandlerContext?

    /// Extra time a pipeline gets per reply it waits for, beyond `timeout`.
    static let allowancePerReplyMicros: Int64 = 20

    init(address: String, timeout: TimeAmount) {
        self.address = address
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(RedisError.io(address: address, reason: "connection closed"))
        timeoutCheck?.cancel()
        self.context = nil
    }

    /// Hands a pipeline to the handler of `channel` and returns its replies. Fails with a
    /// `RedisError.io` whose reason starts with `RedisShardPool.notSent` when the channel had
    /// closed before the handler saw it (nothing was sent: safe to send again).
    static func send(_ commands: [RedisCommand], to channel: any Channel, address: String) -> EventLoopFuture<[RESPValue]> {
        var buffer = channel.allocator.buffer(capacity: 0)
        RESPEncoder.write(commands, into: &buffer)  // reserves the exact size
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        // If the channel closed before the handler saw the request, the write fails here and
        // the handler never owns the promise: fail it ourselves. Otherwise the handler completes it.
        channel.write(RedisPipelineRequest(bytes: buffer, replyCount: commands.count, promise: promise))
            .whenFailure { error in
                let unsent = (error as? ChannelError) == .ioOnClosedChannel || (error as? ChannelError) == .alreadyClosed
                promise.fail(RedisError.io(address: address, reason: (unsent ? RedisShardPool.notSent : "") + "\(error)"))
            }
        return promise.futureResult
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed()  // the reply promise now belongs to this handler, which always completes it
        if let failure {
            request.promise.fail(failure)
            return
        }
        if request.replyCount == 0 {
            request.promise.succeed([])
            return
        }
        // A long pipeline (a fan-out batch: thousands of commands) gets time in proportion to its length.
        let allowance = timeout + .microseconds(Int64(request.replyCount) * Self.allowancePerReplyMicros)
        pending.append(Pending(promise: request.promise, replyCount: request.replyCount, deadline: .now() + allowance))
        context.write(wrapOutboundOut(request.bytes), promise: nil)
        if timeoutCheck == nil { armTimeout(context: context) }
        // Coalesce: every write queued on this loop before the flush task runs leaves in one syscall.
        if !flushScheduled {
            flushScheduled = true
            context.eventLoop.assumeIsolated().execute { [self] in
                flushScheduled = false
                self.context?.flush()
            }
        }
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let parsed = reader.read(unwrapInboundIn(data)) { deliver($0, context: context) }
        if !parsed { fail(context: context, RedisError.io(address: address, reason: "protocol error")) }
    }

    /// Completes the oldest pipeline with the reply; false when nobody asked for one.
    private func deliver(_ value: RESPValue, context: ChannelHandlerContext) -> Bool {
        guard !pending.isEmpty else {
            // A reply nobody asked for: the stream is out of step and cannot be trusted.
            fail(context: context, RedisError.io(address: address, reason: "unexpected reply"))
            return false
        }
        let head = pending[pending.startIndex]
        if replies.isEmpty { replies.reserveCapacity(head.replyCount) }
        replies.append(value)
        if replies.count == head.replyCount {
            pending.removeFirst()
            let done = replies
            replies = []
            head.promise.succeed(done)
        }
        return true
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, RedisError.io(address: address, reason: "connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, RedisError.io(address: address, reason: "\(error)"))
    }

    // MARK: Timeouts and failure

    /// One timer for the whole connection, checking the oldest outstanding pipeline: cheaper than a
    /// scheduled task per call, and the oldest is the one whose answer is due first.
    private func armTimeout(context: ChannelHandlerContext) {
        guard let first = pending.first else {
            timeoutCheck = nil
            return
        }
        timeoutCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: first.deadline) { [self] in
            timeoutCheck = nil
            guard let context = self.context else { return }
            if let oldest = pending.first, oldest.deadline <= .now() {
                fail(context: context, RedisError.io(address: address, reason: "timed out"))
            } else {
                armTimeout(context: context)
            }
        }
    }

    private func fail(context: ChannelHandlerContext, _ error: RedisError) {
        if failure == nil { failure = error }
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
        if failure == nil { failure = error }
        replies = []
        reader.reset()
        while let item = pending.popFirst() {
            item.promise.fail(error)
        }
    }
}

/// Appends commands to a buffer in RESP's request form (`*N\r\n$len\r\narg\r\n…`), the bytes
/// `redisFormatCommandArgv` would produce, without a C allocation or a copy of the arguments.
enum RESPEncoder {
    /// The exact size of the commands' RESP text.
    static func encodedSize(_ commands: [RedisCommand]) -> Int {
        var size = 0
        for command in commands {
            size += 3 + decimalLength(command.argumentCount)  // *N\r\n
            command.forEachArgument { argument in size += 5 + decimalLength(argument.count) + argument.count }  // $L\r\n…\r\n
        }
        return size
    }

    /// Writes the commands as RESP arrays of bulk strings, into memory reserved once: a fan-out
    /// pipeline holds thousands of commands, and writing them through `ByteBuffer`'s per-call
    /// checks (capacity, uniqueness) was a sixth of a worker's CPU.
    static func write(_ commands: [RedisCommand], into buffer: inout ByteBuffer) {
        let size = encodedSize(commands)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            var at = 0
            func put(_ byte: UInt8) {
                base[at] = byte
                at += 1
            }
            func putDecimal(_ value: Int) {
                let length = decimalLength(value)
                var rest = value
                for position in stride(from: at + length - 1, through: at, by: -1) {
                    base[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                }
                at += length
            }
            for command in commands {
                put(UInt8(ascii: "*"))
                putDecimal(command.argumentCount)
                put(0x0D)
                put(0x0A)
                command.forEachArgument { bytes in
                    put(UInt8(ascii: "$"))
                    putDecimal(bytes.count)
                    put(0x0D)
                    put(0x0A)
                    if let source = bytes.baseAddress, bytes.count > 0 {
                        (base + at).update(from: source, count: bytes.count)
                    }
                    at += bytes.count
                    put(0x0D)
                    put(0x0A)
                }
            }
            precondition(at == size, "RESP size mismatch")
            return at
        }
    }

    /// Digits of a non-negative count in decimal.
    @inline(__always)
    static func decimalLength(_ value: Int) -> Int {
        var length = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            length += 1
        }
        return length
    }
}
