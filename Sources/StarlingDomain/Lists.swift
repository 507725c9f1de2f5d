/// Lists, bookmarks and pins: the rules, without I/O.
///
/// A list gets what its members post as a home would (it is fanned out like one), narrowed by its
/// `replies_policy` (Mastodon's `FeedManager#filter_from_list?`), and never direct messages
/// (Mastodon delivers those to the mentioned followers only). An `exclusive` list keeps its
/// members' statuses out of its owner's home.
public enum ListRules {
    /// Which replies to others a list shows (replies to oneself always show, as do replies to the list's owner).
    public enum RepliesPolicy: String, Sendable, CaseIterable {
        /// Replies to accounts the owner follows.
        case followed
        /// Replies to other members of the list (Mastodon's default).
        case list
        /// No replies to others.
        case none

        public static let `default`: RepliesPolicy = .list
    }

    /// Longest list title accepted (Mastodon stores a string column; clients show a line).
    public static let maximumTitleLength = 256
    /// Lists one account may own (Mastodon's `List::PER_ACCOUNT_LIMIT`).
    public static let maximumLists = 50
    /// Members one list may hold (bounds a list read's merge and fan-out reads).
    public static let maximumMembers = 500

    /// A title, trimmed; nil when blank or too long.
    public static func validTitle(_ raw: String) -> String? {
        let title = raw.trimmingCharactersInWhitespace()
        guard !title.isEmpty, title.count <= maximumTitleLength else { return nil }
        return title
    }

    /// The facts about a list member's status and a list that `admits` reads.
    public struct Delivery: Sendable, Equatable {
        public var owner: Int64
        public var policy: RepliesPolicy
        /// The status replies to a member of this list.
        public var replyTargetIsMember: Bool
        /// The list's owner follows the account the status replies to.
        public var ownerFollowsReplyTarget: Bool

        public init(owner: Int64, policy: RepliesPolicy, replyTargetIsMember: Bool, ownerFollowsReplyTarget: Bool) {
            self.owner = owner
            self.policy = policy
            self.replyTargetIsMember = replyTargetIsMember
            self.ownerFollowsReplyTarget = ownerFollowsReplyTarget
        }
    }

    /// Whether a member's status goes into (and is shown on) the list. A reblog is judged by its own
    /// row (a public wrapper); readers judge what it shows with `Audience.mayView`.
    public static func admits(_ status: Audience.Status, to list: Delivery) -> Bool {
        if status.visibility == .direct { return false }
        guard let other = status.repliesToOther else { return true }
        if other == list.owner { return true }
        switch list.policy {
        case .followed: return list.ownerFollowsReplyTarget
        case .list: return list.replyTargetIsMember && list.ownerFollowsReplyTarget
        case .none: return false
        }
    }
}

/// Pins: your own public or unlisted statuses, at most five (Mastodon's `StatusPinValidator`).
public enum PinRules {
    public static let maximumPins = 5

    public enum Refusal: Error, Equatable, Sendable {
        /// Someone else's status.
        case notOwn
        /// A reblog.
        case reblog
        /// A private status.
        case notPublic
        /// A direct status.
        case direct
        /// Already five pins.
        case limitReached

        /// Mastodon's wording (`statuses.pin_errors`), as a 422.
        public var message: String {
            switch self {
            case .notOwn: "Validation failed: Someone else's post cannot be pinned"
            case .reblog: "Validation failed: Boosts cannot be pinned"
            case .notPublic: "Validation failed: Non-public posts cannot be pinned"
            case .direct: "Validation failed: Posts that are only visible to mentioned users cannot be pinned"
            case .limitReached: "Validation failed: You have already pinned the maximum number of toots"
            }
        }
    }

    /// Why `viewer` may not pin the status, given how many pins they hold (not counting this one); nil if they may.
    public static func check(_ status: Audience.Status, viewer: Int64, existingPins: Int) -> Refusal? {
        if status.reblogOf != nil { return .reblog }
        if status.author != viewer { return .notOwn }
        switch status.visibility {
        case .private: return .notPublic
        case .direct: return .direct
        case .public, .unlisted: break
        }
        return existingPins < maximumPins ? nil : .limitReached
    }
}

extension String {
    /// Without leading and trailing white space (Foundation-free, for the domain module).
    fileprivate func trimmingCharactersInWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension RedisKeys {
    /// A list's timeline: status ids, newest first, trimmed like a home. Keyed with its owner's hash
    /// tag, so it lives on the shard of the owner's home.
    public static func list(owner: Int64, list: Int64) -> String { "list:{\(owner)}:\(list)" }
    /// Present while `list` is complete (same hash tag, so same shard).
    public static func listReady(owner: Int64, list: Int64) -> String { "listok:{\(owner)}:\(list)" }
    /// A list's stream channel (`stream=list&list=ID`), on its owner's shard.
    public static func listChannel(owner: Int64, list: Int64) -> String { "\(channelPrefix){\(owner)}:list:\(list)" }

    /// The owner and list of a `listChannel` name, nil for any other channel.
    public static func list(ofChannel channel: String) -> (owner: Int64, list: Int64)? {
        let head = "\(channelPrefix){"
        guard channel.hasPrefix(head), let close = channel.firstIndex(of: "}") else { return nil }
        let rest = channel[channel.index(after: close)...]
        guard rest.hasPrefix(":list:"), let owner = Int64(channel[channel.index(channel.startIndex, offsetBy: head.count)..<close]),
              let list = Int64(rest.dropFirst(":list:".count)) else { return nil }
        return (owner, list)
    }
}
