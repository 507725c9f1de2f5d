import Foundation
import PostgresNIO
import StarlingDomain

/// Accounts, OAuth apps and access tokens.
public struct AccountStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let accountColumns = """
        id, username, display_name, note, created_at, last_status_at, followers_count, following_count, statuses_count, locked, discoverable
        """

    static func decodeAccount(_ row: PostgresRow) throws -> AccountRow {
        let (id, username, displayName, note, createdAt, lastStatusAt, followers, following, statuses, locked, discoverable) =
            try row.decode((Int64, String, String, String, Date, Date?, Int64, Int64, Int64, Bool, Bool).self)
        return AccountRow(id: id, username: username, displayName: displayName, note: note, createdAt: createdAt,
                          lastStatusAt: lastStatusAt, followersCount: followers, followingCount: following, statusesCount: statuses,
                          locked: locked, discoverable: discoverable)
    }

    /// Registers an account. - Throws: `DomainError.taken` if the username or e-mail is taken.
    public func create(id: Int64, username: String, email: String, passwordHash: String) async throws -> AccountRow {
        do {
            let rows = try await database.query("account_create", """
                INSERT INTO accounts (id, username, email, password_hash) VALUES (\(id), \(username), \(email), \(passwordHash))
                RETURNING \(unescaped: Self.accountColumns)
                """)
            for try await row in rows { return try Self.decodeAccount(row) }
            throw StoreError.notFound("account not created")
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            let constraint = error.serverInfo?[.constraintName] ?? ""
            throw DomainError.taken(constraint.contains("email") ? .email : .username)
        }
    }

    public func account(id: Int64) async throws -> AccountRow? {
        try await accounts(ids: [id]).first
    }

    /// Accounts by id, in no particular order; unknown ids are skipped.
    public func accounts(ids: [Int64]) async throws -> [AccountRow] {
        if ids.isEmpty { return [] }
        let rows = try await database.query("accounts_by_ids",
            "SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE id = ANY(\(ids))")
        var out: [AccountRow] = []
        for try await row in rows { out.append(try Self.decodeAccount(row)) }
        return out
    }

    public func account(username: String) async throws -> AccountRow? {
        let rows = try await database.query("account_by_username",
            "SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE lower(username) = lower(\(username))")
        for try await row in rows { return try Self.decodeAccount(row) }
        return nil
    }

    /// Accounts named by lower-cased usernames (for mentions).
    public func accounts(usernames: [String]) async throws -> [AccountRow] {
        if usernames.isEmpty { return [] }
        let rows = try await database.query("accounts_by_usernames",
            "SELECT \(unescaped: Self.accountColumns) FROM accounts WHERE lower(username) = ANY(\(usernames))")
        var out: [AccountRow] = []
        for try await row in rows { out.append(try Self.decodeAccount(row)) }
        return out
    }

    /// Changes the profile fields given (nil leaves a field as it is).
    public func updateProfile(id: Int64, displayName: String?, note: String?, locked: Bool? = nil,
                              discoverable: Bool? = nil) async throws -> AccountRow? {
        let rows = try await database.query("account_update", """
            UPDATE accounts SET display_name = coalesce(\(displayName), display_name), note = coalesce(\(note), note),
                                locked = coalesce(\(locked), locked), discoverable = coalesce(\(discoverable), discoverable)
            WHERE id = \(id) RETURNING \(unescaped: Self.accountColumns)
            """)
        for try await row in rows { return try Self.decodeAccount(row) }
        return nil
    }

    /// The account id and bcrypt hash for a login by username or e-mail.
    public func credentials(login: String) async throws -> (id: Int64, passwordHash: String)? {
        let rows = try await database.query("account_credentials", """
            SELECT id, password_hash FROM accounts WHERE lower(username) = lower(\(login)) OR lower(email) = lower(\(login)) LIMIT 1
            """)
        for try await (id, hash) in rows.decode((Int64, String).self) { return (id, hash) }
        return nil
    }

    // MARK: OAuth apps and tokens

    /// Creates an app; returns it with its client secret (shown once, stored hashed).
    public func createApp(name: String, website: String?, redirectURI: String, scopes: String) async throws -> (OAuthApp, String) {
        let clientId = Tokens.random()
        let secret = Tokens.random()
        let rows = try await database.query("app_create", """
            INSERT INTO oauth_apps (name, website, redirect_uri, scopes, client_id, client_secret_hash)
            VALUES (\(name), \(website), \(redirectURI), \(scopes), \(clientId), sha256(convert_to(\(secret), 'UTF8')))
            RETURNING id
            """)
        for try await id in rows.decode(Int64.self) {
            return (OAuthApp(id: id, name: name, website: website, redirectURI: redirectURI, scopes: scopes, clientId: clientId), secret)
        }
        throw StoreError.notFound("app not created")
    }

    /// The app whose client id and secret match, or nil.
    public func app(clientId: String, clientSecret: String) async throws -> OAuthApp? {
        let rows = try await database.query("app_by_client", """
            SELECT id, name, website, redirect_uri, scopes, client_id FROM oauth_apps
            WHERE client_id = \(clientId) AND client_secret_hash = sha256(convert_to(\(clientSecret), 'UTF8'))
            """)
        for try await (id, name, website, redirect, scopes, client) in rows.decode((Int64, String, String?, String, String, String).self) {
            return OAuthApp(id: id, name: name, website: website, redirectURI: redirect, scopes: scopes, clientId: client)
        }
        return nil
    }

    /// Creates an access token; returns the token (stored only as its SHA-256 digest).
    public func createToken(appId: Int64, accountId: Int64?, scopes: String) async throws -> String {
        let token = Tokens.random()
        try await database.query("token_create", """
            INSERT INTO access_tokens (token_hash, app_id, account_id, scopes)
            VALUES (sha256(convert_to(\(token), 'UTF8')), \(appId), \(accountId), \(scopes))
            """)
        return token
    }

    /// Who owns a token; marks the account active (at most once a minute, to keep reads cheap).
    public func authenticate(token: String) async throws -> TokenOwner? {
        let rows = try await database.query("token_authenticate", """
            WITH t AS (
                SELECT app_id, account_id, scopes FROM access_tokens WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))
            ), before AS (
                SELECT a.id, a.last_active_at FROM accounts a JOIN t ON a.id = t.account_id
            ), touched AS (
                UPDATE accounts a SET last_active_at = now() FROM before
                WHERE a.id = before.id AND before.last_active_at < now() - interval '60 seconds'
                RETURNING a.id
            ), seen AS (
                -- The week's logins, for /api/v1/instance/activity (InstanceStore.activity): once per
                -- account and week; a token lookup happens once per cache lifetime, not per request.
                INSERT INTO account_activity_weeks (week, account_id)
                SELECT (date_trunc('week', now() AT TIME ZONE 'UTC'))::date, id FROM before ON CONFLICT DO NOTHING
            )
            SELECT t.app_id, t.account_id, t.scopes, extract(epoch FROM now() - before.last_active_at)::float8
            FROM t LEFT JOIN before ON before.id = t.account_id
            """)
        for try await (appId, accountId, scopes, idle) in rows.decode((Int64, Int64?, String, Double?).self) {
            return TokenOwner(accountId: accountId, appId: appId, scopes: scopes, idleSeconds: idle)
        }
        return nil
    }
}
