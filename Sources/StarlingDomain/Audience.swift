import Foundation

/// Who sees a status. Every reader of a status asks here: the API's reader (single statuses,
/// threads, account and search results, home timelines), the streaming hub, and the fan-out
/// worker (whose follower query is built from `homeFanout(of:)`).
///
/// The rules, in one place:
///
/// | visibility | may view (`mayView`)                                   | home fan-out (`homeFanout`)  |
/// | ---------- | ------------------------------------------------------ | ---------------------------- |
/// | public     | anyone, signed in or not                               | followers (reply rule below) |
/// | unlisted   | anyone, signed in or not                               | followers (reply rule below) |
/// | private    | the author, the mentioned, the author's followers      | followers (reply rule below) |
/// | direct     | the author and the mentioned                           | only followers it mentions   |
///
/// Followed hashtags (FollowedTags.swift): a public status that is not a reblog also reaches the
/// homes of the accounts following one of its tags, other than its author, reply or not.
///
/// The reply rule (home timelines and the `user` stream only, not single statuses or threads):
/// a reply to someone other than its author reaches a reader only if the reader is the author,
/// the replied-to account, mentioned, or follows the replied-to account.
///
/// A reblog is judged by what it shows: pass the original status (the wrapper is always public).
/// The public and hashtag streams and trends take public statuses that are not reblogs
/// (`isPubliclyListed`).
///
/// Blocks and mutes (`ViewerRelations`): a block either way hides the other's statuses from the
/// viewer everywhere (`mayView`); a mute hides the muted account's statuses, and reblogs by or of
/// it, from the home and the listings (`hiddenByRelations`), not from its profile or a direct link.
public enum Audience {
    /// The facts about a status the rules read: ids only, no rendering types.
    public struct Status: Sendable, Equatable {
        public var author: Int64
        public var visibility: Visibility
        /// The account replied to (nil when not a reply).
        public var inReplyToAccount: Int64?
        /// The local accounts the status mentions.
        public var mentioned: [Int64]
        /// Set when the status is a reblog (its own row); the original is judged separately.
        public var reblogOf: Int64?
        /// Its hashtags, normalised (`StatusTextParser.normaliseTag`): followed tags reach homes.
        public var tags: [String]

        public init(author: Int64, visibility: Visibility, inReplyToAccount: Int64? = nil, mentioned: [Int64] = [],
                    reblogOf: Int64? = nil, tags: [String] = []) {
            self.author = author
            self.visibility = visibility
            self.inReplyToAccount = inReplyToAccount
            self.mentioned = mentioned
            self.reblogOf = reblogOf
            self.tags = tags
        }

        /// The account this status replies to when that is someone other than its author
        /// (a reply to oneself continues a thread and is not subject to the reply rule).
        public var repliesToOther: Int64? {
            guard let other = inReplyToAccount, other != author else { return nil }
            return other
        }

        public func mentions(_ account: Int64) -> Bool { mentioned.contains(account) }
    }

    // MARK: Single statuses

    /// Whether `viewer` (nil: not signed in) may see the status at all: open it, find it in a
    /// thread, an account's statuses or search results.
    public static func mayView(_ status: Status, viewer: Int64?, relations: ViewerRelations = .none) -> Bool {
        if let viewer, viewer != status.author, relations.isBlocked(status.author) { return false }
        if status.visibility.isOpenToAnyone { return true }
        guard let viewer else { return false }
        if viewer == status.author || status.mentions(viewer) { return true }
        switch status.visibility {
        case .private: return relations.follows(status.author)
        case .direct, .public, .unlisted: return false
        }
    }

    /// Convenience for callers holding only a follow predicate.
    public static func mayView(_ status: Status, viewer: Int64?, viewerFollows: (Int64) -> Bool) -> Bool {
        mayView(status, viewer: viewer, relations: ViewerRelations(follows: Set(followsNeeded(for: status, onHome: false).filter(viewerFollows))))
    }

    // MARK: Home timelines

