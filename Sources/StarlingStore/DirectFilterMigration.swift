extension Migrations {
    /// Direct conversations, filters v2, follow imports and e-mail discoverability (issue 12, "dm").
    static let directFilters = Migration(version: 12, name: "conversations_filters_imports", sql: """
    -- Which conversation a direct status belongs to: a reply joins its parent's, anything else
    -- starts its own (whose id is the status id). Written by the worker, once per status.
    CREATE TABLE status_conversations (
        status_id        bigint PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
        conversation_id  bigint NOT NULL
    );

    -- Mastodon's AccountConversation: one row per participant and conversation; its id is the
    -- Conversation entity's id. `participants` are the other accounts. Deleting a row removes the
    -- conversation for that account only (a later direct status in it brings it back).
    CREATE TABLE account_conversations (
        id               bigserial PRIMARY KEY,
        account_id       bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        conversation_id  bigint NOT NULL,
        participants     bigint[] NOT NULL,
        last_status_id   bigint NOT NULL,
        unread           boolean NOT NULL DEFAULT false,
        UNIQUE (account_id, conversation_id)
    );
    CREATE INDEX account_conversations_by_last ON account_conversations (account_id, last_status_id DESC);

    -- Filters v2. context holds home|notifications|public|thread|account.
    CREATE TABLE filters (
        id             bigserial PRIMARY KEY,
        account_id     bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        title          text NOT NULL,
        context        text[] NOT NULL,
        filter_action  text NOT NULL CHECK (filter_action IN ('warn', 'hide')),
        expires_at     timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX filters_by_account ON filters (account_id, id);
    CREATE TABLE filter_keywords (
        id          bigserial PRIMARY KEY,
        filter_id   bigint NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
        keyword     text NOT NULL,
        whole_word  boolean NOT NULL DEFAULT true
    );
    CREATE INDEX filter_keywords_by_filter ON filter_keywords (filter_id, id);
    CREATE TABLE filter_statuses (
        id          bigserial PRIMARY KEY,
        filter_id   bigint NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
        status_id   bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
        UNIQUE (filter_id, status_id)
    );

    -- Follow imports, processed in the background by the workers (leased like outbox rows).
    CREATE TABLE follow_imports (
        id            bigserial PRIMARY KEY,
        account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        mode          text NOT NULL CHECK (mode IN ('merge', 'overwrite')),
        entries       text[] NOT NULL,
        total         integer NOT NULL,
        processed     integer NOT NULL DEFAULT 0,
        failed        integer NOT NULL DEFAULT 0,
        state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'finished')),
        leased_until  timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz
    );
    CREATE INDEX follow_imports_pending ON follow_imports (id) WHERE state <> 'finished';
    CREATE INDEX follow_imports_by_account ON follow_imports (account_id, id DESC);

    CREATE FUNCTION follow_imports_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_notify('starling_imports', '');
        RETURN NULL;
    END $$;
    CREATE TRIGGER follow_imports_inserted AFTER INSERT ON follow_imports
        FOR EACH STATEMENT EXECUTE FUNCTION follow_imports_notify();

    -- Accounts found by their exact e-mail address only when they opt in (Mastodon's discoverable).
    ALTER TABLE accounts ADD COLUMN discoverable boolean NOT NULL DEFAULT false;
    """)
}
