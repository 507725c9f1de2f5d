import Foundation
import HTTPTypes
import NIOCore
import NIOPosix
@testable import StarlingAPI
import Testing

/// What schemathesis (tests/fuzz) found, kept as regressions: each input is answered with a clear
/// Mastodon-format 4xx, writes nothing, and the node goes on serving.
@Suite struct HostileInputTests {
    /// Control characters are refused where parameters are decoded (query, form, JSON, path
    /// segments); tab, line feed and carriage return are text.
    @Test func controlCharactersAreRefusedWhereParametersAreRead() throws {
        for encoded in ["%00", "a%00b", "%01", "%1F", "%7F", "%1B%5B31m"] {
            #expect(throws: MastodonError.self, "\(encoded)") { try Params.decode(Substring(encoded)) }
            #expect(Params.tryDecode(encoded) == nil, "path segment \(encoded)")
        }
        #expect(try Params.decode("a%09b%0Ac%0D") == "a\tb\nc\r")
        #expect(try Params.decode("caf%C3%A9+%F0%9F%90%A6") == "café 🐦")
        var params = Params()
        #expect(throws: MastodonError.self) { try params.addJSON(Array(#"{"status": "a\u0000b"}"#.utf8)) }
        #expect(throws: MastodonError.self) { try params.addJSON(Array(#"{"home": {"last_read_id": "\u0001"}}"#.utf8)) }
        #expect(throws: MastodonError.self) { try params.addJSON(Array(#"{"id": ["1", "\u007f"]}"#.utf8)) }
        #expect(throws: MastodonError.self) { try params.addJSON(Array(#"{"a\u0000": "b"}"#.utf8)) }
        try params.addJSON(Array(#"{"status": "two\nlines\tand a tab"}"#.utf8))
        #expect(params["status"] == "two\nlines\tand a tab")
    }

    /// NUL in a query string reached PostgreSQL (which refuses NUL in text) and answered 500.
    @Test(.enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS"))
    func nulInParametersIsA422AndWritesNothing() async throws {
        try await Harness.with { h in
            let user = try await h.register("nul")
            for path in ["/api/v1/accounts/lookup?acct=%00", "/api/v2/search?q=%00", "/api/v2/search?q=%40%00",
                         "/api/v1/timelines/public?max_id=1%00", "/.well-known/webfinger?resource=acct:%00@x"] {
                let reply = try await h.call(.get, path, token: user.token)
                #expect(reply.status == .unprocessableContent, "\(path)")
                #expect(reply.error?.contains("control characters") == true, "\(path): \(reply.error ?? "no error")")
            }
            let before = try await h.call(.get, "/api/v1/accounts/verify_credentials", token: user.token).object["statuses_count"] as? Int
            let form = try await h.call(.post, "/api/v1/statuses", token: user.token, form: ["status": "nul \u{0} here"])
            #expect(form.status == .unprocessableContent)
            let json = try await h.call(.post, "/api/v1/statuses", token: user.token,
                                        rawBody: Array(#"{"status": "bell \u0007"}"#.utf8), contentType: "application/json")
            #expect(json.status == .unprocessableContent)
            let profile = try await h.call(.patch, "/api/v1/accounts/update_credentials", token: user.token, form: ["note": "\u{1}"])
            #expect(profile.status == .unprocessableContent)
            let after = try await h.call(.get, "/api/v1/accounts/verify_credentials", token: user.token)
            #expect(after.object["statuses_count"] as? Int == before)
            #expect(after.string("note") == "")
            // The node still serves: a good post goes through.
            #expect(try await h.call(.post, "/api/v1/statuses", token: user.token, form: ["status": "still here\n\tindented"]).status == .ok)
        }
    }

    /// `/api/v1/streaming/health` answered without a content type.
    /// The bearer scheme in any case, the token without the whitespace around it (ASCII and
    /// Unicode spaces, as Foundation trims them), anything else refused.
    @Test func bearerTokensAreFoundAsTheHeaderSpellsThem() {
        #expect(BearerToken.find(authorization: "Bearer abc-123_x", accessToken: nil) == "abc-123_x")
        #expect(BearerToken.find(authorization: "bEaReR abc", accessToken: nil) == "abc")
        #expect(BearerToken.find(authorization: "BEARER \tabc \t", accessToken: nil) == "abc")
        #expect(BearerToken.find(authorization: "Bearer abc\u{00A0}", accessToken: nil) == "abc")
        #expect(BearerToken.find(authorization: "Bearer \u{3000}abc", accessToken: nil) == "abc")
        #expect(BearerToken.find(authorization: "Bearer x\u{00E9}", accessToken: nil) == "x\u{00E9}")
        #expect(BearerToken.find(authorization: "Basic abc", accessToken: nil) == nil)
        #expect(BearerToken.find(authorization: "Bearerx abc", accessToken: nil) == nil)
        #expect(BearerToken.find(authorization: "Bëarer abc", accessToken: nil) == nil)
        #expect(BearerToken.find(authorization: "Bearer   ", accessToken: nil) == nil)
        #expect(BearerToken.find(authorization: "Basic abc", accessToken: "param") == "param")
        #expect(BearerToken.find(authorization: "Bearer " + String(repeating: "a", count: 257), accessToken: nil) == nil)
    }

    @Test func streamingHealthSaysItIsText() async throws {
        let (_, node) = try OpenAPIDocumentTests.router()
        try await node.app.test(.router) { client in
            try await client.execute(uri: "/api/v1/streaming/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(String(buffer: response.body) == "OK")
            }
        }
    }

    /// A connection's first request that cannot be parsed (unknown method, NUL in a header, a
    /// header past the decoder's limit) was left unanswered until the client gave up; later
    /// requests were already answered by Hummingbird. Each is now a 400 and the connection closes.
    @Test(.enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS"))
    func unparseableRequestsAreAnsweredAtOnce() async throws {
        var options = Harness.Options()
        options.live = true
        try await Harness.with(options) { h in
            let port = try #require(h.client.port)
            let bad: [(String, [UInt8])] = [
                ("unknown method", Array("FOO / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
                ("NUL in a header", Array("GET /health HTTP/1.1\r\nHost: x\r\nX-A: a".utf8) + [0] + Array("b\r\n\r\n".utf8)),
                ("100 KB header", Array("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n".utf8)),
                ("100 KB query", Array("GET /api/v1/accounts/lookup?acct=\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
                ("second request", Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\nFOO / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
            ]
            for (name, bytes) in bad {
                let (reply, elapsed) = try await Self.exchange(port: port, bytes, timeout: .seconds(5))
                #expect(elapsed < .seconds(4), "\(name): answered and closed at once, not after the client's timeout")
                #expect(reply.contains("HTTP/1.1 400 Bad Request"), "\(name): \(reply.prefix(200))")
                #expect(reply.lowercased().contains("connection: close"), "\(name)")
            }
            let (first, _) = try await Self.exchange(port: port, Array("FOO / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), timeout: .seconds(5))
            #expect(first.contains(#"{"error":"Unknown HTTP method"}"#), "Mastodon's format: \(first)")
            // The node goes on serving, a WebSocket upgrade included.
            #expect(try await h.call(.get, "/health").status == .ok)
            let (upgrade, _) = try await Self.exchange(port: port, Array("""
                GET /api/v1/streaming?stream=public&access_token=\(h.appToken) HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\
                Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n
                """.utf8), timeout: .seconds(1))
            #expect(upgrade.hasPrefix("HTTP/1.1 101"), "\(upgrade.prefix(200))")
        }
    }

    /// A stream whose client closes its side ends at once (`ConnectionInputWatch`). It used to run
    /// on until a heartbeat write failed, 30 s or more, holding its place among the node's clients.
    @Test(.enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS"))
    func aStreamEndsWhenItsClientLeaves() async throws {
        var options = Harness.Options()
        options.live = true
        try await Harness.with(options) { h in
            let port = try #require(h.client.port)
            let request = "GET /api/v1/streaming/public?access_token=\(h.appToken) HTTP/1.1\r\nHost: x\r\n\r\n"
            // Longer than a heartbeat (15 s): without the watch, the node would still be streaming.
            let (reply, elapsed) = try await Self.exchange(port: port, Array(request.utf8), timeout: .seconds(20), thenCloseOutput: true)
            #expect(reply.hasPrefix("HTTP/1.1 200"), "\(reply.prefix(200))")
            #expect(reply.contains("text/event-stream"))
            #expect(elapsed < .seconds(10), "the stream ended when its client left, not at a heartbeat")
            #expect(try await h.call(.get, "/health").status == .ok)
        }
    }

    /// Writes `bytes` on a new connection (then closes its own side if `thenCloseOutput`) and reads
    /// until the server closes it or `timeout` passes.
    static func exchange(port: Int, _ bytes: [UInt8], timeout: Duration, thenCloseOutput: Bool = false) async throws -> (String, Duration) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel,
                                                                 configuration: .init(isOutboundHalfClosureEnabled: thenCloseOutput))
                }
            }
        let start = ContinuousClock.now
        let deadline = Task {
            try await Task.sleep(for: timeout)
            try? await channel.channel.close()
        }
        defer { deadline.cancel() }
        var received = ByteBuffer()
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            if thenCloseOutput {
                try await Task.sleep(for: .milliseconds(300))  // the stream has started
                outbound.finish()
            }
            do {
                for try await var chunk in inbound { received.writeBuffer(&chunk) }
            } catch {}  // closed by the deadline
        }
        return (String(buffer: received), ContinuousClock.now - start)
    }
}
