import NIOCore

/// Tells a long response (server-sent events) that its client has gone.
///
/// Hummingbird keeps a connection open after the client closes its side (half-closure), and a
/// stream that only writes learns of the close at its second heartbeat write after it: 30 to 45 s
/// during which the node kept the client registered, queued its events and counted it against
/// `StreamingHub.maxClients`. A client that reconnects every few seconds piled such streams up.
/// This handler sees the end of the client's input (or the connection's end) as it happens;
/// `future(of:)` hands it to the stream, which then ends.
final class ConnectionInputWatch: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private var closing: EventLoopPromise<Void>?
    /// Completed once, when the client's side closes or the connection ends.
    private(set) var closed: EventLoopFuture<Void>?

    func handlerAdded(context: ChannelHandlerContext) {
        let promise = context.eventLoop.makePromise(of: Void.self)
        closing = promise
        closed = promise.futureResult
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .some(.inputClosed) = event as? ChannelEvent { end() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    private func end() {
        closing?.succeed()
        closing = nil
    }

    /// Completes when `channel`'s client has closed its side or the connection has ended; nil on a
    /// channel without the watch (tests that call the router directly).
    static func future(of channel: any Channel) async -> EventLoopFuture<Void>? {
        try? await channel.eventLoop.submit {
            try? channel.pipeline.syncOperations.handler(type: ConnectionInputWatch.self).closed
        }.get()
    }
}