    /// Whether a status that reached `viewer`'s home timeline (pushed, pulled from a followed
    /// author's list, or streamed) may be shown there: `mayView` and the reply rule.
    public static func showsOnHome(_ status: Status, viewer: Int64, relations: ViewerRelations) -> Bool {
        if viewer == status.author { return true }
        guard mayView(status, viewer: viewer, relations: relations), !relations.isMuted(status.author) else { return false }
        // A status that reached the home through a followed tag is not subject to the reply rule
        // (FollowedTags.swift: `arrivesThroughFollowedTag`).
        if arrivesThroughFollowedTag(status, viewer: viewer, relations: relations) { return true }
        return passesReplyRule(status, reader: viewer, readerFollows: relations.follows)
    }

    /// Convenience for callers holding only a follow predicate.
    public static func showsOnHome(_ status: Status, viewer: Int64, viewerFollows: (Int64) -> Bool) -> Bool {
        showsOnHome(status, viewer: viewer,
                    relations: ViewerRelations(follows: Set(followsNeeded(for: status, onHome: true).filter(viewerFollows))))
    }

    /// The reply rule on its own: a reply to someone else reaches a reader only if the reader is
    /// the author, the replied-to account, mentioned, or follows the replied-to account.
    public static func passesReplyRule(_ status: Status, reader: Int64, readerFollows: (Int64) -> Bool) -> Bool {
        guard let other = status.repliesToOther else { return true }
        return reader == status.author || reader == other || status.mentions(reader) || readerFollows(other)
    }

    /// Which of the author's followers get the status pushed into their home lists. The worker's
    /// follower query implements exactly `HomeFanout.admits`, which agrees with `showsOnHome` for
    /// every follower of the author.
    public static func homeFanout(of status: Status) -> HomeFanout {
        switch status.visibility {
        case .direct:
            // Not to followers as such: only to the followers it mentions (as Mastodon does).
            return status.mentioned.isEmpty ? .none : .mentionedFollowers(status.mentioned)
        case .public, .unlisted, .private:
            if let other = status.repliesToOther {
                return .followersAlsoFollowing(other, orMentioned: status.mentioned)
            }
            return .followers
        }
    }

    /// The accounts whose follow edge (viewer → account) the rules read for this status; the
    /// reader loads just these before calling `mayView` / `showsOnHome`.
    public static func followsNeeded(for status: Status, onHome: Bool) -> [Int64] {
        var ids: [Int64] = []
        if status.visibility == .private { ids.append(status.author) }
        if onHome, let other = status.repliesToOther { ids.append(other) }
        return ids
    }

    // MARK: Blocks and mutes

    /// Whether blocks or mutes hide a status from `viewer`. `authors` are every account the shown
    /// item is by: the status's author, and for a reblog the reblogger too. A block either way hides
    /// it everywhere; a mute (`applyMutes`: home, public and tag timelines, search, threads and
    /// notifications, not an account's own page or a single status) hides it as well.
    public static func hiddenByRelations(authors: some Sequence<Int64>, viewer: Int64, relations: ViewerRelations,
                                         applyMutes: Bool) -> Bool {
        authors.contains { author in
            author != viewer && (relations.isBlocked(author) || (applyMutes && relations.isMuted(author)))
        }
    }

    /// Whether a notification from `sender` reaches the viewer: not across a block, nor from an
    /// account muted with its notifications.
    public static func notifies(from sender: Int64, relations: ViewerRelations) -> Bool {
        !relations.isBlocked(sender) && !relations.mutingNotifications.contains(sender)
    }

    // MARK: Public listings

    /// Whether the status goes to the public stream, the hashtag streams and trends, and is
    /// listed on the public and tag timelines: public, and not a reblog.
    public static func isPubliclyListed(_ status: Status) -> Bool {
        status.visibility.isListedPublicly && status.reblogOf == nil
    }
}

/// Which followers of the author a status is pushed to (home fan-out).
public enum HomeFanout: Sendable, Hashable {
    /// Nobody (a direct message that mentions nobody).
    case none
    /// Every follower.
    case followers
    /// A reply to someone else: only the followers who are that account, are mentioned, or
    /// follow that account too.
    case followersAlsoFollowing(Int64, orMentioned: [Int64])
    /// A direct message: only the followers it mentions.
    case mentionedFollowers([Int64])

