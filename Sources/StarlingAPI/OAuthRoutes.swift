import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain
import StarlingStore

/// OAuth 2 as Mastodon serves it: the authorization-code flow through the browser (sign-in page,
/// consent page, PKCE), the token endpoint's grants, revocation, the RFC 8414 metadata and
/// userinfo. Pages are plain HTML forms that work without JavaScript; every form carries a CSRF
/// token; a refused authorization request whose client or redirect URI cannot be trusted gets an
/// error page, never a redirect.
struct OAuthRoutes: Sendable {
    let services: APIServices

    func register(on routes: APIRoutes) {
        let (plain, open) = (routes.plain, routes.anonymous)
        plain.get(RouterPath(HTML.stylesheetPath)) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: HTML.stylesheet)))
        }
        open.get("/oauth/authorize") { request, context in try await authorizePage(request, context) }
        open.post("/oauth/authorize") { request, context in try await decide(request, context) }
        open.get("/auth/sign_in") { request, context in try await signInPage(request, context) }
        open.post("/auth/sign_in") { request, context in try await signIn(request, context) }
        open.post("/auth/sign_out") { request, context in try await signOut(request, context) }
        open.post("/oauth/token") { request, context in try await token(request, context) }
        open.post("/oauth/revoke") { request, context in try await revoke(request, context) }
        plain.get("/.well-known/oauth-authorization-server") { _, _ in try metadata() }
        routes.authenticated(.profile).get("/oauth/userinfo") { _, context in try await userinfo(context) }
        routes.authenticated(.profile).post("/oauth/userinfo") { _, context in try await userinfo(context) }
    }

    private var secureCookies: Bool { services.settings.publicURL.hasPrefix("https://") }

    // MARK: Authorization requests

    /// A checked authorization request (RFC 6749 section 4.1.1, RFC 7636 section 4.3).
    struct AuthorizationRequest {
        var app: OAuthApp
        var redirectURI: String
        var scopes: OAuthScopes
        var state: String?
        var challenge: String?
        var challengeMethod: OAuthRules.ChallengeMethod?
        var responseType: String?

        var isOutOfBand: Bool { redirectURI == OAuthRules.outOfBand }

        /// The request's parameters, to carry through a form or back to this endpoint.
        var fields: [(String, String)] {
            var fields = [("response_type", responseType ?? "code"), ("client_id", app.clientId),
                          ("redirect_uri", redirectURI), ("scope", scopes.description)]
            if let state { fields.append(("state", state)) }
            if let challenge { fields.append(("code_challenge", challenge)) }
            if let challengeMethod { fields.append(("code_challenge_method", challengeMethod.rawValue)) }
            return fields
        }
    }

    /// Checks an authorization request. - Returns: the request, or the page or redirect that
    /// answers it when it cannot go ahead.
    func checkAuthorization(_ params: Params) async throws -> Result<AuthorizationRequest, ResponseBox> {
        guard let clientId = params["client_id"], !clientId.isEmpty, clientId.utf8.count <= 100,
              let app = try await services.oauth.app(clientId: clientId) else {
            return .failure(ResponseBox(HTML.errorPage(.badRequest, title: "Unknown app",
                message: "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")))
        }
        let registered = OAuthRules.registeredRedirects(app.redirectURI)
        let redirect: String
        if let given = params["redirect_uri"], !given.isEmpty {
            guard registered.contains(given) else {
                return .failure(ResponseBox(HTML.errorPage(.badRequest, title: "Invalid redirect URI",
                    message: "The redirect URI included is not valid: it was not registered with \(app.name).")))
            }
            redirect = given
        } else if registered.count == 1 {
            redirect = registered[0]  // RFC 6749 section 3.1.2.3: optional when only one is registered
        } else {
            return .failure(ResponseBox(HTML.errorPage(.badRequest, title: "Invalid redirect URI",
                message: "The request names no redirect URI, and \(app.name) registered more than one.")))
        }
        let state = params["state"]
        guard (state?.utf8.count ?? 0) <= 2000 else {
            return .failure(ResponseBox(HTML.errorPage(.badRequest, title: "Invalid request", message: "The state parameter is too long.")))
        }
        let scopes: OAuthScopes
        do {
            scopes = try OAuthScopes.parse(params["scope"] ?? "")
        } catch {
            return .failure(ResponseBox(HTML.errorPage(.badRequest, title: "Invalid scope",
                message: "The requested scope is invalid, unknown, or malformed.")))
        }
        guard OAuthScopes(stored: app.scopes).covers(scopes) else {
            return .failure(ResponseBox(HTML.errorPage(.badRequest, title: "Invalid scope",
                message: "\(app.name) asked for more than it registered (\(scopes) beyond \(app.scopes)).")))
        }
        var request = AuthorizationRequest(app: app, redirectURI: redirect, scopes: scopes, state: state,
                                           responseType: params["response_type"])
        if let challenge = params["code_challenge"], !challenge.isEmpty {
            let method = OAuthRules.ChallengeMethod(rawValue: params["code_challenge_method"].flatMap { $0.isEmpty ? nil : $0 } ?? "plain")
            guard let method, OAuthRules.isValidPKCEString(challenge) else {
                return .failure(ResponseBox(HTML.errorPage(.badRequest, title: "Invalid request",
                    message: "The code challenge or its method is invalid (S256 or plain, 43 to 128 characters).")))
            }
            request.challenge = challenge
            request.challengeMethod = method
        }
        // From here on the client and redirect are trusted: errors go back to the app (section 4.1.2.1).
        guard request.responseType == "code" else {
            return .failure(ResponseBox(answer(request, ["error": "unsupported_response_type",
                "error_description": "The authorization server does not support this response type."])))
        }
        return .success(request)
    }

    /// Sends the browser back to the app with `parameters` (plus `state`), or for the out-of-band
    /// URI shows them on a page.
    func answer(_ request: AuthorizationRequest, _ parameters: KeyValuePairs<String, String>) -> Response {
        var pairs = parameters.map { ($0.key, $0.value) }
        if let state = request.state { pairs.append(("state", state)) }
        if request.isOutOfBand {
            if let code = parameters.first(where: { $0.key == "code" })?.value {
                return HTML.page(title: "Authorization code", body: """
                    <h1>Authorization code</h1>
                    <p>Copy this code and paste it into \(HTML.escape(request.app.name)):</p>
                    <p class="code" id="code">\(HTML.escape(code))</p>
                    """)
            }
            return HTML.errorPage(.forbidden, title: "Authorization denied",
                                  message: parameters.first(where: { $0.key == "error_description" })?.value ?? "Denied.")
        }
        var headers = HTML.headers(contentType: "text/plain; charset=utf-8")
        headers[.location] = OAuthRules.redirectLocation(request.redirectURI, parameters: pairs)
        return Response(status: .found, headers: headers)
    }

    /// `GET /oauth/authorize`: sign in first if needed (or if `force_login`), then the consent page.
    func authorizePage(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let authorization: AuthorizationRequest
        switch try await checkAuthorization(context.params) {
        case .failure(let box): return box.response
        case .success(let checked): authorization = checked
        }
        let session = try await currentSession(request)
        if session == nil || context.params.bool("force_login") {
            // Back here after signing in, without force_login (it would ask again forever).
            let back = "/oauth/authorize?" + authorization.fields.map { "\(OAuthRules.formEncode($0.0))=\(OAuthRules.formEncode($0.1))" }.joined(separator: "&")
            return redirect(to: "/auth/sign_in?return_to=" + OAuthRules.formEncode(back))
        }
        guard let session, let account = try await services.accounts.account(id: session.session.accountId) else {
            return redirect(to: "/auth/sign_in")
        }
        let app = authorization.app
        let scopeItems = authorization.scopes.scopes.map { "<li><code>\(HTML.escape($0.rawValue))</code> – \(HTML.escape(Self.describe($0)))</li>" }.joined()
        let website = app.website.flatMap { $0.isEmpty ? nil : $0 }.map { " (<span>\(HTML.escape($0))</span>)" } ?? ""
        let fields = authorization.fields.map { HTML.hidden($0.0, $0.1) }.joined()
        let signInAgain = "/oauth/authorize?" + (authorization.fields + [("force_login", "true")])
            .map { "\(OAuthRules.formEncode($0.0))=\(OAuthRules.formEncode($0.1))" }.joined(separator: "&")
        return HTML.page(title: "Authorize \(app.name)", body: """
            <h1>Authorize <span id="app-name">\(HTML.escape(app.name))</span>?</h1>
            <p><strong>\(HTML.escape(app.name))</strong>\(website) would like to use your account
            <strong>@\(HTML.escape(account.username))</strong>. It asks for:</p>
            <ul class="scopes" id="scopes">\(scopeItems)</ul>
            <div class="actions">
            <form method="post" action="/oauth/authorize">\(fields)\(HTML.hidden("authenticity_token", session.session.csrfToken))
            <button type="submit" name="decision" value="approve" id="approve">Authorize</button>
            <button type="submit" name="decision" value="deny" id="deny" class="secondary">Deny</button>
            </form>
            </div>
            <p>Not @\(HTML.escape(account.username))? <a href="\(HTML.escape(signInAgain))">Sign in as someone else</a>.</p>
            """)
    }

    /// `POST /oauth/authorize`: the person approved or denied on the consent page.
    func decide(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        guard let session = try await currentSession(request) else {
            return HTML.errorPage(.forbidden, title: "Session expired", message: "Your session has expired. Open the app's sign-in link again.")
        }
        guard let token = context.params["authenticity_token"], WebAuth.constantTimeEquals(token, session.session.csrfToken) else {
            return HTML.errorPage(.forbidden, title: "Invalid form", message: "This form was not sent from this site's page (its security token is missing or wrong).")
        }
        let authorization: AuthorizationRequest
        switch try await checkAuthorization(context.params) {
        case .failure(let box): return box.response
        case .success(let checked): authorization = checked
        }
        guard context.params["decision"] == "approve" else {
            return answer(authorization, ["error": "access_denied",
                                          "error_description": "The resource owner or authorization server denied the request."])
        }
        let code = try await services.oauth.createCode(
            appId: authorization.app.id, accountId: session.session.accountId, redirectURI: authorization.redirectURI,
            scopes: authorization.scopes.description, challenge: authorization.challenge,
            challengeMethod: authorization.challengeMethod?.rawValue, lifetime: .seconds(OAuthRules.codeLifetimeSeconds))
        return answer(authorization, ["code": code])
    }

    /// Human words for a scope on the consent page.
    static func describe(_ scope: OAuthScope) -> String {
        switch scope.rawValue {
        case "read": "read all your account's data"
        case "write": "modify all your account's data: post, favourite, follow"
        case "follow": "modify account relationships"
        case "push": "receive your push notifications"
        case "profile": "read only your account's basic information"
        default:
            scope.rawValue.hasPrefix("read:") ? "read your \(scope.rawValue.dropFirst(5))"
                : scope.rawValue.hasPrefix("write:") ? "change your \(scope.rawValue.dropFirst(6))"
                : "administer the server (\(scope.rawValue))"
        }
    }

    // MARK: Sign-in sessions

    /// The browser's session (and its cookie secret), if its cookie names a live one.
    func currentSession(_ request: Request) async throws -> (secret: String, session: WebSession)? {
        guard let secret = request.cookies[WebAuth.sessionCookie]?.value, WebAuth.isWellFormedSecret(secret),
              let session = try await services.oauth.session(secret: secret) else { return nil }
        return (secret, session)
    }

    func redirect(to location: String, status: HTTPResponse.Status = .found) -> Response {
        var headers = HTML.headers(contentType: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: status, headers: headers)
    }

    /// `GET /auth/sign_in`: the form (or, when signed in and not sent back anywhere, who you are).
    func signInPage(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let returnTo = context.params["return_to"]
        if returnTo == nil, let session = try await currentSession(request),
           let account = try await services.accounts.account(id: session.session.accountId) {
            return HTML.page(title: "Signed in", body: """
                <h1>Signed in</h1>
                <p>You are signed in as <strong id="signed-in-as">@\(HTML.escape(account.username))</strong>.</p>
                <form method="post" action="/auth/sign_out">\(HTML.hidden("authenticity_token", session.session.csrfToken))
                <button type="submit" class="secondary">Sign out</button></form>
                """)
        }
        return signInForm(request, returnTo: OAuthRules.safeReturnPath(returnTo), login: "", error: nil, status: .ok)
    }

    /// The sign-in form, with a fresh form token in a cookie and in the form when the browser has none.
    func signInForm(_ request: Request, returnTo: String, login: String, error: String?, status: HTTPResponse.Status,
                    extraHeaders: HTTPFields = [:]) -> Response {
        let existing = request.cookies[WebAuth.formCookie]?.value
        let formToken = existing.flatMap { WebAuth.isWellFormedSecret($0) ? $0 : nil } ?? WebAuth.randomSecret()
        let errorHTML = error.map { "<p class=\"error\" role=\"alert\" id=\"error\">\(HTML.escape($0))</p>" } ?? ""
        var response = HTML.page(title: "Sign in", body: """
            <h1>Sign in to Starling</h1>
            \(errorHTML)
            <form method="post" action="/auth/sign_in">
            \(HTML.hidden("authenticity_token", formToken))\(HTML.hidden("return_to", returnTo))
            <label for="login">Username or e-mail address</label>
            <input type="text" id="login" name="login" value="\(HTML.escape(login))" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
            <label for="password">Password</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required>
            <button type="submit" id="sign-in">Sign in</button>
            </form>
            """, status: status)
        response.headers.append(contentsOf: extraHeaders)
        if formToken != existing {
            response.setCookie(WebAuth.cookie(WebAuth.formCookie, formToken, secure: secureCookies, maxAge: 3600))
        }
        return response
    }

    /// `POST /auth/sign_in`: checks the password (slowed after failures), starts a session.
    func signIn(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let params = context.params
        let returnTo = OAuthRules.safeReturnPath(params["return_to"])
        guard let cookie = request.cookies[WebAuth.formCookie]?.value, let field = params["authenticity_token"],
              WebAuth.isWellFormedSecret(cookie), WebAuth.constantTimeEquals(cookie, field) else {
            return signInForm(request, returnTo: returnTo, login: "", error: "This form expired or was not sent from this site. Please try again.",
                              status: .forbidden)
        }
        let login = String((params["login"] ?? "").trimmingCharacters(in: .whitespaces).prefix(320))
        let password = params["password"] ?? ""
        let address = WebAuth.clientAddress(request, peer: context.peerAddress)
        if let wait = await services.signInGuard.refusal(login: login, address: address) {
            return signInForm(request, returnTo: returnTo, login: login,
                              error: "Too many failed attempts. Try again in \(wait) seconds.", status: .tooManyRequests,
                              extraHeaders: [.retryAfter: String(wait)])
        }
        guard !login.isEmpty, !password.isEmpty, password.utf8.count <= 72,
              let credentials = try await services.accounts.credentials(login: login),
              try await services.verifyPassword(password, hash: credentials.passwordHash) else {
            if !login.isEmpty { await services.signInGuard.recordFailure(login: login, address: address) }
            return signInForm(request, returnTo: returnTo, login: login, error: "Invalid username, e-mail address or password.",
                              status: .unauthorized)
        }
        await services.signInGuard.recordSuccess(login: login)
        if let old = request.cookies[WebAuth.sessionCookie]?.value, WebAuth.isWellFormedSecret(old) {
            await WebSessionToken.sessionEnding(secret: old, services: services)
            try await services.oauth.deleteSession(secret: old)  // a new sign-in replaces the old session
        }
        let (secret, _) = try await services.oauth.createSession(
            accountId: credentials.id, userAgent: request.headers[.userAgent])
        var response = redirect(to: params["return_to"] == nil ? "/auth/sign_in" : returnTo, status: .seeOther)
        response.setCookie(WebAuth.cookie(WebAuth.sessionCookie, secret, secure: secureCookies, maxAge: WebAuth.sessionMaxAge))
        return response
    }

    /// `POST /auth/sign_out`: ends the session (with its CSRF token, so no other site can sign you out).
    func signOut(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        if let session = try await currentSession(request) {
            guard let token = context.params["authenticity_token"], WebAuth.constantTimeEquals(token, session.session.csrfToken) else {
                return HTML.errorPage(.forbidden, title: "Invalid form", message: "This form was not sent from this site's page.")
            }
            await WebSessionToken.sessionEnding(secret: session.secret, services: services)  // its web client token
            try await services.oauth.deleteSession(secret: session.secret)
        }
        var response = redirect(to: "/auth/sign_in", status: .seeOther)
        response.setCookie(WebAuth.cookie(WebAuth.sessionCookie, "", secure: secureCookies, maxAge: 0))
        return response
    }

    // MARK: Token endpoint

    /// OAuth errors use their own format: `error` code plus `error_description`.
    func oauthError(_ status: HTTPResponse.Status, _ code: String, _ description: String,
                    headers extra: HTTPFields = [:]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: ["error": code, "error_description": description])
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let invalidClient = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."
    static let invalidGrant = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."

    /// The client's credentials from `Authorization: Basic` (client_secret_basic) or the form
    /// (client_secret_post), checked against PostgreSQL.
    func authenticatedClient(_ request: Request, _ params: Params) async throws -> OAuthApp? {
        var clientId = params["client_id"], secret = params["client_secret"]
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
           let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
           let pair = String(data: decoded, encoding: .utf8), let colon = pair.firstIndex(of: ":") {
            // RFC 6749 section 2.3.1: both parts are form-encoded inside the header.
            clientId = String(pair[..<colon]).removingPercentEncoding
            secret = String(pair[pair.index(after: colon)...]).removingPercentEncoding
        }
        guard let clientId, let secret, !clientId.isEmpty, clientId.utf8.count <= 100, secret.utf8.count <= 100 else { return nil }
        return try await services.accounts.app(clientId: clientId, clientSecret: secret)
    }

    /// `POST /oauth/token`: `authorization_code` (with PKCE), `password` and `client_credentials`.
    func token(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let params = context.params
        guard let app = try await authenticatedClient(request, params) else {
            return try oauthError(.unauthorized, "invalid_client", Self.invalidClient)
        }
        let appScopes = OAuthScopes(stored: app.scopes)
        func requestedScopes() throws -> OAuthScopes? {
            guard let text = params["scope"], !text.isEmpty else { return appScopes }
            guard let scopes = try? OAuthScopes.parse(text), appScopes.covers(scopes) else { return nil }
            return scopes
        }
        let invalidScope = "The requested scope is invalid, unknown, or malformed."
        switch params["grant_type"] {
        case "authorization_code":
            guard let code = params["code"], !code.isEmpty, code.utf8.count <= 100 else {
                return try oauthError(.badRequest, "invalid_request", "The request is missing a required parameter: code.")
            }
            let redeemed: AuthorizationCode
            switch try await services.oauth.redeem(code: code) {
            case .redeemed(let found): redeemed = found
            case .replayed(let revoked):
                await services.tokensRevoked([revoked.flatMap { TokenDigest(hex: $0) }].compactMap { $0 })
                return try oauthError(.badRequest, "invalid_grant", Self.invalidGrant)
            case .expired, .unknown:
                return try oauthError(.badRequest, "invalid_grant", Self.invalidGrant)
            }
            guard redeemed.appId == app.id, params["redirect_uri"] == redeemed.redirectURI else {
                return try oauthError(.badRequest, "invalid_grant", Self.invalidGrant)
            }
            if let challenge = redeemed.challenge {
                let method = OAuthRules.ChallengeMethod(rawValue: redeemed.challengeMethod ?? "plain") ?? .plain
                guard let verifier = params["code_verifier"], PKCE.verify(verifier: verifier, challenge: challenge, method: method) else {
                    return try oauthError(.badRequest, "invalid_grant", Self.invalidGrant)
                }
            }
            let token = try await services.oauth.issueToken(for: code, redeemed)
            return try tokenResponse(token, scopes: redeemed.scopes)
        case "password":
            guard let scopes = try requestedScopes() else { return try oauthError(.badRequest, "invalid_scope", invalidScope) }
            let login = String((params["username"] ?? "").prefix(320)), password = params["password"] ?? ""
            let address = WebAuth.clientAddress(request, peer: context.peerAddress)
            if let wait = await services.signInGuard.refusal(login: login, address: address) {
                return try oauthError(.tooManyRequests, "invalid_grant", "Too many failed sign-in attempts. Try again in \(wait) seconds.",
                                      headers: [.retryAfter: String(wait)])
            }
            guard !login.isEmpty, !password.isEmpty, password.utf8.count <= 72,
                  let credentials = try await services.accounts.credentials(login: login),
                  try await services.verifyPassword(password, hash: credentials.passwordHash) else {
                if !login.isEmpty { await services.signInGuard.recordFailure(login: login, address: address) }
                return try oauthError(.badRequest, "invalid_grant", Self.invalidGrant)
            }
            await services.signInGuard.recordSuccess(login: login)
            let token = try await services.accounts.createToken(appId: app.id, accountId: credentials.id, scopes: scopes.description)
            return try tokenResponse(token, scopes: scopes.description)
        case "client_credentials":
            guard let scopes = try requestedScopes() else { return try oauthError(.badRequest, "invalid_scope", invalidScope) }
            let token = try await services.accounts.createToken(appId: app.id, accountId: nil, scopes: scopes.description)
            return try tokenResponse(token, scopes: scopes.description)
        default:
            return try oauthError(.badRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
        }
    }

    func tokenResponse(_ token: String, scopes: String) throws -> Response {
        var response = try JSON.response(TokenEntity(accessToken: token, scope: scopes, createdAt: Int64(Date().timeIntervalSince1970)))
        response.headers[.cacheControl] = "no-store"  // RFC 6749 section 5.1
        return response
    }

    /// `POST /oauth/revoke` (RFC 7009): a client revokes one of its own tokens; every node
    /// forgets it at once. An unknown token is a success (the client's goal is met).
    func revoke(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        guard let app = try await authenticatedClient(request, context.params) else {
            return try oauthError(.forbidden, "unauthorized_client", "You are not authorized to revoke this token")
        }
        guard let token = context.params["token"], !token.isEmpty else {
            return try oauthError(.badRequest, "invalid_request", "The request is missing a required parameter: token.")
        }
        if token.utf8.count <= BearerToken.maxLength, let hash = try await services.oauth.revoke(token: token, appId: app.id),
           let digest = TokenDigest(hex: hash) {
            await services.tokensRevoked([digest])
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: "{}")))
    }

    // MARK: Metadata and userinfo

    /// `GET /.well-known/oauth-authorization-server` (RFC 8414), as Mastodon 4.3 publishes it.
    func metadata() throws -> Response {
        let base = services.settings.publicURL
        let object: [String: Any] = [
            "issuer": base + "/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": base + "/oauth/authorize",
            "token_endpoint": base + "/oauth/token",
            "revocation_endpoint": base + "/oauth/revoke",
            "userinfo_endpoint": base + "/oauth/userinfo",
            "app_registration_endpoint": base + "/api/v1/apps",
            "scopes_supported": OAuthScope.known.sorted(),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "password", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256", "plain"],
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=3600"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `/oauth/userinfo` (OpenID Connect's claims, as Mastodon 4.4 answers them): needs `profile`.
    func userinfo(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser(.profile)
        guard let row = try await services.accounts.account(id: user.id) else { throw MastodonError.unauthorized }
        let account = services.renderer.account(row)
        let object: [String: Any] = [
            "iss": services.settings.publicURL + "/",
            "sub": account.url,
            "name": row.displayName.isEmpty ? row.username : row.displayName,
            "preferred_username": row.username,
            "profile": account.url,
            "picture": account.avatar,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A response carried in a `Result`'s failure (Response is not an Error).
struct ResponseBox: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}
