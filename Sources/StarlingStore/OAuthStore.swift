import Foundation
import PostgresNIO

/// OAuth authorization codes, token revocation and browser sign-in sessions. Every secret (code,
/// token, session) leaves here once, to its owner, and is stored only as its SHA-256 digest.
public struct OAuthStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The app with this client id (the authorization endpoint has no secret to check).
    public func app(clientId: String) async throws -> OAuthApp? {
        let rows = try await database.query("app_by_client_id", """
            SELECT id, name, website, redirect_uri, scopes, client_id FROM oauth_apps WHERE client_id = \(clientId)
            """)
        for try await (id, name, website, redirect, scopes, client) in rows.decode((Int64, String, String?, String, String, String).self) {
            return OAuthApp(id: id, name: name, website: website, redirectURI: redirect, scopes: scopes, clientId: client)
        }
        return nil
    }

    // MARK: Authorization codes

    /// Creates a single-use code for `account`, valid for `lifetime`; returns the code. Codes long
    /// expired are swept by the same statement, a few at a time.
    public func createCode(appId: Int64, accountId: Int64, redirectURI: String, scopes: String,
                           challenge: String?, challengeMethod: String?, lifetime: Duration = .seconds(600)) async throws -> String {
        let code = Tokens.random()
        let seconds = Double(lifetime.components.seconds)
        try await database.query("oauth_code_create", """
            WITH swept AS (
                DELETE FROM oauth_codes WHERE code_hash IN (
                    SELECT code_hash FROM oauth_codes WHERE expires_at < now() - interval '1 day' LIMIT 20)
            )
            INSERT INTO oauth_codes (code_hash, app_id, account_id, redirect_uri, scopes, code_challenge, challenge_method, expires_at)
            VALUES (sha256(convert_to(\(code), 'UTF8')), \(appId), \(accountId), \(redirectURI), \(scopes),
                    \(challenge), \(challengeMethod), now() + make_interval(secs => \(seconds)))
            """)
        return code
    }

    /// What redeeming a code found.
    public enum Redemption: Sendable, Equatable {
        /// First use of a live code: what it was issued for. It is used up now.
        case redeemed(AuthorizationCode)
        case expired
        /// Used before: the token it was exchanged for (digest, hex) is revoked now.
        case replayed(revokedTokenHash: String?)
        case unknown
    }

    /// Marks the code used, in one statement, whatever happens next: a code is tried once. A code
    /// presented a second time revokes the token its first use issued (RFC 6749 section 4.1.2).
    public func redeem(code: String) async throws -> Redemption {
        let rows = try await database.query("oauth_code_redeem", """
            WITH before AS (
                SELECT used_at IS NOT NULL AS was_used, token_hash FROM oauth_codes WHERE code_hash = sha256(convert_to(\(code), 'UTF8'))
            ), used AS (
                UPDATE oauth_codes SET used_at = now()
                WHERE code_hash = sha256(convert_to(\(code), 'UTF8')) AND used_at IS NULL
                RETURNING app_id, account_id, redirect_uri, scopes, code_challenge, challenge_method, expires_at > now() AS live
            ), revoked AS (
                DELETE FROM access_tokens WHERE token_hash = (SELECT token_hash FROM before WHERE was_used)
                RETURNING encode(token_hash, 'hex') AS hash
            )
            SELECT (SELECT was_used FROM before), (SELECT hash FROM revoked),
                   u.app_id, u.account_id, u.redirect_uri, u.scopes, u.code_challenge, u.challenge_method, u.live
            FROM (SELECT 1) one LEFT JOIN used u ON true
            """)
        for try await (wasUsed, revoked, appId, accountId, redirect, scopes, challenge, method, live) in rows.decode(
            (Bool?, String?, Int64?, Int64?, String?, String?, String?, String?, Bool?).self) {
            guard let wasUsed else { return .unknown }
            if wasUsed { return .replayed(revokedTokenHash: revoked) }
            guard let appId, let accountId, let redirect, let scopes, let live else { return .unknown }
            guard live else { return .expired }
            return .redeemed(AuthorizationCode(appId: appId, accountId: accountId, redirectURI: redirect, scopes: scopes,
                                               challenge: challenge, challengeMethod: method))
        }
        return .unknown
    }

    /// Issues the access token a redeemed code stands for, and records it on the code (so a replay
    /// can revoke it). Returns the token.
    public func issueToken(for code: String, _ redeemed: AuthorizationCode) async throws -> String {
        let token = Tokens.random()
        try await database.query("oauth_code_token", """
            WITH token AS (
                INSERT INTO access_tokens (token_hash, app_id, account_id, scopes)
                VALUES (sha256(convert_to(\(token), 'UTF8')), \(redeemed.appId), \(redeemed.accountId), \(redeemed.scopes))
                RETURNING token_hash
            )
            UPDATE oauth_codes SET token_hash = (SELECT token_hash FROM token) WHERE code_hash = sha256(convert_to(\(code), 'UTF8'))
            """)
        return token
    }

    // MARK: Tokens

    /// Deletes the token if it was issued to `appId` (RFC 7009: a client revokes only its own).
    /// - Returns: the revoked token's digest (hex), nil if there was no such token of this app.
    public func revoke(token: String, appId: Int64) async throws -> String? {
        let rows = try await database.query("token_revoke", """
            DELETE FROM access_tokens WHERE token_hash = sha256(convert_to(\(token), 'UTF8')) AND app_id = \(appId)
            RETURNING encode(token_hash, 'hex')
            """)
        for try await hash in rows.decode(String.self) { return hash }
        return nil
    }

    // MARK: Browser sessions

    /// Starts a session; returns its secret (the cookie's value) and the CSRF token of its forms.
    public func createSession(accountId: Int64, userAgent: String?) async throws -> (secret: String, csrf: String) {
        let secret = Tokens.random(), csrf = Tokens.random()
        try await database.query("session_create", """
            INSERT INTO web_sessions (session_hash, account_id, csrf_token, user_agent)
            VALUES (sha256(convert_to(\(secret), 'UTF8')), \(accountId), \(csrf), \(userAgent.map { String($0.prefix(200)) }))
            """)
        return (secret, csrf)
    }

    /// The session's account and CSRF token if it exists and was used within `idleLimit`; marks it
    /// used (at most once a minute).
    public func session(secret: String, idleLimit: Duration = .seconds(30 * 24 * 3600)) async throws -> WebSession? {
        let seconds = Double(idleLimit.components.seconds)
        let rows = try await database.query("session_get", """
            WITH s AS (
                SELECT session_hash, account_id, csrf_token, last_seen_at FROM web_sessions
                WHERE session_hash = sha256(convert_to(\(secret), 'UTF8'))
                  AND last_seen_at > now() - make_interval(secs => \(seconds))
            ), touched AS (
                UPDATE web_sessions w SET last_seen_at = now() FROM s
                WHERE w.session_hash = s.session_hash AND s.last_seen_at < now() - interval '60 seconds'
            )
            SELECT account_id, csrf_token FROM s
            """)
        for try await (accountId, csrf) in rows.decode((Int64, String).self) {
            return WebSession(accountId: accountId, csrfToken: csrf)
        }
        return nil
    }

    public func deleteSession(secret: String) async throws {
        try await database.query("session_delete", """
            DELETE FROM web_sessions WHERE session_hash = sha256(convert_to(\(secret), 'UTF8'))
            """)
    }
}

/// A redeemed authorization code: what the token it is exchanged for gets.
public struct AuthorizationCode: Sendable, Equatable {
    public var appId: Int64
    public var accountId: Int64
    public var redirectURI: String
    public var scopes: String
    /// PKCE (RFC 7636): the challenge the authorization request carried, and its method.
    public var challenge: String?
    public var challengeMethod: String?
}

/// A signed-in browser.
public struct WebSession: Sendable, Equatable {
    public var accountId: Int64
    public var csrfToken: String
}
