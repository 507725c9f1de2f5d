extension Migrations {
    /// Blocks, mutes, locked accounts and follow requests (issue 12, "rel").
    static let relationships = Migration(version: 9, name: "relationships", sql: """
    -- A locked account approves its followers: following it creates a follow request instead.
    ALTER TABLE accounts ADD COLUMN locked boolean NOT NULL DEFAULT false;

    -- id orders the viewer's lists (GET /api/v1/blocks pages by it, newest first, as Mastodon).
    CREATE TABLE blocks (
        id                 bigserial NOT NULL UNIQUE,
        account_id         bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        target_account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        created_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, target_account_id),
        CHECK (account_id <> target_account_id)
    );
    CREATE INDEX blocks_by_account ON blocks (account_id, id);
    CREATE INDEX blocks_by_target ON blocks (target_account_id, account_id);

    -- A mute with expires_at in the past is no mute: readers compare with now(), so it ends by
    -- itself; expired rows are deleted lazily when the owner mutes or unmutes again.
    CREATE TABLE mutes (
        id                 bigserial NOT NULL UNIQUE,
        account_id         bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        target_account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        hide_notifications boolean NOT NULL DEFAULT true,
        expires_at         timestamptz,
        created_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, target_account_id),
        CHECK (account_id <> target_account_id)
    );
    CREATE INDEX mutes_by_account ON mutes (account_id, id);

    -- A pending follow of a locked account: never a follower until authorized.
    CREATE TABLE follow_requests (
        id                 bigserial NOT NULL UNIQUE,
        account_id         bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        target_account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        created_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, target_account_id),
        CHECK (account_id <> target_account_id)
    );
    CREATE INDEX follow_requests_by_target ON follow_requests (target_account_id, id);

    -- Every notification type Mastodon defines (NotificationKind), so features adding one
    -- (follow_request here, update and poll elsewhere) need not touch this constraint again.
    ALTER TABLE notifications DROP CONSTRAINT notifications_type_check;
    ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (
        'mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update',
        'admin.sign_up', 'admin.report'));
    """)
}
