import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain
import StarlingPush
import StarlingStore

/// The web client's access token for a sign-in session: derived from the session's cookie secret
/// (HMAC), so only the browser holding the cookie can obtain it and the server stores nothing but
/// its digest; bound to the session row, so it dies with the session.
enum WebSessionToken {
    static func token(sessionSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("starling web client token".utf8),
                                                  using: SymmetricKey(data: Array(sessionSecret.utf8)))
        return Base64URL.encode(Array(mac))
    }

    /// Before a session is deleted (sign-out, a new sign-in replacing it): the database drops its
    /// token with the session row; this makes every node forget the token's owner at once too.
    static func sessionEnding(secret: String, services: APIServices) async {
        await services.tokensRevoked([TokenDigest(token: token(sessionSecret: secret))])
    }
}

extension WebClientRoutes {
    var secureCookies: Bool { services.settings.publicURL.hasPrefix("https://") }

    /// `/`: the app for a signed-in browser, the landing page otherwise.
    func home(_ request: Request) async throws -> Response {
        guard let secret = request.cookies[WebAuth.sessionCookie]?.value, WebAuth.isWellFormedSecret(secret) else {
            return landing(request)
        }
        if let session = try await services.oauth.session(secret: secret),
           let account = try await services.accountRows([session.accountId])[session.accountId] {
            let token = WebSessionToken.token(sessionSecret: secret)
            if try await WebStore(database: services.database).ensureSessionToken(token, sessionSecret: secret, accountId: account.id) {
                return appShell(request, token: token, csrf: session.csrfToken, account: account)
            }
        }
        // The cookie names a session that ended or went idle too long: delete what is left of it
        // (its row, and with it its web token), so the token cannot outlive it.
        await WebSessionToken.sessionEnding(secret: secret, services: services)
        try await services.oauth.deleteSession(secret: secret)
        var response = landing(request)
        response.setCookie(WebAuth.cookie(WebAuth.sessionCookie, "", secure: secureCookies, maxAge: 0))
        return response
    }

    func landing(_ request: Request) -> Response {
        let head = WebHTML.meta(title: siteName, description: "\(siteName): post short updates, follow people, see theirs as they happen.",
                                url: base + "/", siteName: siteName)
        let body = WebHTML.document(title: siteName, head: head, body: """
            <section class="landing">
            <h1>What is happening?</h1>
            <p>\(HTML.escape(siteName)) is a place to post short updates and to follow the people you care about. Their posts reach you as they happen.</p>
            <p class="actions"><a class="button" id="sign-up" href="/auth/sign_up">Create an account</a>
            <a class="button secondary" id="sign-in" href="/auth/sign_in?return_to=%2F">Sign in</a></p>
            <p><a href="/about">Rules and contact</a></p>
            </section>
            """)
        var response = Cacheable.response(request, body: body, contentType: "text/html; charset=utf-8", maxAge: 0)
        // The same URL answers the app once signed in: never reuse this answer from a cache.
        response.headers[.cacheControl] = "no-cache"
        response.headers[.vary] = "Cookie"
        return response
    }

