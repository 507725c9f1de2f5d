extension Migrations {
    /// The web client: its built-in app, and access tokens bound to a browser sign-in session, so
    /// that ending the session (sign-out, a new sign-in, the account's deletion) deletes the token.
    static let webClient = Migration(version: 13, name: "web_client", sql: """
    ALTER TABLE access_tokens
        ADD COLUMN web_session_hash bytea REFERENCES web_sessions (session_hash) ON DELETE CASCADE;
    CREATE INDEX access_tokens_by_web_session ON access_tokens (web_session_hash) WHERE web_session_hash IS NOT NULL;

    -- The web client's app. Its secret digest is one zero byte, which no SHA-256 digest equals:
    -- nobody can authenticate as this client; its tokens are only made for sessions.
    INSERT INTO oauth_apps (name, website, redirect_uri, scopes, client_id, client_secret_hash)
    VALUES ('Web', NULL, 'urn:ietf:wg:oauth:2.0:oob', 'read write follow push', 'starling-web', '\\x00'::bytea)
    ON CONFLICT (client_id) DO NOTHING;
    """)
}
