import Foundation
import PostgresNIO
import StarlingDomain

/// A poll as stored: its options and exact tallies.
public struct PollRow: Sendable, Equatable, Codable {
    public var id: Int64
    public var statusId: Int64
    public var accountId: Int64
    public var options: [String]
    public var tallies: [Int64]
    public var multiple: Bool
    public var hideTotals: Bool
    public var expiresAt: Date
    public var votesCount: Int64
    public var votersCount: Int64
    /// Grows with every change: a cache holding an older version may not overwrite a newer one.
    public var version: Int64
    /// Grows when the votes are reset (an edit changed the options).
    public var epoch: Int64

    public init(id: Int64, statusId: Int64, accountId: Int64, options: [String], tallies: [Int64], multiple: Bool, hideTotals: Bool,
                expiresAt: Date, votesCount: Int64, votersCount: Int64, version: Int64, epoch: Int64) {
        self.id = id
        self.statusId = statusId
        self.accountId = accountId
        self.options = options
        self.tallies = tallies
        self.multiple = multiple
        self.hideTotals = hideTotals
        self.expiresAt = expiresAt
        self.votesCount = votesCount
        self.votersCount = votersCount
        self.version = version
        self.epoch = epoch
    }

    public func expired(at now: Date = Date()) -> Bool { expiresAt <= now }
}

/// One version of a status, as its edit history shows it.
public struct StatusVersion: Sendable, Equatable {
    public var text: String
    public var spoilerText: String
    public var sensitive: Bool
    public var language: String?
    public var pollOptions: [String]?
    /// When this version was written (the post, or the edit that made it).
    public var createdAt: Date
}

/// A notification a write created: the streaming event goes to `recipient`'s channel.
public struct CreatedNotification: Sendable, Equatable {
    public var id: Int64
    public var recipient: Int64
}

