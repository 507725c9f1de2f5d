import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A push service on 127.0.0.1 for the tests (the role FCM or Mozilla's autopush plays): it
/// records every request it receives and answers with the status the test chooses for it.
final class TestPushService: Sendable {
    struct Received: Sendable {
        let path: String
        let headers: [String: String]
        let body: Data
        let at: ContinuousClock.Instant
    }

    private let state = NIOLockedValueBox<[Received]>([])
    /// The status for the n-th request (0-based).
    private let respond: @Sendable (Int) -> Int
    private let channel: any Channel
    let port: Int

    private init(channel: any Channel, respond: @escaping @Sendable (Int) -> Int) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.respond = respond
    }

    static func start(respond: @escaping @Sendable (Int) -> Int = { _ in 201 }) async throws -> TestPushService {
        let box = NIOLockedValueBox<TestPushService?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler { head, body in
                        box.withLockedValue { $0 }?.record(head, body) ?? 500
                    })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let service = TestPushService(channel: channel, respond: respond)
        box.withLockedValue { $0 = service }
        return service
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    var requests: [Received] { state.withLockedValue { $0 } }

    private func record(_ head: HTTPRequestHead, _ body: ByteBuffer) -> Int {
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        let index = state.withLockedValue { list in
            list.append(Received(path: head.uri, headers: headers, body: Data(body.readableBytesView), at: .now))
            return list.count - 1
        }
        return respond(index)
    }

    /// Waits until `count` requests have arrived, checking as they come; nil after `timeout`.
    func waitFor(count: Int, timeout: Duration = .seconds(5)) async throws -> [Received]? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let seen = requests
            if seen.count >= count { return seen }
            try await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        // Used only on its channel's event loop, as NIO runs every handler.
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let onRequest: (HTTPRequestHead, ByteBuffer) -> Int
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(onRequest: @escaping (HTTPRequestHead, ByteBuffer) -> Int) {
            self.onRequest = onRequest
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let status = onRequest(head, body)
                var headers = HTTPHeaders([("Content-Length", "0")])
                if status == 201 { headers.add(name: "Location", value: "/message/\(UUID().uuidString)") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: headers))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