    /// Whether a follower of the author gets the status; the SQL in `FollowStore.fanoutFollowers`
    /// is this predicate.
    public func admits(follower: Int64, followerFollows: (Int64) -> Bool) -> Bool {
        switch self {
        case .none: false
        case .followers: true
        case .followersAlsoFollowing(let other, let mentioned):
            follower == other || mentioned.contains(follower) || followerFollows(other)
        case .mentionedFollowers(let mentioned): mentioned.contains(follower)
        }
    }
}

/// What the rules know about the viewer's relations to other accounts.
public struct ViewerRelations: Sendable, Equatable {
    /// Accounts the viewer follows (at least those `Audience.followsNeeded` names).
    public var following: Set<Int64>
    /// Hashtags the viewer follows, normalised (at least those `Audience.followedTagsNeeded` names).
    public var followedTags: Set<String>
    /// Accounts the viewer blocks.
    public var blocking: Set<Int64>
    /// Accounts that block the viewer.
    public var blockedBy: Set<Int64>
    /// Accounts the viewer mutes (mutes in force only: an expired mute is no mute).
    public var muting: Set<Int64>
    /// Of `muting`, those whose notifications are hidden too.
    public var mutingNotifications: Set<Int64>

    public init(follows: Set<Int64> = [], followedTags: Set<String> = [], blocking: Set<Int64> = [],
                blockedBy: Set<Int64> = [], muting: Set<Int64> = [], mutingNotifications: Set<Int64> = []) {
        self.following = follows
        self.followedTags = followedTags
        self.blocking = blocking
        self.blockedBy = blockedBy
        self.muting = muting
        self.mutingNotifications = mutingNotifications
    }

    public static let none = ViewerRelations()

    public func follows(_ account: Int64) -> Bool { following.contains(account) }
    /// A block either way.
    public func isBlocked(_ account: Int64) -> Bool { blocking.contains(account) || blockedBy.contains(account) }
    public func isMuted(_ account: Int64) -> Bool { muting.contains(account) }

    /// The same relations with `follows` and `followedTags` replaced (the per-status part the
    /// reader loads), keeping the blocks and mutes.
    public func with(follows: Set<Int64>, followedTags: Set<String>) -> ViewerRelations {
        var copy = self
        copy.following = follows
        copy.followedTags = followedTags
        return copy
    }
}

/// A viewer's blocks and mutes as stored: mutes carry their expiry, so a cached copy stays right
/// as mutes run out (`relations(at:)`).
public struct BlocksAndMutes: Sendable, Equatable {
    public struct Mute: Sendable, Equatable {
        public var account: Int64
        public var notifications: Bool
        public var expiresAt: Date?

        public init(account: Int64, notifications: Bool, expiresAt: Date?) {
            self.account = account
            self.notifications = notifications
            self.expiresAt = expiresAt
        }

        public func isActive(at now: Date) -> Bool { expiresAt.map { $0 > now } ?? true }
    }

    public var blocking: Set<Int64>
    public var blockedBy: Set<Int64>
    public var mutes: [Mute]

    public init(blocking: Set<Int64> = [], blockedBy: Set<Int64> = [], mutes: [Mute] = []) {
        self.blocking = blocking
        self.blockedBy = blockedBy
        self.mutes = mutes
    }

    public static let none = BlocksAndMutes()

    public var isEmpty: Bool { blocking.isEmpty && blockedBy.isEmpty && mutes.isEmpty }

    /// The relations in force at `now` (no follows or tags: the reader adds those it needs).
    public func relations(at now: Date) -> ViewerRelations {
        let active = mutes.filter { $0.isActive(at: now) }
        return ViewerRelations(blocking: blocking, blockedBy: blockedBy, muting: Set(active.map(\.account)),
                               mutingNotifications: Set(active.filter(\.notifications).map(\.account)))
    }
}