/// Status edits and polls.
public struct EditPollStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let pollColumns = "id, status_id, account_id, options, tallies, multiple, hide_totals, expires_at, votes_count, voters_count, version, epoch"
    typealias PollTuple = (Int64, Int64, Int64, [String], [Int64], Bool, Bool, Date, Int64, Int64, Int64, Int64)

    static func pollRow(_ t: PollTuple) -> PollRow {
        PollRow(id: t.0, statusId: t.1, accountId: t.2, options: t.3, tallies: t.4, multiple: t.5, hideTotals: t.6, expiresAt: t.7,
                votesCount: t.8, votersCount: t.9, version: t.10, epoch: t.11)
    }

    /// Queues the push deliveries of the notifications in CTE `created` (columns id, account_id,
    /// from_account_id, type), as `NotificationStore.create` does for one.
    static let pushesCTE = """
        pushes AS (
            INSERT INTO push_deliveries (notification_id, subscription_id)
            SELECT c.id, s.id FROM created c JOIN push_subscriptions s ON s.account_id = c.account_id
            WHERE c.type = ANY(s.alerts) AND (s.policy = 'all'
                OR (s.policy = 'followed' AND EXISTS (SELECT 1 FROM follows WHERE follower_id = c.account_id AND followee_id = c.from_account_id))
                OR (s.policy = 'follower' AND EXISTS (SELECT 1 FROM follows WHERE follower_id = c.from_account_id AND followee_id = c.account_id)))
            ON CONFLICT DO NOTHING
        )
        """

    /// Nobody is notified across a block, nor by an account they mute with notifications (as
    /// `NotificationStore.create`): SQL over the columns named `recipient` and `sender`.
    static func notBlocked(recipient: String, sender: String) -> String {
        """
        NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = \(recipient) AND b.target_account_id = \(sender))
                                              OR (b.account_id = \(sender) AND b.target_account_id = \(recipient)))
        AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = \(recipient) AND m.target_account_id = \(sender)
                        AND m.hide_notifications AND (m.expires_at IS NULL OR m.expires_at > now()))
        """
    }

    // MARK: Posting with a poll

    /// A post with a poll: the post's one statement and the poll in one transaction.
    public func create(_ new: StatusStore.NewStatus, poll spec: PollSpec, pollId: Int64) async throws
        -> (status: StatusRow, author: AccountRow, poll: PollRow) {
        let createdAt = Date(timeIntervalSince1970: Double(SnowflakeGenerator.millis(of: new.id)) / 1000)
        let statement = CreateStatusStatement(new: new, createdAt: createdAt)
        let logger = database.logger
        return try await database.transaction("status_create_poll") { connection in
            var first: CreateStatusStatement.Row?
            for try await row in try await connection.execute(statement, logger: logger) where first == nil { first = row }
            guard let row = first else { throw DomainError.notFound }
            let (replyToAccount, mentionIds, mentionNames, id, username, displayName, note, accountCreated, lastStatusAt,
                 followers, following, statuses, locked) = row
            let author = AccountRow(id: id, username: username, displayName: displayName, note: note, createdAt: accountCreated,
                                    lastStatusAt: lastStatusAt, followersCount: followers, followingCount: following, statusesCount: statuses,
                                    locked: locked)
            let poll = try await Self.insertPoll(spec, id: pollId, status: new.id, account: new.accountId, on: connection, logger: logger)
            let status = StatusRow(id: new.id, accountId: new.accountId, text: new.text, spoilerText: new.spoilerText,
                                   sensitive: new.sensitive, visibility: new.visibility, language: new.language,
                                   inReplyToId: new.inReplyToId, inReplyToAccountId: replyToAccount, createdAt: createdAt,
                                   mentions: zip(mentionIds, mentionNames).map { MentionRef(id: $0, username: $1) },
                                   tags: new.tags, reblogOfId: nil, pollId: pollId)
            return (status, author, poll)
        }
    }

    static func insertPoll(_ spec: PollSpec, id: Int64, status: Int64, account: Int64, on connection: PostgresConnection,
                           logger: Logger) async throws -> PollRow {
        let zeros = [Int64](repeating: 0, count: spec.options.count)
        var out: PollRow?
        for try await t in try await connection.query("""
            INSERT INTO polls (id, status_id, account_id, options, tallies, multiple, hide_totals, expires_at)
            VALUES (\(id), \(status), \(account), \(spec.options), \(zeros), \(spec.multiple), \(spec.hideTotals),
                    now() + make_interval(secs => \(Int64(spec.expiresIn))))
            RETURNING \(unescaped: pollColumns)
            """, logger: logger).decode(PollTuple.self) { out = pollRow(t) }
        try await connection.query("UPDATE statuses SET poll_id = \(id) WHERE id = \(status)", logger: logger)
        guard let out else { throw DomainError.notFound }
        return out
    }

    // MARK: Edits

    public struct Edit: Sendable {
        public var statusId: Int64
        public var editor: Int64
        public var text: String
        public var spoilerText: String
        public var sensitive: Bool
        public var language: String?
        public var mentionedUsernames: [String]
        public var tags: [String]
        /// The poll after the edit (nil: none; an existing one is removed, as Mastodon does).
        public var poll: PollSpec?
        /// The id a new poll gets.
        public var newPollId: Int64

        public init(statusId: Int64, editor: Int64, text: String, spoilerText: String, sensitive: Bool, language: String?,
                    mentionedUsernames: [String], tags: [String], poll: PollSpec?, newPollId: Int64) {
            self.statusId = statusId
            self.editor = editor
            self.text = text
            self.spoilerText = spoilerText
            self.sensitive = sensitive
            self.language = language
            self.mentionedUsernames = mentionedUsernames
            self.tags = tags
            self.poll = poll
            self.newPollId = newPollId
        }
    }

    public struct EditResult: Sendable {
        /// Tags the status had before: their streams saw it too.
        public var previousTags: [String]
        /// Edits made so far (this one included): the version of the cached row.
        public var version: Int64
        public var poll: PollRow?
        /// `update` notifications for the people who reblogged it.
        public var notifications: [CreatedNotification]
    }

    /// Replaces a status's text, spoiler, sensitivity, language and poll in one transaction,
    /// keeping the previous version in `status_edits`; mentions and tags are derived again and
    /// those who reblogged it are notified (`update`, one per status and person: the newest edit).
    /// - Throws: `.notFound` if missing or deleted, `.notAllowed` if `editor` is not the author,
    ///   `.validation` for a reblog.
    public func edit(_ edit: Edit) async throws -> EditResult {
        let logger = database.logger
        return try await database.transaction("status_edit") { connection in
            var current: (Int64, String, String, Bool, String?, Date, Date?, Int64?, Int64?)?
            for try await row in try await connection.query("""
                SELECT account_id, text, spoiler_text, sensitive, language, created_at, edited_at, poll_id, reblog_of_id
                FROM statuses WHERE id = \(edit.statusId) AND deleted_at IS NULL FOR UPDATE
                """, logger: logger).decode((Int64, String, String, Bool, String?, Date, Date?, Int64?, Int64?).self) { current = row }
            guard let (author, text, spoiler, sensitive, language, createdAt, editedAt, pollId, reblogOf) = current else {
                throw DomainError.notFound
            }
            guard author == edit.editor else { throw DomainError.notAllowed }
            guard reblogOf == nil else { throw DomainError.validation("Validation failed: A reblog cannot be edited") }
            var oldPoll: PollRow?
            if let pollId {
                for try await t in try await connection.query("SELECT \(unescaped: Self.pollColumns) FROM polls WHERE id = \(pollId) FOR UPDATE",
                                                             logger: logger).decode(PollTuple.self) { oldPoll = Self.pollRow(t) }
            }
            try await connection.query("""
                INSERT INTO status_edits (status_id, account_id, text, spoiler_text, sensitive, language, poll_options, created_at)
                VALUES (\(edit.statusId), \(author), \(text), \(spoiler), \(sensitive), \(language), \(oldPoll?.options), \(editedAt ?? createdAt))
                """, logger: logger)
            // clock_timestamp, not now(): two edits serialised by the row lock get increasing times.
            try await connection.query("""
                UPDATE statuses SET text = \(edit.text), spoiler_text = \(edit.spoilerText), sensitive = \(edit.sensitive),
                    language = \(edit.language), edited_at = clock_timestamp()
                WHERE id = \(edit.statusId)
                """, logger: logger)
            let mentionedBefore = Set(try await connection.query(
                "DELETE FROM mentions WHERE status_id = \(edit.statusId) RETURNING account_id", logger: logger).collect(Int64.self))
            let mentioned = try await connection.query("""
                INSERT INTO mentions (status_id, account_id)
                SELECT \(edit.statusId), a.id FROM accounts a WHERE lower(a.username) = ANY(\(edit.mentionedUsernames)) ON CONFLICT DO NOTHING
                RETURNING account_id
                """, logger: logger).collect(Int64.self)
            // Those the edit mentions for the first time hear of it, as Mastodon's edit does.
            let newlyMentioned = mentioned.filter { !mentionedBefore.contains($0) && $0 != author }
            let previousTags = try await connection.query("""
                DELETE FROM status_tags st USING tags t WHERE st.status_id = \(edit.statusId) AND t.id = st.tag_id RETURNING t.name
                """, logger: logger).collect(String.self)
            if !edit.tags.isEmpty {
                try await connection.query("""
                    WITH tag_ids AS (
                        INSERT INTO tags (name) SELECT DISTINCT t FROM unnest(\(edit.tags)::text[]) AS t
                        ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id
                    )
                    INSERT INTO status_tags (status_id, tag_id) SELECT \(edit.statusId), id FROM tag_ids ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            var poll: PollRow?
            switch (oldPoll, edit.poll) {
            case (nil, nil):
                break
            case (let old?, nil):
                try await connection.query("UPDATE statuses SET poll_id = NULL WHERE id = \(edit.statusId)", logger: logger)
                try await connection.query("DELETE FROM polls WHERE id = \(old.id)", logger: logger)
            case (nil, let spec?):
                poll = try await Self.insertPoll(spec, id: edit.newPollId, status: edit.statusId, account: author, on: connection, logger: logger)
            case (let old?, let spec?):
                let reset = PollRules.editResetsVotes(old: old.options, new: spec.options)
                if reset { try await connection.query("DELETE FROM poll_votes WHERE poll_id = \(old.id)", logger: logger) }
                let zeros = [Int64](repeating: 0, count: spec.options.count)
                for try await t in try await connection.query("""
                    UPDATE polls SET options = \(spec.options), multiple = \(spec.multiple), hide_totals = \(spec.hideTotals),
                        expires_at = now() + make_interval(secs => \(Int64(spec.expiresIn))), notified_at = NULL,
                        tallies = CASE WHEN \(reset) THEN \(zeros) ELSE tallies END,
                        votes_count = CASE WHEN \(reset) THEN 0 ELSE votes_count END,
                        voters_count = CASE WHEN \(reset) THEN 0 ELSE voters_count END,
                        epoch = epoch + CASE WHEN \(reset) THEN 1 ELSE 0 END,
                        version = version + 1
                    WHERE id = \(old.id) RETURNING \(unescaped: Self.pollColumns)
                    """, logger: logger).decode(PollTuple.self) { poll = Self.pollRow(t) }
            }
            let version = try await connection.query(
                "SELECT count(*) FROM status_edits WHERE status_id = \(edit.statusId)", logger: logger).collect(Int64.self).first ?? 0
            // One `update` notification per person and status, the newest edit's.
            try await connection.query("DELETE FROM notifications WHERE type = 'update' AND status_id = \(edit.statusId)", logger: logger)
            var created: [CreatedNotification] = []
            for try await (id, recipient) in try await connection.query("""
                WITH created AS (
                    INSERT INTO notifications (account_id, from_account_id, type, status_id)
                    SELECT DISTINCT r.account_id, \(author)::bigint, 'update', \(edit.statusId)::bigint FROM statuses r
                    WHERE r.reblog_of_id = \(edit.statusId) AND r.deleted_at IS NULL AND r.account_id <> \(author)
                      AND \(unescaped: Self.notBlocked(recipient: "r.account_id", sender: String(author)))
                    UNION
                    SELECT m, \(author)::bigint, 'mention', \(edit.statusId)::bigint FROM unnest(\(newlyMentioned)::bigint[]) AS m
                    WHERE \(unescaped: Self.notBlocked(recipient: "m", sender: String(author)))
                    ON CONFLICT DO NOTHING
                    RETURNING id, account_id, from_account_id, type
                ), \(unescaped: Self.pushesCTE)
                SELECT id, account_id FROM created
                """, logger: logger).decode((Int64, Int64).self) {
                created.append(CreatedNotification(id: id, recipient: recipient))
            }
            return EditResult(previousTags: previousTags, version: version, poll: poll, notifications: created)
        }
    }

    /// Every version of a status, oldest first, the current one last.
    public func history(statusId: Int64) async throws -> [StatusVersion] {
        var out: [StatusVersion] = []
        for try await (text, spoiler, sensitive, language, options, createdAt) in try await database.query("status_history", """
            SELECT text, spoiler_text, sensitive, language, poll_options, created_at FROM status_edits
            WHERE status_id = \(statusId) ORDER BY id
            """).decode((String, String, Bool, String?, [String]?, Date).self) {
            out.append(StatusVersion(text: text, spoilerText: spoiler, sensitive: sensitive, language: language, pollOptions: options,
                                     createdAt: createdAt))
        }
        for try await (text, spoiler, sensitive, language, options, createdAt) in try await database.query("status_current_version", """
            SELECT s.text, s.spoiler_text, s.sensitive, s.language, p.options, coalesce(s.edited_at, s.created_at)
            FROM statuses s LEFT JOIN polls p ON p.id = s.poll_id WHERE s.id = \(statusId) AND s.deleted_at IS NULL
            """).decode((String, String, Bool, String?, [String]?, Date).self) {
            out.append(StatusVersion(text: text, spoilerText: spoiler, sensitive: sensitive, language: language, pollOptions: options,
                                     createdAt: createdAt))
        }
        return out
    }

    // MARK: Polls

    public func polls(ids: [Int64]) async throws -> [PollRow] {
        if ids.isEmpty { return [] }
        var out: [PollRow] = []
        for try await t in try await database.query("polls_by_ids", """
            SELECT \(unescaped: Self.pollColumns) FROM polls WHERE id = ANY(\(ids))
            """).decode(PollTuple.self) { out.append(Self.pollRow(t)) }
        return out
    }

    /// One account's choices on polls (empty where it did not vote).
    public func votes(of account: Int64, polls ids: [Int64]) async throws -> [Int64: [Int]] {
        if ids.isEmpty { return [:] }
        var out: [Int64: [Int]] = [:]
        for try await (poll, choice) in try await database.query("poll_votes_of", """
            SELECT poll_id, choice FROM poll_votes WHERE account_id = \(account) AND poll_id = ANY(\(ids)) ORDER BY poll_id, choice
            """).decode((Int64, Int32).self) { out[poll, default: []].append(Int(choice)) }
        return out
    }

    /// Records a vote: the poll's row is locked while the vote is judged (`PollRules.validateVote`)
    /// and the tallies added, so concurrent votes from any node count exactly and one person votes once.
    /// - Throws: `.notFound` if the poll does not exist, `.validation` for a vote the rules refuse.
    public func vote(poll pollId: Int64, account: Int64, choices: [Int]) async throws -> PollRow {
        let logger = database.logger
        return try await database.transaction("poll_vote") { connection in
            var locked: PollRow?
            for try await t in try await connection.query("SELECT \(unescaped: Self.pollColumns) FROM polls WHERE id = \(pollId) FOR UPDATE",
                                                         logger: logger).decode(PollTuple.self) { locked = Self.pollRow(t) }
            guard let poll = locked else { throw DomainError.notFound }
            let voted = try await connection.query("""
                SELECT EXISTS (SELECT 1 FROM poll_votes WHERE poll_id = \(pollId) AND account_id = \(account))
                """, logger: logger).collect(Bool.self).first ?? false
            try PollRules.validateVote(choices, on: .init(optionCount: poll.options.count, multiple: poll.multiple,
                                                          expired: poll.expired(), isAuthor: poll.accountId == account, alreadyVoted: voted))
            let picked = choices.map { Int64($0) }
            try await connection.query("""
                INSERT INTO poll_votes (poll_id, account_id, choice) SELECT \(pollId), \(account), c::int FROM unnest(\(picked)::bigint[]) AS c
                """, logger: logger)
            var updated: PollRow?
            for try await t in try await connection.query("""
                UPDATE polls SET
                    tallies = (SELECT array_agg(t.v + CASE WHEN t.i - 1 = ANY(\(picked)::bigint[]) THEN 1 ELSE 0 END ORDER BY t.i)
                               FROM unnest(tallies) WITH ORDINALITY AS t(v, i)),
                    votes_count = votes_count + \(Int64(picked.count)), voters_count = voters_count + 1, version = version + 1
                WHERE id = \(pollId) RETURNING \(unescaped: Self.pollColumns)
                """, logger: logger).decode(PollTuple.self) { updated = Self.pollRow(t) }
            guard let updated else { throw DomainError.notFound }
            return updated
        }
    }

    /// Closes expired polls: claims up to `limit` (`notified_at` set in the same statement that
    /// notifies, so two workers never notify twice) and notifies their voters and authors (`poll`).
    public func closeExpired(limit: Int = 100) async throws -> [CreatedNotification] {
        var out: [CreatedNotification] = []
        for try await (id, recipient) in try await database.query("polls_close", """
            WITH claimed AS (
                UPDATE polls SET notified_at = now(), version = version + 1
                WHERE id IN (SELECT id FROM polls WHERE notified_at IS NULL AND expires_at <= now()
                             ORDER BY expires_at LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED)
                RETURNING id, status_id, account_id
            ), recipients AS (
                SELECT c.status_id, c.account_id AS author, v.account_id AS recipient FROM claimed c JOIN poll_votes v ON v.poll_id = c.id
                UNION
                SELECT c.status_id, c.account_id, c.account_id FROM claimed c
            ), created AS (
                INSERT INTO notifications (account_id, from_account_id, type, status_id)
                SELECT r.recipient, r.author, 'poll', r.status_id FROM recipients r
                JOIN statuses s ON s.id = r.status_id AND s.deleted_at IS NULL
                WHERE r.recipient = r.author OR (\(unescaped: Self.notBlocked(recipient: "r.recipient", sender: "r.author")))
                ON CONFLICT DO NOTHING
                RETURNING id, account_id, from_account_id, type
            ), \(unescaped: Self.pushesCTE)
            SELECT id, account_id FROM created
            """).decode((Int64, Int64).self) {
            out.append(CreatedNotification(id: id, recipient: recipient))
        }
        return out
    }
}
