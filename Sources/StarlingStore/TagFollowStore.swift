import Foundation
import PostgresNIO
import StarlingDomain

/// Followed hashtags (`tag_follows`). Fan-out reads a tag's followers itself (`FanoutStore`); this
/// store keeps the follows, answers who follows what, and computes what followed tags put on a
/// home when it is rebuilt or read by pull.
public struct TagFollowStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// A tag as the API shows it: its id (nil if no status or follow ever created it) and whether
    /// the viewer follows it.
    public struct TagState: Sendable, Equatable {
        public var id: Int64?
        public var name: String
        public var following: Bool

        public init(id: Int64?, name: String, following: Bool) {
            self.id = id
            self.name = name
            self.following = following
        }
    }

    /// One of a user's followed tags: the follow's id (what `followed_tags` pages by) and the tag.
    public struct FollowedTag: Sendable, Equatable {
        public var followId: Int64
        public var tagId: Int64
        public var name: String
    }

    /// The tag named `name` (normalised) and whether `viewer` follows it.
    public func tag(named name: String, viewer: Int64?) async throws -> TagState {
        for try await (id, following) in try await database.query("tag_state", """
            SELECT t.id, EXISTS (SELECT 1 FROM tag_follows f WHERE f.tag_id = t.id AND f.account_id = \(viewer ?? -1))
            FROM tags t WHERE t.name = \(name)
            """).decode((Int64, Bool).self) {
            return TagState(id: id, name: name, following: following)
        }
        return TagState(id: nil, name: name, following: false)
    }

    /// Follows a tag, creating it if no status has used it yet (as Mastodon does). Idempotent.
    public func follow(account: Int64, tag name: String) async throws -> TagState {
        for try await id in try await database.query("tag_follow", """
            WITH tag AS (
                INSERT INTO tags (name) VALUES (\(name))
                ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id
            ), followed AS (
                INSERT INTO tag_follows (tag_id, account_id) SELECT id, \(account) FROM tag ON CONFLICT DO NOTHING
            )
            SELECT id FROM tag
            """).decode(Int64.self) {
            return TagState(id: id, name: name, following: true)
        }
        throw StoreError.notFound("tag not created")
    }

    /// Stops following a tag; true if the account followed it.
    public func unfollow(account: Int64, tag name: String) async throws -> (state: TagState, changed: Bool) {
        var state = try await tag(named: name, viewer: account)
        guard let id = state.id, state.following else { return (state, false) }
        let removed = try await database.query("tag_unfollow", """
            DELETE FROM tag_follows WHERE tag_id = \(id) AND account_id = \(account) RETURNING tag_id
            """).collect(Int64.self)
        state.following = false
        return (state, !removed.isEmpty)
    }

    /// Of `names`, those `account` follows.
    public func followed(by account: Int64, among names: [String]) async throws -> Set<String> {
        if names.isEmpty { return [] }
        return Set(try await database.query("tags_followed_among", """
            SELECT t.name FROM tag_follows f JOIN tags t ON t.id = f.tag_id
            WHERE f.account_id = \(account) AND t.name = ANY(\(names))
            """).collect(String.self))
    }

    /// Every tag `account` follows (a streaming client's copy; at most `limit`).
    public func names(followedBy account: Int64, limit: Int = 10_000) async throws -> Set<String> {
        Set(try await database.query("tags_followed_all", """
            SELECT t.name FROM tag_follows f JOIN tags t ON t.id = f.tag_id WHERE f.account_id = \(account) LIMIT \(limit)
            """).collect(String.self))
    }

    /// A page of the tags `account` follows, newest follow first, paged by the follow's id.
    public func page(account: Int64, page: PageRequest) async throws -> [FollowedTag] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        let ascending = page.direction == .justAboveLowerBound
        var out: [FollowedTag] = []
        for try await (followId, tagId, name) in try await database.query("tags_followed_page", """
            SELECT f.id, t.id, t.name FROM tag_follows f JOIN tags t ON t.id = f.tag_id
            WHERE f.account_id = \(account) AND f.id < \(upper) AND f.id > \(lower)
            ORDER BY CASE WHEN \(ascending) THEN f.id END ASC, f.id DESC LIMIT \(page.limit)
            """).decode((Int64, Int64, String).self) {
            out.append(FollowedTag(followId: followId, tagId: tagId, name: name))
        }
        return ascending ? out.reversed() : out
    }

    /// What followed tags put on `user`'s home, newest first, within `page`: public statuses that
    /// are not reblogs, carry a tag the user follows, were posted after the user followed it, and
    /// whose author is neither the user nor someone the user follows (those arrive as follows do:
    /// pushed, or pulled for a celebrity). This is `TagFanout.admits` read from the reader's side,
    /// so a rebuilt home (`StatusStore.homeRebuild`) equals a fanned-out one.
    public func taggedForHome(user: Int64, page: PageRequest) async throws -> [Int64] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        let ascending = page.direction == .justAboveLowerBound
        // Per followed tag, a bounded index scan of status_tags_by_tag (from the top, or upwards from
        // min_id); then the page overall.
        let order = ascending ? "st.status_id ASC" : "st.status_id DESC"
        let ids = try await database.query(ascending ? "home_tagged_min" : "home_tagged", """
            SELECT DISTINCT st.status_id FROM tag_follows f
            CROSS JOIN LATERAL (
                SELECT st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
                WHERE st.tag_id = f.tag_id AND st.status_id < \(upper) AND st.status_id > \(lower)
                  AND s.deleted_at IS NULL AND \(unescaped: VisibilitySQL.listedPublicly("s.visibility")) AND s.reblog_of_id IS NULL
                  AND s.account_id <> \(user) AND s.created_at >= f.created_at
                  AND NOT EXISTS (SELECT 1 FROM follows g WHERE g.follower_id = \(user) AND g.followee_id = s.account_id)
                  -- A block either way keeps the author's statuses out of a rebuilt home too.
                  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = \(user) AND b.target_account_id = s.account_id)
                                                            OR (b.account_id = s.account_id AND b.target_account_id = \(user)))
                ORDER BY \(unescaped: order) LIMIT \(page.limit)
            ) st
            WHERE f.account_id = \(user)
            """).collect(Int64.self)
        return page.select(fromDescending: ids.sorted(by: >))
    }

    /// Of `ids`, those that reach `user` through a tag the user follows (`taggedForHome`'s rule
    /// without its author condition): what an unfollow of their author leaves on the home.
    public func reachingThroughTags(user: Int64, among ids: [Int64]) async throws -> Set<Int64> {
        if ids.isEmpty { return [] }
        return Set(try await database.query("home_tagged_among", """
            SELECT DISTINCT s.id FROM statuses s
            JOIN status_tags st ON st.status_id = s.id
            JOIN tag_follows f ON f.tag_id = st.tag_id AND f.account_id = \(user)
            WHERE s.id = ANY(\(ids)) AND s.deleted_at IS NULL AND \(unescaped: VisibilitySQL.listedPublicly("s.visibility"))
              AND s.reblog_of_id IS NULL AND s.account_id <> \(user) AND s.created_at >= f.created_at
            """).collect(Int64.self))
    }

    /// The tags through which a status (deleted or not) reached its tags' followers' homes, or nil
    /// if it reached none (`Audience.followedTagReach`): what its delete must also clean up.
    public func deliveredTags(of status: Int64) async throws -> [String]? {
        for try await (author, visibility, reblogOf, tags) in try await database.query("status_delivered_tags", """
            SELECT s.account_id, s.visibility, s.reblog_of_id,
                   coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM status_tags st JOIN tags t ON t.id = st.tag_id
                             WHERE st.status_id = s.id), '{}')
            FROM statuses s WHERE s.id = \(status)
            """).decode((Int64, String, Int64?, [String]).self) {
            // An unknown visibility is never written; fail closed (no tag reach) if one appears.
            let facts = Audience.Status(author: author, visibility: Visibility(rawValue: visibility) ?? .direct, reblogOf: reblogOf, tags: tags)
            let reach = Audience.followedTagReach(of: facts)
            return reach.isEmpty ? nil : reach
        }
        return nil
    }

    /// Of the ids on `user`'s home, those to remove now that the user stopped following `tag`:
    /// statuses carrying it that are not the user's, not by someone the user follows, and carry no
    /// other tag the user still follows (Mastodon's `FeedManager#unmerge_tag_from_home`).
    public func unmerged(user: Int64, tag: Int64, among ids: [Int64]) async throws -> [Int64] {
        if ids.isEmpty { return [] }
        return try await database.query("home_tag_unmerge", """
            SELECT s.id FROM statuses s JOIN status_tags st ON st.status_id = s.id AND st.tag_id = \(tag)
            WHERE s.id = ANY(\(ids)) AND s.account_id <> \(user)
              AND NOT EXISTS (SELECT 1 FROM follows g WHERE g.follower_id = \(user) AND g.followee_id = s.account_id)
              AND NOT EXISTS (SELECT 1 FROM status_tags o JOIN tag_follows f ON f.tag_id = o.tag_id AND f.account_id = \(user)
                              WHERE o.status_id = s.id)
            """).collect(Int64.self)
    }
}
