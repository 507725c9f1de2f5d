extension Migrations {
    /// A post in one round trip, planned once per connection: the statement that writes a status
    /// (its row, reply counter, mentions, tags, attachments, the author's counters and the outbox
    /// row) becomes a function with `plan_cache_mode = force_generic_plan`. As a prepared statement
    /// PostgreSQL planned it afresh for every post (its generic plan's estimates lose to custom
    /// plans for the usual empty mention, tag and media arrays), and planning cost more than
    /// running it: 40 % of PostgreSQL's CPU under the load test's posts was the planner.
    /// PL/pgSQL keeps the generic plan for the session. Parameters and result as
    /// `CreateStatusStatement` binds and decodes them; no row when nothing was written.
    static let postFunction = Migration(version: 14, name: "post_function", sql: """
    CREATE FUNCTION starling_create_status(
        bigint, bigint, text, text, boolean, text, text, bigint, timestamptz, text[], text[], bigint[])
    RETURNS TABLE (r_in_reply_to_account_id bigint, r_mention_ids bigint[], r_mention_names text[],
                   r_id bigint, r_username text, r_display_name text, r_note text, r_created_at timestamptz,
                   r_last_status_at timestamptz, r_followers_count bigint, r_following_count bigint,
                   r_statuses_count bigint, r_locked boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        WITH parent AS (
            UPDATE statuses SET replies_count = replies_count + 1
            WHERE id = $8 AND deleted_at IS NULL
            RETURNING account_id
        ), inserted AS (
            INSERT INTO statuses (id, account_id, text, spoiler_text, sensitive, visibility, language,
                                  in_reply_to_id, in_reply_to_account_id, created_at)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, (SELECT account_id FROM parent), $9
            WHERE ($8 IS NULL OR EXISTS (SELECT 1 FROM parent))
              -- Every attachment the author's, ready and free; locked, so two posts cannot both take one.
              AND (SELECT count(*) FROM (SELECT 1 FROM media_attachments WHERE id = ANY($12) AND account_id = $2
                   AND status_id IS NULL AND state = 'ready' FOR UPDATE) free) = cardinality($12)
            RETURNING id, in_reply_to_account_id
        ), mentioned AS (
            INSERT INTO mentions (status_id, account_id)
            SELECT i.id, a.id FROM inserted i JOIN accounts a ON lower(a.username) = ANY($10)
            RETURNING account_id
        ), tag_ids AS (
            INSERT INTO tags (name)
            SELECT DISTINCT t FROM unnest($11::text[]) AS t WHERE EXISTS (SELECT 1 FROM inserted)
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
            RETURNING id
        ), tagged AS (
            INSERT INTO status_tags (status_id, tag_id) SELECT $1, id FROM tag_ids
        ), author AS (
            UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = $9, last_active_at = now()
            WHERE id = $2 AND EXISTS (SELECT 1 FROM inserted)
            RETURNING id, username, display_name, note, created_at, last_status_at, followers_count, following_count, statuses_count, locked
        ), queued AS (
            INSERT INTO outbox (kind, status_id, account_id) SELECT 'post', $1, $2 FROM inserted
        ), attached AS (
            UPDATE media_attachments SET status_id = $1, position = array_position($12::bigint[], id)
            WHERE id = ANY($12) AND EXISTS (SELECT 1 FROM inserted)
        )
        SELECT i.in_reply_to_account_id, coalesce(m.ids, '{}'), coalesce(m.names, '{}'),
               au.id, au.username, au.display_name, au.note, au.created_at, au.last_status_at,
               au.followers_count, au.following_count, au.statuses_count, au.locked
        FROM inserted i CROSS JOIN author au
        CROSS JOIN LATERAL (
            SELECT array_agg(x.account_id ORDER BY x.account_id) AS ids, array_agg(a.username ORDER BY x.account_id) AS names
            FROM mentioned x JOIN accounts a ON a.id = x.account_id
        ) m;
    END
    $$;
    """)
}
