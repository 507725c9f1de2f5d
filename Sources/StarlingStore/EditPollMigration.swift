extension Migrations {
    /// Status edits (each previous version kept) and polls (options, exact tallies under concurrent
    /// votes, one claim per expiry so the `poll` notifications go out once).
    static let editsAndPolls = Migration(version: 11, name: "edits_polls", sql: """
    ALTER TABLE statuses ADD COLUMN edited_at timestamptz;
    ALTER TABLE statuses ADD COLUMN poll_id bigint;

    -- One row per replaced version: what the status said before an edit, and since when.
    CREATE TABLE status_edits (
        id            bigserial PRIMARY KEY,
        status_id     bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
        account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        text          text NOT NULL,
        spoiler_text  text NOT NULL DEFAULT '',
        sensitive     boolean NOT NULL DEFAULT false,
        language      text,
        poll_options  text[],
        created_at    timestamptz NOT NULL
    );
    CREATE INDEX status_edits_by_status ON status_edits (status_id, id);

    -- tallies[i] counts option i; votes, voters and tallies change only under the row's lock
    -- (a vote is one transaction), so concurrent votes from any node add up exactly. version grows
    -- with every change, so a cache fill that read an older state cannot overwrite a newer one.
    CREATE TABLE polls (
        id            bigint PRIMARY KEY,
        status_id     bigint NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,
        account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        options       text[] NOT NULL,
        tallies       bigint[] NOT NULL,
        multiple      boolean NOT NULL DEFAULT false,
        hide_totals   boolean NOT NULL DEFAULT false,
        expires_at    timestamptz NOT NULL,
        votes_count   bigint NOT NULL DEFAULT 0,
        voters_count  bigint NOT NULL DEFAULT 0,
        version       bigint NOT NULL DEFAULT 1,
        -- Grows when an edit changes the options and so resets the votes: cached votes of an
        -- earlier epoch are stale.
        epoch         bigint NOT NULL DEFAULT 0,
        notified_at   timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX polls_to_close ON polls (expires_at) WHERE notified_at IS NULL;

    CREATE TABLE poll_votes (
        poll_id     bigint NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
        account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        choice      integer NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (poll_id, account_id, choice)
    );

    -- `poll` and `update` notifications (every Mastodon type allowed, so other features' kinds stay valid).
    ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_type_check;
    ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (
        'mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update',
        'admin.sign_up', 'admin.report', 'severed_relationships', 'moderation_warning'));
    """)
}
