extension Migrations {
    /// A post in one round trip, planned once per connection: the statement that writes a status
    /// (its row, reply counter, mentions, tags, attachments, the author's counters and the outbox
    /// row) becomes a function with `plan_cache_mode = force_generic_plan`. As a prepared statement
    /// PostgreSQL planned it afresh for every post (its generic plan's estimates lose to custom
    /// plans for the usual empty mention, tag and media arrays), and planning cost more than
    /// running it: 40 % of PostgreSQL's CPU under the load test's posts was the planner.
    /// PL/pgSQL keeps the generic plan for the session. Parameters and result as
    /// `CreateStatusStatement` binds and decodes them; no row when nothing was written.
    static let postFunction = Migration(version: 14, name: "post_function", sql: createStatusFunction(
        "CREATE FUNCTION", query: createStatusQuery(tags: tagsInTheStatement), after: ""))

    /// The post's tags written after its status, in statements of their own, no longer in the
    /// statement's `INSERT … ON CONFLICT DO UPDATE`: that updated an existing tag's row to return
    /// its id, so it held the row's lock until commit, and every post using a popular tag waited
    /// for the one before (16 concurrent posts tagged alike: 43 ms a call in PostgreSQL, against 4 ms
    /// untagged). `DO NOTHING` takes no lock; the next statement (a new snapshot under READ
    /// COMMITTED) sees the tag whoever created it, even one created by a post committing meanwhile
    /// (the insert waits for that post). Only when the status was written (`FOUND`): a refused
    /// post creates no tag.
    static let postFunctionTags = Migration(version: 16, name: "post_function_tags", sql: createStatusFunction(
        "CREATE OR REPLACE FUNCTION", query: createStatusQuery(tags: ""), after: postTags))

    /// The post's commit no longer sends the outbox's NOTIFY: the API wakes the workers once the
    /// post has committed (`OutboxWake`). A transaction that notifies takes one lock for the whole
    /// database at commit and holds it through its WAL flush, so notifying posts committed one at
    /// a time, each waiting for the one before it to reach the disk (under 16 concurrent posts
    /// nearly every PostgreSQL backend sat in `Lock:object`, and posts/s doubled with the trigger
    /// off). The function marks its transaction (`starling.outbox_wake`, local to the
    /// transaction), and the trigger's function skips the NOTIFY for marked transactions; every
    /// other writer of outbox rows still notifies.
    static let postWakesAfterCommit = Migration(version: 18, name: "post_wakes_after_commit", sql: """
        CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF current_setting('\(OutboxWake.setting)', true) IS DISTINCT FROM 'after_commit' THEN
                PERFORM pg_notify('starling_outbox', '');
            END IF;
            RETURN NULL;
        END $$;

        """ + createStatusFunction("CREATE OR REPLACE FUNCTION", query: createStatusQuery(tags: ""), after: postTags,
                                   before: "PERFORM set_config('\(OutboxWake.setting)', 'after_commit', true);\n"))

    /// A plain post (no reply, no mention, no attachment: most posts) takes a statement of its own
    /// inside the same function: its status, the author's counters and the outbox row, and nothing
    /// else. The general statement's plan initialises some thirty nodes (the parent's update, the
    /// attachments' locking count, the mentions' join and aggregate) for every call, used or not:
    /// under 16 concurrent callers (pgbench, the workers stopped) the function ran 3,900–5,400
    /// plain posts a second, the plain statement alone 7,100–8,700. The function keeps its name,
    /// parameters and result, so nodes of the previous version call it unchanged; tags are written
    /// after either statement, as before.
    static let plainPostStatement = Migration(version: 23, name: "plain_post_statement", sql: createStatusFunction(
        "CREATE OR REPLACE FUNCTION", query: createStatusQuery(tags: ""), after: "END IF;\n" + postTags,
        before: "PERFORM set_config('\(OutboxWake.setting)', 'after_commit', true);\n"
            + "IF $8 IS NULL AND cardinality($10) = 0 AND cardinality($12) = 0 THEN\n"
            + "    RETURN QUERY\n" + plainPostQuery + "\nELSE\n"))

