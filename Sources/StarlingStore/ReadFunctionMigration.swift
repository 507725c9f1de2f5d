extension Migrations {
    /// Profile, public and tag timeline pages planned once per connection, as the worker's
    /// statements (`workerFunctions`). Sent as statements, PostgreSQL planned them for every read,
    /// and planning cost 10-20 times the execution (0.2-0.8 ms of PostgreSQL CPU per read against
    /// 0.01-0.03 ms executing).
    ///
    /// A generic plan is made once, for any arguments, so each query is written so that the only
    /// sensible plan is the one every argument wants: its index walked down from the upper bound.
    /// Written plainly, a profile's page (`account_id = $1 ... ORDER BY id DESC`) got, on a table
    /// where one account wrote nearly every status, a backward walk of the primary key filtered by
    /// account: 77 ms for a quiet account's ten statuses among 500,000 (a tag's page: 145 ms for a
    /// rare tag). The author (the tag) as a one-value range, with the order of
    /// `statuses_by_account` (`status_tags_by_tag`), leaves the primary key no way to give the order
    /// without sorting: 0.03-0.2 ms in every case (`EXPLAIN ANALYZE EXECUTE` under
    /// `force_generic_plan` on that skewed table). The public page has one index that holds exactly
    /// its rows (`statuses_public`). A user's notifications stay planned per read: no shape keeps
    /// their generic plan off the primary key (PostgreSQL drops an ordering column equal to a
    /// parameter). The statements: `AuthorPageStatement`, `PublicTimelineStatement`,
    /// `TagTimelineStatement`.
    static let readPageFunctions = Migration(version: 26, name: "read_page_functions", sql: """
    CREATE FUNCTION starling_author_page(bigint, bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        SELECT id FROM statuses WHERE account_id >= $1 AND account_id <= $1 AND deleted_at IS NULL
          AND id < $2 AND id > $3 ORDER BY account_id, id DESC LIMIT $4;
    END
    $$;

    CREATE FUNCTION starling_public_page(bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
    BEGIN
        RETURN QUERY
        SELECT id FROM statuses WHERE deleted_at IS NULL AND \(VisibilitySQL.listedPublicly()) AND reblog_of_id IS NULL
          AND id < $1 AND id > $2 ORDER BY id DESC LIMIT $3;
    END
    $$;

    CREATE FUNCTION starling_tag_page(text, bigint, bigint, integer) RETURNS SETOF bigint
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
    DECLARE
        tag bigint;
    BEGIN
        SELECT id INTO tag FROM tags WHERE name = $1;
        IF tag IS NULL THEN RETURN; END IF;
        RETURN QUERY
        SELECT st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
        WHERE st.tag_id >= tag AND st.tag_id <= tag AND s.deleted_at IS NULL
          AND \(VisibilitySQL.listedPublicly("s.visibility"))
          AND st.status_id < $2 AND st.status_id > $3 ORDER BY st.tag_id, st.status_id DESC LIMIT $4;
    END
    $$;
    """)
}
