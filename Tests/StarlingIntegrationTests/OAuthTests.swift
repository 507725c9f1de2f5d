import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import StarlingAPI
import StarlingDomain
import StarlingPush
import Testing

/// The authorization-code flow as a browser drives it (cookies, forms, redirects), PKCE, the
/// token endpoint's refusals, revocation across the token cache, the metadata and userinfo.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct OAuthTests {
    static let redirect = "https://app.example/callback"

    /// A browser: keeps cookies between requests, reads forms' hidden fields.
    final class Browser: @unchecked Sendable {  // used by one test task at a time
        let client: any TestClientProtocol
        var cookies: [String: String] = [:]

        init(_ client: any TestClientProtocol) { self.client = client }

        func request(_ method: HTTPRequest.Method, _ uri: String, form: [(String, String)]? = nil) async throws -> Harness.Reply {
            var headers: HTTPFields = [:]
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            var body: ByteBuffer?
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(string: form.map { "\(OAuthRules.formEncode($0.0))=\(OAuthRules.formEncode($0.1))" }.joined(separator: "&"))
            }
            let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
            for header in response.headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2 else { continue }
                let (name, value) = (String(pair[0]), String(pair[1]))
                if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
            return Harness.Reply(status: response.status, headers: response.headers, bytes: Array(response.body.readableBytesView))
        }
    }

    static func html(_ reply: Harness.Reply) -> String { String(decoding: reply.bytes, as: UTF8.self) }

    /// The value of the hidden field `name` in the page (the last one, if several forms carry it).
    static func field(_ name: String, in page: String) -> String? {
        let marker = "name=\"\(name)\" value=\""
        guard let range = page.range(of: marker, options: .backwards) else { return nil }
        let rest = page[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    /// The code in a redirect's Location.
    static func code(_ reply: Harness.Reply) throws -> String {
        let location = try #require(reply.headers[.location], "no redirect: \(reply.status)")
        return try #require(query(location)["code"], "no code in \(location)")
    }

    static func query(_ location: String) -> [String: String] {
        guard let components = URLComponents(string: location) else { return [:] }
        return Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }

    struct App { let clientId: String; let secret: String }

    static func registerApp(_ harness: Harness, scopes: String = "read write push", redirects: String = redirect) async throws -> App {
        let reply = try await harness.call(.post, "/api/v1/apps", form: ["client_name": "Test <App>", "redirect_uris": redirects, "scopes": scopes,
                                                                         "website": "https://app.example"])
        try #require(reply.status == .ok)
        return App(clientId: reply.string("client_id"), secret: reply.string("client_secret"))
    }

    static func authorizeURI(_ app: App, scope: String = "read write", redirect: String = redirect, state: String? = "xyz",
                             challenge: String? = nil, method: String? = nil, extra: [(String, String)] = []) -> String {
        var fields = [("response_type", "code"), ("client_id", app.clientId), ("redirect_uri", redirect), ("scope", scope)]
        if let state { fields.append(("state", state)) }
        if let challenge { fields.append(("code_challenge", challenge)) }
        if let method { fields.append(("code_challenge_method", method)) }
        fields += extra
        return "/oauth/authorize?" + fields.map { "\(OAuthRules.formEncode($0.0))=\(OAuthRules.formEncode($0.1))" }.joined(separator: "&")
    }

    /// Signs in through the form the authorization endpoint sends the browser to; returns the consent page.
    static func signInAndReachConsent(_ browser: Browser, authorize uri: String, login: String, password: String = "correct horse") async throws -> Harness.Reply {
        let first = try await browser.request(.get, uri)
        #expect(first.status == .found)
        let signInURI = try #require(first.headers[.location])
        #expect(signInURI.hasPrefix("/auth/sign_in?return_to="))
        let form = try await browser.request(.get, signInURI)
        #expect(form.status == .ok)
        #expect(form.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
        let page = html(form)
        let returnTo = try #require(field("return_to", in: page))
        let signedIn = try await browser.request(.post, "/auth/sign_in", form: [
            ("authenticity_token", try #require(field("authenticity_token", in: page))), ("return_to", returnTo),
            ("login", login), ("password", password),
        ])
        #expect(signedIn.status == .seeOther)
        #expect(browser.cookies[WebAuth.sessionCookie] != nil)
        let back = try #require(signedIn.headers[.location])
        #expect(back.hasPrefix("/oauth/authorize?"))
        return try await browser.request(.get, back)
    }

    /// Approves on the consent page; returns the redirect's query.
    static func approve(_ browser: Browser, consent: Harness.Reply, decision: String = "approve") async throws -> Harness.Reply {
        let page = html(consent)
        var form: [(String, String)] = []
        for name in ["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "authenticity_token"] {
            if let value = field(name, in: page) { form.append((name, value)) }
        }
        form.append(("decision", decision))
        return try await browser.request(.post, "/oauth/authorize", form: form)
    }

    static func exchange(_ harness: Harness, _ app: App, code: String, verifier: String? = nil, redirect: String = redirect) async throws -> Harness.Reply {
        var form = ["grant_type": "authorization_code", "code": code, "redirect_uri": redirect,
                    "client_id": app.clientId, "client_secret": app.secret]
        if let verifier { form["code_verifier"] = verifier }
        return try await harness.call(.post, "/oauth/token", form: form)
    }

    static func s256(_ verifier: String) -> String { Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))) }

    @Test func authorizationCodeWithPKCEThroughTheBrowser() async throws {
        try await Harness.with { harness in
            let user = try await harness.register("oauth")
            let app = try await Self.registerApp(harness)
            let verifier = WebAuth.randomSecret() + "-verifier"
            let browser = Browser(harness.client)
            let consent = try await Self.signInAndReachConsent(
                browser, authorize: Self.authorizeURI(app, challenge: Self.s256(verifier), method: "S256"), login: user.username)
            #expect(consent.status == .ok)
            let page = Self.html(consent)
            #expect(page.contains("Test &lt;App&gt;"))  // the app's name, escaped
            #expect(page.contains("<code>read</code>") && page.contains("<code>write</code>"))
            #expect(page.contains("@\(user.username)"))

            let redirected = try await Self.approve(browser, consent: consent)
            #expect(redirected.status == .found)
            let location = try #require(redirected.headers[.location])
            #expect(location.hasPrefix(Self.redirect + "?"))
            let query = Self.query(location)
            #expect(query["state"] == "xyz")
            let code = try #require(query["code"])

            // A wrong verifier is refused, and the code is spent by that attempt.
            let wrong = try await Self.exchange(harness, app, code: code, verifier: WebAuth.randomSecret())
            #expect(wrong.status == .badRequest)
            #expect(wrong.error == "invalid_grant")

            // A fresh code with the right verifier gives a working token with the approved scopes.
            let again = try await Self.approve(browser, consent: try await browser.request(.get, Self.authorizeURI(app, challenge: Self.s256(verifier), method: "S256")))
            let code2 = try Self.code(again)
            let missing = try await Self.exchange(harness, app, code: code2)  // no verifier at all
            #expect(missing.error == "invalid_grant")
            let again3 = try await Self.approve(browser, consent: try await browser.request(.get, Self.authorizeURI(app, challenge: Self.s256(verifier), method: "S256")))
            let code3 = try Self.code(again3)
            let token = try await Self.exchange(harness, app, code: code3, verifier: verifier)
            #expect(token.status == .ok)
            #expect(token.string("scope") == "read write")
            #expect(token.headers[.cacheControl] == "no-store")
            let accessToken = token.string("access_token")
            let me = try await harness.call(.get, "/api/v1/accounts/verify_credentials", token: accessToken)
            #expect(me.status == .ok)
            #expect(me.string("username") == user.username)

            // The code used twice: refused, and the token its first use issued is revoked.
            let replay = try await Self.exchange(harness, app, code: code3, verifier: verifier)
            #expect(replay.status == .badRequest)
            #expect(replay.error == "invalid_grant")
            #expect(try await harness.call(.get, "/api/v1/accounts/verify_credentials", token: accessToken).status == .unauthorized)
        }
    }

    @Test func plainPKCEAndNoPKCEAndOutOfBand() async throws {
        try await Harness.with { harness in
            let user = try await harness.register("oauth")
            let app = try await Self.registerApp(harness, redirects: "\(Self.redirect)\nurn:ietf:wg:oauth:2.0:oob")
            let browser = Browser(harness.client)
            let plainVerifier = String(repeating: "p", count: 50)
            let consent = try await Self.signInAndReachConsent(
                browser, authorize: Self.authorizeURI(app, challenge: plainVerifier, method: "plain"), login: "\(user.username)@example.com")
            let code = try Self.code(try await Self.approve(browser, consent: consent))
            #expect(try await Self.exchange(harness, app, code: code, verifier: plainVerifier).status == .ok)

            // Without PKCE, and with the redirect URI given at the token endpoint differing: refused.
            let noPKCE = try await Self.approve(browser, consent: try await browser.request(.get, Self.authorizeURI(app)))
            let code2 = try Self.code(noPKCE)
            #expect(try await Self.exchange(harness, app, code: code2, redirect: "https://app.example/other").error == "invalid_grant")
            let noPKCE2 = try await Self.approve(browser, consent: try await browser.request(.get, Self.authorizeURI(app)))
            let code3 = try Self.code(noPKCE2)
            #expect(try await Self.exchange(harness, app, code: code3).status == .ok)

            // Out of band: the code is shown on a page.
            let oob = try await Self.approve(browser, consent: try await browser.request(.get, Self.authorizeURI(app, redirect: OAuthRules.outOfBand)))
            #expect(oob.status == .ok)
            let shown = Self.html(oob)
            let start = try #require(shown.range(of: "id=\"code\">"))
            let oobCode = String(shown[start.upperBound...].prefix(while: { $0 != "<" }))
            #expect(try await Self.exchange(harness, app, code: oobCode, redirect: OAuthRules.outOfBand).status == .ok)

            // Denying sends the browser back with access_denied and the state.
            let denied = try await Self.approve(browser, consent: try await browser.request(.get, Self.authorizeURI(app)), decision: "deny")
            #expect(denied.status == .found)
            let deniedQuery = Self.query(denied.headers[.location] ?? "")
            #expect(deniedQuery["error"] == "access_denied")
            #expect(deniedQuery["state"] == "xyz")
            #expect(deniedQuery["code"] == nil)

            // An expired code is refused.
            let late = try await Self.approve(browser, consent: try await browser.request(.get, Self.authorizeURI(app)))
            let lateCode = try Self.code(late)
            try await harness.database.query("expire_codes", "UPDATE oauth_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
            #expect(try await Self.exchange(harness, app, code: lateCode).error == "invalid_grant")
        }
    }

    @Test func untrustedRequestsGetAnErrorPageNeverARedirect() async throws {
        try await Harness.with { harness in
            let user = try await harness.register("oauth")
            let app = try await Self.registerApp(harness, scopes: "read")
            let browser = Browser(harness.client)
            _ = try await Self.signInAndReachConsent(browser, authorize: Self.authorizeURI(app, scope: "read"), login: user.username)
            for uri in [
                Self.authorizeURI(app, scope: "read", redirect: "https://evil.example/callback"),  // not registered
                Self.authorizeURI(app, scope: "read", redirect: Self.redirect + "/more"),  // a prefix is not a match
                Self.authorizeURI(App(clientId: "nope", secret: ""), scope: "read"),  // unknown client
                Self.authorizeURI(app, scope: "read write"),  // beyond the app's scopes
                Self.authorizeURI(app, scope: "read bogus"),  // unknown scope
                Self.authorizeURI(app, scope: "read", challenge: "short", method: "S256"),  // malformed challenge
                Self.authorizeURI(app, scope: "read", challenge: String(repeating: "a", count: 43), method: "MD5"),
            ] {
                let reply = try await browser.request(.get, uri)
                #expect(reply.status == .badRequest, "\(uri)")
                #expect(reply.headers[.location] == nil, "\(uri)")
                #expect(reply.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            // A trusted client with the wrong response type is sent back with the error.
            let wrongType = try await browser.request(.get, Self.authorizeURI(app, scope: "read").replacingOccurrences(of: "response_type=code", with: "response_type=token"))
            #expect(wrongType.status == .found)
            #expect(Self.query(wrongType.headers[.location] ?? "")["error"] == "unsupported_response_type")

            // force_login asks again even when signed in.
            let forced = try await browser.request(.get, Self.authorizeURI(app, scope: "read", extra: [("force_login", "true")]))
            #expect(forced.status == .found)
            #expect(forced.headers[.location]?.hasPrefix("/auth/sign_in?return_to=") == true)
            #expect(forced.headers[.location]?.contains("force_login") == false)

            // A consent form with a wrong CSRF token is refused.
            let consent = try await browser.request(.get, Self.authorizeURI(app, scope: "read"))
            let page = Self.html(consent).replacingOccurrences(of: "name=\"authenticity_token\" value=\"", with: "name=\"authenticity_token\" value=\"x")
            let forged = try await Self.approve(browser, consent: Harness.Reply(status: .ok, headers: [:], bytes: Array(page.utf8)))
            #expect(forged.status == .forbidden)
            #expect(forged.headers[.location] == nil)

            // A sign-in form posted without the form cookie (another site's form) is refused.
            let stranger = Browser(harness.client)
            let cross = try await stranger.request(.post, "/auth/sign_in", form: [("authenticity_token", WebAuth.randomSecret()), ("login", user.username), ("password", "correct horse")])
            #expect(cross.status == .forbidden)
            #expect(stranger.cookies[WebAuth.sessionCookie] == nil)
        }
    }

    @Test func wrongPasswordsAreRefusedThenSlowed() async throws {
        try await Harness.with { harness in
            let user = try await harness.register("oauth")
            let browser = Browser(harness.client)
            let form = try await browser.request(.get, "/auth/sign_in")
            let token = try #require(Self.field("authenticity_token", in: Self.html(form)))
            let limit = harness.services.settings.signInThrottle.freeFailuresPerAccount
            for _ in 0..<limit {
                let reply = try await browser.request(.post, "/auth/sign_in", form: [("authenticity_token", token), ("login", user.username), ("password", "wrong horse")])
                #expect(reply.status == .unauthorized)
                #expect(Self.html(reply).contains("Invalid username"))
                #expect(browser.cookies[WebAuth.sessionCookie] == nil)
            }
            // Now even the right password waits: the guesser cannot tell.
            let slowed = try await browser.request(.post, "/auth/sign_in", form: [("authenticity_token", token), ("login", user.username), ("password", "correct horse")])
            #expect(slowed.status == .tooManyRequests)
            #expect(Int(slowed.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(browser.cookies[WebAuth.sessionCookie] == nil)
            // The password grant shares the count.
            let app = try await Self.registerApp(harness)
            let grant = try await harness.call(.post, "/oauth/token", form: [
                "grant_type": "password", "username": user.username, "password": "correct horse",
                "client_id": app.clientId, "client_secret": app.secret])
            #expect(grant.status == .tooManyRequests)
            // Another account is not affected.
            let other = try await harness.register("oauth")
            let fine = try await harness.call(.post, "/oauth/token", form: [
                "grant_type": "password", "username": other.username, "password": "correct horse", "scope": "read",
                "client_id": app.clientId, "client_secret": app.secret])
            #expect(fine.status == .ok)
            // Scopes beyond the app's are refused at the token endpoint too.
            let greedy = try await harness.call(.post, "/oauth/token", form: [
                "grant_type": "password", "username": other.username, "password": "correct horse", "scope": "read admin:write",
                "client_id": app.clientId, "client_secret": app.secret])
            #expect(greedy.error == "invalid_scope")
        }
    }

    @Test func revocationReachesTheTokenCacheAndSignOutEndsTheSession() async throws {
        var options = Harness.Options()
        options.cacheTTL = .seconds(300)  // the token is cached: revocation must still reach it
        try await Harness.with(options) { harness in
            _ = try await harness.register("oauth")
            let other = try await harness.register("oauth")
            let app = try await Self.registerApp(harness)
            let otherApp = try await Self.registerApp(harness)
            let grant = try await harness.call(.post, "/oauth/token", form: [
                "grant_type": "password", "username": other.username, "password": "correct horse", "scope": "read",
                "client_id": app.clientId, "client_secret": app.secret])
            let token = grant.string("access_token")
            #expect(try await harness.call(.get, "/api/v1/accounts/verify_credentials", token: token).status == .ok)  // now cached

            // Another app cannot revoke it; a wrong secret is refused.
            _ = try await harness.call(.post, "/oauth/revoke", form: ["token": token, "client_id": otherApp.clientId, "client_secret": otherApp.secret])
            #expect(try await harness.call(.get, "/api/v1/accounts/verify_credentials", token: token).status == .ok)
            let badClient = try await harness.call(.post, "/oauth/revoke", form: ["token": token, "client_id": app.clientId, "client_secret": "nope"])
            #expect(badClient.status == .forbidden)

            let revoked = try await harness.call(.post, "/oauth/revoke", form: ["token": token, "client_id": app.clientId, "client_secret": app.secret])
            #expect(revoked.status == .ok)
            #expect(try await harness.call(.get, "/api/v1/accounts/verify_credentials", token: token).status == .unauthorized)
            // Revoking again, or a token that never existed, is still a success.
            #expect(try await harness.call(.post, "/oauth/revoke", form: ["token": token, "client_id": app.clientId, "client_secret": app.secret]).status == .ok)

            // Client authentication by HTTP Basic works as well as by the form.
            let basic = "Basic " + Data("\(app.clientId):\(app.secret)".utf8).base64EncodedString()
            let viaBasic = try await harness.client.executeRequest(uri: "/oauth/token", method: .post,
                headers: [.authorization: basic, .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "grant_type=client_credentials&scope=read"))
            #expect(viaBasic.status == .ok)

            // Sign out ends the session: the consent page asks to sign in again.
            let browser = Browser(harness.client)
            _ = try await Self.signInAndReachConsent(browser, authorize: Self.authorizeURI(app), login: other.username)
            let signedIn = try await browser.request(.get, "/auth/sign_in")
            #expect(Self.html(signedIn).contains("@\(other.username)"))
            let out = try await browser.request(.post, "/auth/sign_out", form: [("authenticity_token", try #require(Self.field("authenticity_token", in: Self.html(signedIn))))])
            #expect(out.status == .seeOther)
            #expect(try await browser.request(.get, Self.authorizeURI(app)).headers[.location]?.hasPrefix("/auth/sign_in") == true)
        }
    }

    @Test func metadataAndUserinfo() async throws {
        try await Harness.with { harness in
            let metadata = try await harness.call(.get, "/.well-known/oauth-authorization-server")
            #expect(metadata.status == .ok)
            #expect(metadata.string("authorization_endpoint") == "http://starling.test/oauth/authorize")
            #expect(metadata.string("revocation_endpoint") == "http://starling.test/oauth/revoke")
            #expect((metadata.object["code_challenge_methods_supported"] as? [String])?.contains("S256") == true)
            #expect((metadata.object["scopes_supported"] as? [String])?.contains("read:statuses") == true)

            let user = try await harness.register("oauth")
            let app = try await Self.registerApp(harness, scopes: "read profile")
            func grant(_ scope: String) async throws -> String {
                try await harness.call(.post, "/oauth/token", form: [
                    "grant_type": "password", "username": user.username, "password": "correct horse", "scope": scope,
                    "client_id": app.clientId, "client_secret": app.secret]).string("access_token")
            }
            let readOnly = try await grant("read")
            #expect(try await harness.call(.get, "/oauth/userinfo", token: readOnly).status == .forbidden)
            let info = try await harness.call(.get, "/oauth/userinfo", token: try await grant("profile"))
            #expect(info.status == .ok)
            #expect(info.string("preferred_username") == user.username)
            #expect(info.string("sub").hasSuffix("/@\(user.username)"))
        }
    }

    /// Every route checks the token's scopes, as Mastodon's controllers do.
    @Test func scopesAreEnforcedOnEveryRoute() async throws {
        try await Harness.with { harness in
            let user = try await harness.register("scoped")
            let friend = try await harness.register("scoped")
            let app = try await Self.registerApp(harness, scopes: "read write follow push profile")
            func token(_ scope: String) async throws -> String {
                let reply = try await harness.call(.post, "/oauth/token", form: [
                    "grant_type": "password", "username": user.username, "password": "correct horse", "scope": scope,
                    "client_id": app.clientId, "client_secret": app.secret])
                try #require(reply.status == .ok, "\(scope): \(reply.status)")
                return reply.string("access_token")
            }
            let read = try await token("read")
            let posted = try await harness.call(.post, "/api/v1/statuses", token: read, form: ["status": "read-only"])
            #expect(posted.status == .forbidden)
            #expect(posted.error == "This action is outside the authorized scopes")
            #expect(try await harness.call(.get, "/api/v1/timelines/home", token: read).status == .ok)
            #expect(try await harness.call(.post, "/api/v1/accounts/\(friend.id)/follow", token: read).status == .forbidden)

            let writeStatuses = try await token("write:statuses")
            #expect(try await harness.call(.post, "/api/v1/statuses", token: writeStatuses, form: ["status": "granular"]).status == .ok)
            #expect(try await harness.call(.get, "/api/v1/timelines/home", token: writeStatuses).status == .forbidden)
            let status = try await harness.post(friend, "favourite me")
            #expect(try await harness.call(.post, "/api/v1/statuses/\(status)/favourite", token: writeStatuses).status == .forbidden)
            #expect(try await harness.call(.post, "/api/v1/statuses/\(status)/reblog", token: writeStatuses).status == .ok)

            let follow = try await token("follow")  // the legacy scope: relationships only
            #expect(try await harness.call(.post, "/api/v1/accounts/\(friend.id)/follow", token: follow).status == .ok)
            #expect(try await harness.call(.get, "/api/v1/accounts/relationships?id[]=\(friend.id)", token: follow).status == .ok)
            #expect(try await harness.call(.get, "/api/v1/notifications", token: follow).status == .forbidden)

            let readNotifications = try await token("read:notifications")
            #expect(try await harness.call(.get, "/api/v1/notifications", token: readNotifications).status == .ok)
            #expect(try await harness.call(.post, "/api/v1/notifications/clear", token: readNotifications).status == .forbidden)
            #expect(try await harness.call(.get, "/api/v1/accounts/verify_credentials", token: try await token("profile")).status == .ok)

            // An app-only token registers accounts and reads public data, and nothing else.
            let appOnly = try await harness.call(.post, "/oauth/token", form: [
                "grant_type": "client_credentials", "client_id": app.clientId, "client_secret": app.secret]).string("access_token")
            #expect(try await harness.call(.get, "/api/v1/timelines/public", token: appOnly).status == .ok)
            #expect(try await harness.call(.get, "/api/v1/statuses/\(status)", token: appOnly).status == .ok)
            #expect(try await harness.call(.post, "/api/v1/statuses", token: appOnly, form: ["status": "app"]).status == .unprocessableContent)
            #expect(try await harness.call(.get, "/api/v1/timelines/home", token: appOnly).status == .unprocessableContent)
            let name = Harness.uniqueName("fromapp")
            let registered = try await harness.call(.post, "/api/v1/accounts", token: appOnly, form: [
                "username": name, "email": "\(name)@example.com", "password": "correct horse", "agreement": "true"])
            #expect(registered.status == .ok)
            // An app-only token without write cannot register anyone.
            let readApp = try await Self.registerApp(harness, scopes: "read")
            let readAppToken = try await harness.call(.post, "/oauth/token", form: [
                "grant_type": "client_credentials", "client_id": readApp.clientId, "client_secret": readApp.secret]).string("access_token")
            let other = Harness.uniqueName("fromapp")
            #expect(try await harness.call(.post, "/api/v1/accounts", token: readAppToken, form: [
                "username": other, "email": "\(other)@example.com", "password": "correct horse", "agreement": "true"]).status == .forbidden)
        }
    }
}
