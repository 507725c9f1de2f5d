import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A subscription (to patterns, or to channels) on one Redis server, on a NIO channel of its own.
///
/// The subscriber's connection is in subscribe mode, so it carries nothing else; it lives on one of
/// the shared event loops, where its replies are parsed (hiredis's reader, as the multiplexed
/// connections' are) and each message is handed to `onMessage`. So a message wakes no thread of its
/// own: on a busy node the loop is awake anyway. (Every post sends every node a cache invalidation;
/// with a blocking hiredis connection on a thread per shard, an API node switched threads a fifth
/// more per post.) A dropped connection is re-dialled, on the next address if there are several,
/// pausing a second after trying them all: pub/sub messages sent while it was down are lost, which
/// is what pub/sub promises; timelines themselves live in lists.
///
/// A connection that reads nothing for `pingInterval` sends a `PING`, and one that still reads
/// nothing by the next interval is closed and dialled again: a frozen server, or a peer gone
/// without a word (a half-open connection), would otherwise hold a subscription that hears nothing
/// and says it is subscribed, until TCP's keepalive noticed, hours later.
public final class RedisSubscriber: Sendable {
    /// Where to subscribe: tried in turn after a failure. A Redis Cluster delivers every message
    /// to every node, so in cluster mode one subscriber over all nodes is enough.
    public var addresses: [(host: String, port: Int)] { connection.addresses }
    let patterns: [String]
    let channels: [String]
    let pingInterval: TimeAmount
    private let connection: KeptRedisConnection
    private let confirmations = Atomic<Int>(0)

    /// Subscribes to `patterns` (`PSUBSCRIBE`), or when there are none to `channels` (`SUBSCRIBE`).
    public init(addresses: [(host: String, port: Int)], patterns: [String] = [], channels: [String] = [], logger: Logger,
                pingInterval: Duration = .seconds(10), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        precondition(!patterns.isEmpty || !channels.isEmpty, "a subscriber needs something to subscribe to")
        self.patterns = patterns
        self.channels = channels
        self.pingInterval = TimeAmount(pingInterval)
        self.connection = KeptRedisConnection(addresses: addresses, purpose: "subscription", logger: logger, group: group)
    }

    /// Closes the connection: nothing is delivered once its event loop has seen the close, and it is
    /// not dialled again.
    public func stop() { connection.stop(closing: true) }

    /// Whether Redis has confirmed the subscription (since the last connection was made): messages
    /// published from then on reach `onMessage`.
    public var isSubscribed: Bool { confirmations.load(ordering: .acquiring) > 0 }

    /// Dials and subscribes, and keeps the subscription up until `stop()`. Returns at once;
    /// `onMessage` is called on the connection's event loop, in the order Redis sent the messages,
    /// so it must not block.
    public func start(onMessage: @escaping @Sendable (_ channel: String, _ payload: [UInt8]) -> Void) {
        let command = patterns.isEmpty ? RedisCommand(["SUBSCRIBE"] + channels) : RedisCommand(["PSUBSCRIBE"] + patterns)
        var encoded = ByteBuffer()
        RESPEncoder.write([command], into: &encoded)
        let request = encoded
        let pingInterval = self.pingInterval
        connection.start(
            makeHandler: { _ in
                RedisSubscriptionHandler(request: request, pingInterval: pingInterval, onConfirmed: { self.confirmations.add(1, ordering: .releasing) },
                                         onRejected: { self.connection.note($0) }, onMessage: onMessage)
            },
            onClose: { self.confirmations.store(0, ordering: .releasing) })  // not subscribed until the next connection's confirmation
    }
}

/// The subscriber's end of its connection: sends the subscription when the connection opens, then
/// parses what Redis pushes (`["pmessage", pattern, channel, payload]`, `["message", channel,
/// payload]`, and the confirmations `["psubscribe" or "subscribe", name, count]`). An error reply, or
/// bytes hiredis cannot parse, close the connection (the subscriber dials again). Lives on its
/// channel's event loop only, which is why the raw reader needs no lock.
final class RedisSubscriptionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let request: ByteBuffer
    let pingInterval: TimeAmount
    let onConfirmed: @Sendable () -> Void
    /// Told why the handler closes the connection.
    let onRejected: @Sendable (String) -> Void
    let onMessage: @Sendable (String, [UInt8]) -> Void
    private let reader = RESPReader()
    /// Whether anything was read since the last tick of the liveness check, and whether a `PING`
    /// is waiting for its answer.
    private var heard = false
    private var pinged = false
    private var liveness: RepeatedTask?

    private static let pmessage = Array("pmessage".utf8), message = Array("message".utf8)
    private static let psubscribe = Array("psubscribe".utf8), subscribe = Array("subscribe".utf8)
    private static let pong = Array("pong".utf8)
    private static let ping: ByteBuffer = {
        var buffer = ByteBuffer()
        RESPEncoder.write([RedisCommand("PING")], into: &buffer)
        return buffer
    }()

    init(request: ByteBuffer, pingInterval: TimeAmount, onConfirmed: @escaping @Sendable () -> Void, onRejected: @escaping @Sendable (String) -> Void,
         onMessage: @escaping @Sendable (String, [UInt8]) -> Void) {
        self.request = request
        self.pingInterval = pingInterval
        self.onConfirmed = onConfirmed
        self.onRejected = onRejected
        self.onMessage = onMessage
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(request), promise: nil)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        liveness = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
            let (handler, context) = loopBound.value
            handler.checkLiveness(context: context)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        liveness?.cancel()
        liveness = nil
        context.fireChannelInactive()
    }

    /// Each interval: silence after a `PING` closes the connection; silence alone sends one.
    private func checkLiveness(context: ChannelHandlerContext) {
        defer { heard = false }
        if heard {
            pinged = false
        } else if pinged {
            onRejected("no answer to PING within \(pingInterval.nanoseconds / 1_000_000) ms")
            context.close(promise: nil)
        } else {
            pinged = true
            context.writeAndFlush(NIOAny(Self.ping), promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        heard = true
        var rejected: String?
        let parsed = reader.read(unwrapInboundIn(data)) { reply in
            rejected = handle(reply)
            return rejected == nil
        }
        if !parsed { rejected = "protocol error" }
        if let rejected {
            onRejected(rejected)
            context.close(promise: nil)
        }
    }

    /// Delivers a message or counts a confirmation. Returns nil, or for a reply a subscription
    /// never gets, what it was.
    private func handle(_ reply: RESPValue) -> String? {
        if case .error(let message) = reply { return message }  // e.g. NOAUTH, or a subscription refused
        guard case .array(let parts) = reply, case .bulk(let kind)? = parts.first else { return "unexpected reply" }
        if parts.count == 4, kind == Self.pmessage, let channel = parts[2].string, case .bulk(let payload) = parts[3] {
            onMessage(channel, payload.array)
        } else if parts.count == 3, kind == Self.message, let channel = parts[1].string, case .bulk(let payload) = parts[2] {
            onMessage(channel, payload.array)
        } else if kind == Self.psubscribe || kind == Self.subscribe {
            onConfirmed()
        } else if kind == Self.pong {
            // The liveness check's answer: reading it was the point.
        } else {
            return "unexpected reply"
        }
        return nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        onRejected("\(error)")
        context.close(promise: nil)
    }
}