    /// `createStatusQuery` for a post with no parent, mention or attachment: the same row, counters
    /// and outbox job, and the same result (no reply target, no mentions, the author's row).
    static let plainPostQuery = """
        WITH inserted AS (
            INSERT INTO statuses (id, account_id, text, spoiler_text, sensitive, visibility, language,
                                  in_reply_to_id, in_reply_to_account_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $9)
        ), queued AS (
            INSERT INTO outbox (kind, status_id, account_id) VALUES ('post', $1, $2)
        )
        UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = $9, last_active_at = now()
        WHERE id = $2
        RETURNING NULL::bigint, '{}'::bigint[], '{}'::text[], id, username, display_name, note, created_at,
                  last_status_at, followers_count, following_count, statuses_count, locked;
        """

    static let postTags = """
            IF FOUND AND cardinality($11) > 0 THEN
                INSERT INTO tags (name) SELECT DISTINCT t FROM unnest($11::text[]) AS t ON CONFLICT (name) DO NOTHING;
                INSERT INTO status_tags (status_id, tag_id) SELECT $1, id FROM tags WHERE name = ANY($11::text[]);
            END IF;

            """

    /// The function: `create` (`CREATE` or `CREATE OR REPLACE`), the statements `before` its one
    /// `RETURN QUERY`, the query, and the statements `after` it.
    static func createStatusFunction(_ create: String, query: String, after: String, before: String = "") -> String {
        create + """
             starling_create_status(
                bigint, bigint, text, text, boolean, text, text, bigint, timestamptz, text[], text[], bigint[])
            RETURNS TABLE (r_in_reply_to_account_id bigint, r_mention_ids bigint[], r_mention_names text[],
                           r_id bigint, r_username text, r_display_name text, r_note text, r_created_at timestamptz,
                           r_last_status_at timestamptz, r_followers_count bigint, r_following_count bigint,
                           r_statuses_count bigint, r_locked boolean)
            LANGUAGE plpgsql
            SET plan_cache_mode = force_generic_plan
            AS $$
            BEGIN

            """ + before + """
                RETURN QUERY

            """ + query + "\n" + after + """
            END
            $$;
            """
    }

    static let tagsInTheStatement = """
        ), tag_ids AS (
            INSERT INTO tags (name)
            SELECT DISTINCT t FROM unnest($11::text[]) AS t WHERE EXISTS (SELECT 1 FROM inserted)
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
            RETURNING id
        ), tagged AS (
            INSERT INTO status_tags (status_id, tag_id) SELECT $1, id FROM tag_ids
        """

    /// The statement, with `tags` (CTEs) between the mentions and the author's counters.
    static func createStatusQuery(tags: String) -> String {
        """
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
        """ + tags + """
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
        """
    }

