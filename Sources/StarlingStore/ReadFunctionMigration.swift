extension Migrations {
    /// Profile, public and tag timeline pages planned once per connection, as the worker's
    /// statements (`workerFunctions`). Sent as statements, PostgreSQL planned them for every read,
    /// and planning cost 10-20 times the execution (0.2-0.8 ms of PostgreSQL CPU per read against
    /// 0.01-0.03 ms executing).
    ///
    /// A generic plan is made once, for any arguments, so each query is written so that the only
    /// sensible plan is the one every argument wants: its index walked down from the upper bound,
    /// stopping at the lower. Written plainly, a profile's page (`account_id = $1 ... ORDER BY id
    /// DESC`) got, on a table where one account wrote nearly every status, a backward walk of the
    /// primary key filtered by account: 77 ms for a quiet account's ten statuses among 500,000 (a
    /// tag's page: 145 ms for a rare tag). PostgreSQL drops an ordering column that equals a
    /// parameter, so `ORDER BY account_id, id DESC` alone changes nothing; with the author (the
    /// tag) as `= ANY(ARRAY[$1])`, it is kept, and only `statuses_by_account` (`status_tags_by_tag`)
    /// gives that order without sorting. (A one-value range, `>= $1 AND <= $1`, also keeps it, but
    /// then the lower bound no longer ends the walk: a poll with `since_id` at the top read the
    /// author's whole history.) With both bounds, the default estimate for a pair of inequalities
    /// (0.5 %) makes a primary-key range scan look cheap again, so a profile's page between two
    /// bounds (rare: `max_id` with `since_id`) is planned for its arguments. Measured with `EXPLAIN
    /// ANALYZE EXECUTE` under `force_generic_plan` on that skewed table: 0.01-0.2 ms in every case.
    /// No parallel plans: a generic plan sized for an account holding 100,000 notifications started
    /// workers to read a page of 20 (5 ms, nearly all of it starting them). The public page has one
    /// index holding exactly its rows (`statuses_public`). A user's
    /// notifications are paged as a profile is (`notifications_by_account`): on the seeded cluster,
    /// where two accounts hold 200,000, the plain generic plan read an account's one notification
    /// in 30 ms, this one in 0.1 ms. The statements: `AuthorPageStatement`, `PublicTimelineStatement`,
    /// `TagTimelineStatement`, `NotificationsPageStatement`. The text is literal, as an applied
    /// migration's must stay: the visibility is `VisibilitySQL.listedPublicly`'s; the notifications'
    /// filter lives only in these functions and migration 28's.
    static let readPageFunctions = Migration(version: 26, name: "read_page_functions", sql: """
    CREATE FUNCTION starling_author_page(bigint, bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        IF $3 < 0 THEN  -- no lower bound: the first page, or max_id
            RETURN QUERY
            SELECT id FROM statuses WHERE account_id = ANY(ARRAY[$1]) AND deleted_at IS NULL AND id < $2
            ORDER BY account_id, id DESC LIMIT $4;
        ELSIF $2 = 9223372036854775807 THEN  -- no upper bound: since_id
            RETURN QUERY
            SELECT id FROM statuses WHERE account_id = ANY(ARRAY[$1]) AND deleted_at IS NULL AND id > $3
            ORDER BY account_id, id DESC LIMIT $4;
        ELSE
            RETURN QUERY EXECUTE
                'SELECT id FROM statuses WHERE account_id = $1 AND deleted_at IS NULL AND id < $2 AND id > $3 '
                'ORDER BY id DESC LIMIT $4' USING $1, $2, $3, $4;
        END IF;
    END
    $$;

    CREATE FUNCTION starling_public_page(bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        RETURN QUERY
        SELECT id FROM statuses WHERE deleted_at IS NULL AND visibility IN ('public') AND reblog_of_id IS NULL
          AND id < $1 AND id > $2 ORDER BY id DESC LIMIT $3;
    END
    $$;

    CREATE FUNCTION starling_tag_page(text, bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    DECLARE
        tag bigint;
    BEGIN
        SELECT id INTO tag FROM tags WHERE name = $1;
        IF tag IS NULL THEN RETURN; END IF;
        RETURN QUERY
        SELECT st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
        WHERE st.tag_id = ANY(ARRAY[tag]) AND s.deleted_at IS NULL
          AND s.visibility IN ('public')
          AND st.status_id < $2 AND st.status_id > $3 ORDER BY st.tag_id, st.status_id DESC LIMIT $4;
    END
    $$;

    CREATE FUNCTION starling_notifications_page(bigint, text[], bigint, bigint, integer)
    RETURNS TABLE (r_id bigint, r_type text, r_from_account_id bigint, r_status_id bigint, r_created_at timestamptz)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        IF $4 < 0 THEN  -- no lower bound: the first page, or max_id
            RETURN QUERY
            SELECT n.id, n.type, n.from_account_id, n.status_id, n.created_at FROM notifications n
            LEFT JOIN statuses s ON s.id = n.status_id
            WHERE n.account_id = ANY(ARRAY[$1]) AND n.type = ANY($2) AND n.id < $3 AND (n.status_id IS NULL OR s.deleted_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = n.account_id AND b.target_account_id = n.from_account_id)
                                                        OR (b.account_id = n.from_account_id AND b.target_account_id = n.account_id))
              AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = n.account_id AND m.target_account_id = n.from_account_id
                              AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > now()))
            ORDER BY n.account_id, n.id DESC LIMIT $5;
        ELSIF $3 = 9223372036854775807 THEN  -- no upper bound: since_id
            RETURN QUERY
            SELECT n.id, n.type, n.from_account_id, n.status_id, n.created_at FROM notifications n
            LEFT JOIN statuses s ON s.id = n.status_id
            WHERE n.account_id = ANY(ARRAY[$1]) AND n.type = ANY($2) AND n.id > $4 AND (n.status_id IS NULL OR s.deleted_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = n.account_id AND b.target_account_id = n.from_account_id)
                                                        OR (b.account_id = n.from_account_id AND b.target_account_id = n.account_id))
              AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = n.account_id AND m.target_account_id = n.from_account_id
                              AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > now()))
            ORDER BY n.account_id, n.id DESC LIMIT $5;
        ELSE
            RETURN QUERY EXECUTE
                'SELECT n.id, n.type, n.from_account_id, n.status_id, n.created_at FROM notifications n '
                'LEFT JOIN statuses s ON s.id = n.status_id '
                'WHERE n.account_id = $1 AND n.type = ANY($2) AND n.id < $3 AND n.id > $4 AND (n.status_id IS NULL OR s.deleted_at IS NULL) '
                'AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = n.account_id AND b.target_account_id = n.from_account_id) '
                'OR (b.account_id = n.from_account_id AND b.target_account_id = n.account_id)) '
                'AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = n.account_id AND m.target_account_id = n.from_account_id '
                'AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > now())) '
                'ORDER BY n.id DESC LIMIT $5' USING $1, $2, $3, $4, $5;
        END IF;
    END
    $$;
    """)
}

