import HTTPTypes
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import StarlingStore

/// The API's HTTP/1 child channel: Hummingbird's WebSocket-upgrading channel, run on the event loop
/// that owns the connection, plus an answer to a connection's first request when it cannot be parsed,
/// and a signal when the client closes its side (`ConnectionInputWatch`).
///
/// Why: while the first request's head is being read, the WebSocket upgrade handler owns the
/// connection, and Hummingbird answers parse errors only once it has handed over (from the second
/// request on). An unknown method (`FOO / HTTP/1.1`), a NUL byte in a header or an oversized
/// header was left unanswered on an open connection until the client gave up. `FirstRequestParseErrors`
/// answers them at once with a 400 in Mastodon's format and closes the connection.
struct ParseErrorAnsweringChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            // Right after the request decoder, whose errors it catches; before the upgrade handler.
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(FirstRequestParseErrors(), position: .after(decoder))
            try pipeline.addHandler(ConnectionInputWatch(), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        // The connection's requests run on the event loop that owns its socket (`EventLoopTaskExecutor`).
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await base.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// `.http1WebSocketUpgrade`, with unparseable first requests answered (`ParseErrorAnsweringChannel`).
    static func starlingHTTP1(
        shouldUpgrade: @escaping @Sendable (HTTPRequest, any Channel, Logger) async throws
            -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ParseErrorAnsweringChannel(base: HTTP1WebSocketUpgradeChannel(
                responder: responder, configuration: WebSocketServerConfiguration(), shouldUpgrade: shouldUpgrade))
        }
    }
}

/// Answers an HTTP parse error that arrives before the connection's first request head with a 400
/// (`{"error": …}`, `Connection: close`) and closes the connection. It leaves the pipeline as soon
/// as a first head passes: from then on Hummingbird answers parse errors itself, and a WebSocket
/// upgrade must not find it in the way of its frames.
final class FirstRequestParseErrors: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Only the decoder's first output reaches here (the handler leaves at once), and it is a head.
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let body = ByteBuffer(string: #"{"error":"\#(Self.message(parseError))"}"#)
        let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: [
            "Content-Type": "application/json; charset=utf-8", "Content-Length": String(body.readableBytes), "Connection": "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            // Told as the peer's end of input, the upgrade handler gives up quietly (its future fails
            // with `inputClosed`, which Hummingbird logs at trace level) and closes the connection.
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            context.close(promise: nil)
        }
    }

    /// What was wrong, in words a client can act on (no input echoed back).
    static func message(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidMethod: "Unknown HTTP method"
        case .headerOverflow: "Request headers are too large"
        case .invalidHeaderToken, .invalidConstant: "Malformed request header"
        case .invalidURL: "Malformed request URL"
        default: "Malformed HTTP request"
        }
    }
}
