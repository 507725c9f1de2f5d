extension Migrations {
    /// Lists, bookmarks, pins, and an id on favourites (GET /api/v1/favourites pages by it, as Mastodon).
    static let listsAndBookmarks = Migration(version: 10, name: "lists_bookmarks_pins", sql: """
    CREATE TABLE bookmarks (
        id          bigserial PRIMARY KEY,
        account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        status_id   bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, status_id)
    );
    CREATE INDEX bookmarks_by_account ON bookmarks (account_id, id DESC);

    -- Existing rows are numbered in the order the table holds them; new ones in insertion order.
    ALTER TABLE favourites ADD COLUMN id bigserial;
    CREATE UNIQUE INDEX favourites_by_account_id ON favourites (account_id, id DESC);

    CREATE TABLE status_pins (
        id          bigserial PRIMARY KEY,
        account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        status_id   bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, status_id)
    );

    CREATE TABLE lists (
        id              bigint PRIMARY KEY,
        account_id      bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        title           text NOT NULL,
        replies_policy  text NOT NULL DEFAULT 'list' CHECK (replies_policy IN ('followed', 'list', 'none')),
        exclusive       boolean NOT NULL DEFAULT false,
        created_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX lists_by_account ON lists (account_id, id);

    -- owner_id is the list's owner (copied): fan-out reads an author's lists with their owners, and
    -- an unfollow removes the followee from the follower's lists, both by index.
    CREATE TABLE list_accounts (
        list_id     bigint NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
        account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        owner_id    bigint NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (list_id, account_id)
    );
    CREATE INDEX list_accounts_by_account ON list_accounts (account_id, list_id);
    CREATE INDEX list_accounts_by_owner ON list_accounts (owner_id, account_id);

    -- Only followed accounts may be list members (as Mastodon): however a follow ends (unfollow,
    -- block, account removal), the followee leaves the follower's lists in the same transaction.
    CREATE FUNCTION list_accounts_leave_on_unfollow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM list_accounts WHERE owner_id = OLD.follower_id AND account_id = OLD.followee_id;
        RETURN NULL;
    END
    $$;
    CREATE TRIGGER follows_leave_lists AFTER DELETE ON follows
        FOR EACH ROW EXECUTE FUNCTION list_accounts_leave_on_unfollow();
    """)
}