extension Migrations {
    /// A thread's ancestors and descendants in one round trip (`StatusContextStatement`, two
    /// statements before), both walks by index (`statuses_pkey` up, `statuses_replies` down) whatever
    /// the status; and a favourite or its undoing in one round trip (`SetFavouriteStatement`: the
    /// row, the counter and the outbox row, five round trips before with the transaction's BEGIN and
    /// COMMIT, and one or two more to read the original). Planned once per connection, as
    /// `readPageFunctions`. `OR REPLACE`: a database that ran a development version of migration 26
    /// holding them gets these bodies.
    static let contextAndFavouriteFunctions = Migration(version: 27, name: "context_and_favourite_functions", sql: """
    CREATE OR REPLACE FUNCTION starling_status_context(bigint) RETURNS TABLE (r_ancestor boolean, r_id bigint)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        RETURN QUERY
        WITH RECURSIVE up(id, parent, depth) AS (
            SELECT st.id, st.in_reply_to_id, 0 FROM statuses st WHERE st.id = $1
            UNION ALL
            SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent WHERE up.depth < 40
        )
        SELECT true, up.id FROM up JOIN statuses s ON s.id = up.id WHERE up.id <> $1 AND s.deleted_at IS NULL
        ORDER BY up.depth DESC;
        RETURN QUERY
        WITH RECURSIVE down(id, path) AS (
            SELECT st.id, ARRAY[st.id] FROM statuses st WHERE st.in_reply_to_id = $1 AND st.deleted_at IS NULL
            UNION ALL
            SELECT s.id, down.path || s.id FROM statuses s JOIN down ON s.in_reply_to_id = down.id
            WHERE s.deleted_at IS NULL AND cardinality(down.path) < 20
        )
        SELECT false, down.id FROM down ORDER BY down.path LIMIT 60;
    END
    $$;

    CREATE OR REPLACE FUNCTION starling_set_favourite(bigint, bigint, bigint, boolean) RETURNS boolean
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        IF $4 THEN
            -- Not on a status deleted since the caller read it (its cached copy can lag the delete).
            INSERT INTO favourites (account_id, status_id)
            SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM statuses WHERE id = $2 AND deleted_at IS NULL)
            ON CONFLICT DO NOTHING;
            IF NOT FOUND THEN RETURN false; END IF;
            UPDATE statuses SET favourites_count = greatest(favourites_count + 1, 0) WHERE id = $2;
            INSERT INTO outbox (kind, status_id, account_id, target_id) VALUES ('favourite', $2, $1, $3);
        ELSE
            DELETE FROM favourites WHERE account_id = $1 AND status_id = $2;
            IF NOT FOUND THEN RETURN false; END IF;
            UPDATE statuses SET favourites_count = greatest(favourites_count - 1, 0) WHERE id = $2;
        END IF;
        RETURN true;
    END
    $$;
    """)
}