    /// The statements every fan-out batch runs, as functions planned once per connection (as
    /// `postFunction`): leasing outbox rows, reading the batch's statuses and their attachments,
    /// and the lists holding their authors. Run as plain statements, each was parsed and planned
    /// for every batch; under the load test's posts planning them took longer than running them
    /// (1.9 s against 1.2 s in 5 s, pg_stat_statements with track_planning; the list deliveries
    /// 571 ms against 18 ms). Each returns what its caller used to select.
    static let workerFunctions = Migration(version: 15, name: "worker_functions", sql: """
    -- $1 the rows finished since the caller's last lease (deleted), $2 the lease in seconds, $3 how many.
    CREATE FUNCTION starling_lease_outbox(bigint[], double precision, integer)
    RETURNS TABLE (r_id bigint, r_kind text, r_status_id bigint, r_account_id bigint, r_target_id bigint,
                   r_cursor bigint, r_attempts integer, r_followers_count bigint)
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        WITH finished AS (
            DELETE FROM outbox WHERE id = ANY($1)
        ), leased AS (
            -- An array, not `IN (SELECT … LIMIT $3)`: a generic plan reads `LIMIT $3` as a tenth of the
            -- table, and would hash the whole outbox; `= ANY(array)` is planned as a few index probes.
            UPDATE outbox SET available_at = now() + make_interval(secs => $2), attempts = attempts + 1
            WHERE id = ANY(ARRAY(SELECT o.id FROM outbox o WHERE o.available_at <= now() AND NOT (o.id = ANY($1))
                                 ORDER BY o.id LIMIT $3 FOR UPDATE SKIP LOCKED))
            RETURNING id, kind, status_id, account_id, target_id, cursor, attempts
        )
        SELECT l.id, l.kind, l.status_id, l.account_id, l.target_id, l.cursor, l.attempts, coalesce(a.followers_count, 0)
        FROM leased l LEFT JOIN accounts a ON a.id = l.account_id;
    END
    $$;

    -- Visible statuses by id with their mentions (ids and usernames, by id) and tags (by name).
    CREATE FUNCTION starling_statuses_by_ids(bigint[])
    RETURNS TABLE (r_id bigint, r_account_id bigint, r_text text, r_spoiler_text text, r_sensitive boolean,
                   r_visibility text, r_language text, r_in_reply_to_id bigint, r_in_reply_to_account_id bigint,
                   r_created_at timestamptz, r_reblog_of_id bigint, r_mention_ids bigint[], r_mention_names text[],
                   r_tags text[], r_edited_at timestamptz, r_poll_id bigint)
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        SELECT s.id, s.account_id, s.text, s.spoiler_text, s.sensitive, s.visibility, s.language,
               s.in_reply_to_id, s.in_reply_to_account_id, s.created_at, s.reblog_of_id,
               coalesce((SELECT array_agg(m.account_id ORDER BY m.account_id) FROM mentions m WHERE m.status_id = s.id), '{}'),
               coalesce((SELECT array_agg(a.username ORDER BY m.account_id) FROM mentions m JOIN accounts a ON a.id = m.account_id
                         WHERE m.status_id = s.id), '{}'),
               coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM status_tags st JOIN tags t ON t.id = st.tag_id
                         WHERE st.status_id = s.id), '{}'),
               s.edited_at, s.poll_id
        FROM statuses s WHERE s.id = ANY($1) AND s.deleted_at IS NULL;
    END
    $$;

    -- The attachments of some statuses.
    CREATE FUNCTION starling_media_of_statuses(bigint[])
    RETURNS SETOF media_attachments
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY SELECT * FROM media_attachments WHERE status_id = ANY($1);
    END
    $$;

    -- The lists holding each posted status's author ($1 statuses, $2 authors, $3 reply targets, -1
    -- for none), with what `ListRules` needs of a reply: is its target a member, does the owner follow it.
    CREATE FUNCTION starling_list_deliveries(bigint[], bigint[], bigint[])
    RETURNS TABLE (r_status bigint, r_list bigint, r_owner bigint, r_replies_policy text, r_exclusive boolean,
                   r_target_is_member boolean, r_owner_follows_target boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        SELECT p.status, l.id, l.account_id, l.replies_policy, l.exclusive,
               p.target IS NOT NULL AND EXISTS (SELECT 1 FROM list_accounts m WHERE m.list_id = l.id AND m.account_id = p.target),
               p.target IS NOT NULL AND EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = l.account_id AND f.followee_id = p.target)
        FROM unnest($1, $2, $3) AS u(status, author, target)
        CROSS JOIN LATERAL (SELECT u.status, u.author, nullif(u.target, -1) AS target) p
        JOIN list_accounts la ON la.account_id = p.author
        JOIN lists l ON l.id = la.list_id;
    END
    $$;
    """)

    /// A fan-out batch's recipients among its authors' followers (`FanoutStore.recipients`, the
    /// batches without tags, nearly all) as a function planned once per connection, as
    /// `workerFunctions`. Sent as a statement it was planned for every batch: under the load
    /// test's posts its planning took half as long as running it (735 ms against 1,430 ms in 8 s).
    static let fanoutFollowersFunction = Migration(version: 17, name: "fanout_followers_function", sql: """
    -- Per job ($1, with its author $2, keyset cursor $3, whether its reach is restricted $4, the
    -- account a reply's recipients must also follow $5 (-1: none), whether it reaches followers
    -- at all $6), one page of at most $10 recipients, ascending. $7/$8: the (job, account) pairs a
    -- restricted reach admits; $9: the seconds within which a recipient was active (-1: any).
    CREATE FUNCTION starling_fanout_followers(bigint[], bigint[], bigint[], bigint[], bigint[], bigint[],
                                              bigint[], bigint[], bigint, bigint)
    RETURNS TABLE (r_job bigint, r_ids bigint[])
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        WITH among(job, account) AS (SELECT * FROM unnest($7, $8))
        SELECT j.job, coalesce(r.ids, '{}')
        FROM unnest($1, $2, $3, $4, $5, $6) AS j(job, author, cursor, restrict, other, followers)
        CROSS JOIN LATERAL (SELECT array_agg(p.account_id ORDER BY p.account_id) AS ids FROM (
            SELECT f.follower_id AS account_id FROM follows f JOIN accounts a ON a.id = f.follower_id
            WHERE j.followers = 1 AND f.followee_id = j.author AND f.follower_id > j.cursor
              AND ($9 < 0 OR a.last_active_at > now() - make_interval(secs => $9::float8))
              AND (j.restrict = 0
                   OR EXISTS (SELECT 1 FROM among m WHERE m.job = j.job AND m.account = f.follower_id)
                   OR (j.other >= 0 AND EXISTS (SELECT 1 FROM follows g WHERE g.follower_id = f.follower_id AND g.followee_id = j.other)))
            ORDER BY f.follower_id LIMIT $10) p) r;
    END
    $$;
    """)

