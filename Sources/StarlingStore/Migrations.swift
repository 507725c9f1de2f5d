import Foundation

/// The versioned schema. Append new migrations; never edit an applied one.
public enum Migrations {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String

        /// The SQL split into single statements (the extended protocol runs one at a time):
        /// on `;` outside quotes and `$$` bodies, after dropping whole-line `--` comments.
        public var statements: [String] {
            let sql = self.sql.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
                .joined(separator: "\n")
            var statements: [String] = []
            var current = ""
            var inQuote = false, inDollar = false
            var previous: Character = " "
            for character in sql {
                current.append(character)
                if character == "'" && !inDollar { inQuote.toggle() }
                if character == "$" && previous == "$" && !inQuote { inDollar.toggle() }
                if character == ";" && !inQuote && !inDollar {
                    statements.append(current)
                    current = ""
                }
                previous = character
            }
            if !current.allSatisfy(\.isWhitespace) { statements.append(current) }
            return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && !$0.allSatisfy { $0 == ";" } }
        }
    }

    public static let all: [Migration] = [
        Migration(version: 1, name: "core", sql: """
        CREATE TABLE accounts (
            id               bigint PRIMARY KEY,
            username         text NOT NULL,
            email            text NOT NULL,
            password_hash    text NOT NULL,
            display_name     text NOT NULL DEFAULT '',
            note             text NOT NULL DEFAULT '',
            created_at       timestamptz NOT NULL DEFAULT now(),
            last_active_at   timestamptz NOT NULL DEFAULT now(),
            last_status_at   timestamptz,
            followers_count  bigint NOT NULL DEFAULT 0 CHECK (followers_count >= 0),
            following_count  bigint NOT NULL DEFAULT 0 CHECK (following_count >= 0),
            statuses_count   bigint NOT NULL DEFAULT 0 CHECK (statuses_count >= 0)
        );
        CREATE UNIQUE INDEX accounts_username_lower ON accounts (lower(username));
        CREATE UNIQUE INDEX accounts_email_lower ON accounts (lower(email));

        CREATE TABLE oauth_apps (
            id                  bigserial PRIMARY KEY,
            name                text NOT NULL,
            website             text,
            redirect_uri        text NOT NULL,
            scopes              text NOT NULL,
            client_id           text NOT NULL UNIQUE,
            client_secret_hash  bytea NOT NULL,
            created_at          timestamptz NOT NULL DEFAULT now()
        );

        -- Tokens are stored as SHA-256 digests: a database leak does not leak usable tokens.
        CREATE TABLE access_tokens (
            token_hash  bytea PRIMARY KEY,
            app_id      bigint NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
            account_id  bigint REFERENCES accounts (id) ON DELETE CASCADE,
            scopes      text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE follows (
            follower_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            followee_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            created_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (follower_id, followee_id),
            CHECK (follower_id <> followee_id)
        );
        -- Fan-out reads a followee's followers in keyset pages of follower_id.
        CREATE INDEX follows_by_followee ON follows (followee_id, follower_id);

        CREATE TABLE statuses (
            id                      bigint PRIMARY KEY,
            account_id              bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            text                    text NOT NULL,
            spoiler_text            text NOT NULL DEFAULT '',
            sensitive               boolean NOT NULL DEFAULT false,
            visibility              text NOT NULL DEFAULT 'public',
            language                text,
            in_reply_to_id          bigint,
            in_reply_to_account_id  bigint,
            reblog_of_id            bigint,
            created_at              timestamptz NOT NULL,
            deleted_at              timestamptz
        );
        CREATE INDEX statuses_by_account ON statuses (account_id, id DESC) WHERE deleted_at IS NULL;

        CREATE TABLE mentions (
            status_id   bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
            account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            PRIMARY KEY (status_id, account_id)
        );
        CREATE INDEX mentions_by_account ON mentions (account_id, status_id DESC);

        CREATE TABLE tags (
            id    bigserial PRIMARY KEY,
            name  text NOT NULL UNIQUE
        );
        CREATE TABLE status_tags (
            status_id  bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
            tag_id     bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
            PRIMARY KEY (status_id, tag_id)
        );
        CREATE INDEX status_tags_by_tag ON status_tags (tag_id, status_id DESC);

        -- The fan-out outbox. A row is one unit of work for one worker: for posts and deletes, one
        -- chunk of the author's followers starting after `cursor`; for follows, one home merge.
        CREATE TABLE outbox (
            id            bigserial PRIMARY KEY,
            kind          text NOT NULL CHECK (kind IN ('post', 'delete', 'follow', 'unfollow')),
            status_id     bigint NOT NULL DEFAULT 0,
            account_id    bigint NOT NULL,
            target_id     bigint NOT NULL DEFAULT 0,
            cursor        bigint NOT NULL DEFAULT 0,
            created_at    timestamptz NOT NULL DEFAULT now(),
            available_at  timestamptz NOT NULL DEFAULT now(),
            attempts      integer NOT NULL DEFAULT 0,
            last_error    text
        );
        CREATE INDEX outbox_available ON outbox (available_at, id);
        -- A chunk is queued once, however often a retried worker re-plans it.
        CREATE UNIQUE INDEX outbox_one_chunk ON outbox (kind, status_id, cursor) WHERE kind IN ('post', 'delete');

        CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('starling_outbox', '');
            RETURN NULL;
        END $$;
        CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
            FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
        """),
        Migration(version: 2, name: "outbox_claims", sql: """
        -- A job's first claim is recorded outside the claiming transaction, so it survives the
        -- claimer's crash: a later claim of the same row knows it is a redo and delivers without
        -- leaving duplicate list entries.
        CREATE TABLE outbox_claims (
            outbox_id   bigint PRIMARY KEY,
            claimed_at  timestamptz NOT NULL DEFAULT now()
        );
        """),
        Migration(version: 3, name: "conversations", sql: """
        ALTER TABLE statuses
            ADD COLUMN replies_count bigint NOT NULL DEFAULT 0,
            ADD COLUMN reblogs_count bigint NOT NULL DEFAULT 0,
            ADD COLUMN favourites_count bigint NOT NULL DEFAULT 0;
        CREATE INDEX statuses_replies ON statuses (in_reply_to_id, id) WHERE in_reply_to_id IS NOT NULL AND deleted_at IS NULL;
        -- One live reblog per account and status: reblogging twice is idempotent.
        CREATE UNIQUE INDEX statuses_one_reblog ON statuses (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL AND deleted_at IS NULL;
        CREATE INDEX statuses_reblogs_of ON statuses (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
        CREATE INDEX statuses_public ON statuses (id DESC) WHERE deleted_at IS NULL AND visibility = 'public' AND reblog_of_id IS NULL;
        CREATE INDEX statuses_search ON statuses USING gin (to_tsvector('simple', text)) WHERE deleted_at IS NULL AND reblog_of_id IS NULL;
        CREATE INDEX accounts_username_prefix ON accounts (lower(username) text_pattern_ops);
        CREATE INDEX accounts_display_name_prefix ON accounts (lower(display_name) text_pattern_ops);
        CREATE INDEX tags_name_prefix ON tags (name text_pattern_ops);

        CREATE TABLE favourites (
            account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            status_id   bigint NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
            created_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (account_id, status_id)
        );
        CREATE INDEX favourites_by_status ON favourites (status_id);

        CREATE TABLE notifications (
            id               bigserial PRIMARY KEY,
            account_id       bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            from_account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            type             text NOT NULL CHECK (type IN ('mention', 'follow', 'reblog', 'favourite')),
            status_id        bigint REFERENCES statuses (id) ON DELETE CASCADE,
            created_at       timestamptz NOT NULL DEFAULT now()
        );
        -- Workers may redo a job: the same notification is created once.
        CREATE UNIQUE INDEX notifications_once ON notifications (account_id, type, from_account_id, coalesce(status_id, 0));
        CREATE INDEX notifications_by_account ON notifications (account_id, id DESC);

        ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
        ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('post', 'delete', 'follow', 'unfollow', 'favourite'));
        """),
        Migration(version: 4, name: "outbox_leases", sql: """
        -- Workers lease outbox rows (available_at pushed past the lease, attempts counted) instead of
        -- holding a row lock across the work; a lease's attempt count tells a redo from a first try.
        DROP TABLE outbox_claims;
        """),
        Migration(version: 5, name: "launch", sql: """
        -- Markers (/api/v1/markers): where a user stopped reading a timeline. `version` counts the
        -- changes (Mastodon's lock_version): a write that moves nothing keeps it.
        CREATE TABLE markers (
            account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            timeline      text NOT NULL CHECK (timeline IN ('home', 'notifications')),
            last_read_id  bigint NOT NULL,
            version       integer NOT NULL DEFAULT 1,
            updated_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (account_id, timeline)
        );

        -- Followed hashtags. Fan-out reads a tag's followers in keyset pages of account_id (the
        -- primary key's order); a user's list pages by id, newest first, as Mastodon pages it.
        CREATE TABLE tag_follows (
            id          bigserial NOT NULL UNIQUE,
            tag_id      bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
            account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            created_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tag_id, account_id)
        );
        CREATE INDEX tag_follows_by_account ON tag_follows (account_id, id);

        -- Weekly logins for /api/v1/instance/activity: an account is recorded once per week when its
        -- token marks it active (AccountStore.authenticate, at most once a minute per account).
        -- Only the last 12 weeks are read; older rows are pruned when activity is computed.
        CREATE TABLE account_activity_weeks (
            week        date NOT NULL,
            account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            PRIMARY KEY (week, account_id)
        );
        """),
        Migration(version: 6, name: "oauth_codes_sessions", sql: """
        -- Authorization codes (RFC 6749 section 4.1), stored as SHA-256 digests like tokens. Single
        -- use: redeeming sets used_at; a replayed code revokes the token it was exchanged for.
        CREATE TABLE oauth_codes (
            code_hash         bytea PRIMARY KEY,
            app_id            bigint NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
            account_id        bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            redirect_uri      text NOT NULL,
            scopes            text NOT NULL,
            code_challenge    text,
            challenge_method  text,
            expires_at        timestamptz NOT NULL,
            used_at           timestamptz,
            token_hash        bytea
        );
        CREATE INDEX oauth_codes_by_expiry ON oauth_codes (expires_at);

        -- Browser sign-in sessions (a cookie holds the secret; its digest is stored), honoured by
        -- every API node. csrf_token guards the forms a session submits.
        CREATE TABLE web_sessions (
            session_hash  bytea PRIMARY KEY,
            account_id    bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
            csrf_token    text NOT NULL,
            user_agent    text,
            created_at    timestamptz NOT NULL DEFAULT now(),
            last_seen_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX web_sessions_by_account ON web_sessions (account_id);
        """),
        webPush,  // version 7, in WebPushMigration.swift
        media,  // version 8, in MediaMigration.swift
        relationships,  // version 9, in RelationshipMigration.swift
        listsAndBookmarks,  // version 10, in ListsMigration.swift
        editsAndPolls,  // version 11, in EditPollMigration.swift
        directFilters,  // version 12, in DirectFilterMigration.swift
        webClient,  // version 13, in WebClientMigration.swift
        postFunction,  // version 14, in PostFunctionMigration.swift
        workerFunctions,  // version 15, in PostFunctionMigration.swift
        postFunctionTags,  // version 16, in PostFunctionMigration.swift
        fanoutFollowersFunction,  // version 17, in PostFunctionMigration.swift
        postWakesAfterCommit,  // version 18, in PostFunctionMigration.swift
        fanoutTaggedFunction,  // version 19, in PostFunctionMigration.swift
        outboxLeaseByIndex,  // version 20, in PostFunctionMigration.swift
        statusesSayIfTheyHaveMedia,  // version 21, in PostFunctionMigration.swift
        leaseReturnsStatuses,  // version 22, in PostFunctionMigration.swift
        plainPostStatement,  // version 23, in PostFunctionMigration.swift
        leaseSaysIfAuthorsAreListed,  // version 24, in PostFunctionMigration.swift
        tagsByLength,  // version 25, in SearchMigration.swift
        readPageFunctions,  // version 26, in ReadFunctionMigration.swift
        contextAndFavouriteFunctions,  // version 27, in ReadFunctionMigration.swift
        appReadFunctions,  // version 28, in ReadFunctionMigration.swift
        leaseLooksUpStatusesById,  // version 29, in PostFunctionMigration.swift
    ]
}