extension Migrations {
    /// The rest of what apps poll, planned once per connection as `readPageFunctions`:
    ///
    /// - Pages read oldest first above `min_id` (an app catching up from the top of what it holds):
    ///   a profile's, the public and tag timelines, notifications. Sent as statements they were
    ///   planned for every read, and a profile's page above an old `min_id` read the author's
    ///   whole history from their index and sorted it for the first 20 (`account_id = ANY($1)`
    ///   hides that one author's entries are in order: 1,567 entries, 3 ms on the seeded cluster,
    ///   mostly reading them from disk). Each is its newest-first
    ///   function's query walked the other way: `ORDER BY account_id DESC, id` is the author's index
    ///   read backwards, starting at the lower bound. With both bounds, planned for the arguments, as
    ///   in `readPageFunctions`.
    /// - Relationships (`GET /api/v1/accounts/relationships`, which apps send with nearly every
    ///   profile and notification they show): one row per target, every column a primary-key probe.
    /// - Followers and following pages, and a user's favourites and bookmarks pages, in the shape of
    ///   `readPageFunctions`' (`= ANY(ARRAY[$n])`, one branch per kind of bound, both bounds
    ///   planned for the arguments).
    ///
    /// Statements: `AuthorPageStatement<OldestFirst>`, `PublicTimelineStatement<OldestFirst>`,
    /// `TagTimelineStatement<OldestFirst>`, `NotificationsPageStatement<OldestFirst>`,
    /// `RelationshipsStatement`, `FollowPageStatement`, `MarkedPageStatement`. Literal text, as in
    /// migration 26.
    static let appReadFunctions = Migration(version: 28, name: "app_read_functions", sql: """
    CREATE OR REPLACE FUNCTION starling_author_page_ascending(bigint, bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        IF $2 = 9223372036854775807 THEN  -- min_id alone
            RETURN QUERY
            SELECT id FROM statuses WHERE account_id = ANY(ARRAY[$1]) AND deleted_at IS NULL AND id > $3
            ORDER BY account_id DESC, id LIMIT $4;
        ELSE
            RETURN QUERY EXECUTE
                'SELECT id FROM statuses WHERE account_id = $1 AND deleted_at IS NULL AND id < $2 AND id > $3 '
                'ORDER BY id LIMIT $4' USING $1, $2, $3, $4;
        END IF;
    END
    $$;

    CREATE OR REPLACE FUNCTION starling_public_page_ascending(bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        RETURN QUERY
        SELECT id FROM statuses WHERE deleted_at IS NULL AND visibility IN ('public') AND reblog_of_id IS NULL
          AND id < $1 AND id > $2 ORDER BY id LIMIT $3;
    END
    $$;

    CREATE OR REPLACE FUNCTION starling_tag_page_ascending(text, bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    DECLARE
        tag bigint;
    BEGIN
        SELECT id INTO tag FROM tags WHERE name = $1;
        IF tag IS NULL THEN RETURN; END IF;
        RETURN QUERY
        SELECT st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
        WHERE st.tag_id = ANY(ARRAY[tag]) AND s.deleted_at IS NULL
          AND s.visibility IN ('public')
          AND st.status_id < $2 AND st.status_id > $3 ORDER BY st.tag_id DESC, st.status_id LIMIT $4;
    END
    $$;

    CREATE OR REPLACE FUNCTION starling_notifications_page_ascending(bigint, text[], bigint, bigint, integer)
    RETURNS TABLE (r_id bigint, r_type text, r_from_account_id bigint, r_status_id bigint, r_created_at timestamptz)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        IF $3 = 9223372036854775807 THEN  -- min_id alone
            RETURN QUERY
            SELECT n.id, n.type, n.from_account_id, n.status_id, n.created_at FROM notifications n
            LEFT JOIN statuses s ON s.id = n.status_id
            WHERE n.account_id = ANY(ARRAY[$1]) AND n.type = ANY($2) AND n.id > $4 AND (n.status_id IS NULL OR s.deleted_at IS NULL)
              AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = n.account_id AND b.target_account_id = n.from_account_id)
                                                        OR (b.account_id = n.from_account_id AND b.target_account_id = n.account_id))
              AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = n.account_id AND m.target_account_id = n.from_account_id
                              AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > now()))
            ORDER BY n.account_id DESC, n.id LIMIT $5;
        ELSE
            RETURN QUERY EXECUTE
                'SELECT n.id, n.type, n.from_account_id, n.status_id, n.created_at FROM notifications n '
                'LEFT JOIN statuses s ON s.id = n.status_id '
                'WHERE n.account_id = $1 AND n.type = ANY($2) AND n.id < $3 AND n.id > $4 AND (n.status_id IS NULL OR s.deleted_at IS NULL) '
                'AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = n.account_id AND b.target_account_id = n.from_account_id) '
                'OR (b.account_id = n.from_account_id AND b.target_account_id = n.account_id)) '
                'AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = n.account_id AND m.target_account_id = n.from_account_id '
                'AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > now())) '
                'ORDER BY n.id LIMIT $5' USING $1, $2, $3, $4, $5;
        END IF;
    END
    $$;

    CREATE OR REPLACE FUNCTION starling_relationships(bigint, bigint[])
    RETURNS TABLE (r_id bigint, r_following boolean, r_followed_by boolean, r_blocking boolean, r_blocked_by boolean,
                   r_mute integer, r_requested boolean, r_requested_by boolean)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        RETURN QUERY
        SELECT t.id,
               EXISTS (SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = t.id),
               EXISTS (SELECT 1 FROM follows WHERE follower_id = t.id AND followee_id = $1),
               EXISTS (SELECT 1 FROM blocks WHERE account_id = $1 AND target_account_id = t.id),
               EXISTS (SELECT 1 FROM blocks WHERE account_id = t.id AND target_account_id = $1),
               coalesce((SELECT CASE WHEN hide_notifications THEN 2 ELSE 1 END FROM mutes
                         WHERE account_id = $1 AND target_account_id = t.id
                           AND (expires_at IS NULL OR expires_at > now())), 0),
               EXISTS (SELECT 1 FROM follow_requests WHERE account_id = $1 AND target_account_id = t.id),
               EXISTS (SELECT 1 FROM follow_requests WHERE account_id = t.id AND target_account_id = $1)
        FROM unnest($2) WITH ORDINALITY AS t(id, n) ORDER BY t.n;
    END
    $$;

    CREATE OR REPLACE FUNCTION starling_follow_page(boolean, bigint, bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        IF $1 THEN  -- followers
            IF $4 < 0 THEN  -- the first page, or max_id
                RETURN QUERY
                SELECT follower_id FROM follows WHERE followee_id = ANY(ARRAY[$2]) AND follower_id < $3
                ORDER BY followee_id DESC, follower_id DESC LIMIT $5;
            ELSIF $3 = 9223372036854775807 THEN  -- since_id or min_id
                RETURN QUERY
                SELECT follower_id FROM follows WHERE followee_id = ANY(ARRAY[$2]) AND follower_id > $4
                ORDER BY followee_id DESC, follower_id DESC LIMIT $5;
            ELSE
                RETURN QUERY EXECUTE
                    'SELECT follower_id FROM follows WHERE followee_id = $1 AND follower_id < $2 AND follower_id > $3 '
                    'ORDER BY follower_id DESC LIMIT $4' USING $2, $3, $4, $5;
            END IF;
        ELSE  -- following
            IF $4 < 0 THEN
                RETURN QUERY
                SELECT followee_id FROM follows WHERE follower_id = ANY(ARRAY[$2]) AND followee_id < $3
                ORDER BY follower_id DESC, followee_id DESC LIMIT $5;
            ELSIF $3 = 9223372036854775807 THEN
                RETURN QUERY
                SELECT followee_id FROM follows WHERE follower_id = ANY(ARRAY[$2]) AND followee_id > $4
                ORDER BY follower_id DESC, followee_id DESC LIMIT $5;
            ELSE
                RETURN QUERY EXECUTE
                    'SELECT followee_id FROM follows WHERE follower_id = $1 AND followee_id < $2 AND followee_id > $3 '
                    'ORDER BY followee_id DESC LIMIT $4' USING $2, $3, $4, $5;
            END IF;
        END IF;
    END
    $$;

    CREATE OR REPLACE FUNCTION starling_marked_page(boolean, bigint, bigint, bigint, integer, boolean)
    RETURNS TABLE (r_id bigint, r_status_id bigint)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    SET max_parallel_workers_per_gather = 0
    AS $$
    BEGIN
        IF $1 THEN  -- bookmarks
            IF $3 <> 9223372036854775807 AND ($4 >= 0 OR $6) THEN  -- both bounds, or oldest first below max_id
                RETURN QUERY EXECUTE
                    'SELECT m.id, m.status_id FROM bookmarks m JOIN statuses s ON s.id = m.status_id '
                    'WHERE m.account_id = $1 AND m.id < $2 AND m.id > $3 AND s.deleted_at IS NULL '
                    'ORDER BY m.id ' || CASE WHEN $6 THEN 'ASC' ELSE 'DESC' END || ' LIMIT $4' USING $2, $3, $4, $5;
            ELSIF $6 THEN  -- min_id alone: oldest first above it
                RETURN QUERY
                SELECT m.id, m.status_id FROM bookmarks m JOIN statuses s ON s.id = m.status_id
                WHERE m.account_id = ANY(ARRAY[$2]) AND m.id > $4 AND s.deleted_at IS NULL
                ORDER BY m.account_id DESC, m.id LIMIT $5;
            ELSIF $4 < 0 THEN  -- the first page, or max_id
                RETURN QUERY
                SELECT m.id, m.status_id FROM bookmarks m JOIN statuses s ON s.id = m.status_id
                WHERE m.account_id = ANY(ARRAY[$2]) AND m.id < $3 AND s.deleted_at IS NULL
                ORDER BY m.account_id, m.id DESC LIMIT $5;
            ELSE  -- since_id
                RETURN QUERY
                SELECT m.id, m.status_id FROM bookmarks m JOIN statuses s ON s.id = m.status_id
                WHERE m.account_id = ANY(ARRAY[$2]) AND m.id > $4 AND s.deleted_at IS NULL
                ORDER BY m.account_id, m.id DESC LIMIT $5;
            END IF;
        ELSE  -- favourites
            IF $3 <> 9223372036854775807 AND ($4 >= 0 OR $6) THEN
                RETURN QUERY EXECUTE
                    'SELECT m.id, m.status_id FROM favourites m JOIN statuses s ON s.id = m.status_id '
                    'WHERE m.account_id = $1 AND m.id < $2 AND m.id > $3 AND s.deleted_at IS NULL '
                    'ORDER BY m.id ' || CASE WHEN $6 THEN 'ASC' ELSE 'DESC' END || ' LIMIT $4' USING $2, $3, $4, $5;
            ELSIF $6 THEN
                RETURN QUERY
                SELECT m.id, m.status_id FROM favourites m JOIN statuses s ON s.id = m.status_id
                WHERE m.account_id = ANY(ARRAY[$2]) AND m.id > $4 AND s.deleted_at IS NULL
                ORDER BY m.account_id DESC, m.id LIMIT $5;
            ELSIF $4 < 0 THEN
                RETURN QUERY
                SELECT m.id, m.status_id FROM favourites m JOIN statuses s ON s.id = m.status_id
                WHERE m.account_id = ANY(ARRAY[$2]) AND m.id < $3 AND s.deleted_at IS NULL
                ORDER BY m.account_id, m.id DESC LIMIT $5;
            ELSE
                RETURN QUERY
                SELECT m.id, m.status_id FROM favourites m JOIN statuses s ON s.id = m.status_id
                WHERE m.account_id = ANY(ARRAY[$2]) AND m.id > $4 AND s.deleted_at IS NULL
                ORDER BY m.account_id, m.id DESC LIMIT $5;
            END IF;
        END IF;
    END
    $$;
    """)
}