    /// The recipients of a batch in which some post has tags (`FanoutStore.recipients`): the
    /// authors' followers united with the tags' followers, as a function planned once per
    /// connection, as `fanoutFollowersFunction` did for the batches without tags. Sent as a
    /// statement it was planned for every batch, and the planning cost more than the run.
    static let fanoutTaggedFunction = Migration(version: 19, name: "fanout_tagged_function", sql: """
    -- $1..$6 and $8/$9 as starling_fanout_followers' $1..$8; $7 whether a job's tag followers
    -- exclude its author's followers (who get the post as followers, or were meant not to);
    -- $10/$11 the (job, tag name) pairs; $12 the activity window in seconds (-1: any); $13 the
    -- page size. Each half is a keyset page of its own (follows_by_followee, tag_follows' primary
    -- key); the union's first $13 ids are among theirs, so the next page's cursor (the last id of
    -- this page) is right for both.
    CREATE FUNCTION starling_fanout_recipients_tagged(bigint[], bigint[], bigint[], bigint[], bigint[], bigint[], bigint[],
                                                      bigint[], bigint[], bigint[], text[], bigint, bigint)
    RETURNS TABLE (r_job bigint, r_ids bigint[])
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        WITH among(job, account) AS (SELECT * FROM unnest($8, $9)),
        tagged(job, tag_id) AS (
            SELECT u.job, t.id FROM unnest($10, $11) AS u(job, name) JOIN tags t ON t.name = u.name)
        SELECT j.job, coalesce(r.ids, '{}')
        FROM unnest($1, $2, $3, $4, $5, $6, $7) AS j(job, author, cursor, restrict, other, followers, except_followers)
        CROSS JOIN LATERAL (SELECT array_agg(u.account_id ORDER BY u.account_id) AS ids FROM (
            SELECT u.account_id FROM (
                (SELECT f.follower_id AS account_id FROM follows f JOIN accounts a ON a.id = f.follower_id
                 WHERE j.followers = 1 AND f.followee_id = j.author AND f.follower_id > j.cursor
                   AND ($12 < 0 OR a.last_active_at > now() - make_interval(secs => $12::float8))
                   AND (j.restrict = 0
                        OR EXISTS (SELECT 1 FROM among m WHERE m.job = j.job AND m.account = f.follower_id)
                        OR (j.other >= 0 AND EXISTS (SELECT 1 FROM follows g WHERE g.follower_id = f.follower_id AND g.followee_id = j.other)))
                 ORDER BY f.follower_id LIMIT $13)
                UNION
                (SELECT DISTINCT t.account_id FROM tagged tg CROSS JOIN LATERAL (
                     -- Per tag, an ordered scan of tag_follows' primary key, bounded by the page. The
                     -- activity check is a per-row lookup, not a join: a join lets the planner hash all
                     -- accounts against a large tag instead of stopping after a page of rows.
                     SELECT tf.account_id FROM tag_follows tf
                     WHERE tf.tag_id = tg.tag_id AND tf.account_id > j.cursor AND tf.account_id <> j.author
                       AND ($12 < 0 OR (SELECT a.last_active_at FROM accounts a WHERE a.id = tf.account_id)
                                        > now() - make_interval(secs => $12::float8))
                       AND (j.except_followers = 0
                            OR NOT EXISTS (SELECT 1 FROM follows h WHERE h.follower_id = tf.account_id AND h.followee_id = j.author))
                       -- Blocks end follows, so only tag followers need this: none across a block. Two
                       -- probes of blocks' keys; one EXISTS with an OR is two bitmap scans a row in the
                       -- generic plan (6.2 ms against 3.0 ms for a batch of six posts with two tags).
                       AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = tf.account_id AND b.target_account_id = j.author)
                       AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = j.author AND b.target_account_id = tf.account_id)
                     ORDER BY tf.account_id LIMIT $13) t
                 WHERE tg.job = j.job ORDER BY t.account_id LIMIT $13)
            ) u ORDER BY u.account_id LIMIT $13
        ) u) r;
    END
    $$;
    """)