    /// The signed-in app: an empty shell the script fills. The token, the CSRF token of the
    /// sign-out form and the account are handed over in `<meta>` tags (no inline script).
    func appShell(_ request: Request, token: String, csrf: String, account: AccountRow) -> Response {
        let html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="same-origin">
            <title>Home – \(HTML.escape(siteName))</title>
            <meta name="starling-token" content="\(HTML.escape(token))">
            <meta name="starling-csrf" content="\(HTML.escape(csrf))">
            <meta name="starling-account" content="\(account.id)">
            <meta name="starling-username" content="\(HTML.escape(account.username))">
            <meta name="starling-max-characters" content="\(services.settings.maxCharacters)">
            <meta name="starling-max-media" content="\(MediaLimits.standard.maxAttachments)">
            <meta name="starling-poll-limits" content="\(services.settings.polls.maxOptions) \(services.settings.polls.maxCharactersPerOption) \(services.settings.polls.minExpiration) \(services.settings.polls.maxExpiration)">
            <link rel="stylesheet" href="\(WebHTML.stylesheetPath)">
            <script src="\(WebHTML.scriptPath)" defer></script>
            </head>
            <body class="app">
            <a class="skip" href="#main">Skip to content</a>
            <header class="site" role="banner"><a class="brand" href="#/home">Starling</a>
            <nav aria-label="Main" id="nav">
            <a href="#/home" data-nav="home">Home</a>
            <a href="#/notifications" data-nav="notifications">Notifications</a>
            <a href="#/search" data-nav="search">Search</a>
            <a href="#/explore" data-nav="explore">Explore</a>
            <a href="#/lists" data-nav="lists">Lists</a>
            <a href="#/@\(HTML.escape(account.username))" data-nav="profile">Profile</a>
            <a href="#/settings" data-nav="settings">Settings</a>
            <form method="post" action="/auth/sign_out" class="sign-out">\(HTML.hidden("authenticity_token", csrf))<button type="submit" class="link" id="sign-out">Sign out</button></form>
            </nav>
            </header>
            <main id="main" tabindex="-1"><p class="loading">Loading…</p></main>
            <div id="live" class="visually-hidden" aria-live="polite"></div>
            </body>
            </html>
            """
        var headers = HTML.headers(contentType: "text/html; charset=utf-8")  // no-store: it holds a token
        headers[.contentSecurityPolicy] = WebHTML.appPolicy(host: request.head.authority)
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    // MARK: Sign-up

    /// `GET /auth/sign_up`: the form, with a double-submit form token as the sign-in form has.
    func signUpForm(_ request: Request, username: String, email: String, error: String?, status: HTTPResponse.Status) -> Response {
        let existing = request.cookies[WebAuth.formCookie]?.value
        let formToken = existing.flatMap { WebAuth.isWellFormedSecret($0) ? $0 : nil } ?? WebAuth.randomSecret()
        let errorHTML = error.map { "<p class=\"error\" role=\"alert\" id=\"error\">\(HTML.escape($0))</p>" } ?? ""
        let rules = services.settings.rules.isEmpty ? ""
            : "<h2>Rules</h2><ol class=\"rules\">" + services.settings.rules.map { "<li>\(HTML.escape($0.text))</li>" }.joined() + "</ol>"
        var response = HTML.page(title: "Create an account", body: """
            <h1>Create an account</h1>
            \(errorHTML)
            <form method="post" action="/auth/sign_up">
            \(HTML.hidden("authenticity_token", formToken))
            <label for="username">Username</label>
            <input type="text" id="username" name="username" value="\(HTML.escape(username))" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="30" pattern="[A-Za-z0-9_]+" required autofocus aria-describedby="username-hint">
            <small id="username-hint">Letters, digits and _ only; people will find you as @username.</small>
            <label for="email">E-mail address</label>
            <input type="email" id="email" name="email" value="\(HTML.escape(email))" autocomplete="email" required>
            <label for="password">Password</label>
            <input type="password" id="password" name="password" autocomplete="new-password" minlength="8" required aria-describedby="password-hint">
            <small id="password-hint">At least 8 characters.</small>
            \(rules)
            <label class="check"><input type="checkbox" name="agreement" value="1" id="agreement" required> I agree to the rules</label>
            <button type="submit" id="create-account">Create account</button>
            </form>
            <p>Already have an account? <a href="/auth/sign_in?return_to=%2F">Sign in</a></p>
            """, status: status)
        if formToken != existing {
            response.setCookie(WebAuth.cookie(WebAuth.formCookie, formToken, secure: secureCookies, maxAge: 3600))
        }
        return response
    }

    /// `POST /auth/sign_up`: creates the account and signs the browser in (a session, as the
    /// sign-in form starts one), then opens the app.
    func signUp(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let params = context.params
        let username = String((params["username"] ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        let email = String((params["email"] ?? "").trimmingCharacters(in: .whitespaces).prefix(320))
        let password = params["password"] ?? ""
        guard let cookie = request.cookies[WebAuth.formCookie]?.value, let field = params["authenticity_token"],
              WebAuth.isWellFormedSecret(cookie), WebAuth.constantTimeEquals(cookie, field) else {
            return signUpForm(request, username: username, email: email,
                              error: "This form expired or was not sent from this site. Please try again.", status: .forbidden)
        }
        if let problem = SignUpRules.problem(username: username, email: email, password: password) {
            return signUpForm(request, username: username, email: email, error: problem, status: .unprocessableContent)
        }
        guard Params.isTrue(params["agreement"] ?? "") else {
            return signUpForm(request, username: username, email: email, error: "Please agree to the rules.", status: .unprocessableContent)
        }
        let hash = try await services.hashPassword(password)
        let account: AccountRow
        do {
            account = try await services.accounts.create(id: services.ids.next(), username: username, email: email, passwordHash: hash)
        } catch DomainError.taken(let what) {
            return signUpForm(request, username: username, email: email,
                              error: what == .email ? "That e-mail address is already registered." : "That username is taken.",
                              status: .unprocessableContent)
        }
        if let old = request.cookies[WebAuth.sessionCookie]?.value, WebAuth.isWellFormedSecret(old) {
            await WebSessionToken.sessionEnding(secret: old, services: services)
            try await services.oauth.deleteSession(secret: old)
        }
        let (secret, _) = try await services.oauth.createSession(accountId: account.id, userAgent: request.headers[.userAgent])
        var headers = HTML.headers(contentType: "text/plain; charset=utf-8")
        headers[.location] = "/"
        var response = Response(status: .seeOther, headers: headers)
        response.setCookie(WebAuth.cookie(WebAuth.sessionCookie, secret, secure: secureCookies, maxAge: WebAuth.sessionMaxAge))
        return response
    }
}
