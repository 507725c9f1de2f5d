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
/// Blocks and mutes are not enforced yet; they belong in `ViewerRelations` and in the
/// marked places below, so every caller gets them at once.
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
        if status.visibility.isOpenToAnyone { return true }  // (blocks: check here first, once they exist)
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
        guard mayView(status, viewer: viewer, relations: relations) else { return false }
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

    // MARK: Public listings

    /// Whether the status goes to the public stream, the hashtag streams and trends, and is
    /// listed on the public and tag timelines: public, and not a reblog.
    public static func isPubliclyListed(_ status: Status) -> Bool {
        status.visibility.isListedPublicly && status.reblogOf == nil
    }
}

/// Which followers of the author a status is pushed to (home fan-out).
public enum HomeFanout: Sendable, Equatable {
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
/// Blocks and mutes will be added here (and checked in `Audience.mayView` / `showsOnHome`).
public struct ViewerRelations: Sendable, Equatable {
    /// Accounts the viewer follows (at least those `Audience.followsNeeded` names).
    public var following: Set<Int64>
    /// Hashtags the viewer follows, normalised (at least those `Audience.followedTagsNeeded` names).
    public var followedTags: Set<String>

    public init(follows: Set<Int64> = [], followedTags: Set<String> = []) {
        self.following = follows
        self.followedTags = followedTags
    }

    public static let none = ViewerRelations()

    public func follows(_ account: Int64) -> Bool { following.contains(account) }
}