    /// The lease reads the outbox in id order through its primary key, never by a sequential scan.
    /// The outbox is a queue: every post inserts a row and deletes it a moment later, so between two
    /// autovacuum runs (a minute apart by default) its heap fills with thousands of dead rows. The
    /// generic plan chose a scan of the whole heap and a sort whenever the statistics said the
    /// table had grown, and every lease, even one finding nothing, then read every page: 230 pages
    /// and 0.55 ms for an empty outbox after a load test's posts. Through the index a scan marks
    /// the dead entries it passes (`kill_prior_tuple`) and the next scans skip them: 3 pages and
    /// 0.01 ms (`EXPLAIN (ANALYZE, BUFFERS)` of the lease's query, forced generic plan).
    static let outboxLeaseByIndex = Migration(version: 20, name: "outbox_lease_by_index", sql: """
    ALTER FUNCTION starling_lease_outbox(bigint[], double precision, integer) SET enable_seqscan = off;
    """)

    /// Statuses by id that say whether they have attachments (`r_has_media`, a probe of
    /// `media_attachments_by_status`), so that their attachments are read only when some have any:
    /// every fan-out batch read them in a statement of its own, and nearly every batch has none.
    /// A new name, not a changed result: a node still running the previous version keeps calling
    /// `starling_statuses_by_ids` during a rolling upgrade.
    static let statusesSayIfTheyHaveMedia = Migration(version: 21, name: "statuses_say_if_they_have_media", sql: """
    CREATE FUNCTION starling_statuses_with_media_flag(bigint[])
    RETURNS TABLE (r_id bigint, r_account_id bigint, r_text text, r_spoiler_text text, r_sensitive boolean,
                   r_visibility text, r_language text, r_in_reply_to_id bigint, r_in_reply_to_account_id bigint,
                   r_created_at timestamptz, r_reblog_of_id bigint, r_mention_ids bigint[], r_mention_names text[],
                   r_tags text[], r_edited_at timestamptz, r_poll_id bigint, r_has_media boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        SELECT s.*, EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = s.r_id)
        FROM starling_statuses_by_ids($1) s;
    END
    $$;
    """)

    /// The lease returns its post jobs' statuses (the columns `starling_statuses_with_media_flag`
    /// returns; none for a deleted status or another kind of job), so a fan-out batch no longer waits
    /// for a statement of its own between the lease and the recipients' query. One query, not the
    /// two functions called from a third: nested, they cost PostgreSQL more than the statement saved
    /// (every lease, even one finding nothing, ran all three). A new function: `starling_lease_outbox`
    /// is unchanged, for nodes of the previous version during an upgrade.
    static let leaseReturnsStatuses = Migration(version: 22, name: "lease_returns_statuses", sql: leaseWithStatuses(name: "starling_lease_outbox_with_statuses"))

    /// The lease of `leaseReturnsStatuses`, plus whether each post's author is in any list
    /// (`o_author_listed`), so a batch whose authors are in none skips the lists' query
    /// (`starling_list_deliveries`): it ran for every batch, a quarter of the workers' statements
    /// per post, and most authors are in nobody's list. A new name again, for nodes of the
    /// previous version during an upgrade.
    static let leaseSaysIfAuthorsAreListed = Migration(version: 24, name: "lease_says_if_authors_are_listed", sql: leaseWithStatuses(
        name: "starling_lease_outbox_for_fanout", extraColumns: ", o_author_listed boolean",
        extraValues: ",\n           l.kind = 'post' AND EXISTS (SELECT 1 FROM list_accounts la WHERE la.account_id = l.account_id)"))

