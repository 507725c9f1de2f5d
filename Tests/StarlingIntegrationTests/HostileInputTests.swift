import Foundation
import HTTPTypes
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
}
