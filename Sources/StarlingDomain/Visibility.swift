/// Who a status is addressed to, as Mastodon names it. The raw values are the API's and the
/// database's spelling (`statuses.visibility`, the cached JSON rows), so they never change.
public enum Visibility: String, Codable, Sendable, CaseIterable {
    /// Anyone; listed on the public and hashtag timelines and in trends.
    case `public`
    /// Anyone who opens it, but never listed publicly.
    case unlisted
    /// The author's followers and the accounts it mentions.
    case `private`
    /// Only the accounts it mentions.
    case direct

    /// What a post gets when the client does not say.
    public static let `default`: Visibility = .public

    /// Shown on the public timelines, hashtag timelines and in trends: public only.
    public var isListedPublicly: Bool { self == .public }

    /// Anyone may open it, signed in or not: public and unlisted.
    public var isOpenToAnyone: Bool { self == .public || self == .unlisted }

    /// Others may reblog it: public and unlisted (a reblog would show a private status to strangers).
    public var canBeReblogged: Bool { isOpenToAnyone }

    /// Found by full-text and tag search: public and unlisted.
    public var isSearchable: Bool { isOpenToAnyone }

    /// The author's followers may see it without being mentioned: everything but direct.
    public var reachesFollowers: Bool { self != .direct }
}