    /// The lease of `leaseSaysIfAuthorsAreListed`, replaced in place (same arguments and result),
    /// with each leased post's status looked up by its id alone. The function keeps one generic plan
    /// per connection, made on its first call with the statistics of that moment, and cannot scan a
    /// table sequentially: on a database whose `statuses` had been analysed nearly empty (a new
    /// deployment, the load test's fresh cluster), the plain `LEFT JOIN` was planned as a bitmap
    /// scan of every live status, kept and matched against each leased row. A lease then cost 4 ms
    /// at 3,000 statuses and 17 ms at 20,000 (`auto_explain` inside the function; the load test's
    /// post phase doubled PostgreSQL's CPU per post) until an autovacuum's `ANALYZE` happened to
    /// replan it. Behind `OFFSET 0` the status is a subquery of its own, parameterised by the leased
    /// row: a primary-key probe whatever the statistics say.
    static let leaseLooksUpStatusesById = Migration(version: 29, name: "lease_looks_up_statuses_by_id", sql: leaseWithStatuses(
        name: "starling_lease_outbox_for_fanout", create: "CREATE OR REPLACE FUNCTION", extraColumns: ", o_author_listed boolean",
        extraValues: ",\n           l.kind = 'post' AND EXISTS (SELECT 1 FROM list_accounts la WHERE la.account_id = l.account_id)",
        statusJoin: """
            LEFT JOIN LATERAL (SELECT * FROM statuses st WHERE st.id = l.status_id AND l.kind = 'post' AND st.deleted_at IS NULL
                               OFFSET 0) s ON true
            """))

    /// The lease with its post jobs' statuses, as function `name`; `extraColumns` and `extraValues`
    /// append to its result, `statusJoin` joins each leased row to its status (as `s`).
    static func leaseWithStatuses(name: String, create: String = "CREATE FUNCTION", extraColumns: String = "", extraValues: String = "",
                                  statusJoin: String = "LEFT JOIN statuses s ON l.kind = 'post' AND s.id = l.status_id AND s.deleted_at IS NULL") -> String {
        """
    \(create) \(name)(bigint[], double precision, integer)
    RETURNS TABLE (o_id bigint, o_kind text, o_status_id bigint, o_account_id bigint, o_target_id bigint,
                   o_cursor bigint, o_attempts integer, o_followers_count bigint,
                   s_account_id bigint, s_text text, s_spoiler_text text, s_sensitive boolean, s_visibility text,
                   s_language text, s_in_reply_to_id bigint, s_in_reply_to_account_id bigint, s_created_at timestamptz,
                   s_reblog_of_id bigint, s_mention_ids bigint[], s_mention_names text[], s_tags text[],
                   s_edited_at timestamptz, s_poll_id bigint, s_has_media boolean\(extraColumns))
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    SET enable_seqscan = off
    AS $$
    BEGIN
        RETURN QUERY
        WITH finished AS (
            DELETE FROM outbox WHERE id = ANY($1)
        ), leased AS (
            UPDATE outbox SET available_at = now() + make_interval(secs => $2), attempts = attempts + 1
            WHERE id = ANY(ARRAY(SELECT o.id FROM outbox o WHERE o.available_at <= now() AND NOT (o.id = ANY($1))
                                 ORDER BY o.id LIMIT $3 FOR UPDATE SKIP LOCKED))
            RETURNING id, kind, status_id, account_id, target_id, cursor, attempts
        )
        SELECT l.id, l.kind, l.status_id, l.account_id, l.target_id, l.cursor, l.attempts, coalesce(a.followers_count, 0),
               s.account_id, s.text, s.spoiler_text, s.sensitive, s.visibility, s.language, s.in_reply_to_id,
               s.in_reply_to_account_id, s.created_at, s.reblog_of_id,
               CASE WHEN s.id IS NULL THEN NULL ELSE
                   coalesce((SELECT array_agg(m.account_id ORDER BY m.account_id) FROM mentions m WHERE m.status_id = s.id), '{}') END,
               CASE WHEN s.id IS NULL THEN NULL ELSE
                   coalesce((SELECT array_agg(ma.username ORDER BY m.account_id) FROM mentions m JOIN accounts ma ON ma.id = m.account_id
                             WHERE m.status_id = s.id), '{}') END,
               CASE WHEN s.id IS NULL THEN NULL ELSE
                   coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM status_tags st JOIN tags t ON t.id = st.tag_id
                             WHERE st.status_id = s.id), '{}') END,
               s.edited_at, s.poll_id,
               CASE WHEN s.id IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM media_attachments md WHERE md.status_id = s.id) END\(extraValues)
        FROM leased l
        LEFT JOIN accounts a ON a.id = l.account_id
        \(statusJoin);
    END
    $$;
    """
    }
}
