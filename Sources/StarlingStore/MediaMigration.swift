extension Migrations {
    /// Media attachments: uploads waiting for a worker, then their stored files; attached to a
    /// status by the post that names them.
    static let media = Migration(version: 8, name: "media_attachments", sql: """
    CREATE TABLE media_attachments (
        id              bigint PRIMARY KEY,
        account_id      bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        -- Set once, by the post that attaches it (statuses are soft-deleted: cleanup follows deleted_at).
        status_id       bigint REFERENCES statuses (id) ON DELETE CASCADE,
        position        smallint NOT NULL DEFAULT 0,
        state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'ready', 'failed')),
        -- The upload as received, until a worker has processed it.
        incoming_key    text,
        file_key        text,
        file_type       text,
        file_size       integer,
        preview_key     text,
        width           integer,
        height          integer,
        preview_width   integer,
        preview_height  integer,
        blurhash        text,
        description     text NOT NULL DEFAULT '',
        focus_x         double precision NOT NULL DEFAULT 0,
        focus_y         double precision NOT NULL DEFAULT 0,
        error           text,
        attempts        integer NOT NULL DEFAULT 0,
        leased_until    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        processed_at    timestamptz
    );
    CREATE INDEX media_attachments_pending ON media_attachments (id) WHERE state = 'pending';
    CREATE INDEX media_attachments_by_status ON media_attachments (status_id, position) WHERE status_id IS NOT NULL;
    CREATE INDEX media_attachments_unattached ON media_attachments (created_at) WHERE status_id IS NULL;
    CREATE INDEX media_attachments_by_file ON media_attachments (file_key);
    CREATE INDEX media_attachments_by_preview ON media_attachments (preview_key);
    """)
}
