extension Migrations {
    /// Web Push: the server's VAPID key, subscriptions (one per access token, as in Mastodon) and the
    /// per-notification delivery queue the workers drain.
    static let webPush = Migration(version: 7, name: "web_push", sql: """
    -- Keys every node must share, made once by whichever node needs one first (insert-if-absent).
    CREATE TABLE server_keys (
        name        text PRIMARY KEY,
        value       text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
    );

    -- A subscription belongs to the access token that made it: revoking or deleting the token
    -- drops it. token_sealed is the token itself, sealed with a key derived from the VAPID key,
    -- because Mastodon's push payload carries it and tokens are otherwise stored as digests only.
    CREATE TABLE push_subscriptions (
        id            bigserial PRIMARY KEY,
        token_hash    bytea NOT NULL UNIQUE REFERENCES access_tokens (token_hash) ON DELETE CASCADE,
        account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        endpoint      text NOT NULL,
        key_p256dh    text NOT NULL,
        key_auth      text NOT NULL,
        alerts        text[] NOT NULL DEFAULT '{}',
        policy        text NOT NULL DEFAULT 'all' CHECK (policy IN ('all', 'followed', 'follower', 'none')),
        token_sealed  bytea NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX push_subscriptions_by_account ON push_subscriptions (account_id);

    -- One row per notification and subscription, written by the statement that creates the
    -- notification: the unique pair is what keeps a notification from being pushed twice to a
    -- subscription however often a worker redoes the job that made it.
    CREATE TABLE push_deliveries (
        id               bigserial PRIMARY KEY,
        notification_id  bigint NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
        subscription_id  bigint NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
        created_at       timestamptz NOT NULL DEFAULT now(),
        available_at     timestamptz NOT NULL DEFAULT now(),
        attempts         integer NOT NULL DEFAULT 0,
        last_error       text,
        UNIQUE (notification_id, subscription_id)
    );
    CREATE INDEX push_deliveries_available ON push_deliveries (available_at, id);
    CREATE INDEX push_deliveries_by_subscription ON push_deliveries (subscription_id);

    -- Wakes the push senders, only when a statement queued something (most notifications have
    -- no subscription to go to).
    CREATE FUNCTION push_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM queued) THEN
            PERFORM pg_notify('starling_push', '');
        END IF;
        RETURN NULL;
    END $$;
    CREATE TRIGGER push_deliveries_inserted AFTER INSERT ON push_deliveries
        REFERENCING NEW TABLE AS queued FOR EACH STATEMENT EXECUTE FUNCTION push_deliveries_notify();
    """)
}
