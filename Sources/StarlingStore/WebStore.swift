import Foundation
import PostgresNIO

/// The web client's session tokens.
public struct WebStore: Sendable {
    let database: Database

    /// The built-in app's client id (made by the `web_client` migration).
    public static let clientId = "starling-web"
    public static let scopes = "read write follow push"

    public init(database: Database) {
        self.database = database
    }

    /// Makes sure `token` (derived from the session's secret, so only that browser can know it) is
    /// an access token of the web app for the session's account, bound to the session: deleting
    /// the session deletes it. Idempotent. - Returns: false if the session no longer exists.
    public func ensureSessionToken(_ token: String, sessionSecret: String, accountId: Int64) async throws -> Bool {
        let rows = try await database.query("web_session_token", """
            WITH s AS (
                SELECT session_hash FROM web_sessions
                WHERE session_hash = sha256(convert_to(\(sessionSecret), 'UTF8')) AND account_id = \(accountId)
            ), ins AS (
                INSERT INTO access_tokens (token_hash, app_id, account_id, scopes, web_session_hash)
                SELECT sha256(convert_to(\(token), 'UTF8')), a.id, \(accountId), \(Self.scopes), s.session_hash
                FROM oauth_apps a, s WHERE a.client_id = \(Self.clientId)
                ON CONFLICT (token_hash) DO NOTHING
            )
            SELECT count(*)::bigint FROM s
            """)
        for try await count in rows.decode(Int64.self) { return count > 0 }
        return false
    }
}
