/// OAuth scopes as Mastodon defines them: the top-level `read`, `write`, `follow`, `push`,
/// `profile` and the `admin:*` pair, and granular ones (`read:statuses`, `write:favourites`, …).
/// A top-level scope grants every granular scope under it; `follow` is the legacy name for the
/// relationship scopes (`read:follows`, `write:follows`, `read:blocks`, …), as in Mastodon.
public struct OAuthScope: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public static let read = OAuthScope(unchecked: "read")
    public static let write = OAuthScope(unchecked: "write")
    public static let follow = OAuthScope(unchecked: "follow")
    public static let push = OAuthScope(unchecked: "push")
    public static let profile = OAuthScope(unchecked: "profile")

    /// Every scope Mastodon 4.3 knows (top-level and granular).
    public static let known: Set<String> = [
        "read", "write", "follow", "push", "profile",
        "read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
        "read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
        "write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
        "write:filters", "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications",
        "write:reports", "write:statuses",
        "admin:read", "admin:write",
    ]

    /// The granular scopes the legacy `follow` scope stands for.
    static let followGrants: Set<String> = [
        "read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes",
    ]

    /// - Returns: nil for a scope Mastodon does not define.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        guard Self.known.contains(text) || text.hasPrefix("admin:read:") || text.hasPrefix("admin:write:") else { return nil }
        rawValue = text
    }

    private init(unchecked: String) { rawValue = unchecked }

    // The granular scopes routes ask for (Mastodon's controllers name the same ones).
    public static let readAccounts = granular(.read, "accounts")
    public static let writeAccounts = granular(.write, "accounts")
    public static let readStatuses = granular(.read, "statuses")
    public static let writeStatuses = granular(.write, "statuses")
    public static let readFollows = granular(.read, "follows")
    public static let writeFollows = granular(.write, "follows")
    public static let readNotifications = granular(.read, "notifications")
    public static let writeNotifications = granular(.write, "notifications")
    public static let writeFavourites = granular(.write, "favourites")
    public static let readSearch = granular(.read, "search")

    /// `read:statuses` for (`read`, "statuses").
    public static func granular(_ parent: OAuthScope, _ resource: String) -> OAuthScope {
        OAuthScope(unchecked: "\(parent.rawValue):\(resource)")
    }

    /// Whether holding this scope lets a token do what `required` guards.
    public func grants(_ required: OAuthScope) -> Bool {
        if self == required { return true }
        let mine = rawValue, wanted = required.rawValue
        if wanted.hasPrefix(mine + ":") { return true }  // read grants read:statuses; admin:read grants admin:read:accounts
        if mine == "follow" { return Self.followGrants.contains(wanted) }
        return false
    }

    public var description: String { rawValue }
}

/// A token's or an app's set of scopes, written space-separated on the wire (`+` is accepted too,
/// as form encoders send it).
public struct OAuthScopes: Equatable, Sendable, CustomStringConvertible {
    public private(set) var scopes: [OAuthScope]

    /// Mastodon's default when an app or a request names none.
    public static let defaultScopes = OAuthScopes(scopes: [.read])

    public init(scopes: [OAuthScope]) {
        var seen = Set<OAuthScope>()
        self.scopes = scopes.filter { seen.insert($0).inserted }
    }

    /// Parses a scope list. - Throws: `ScopeError.unknown` naming the first scope that is not Mastodon's.
    /// An empty list is the default (`read`).
    public static func parse(_ text: String) throws(ScopeError) -> OAuthScopes {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "+" })
        guard !words.isEmpty else { return defaultScopes }
        var scopes: [OAuthScope] = []
        for word in words {
            guard let scope = OAuthScope(word) else { throw .unknown(String(word.prefix(40))) }
            scopes.append(scope)
        }
        return OAuthScopes(scopes: scopes)
    }

    /// Scopes as stored (already validated when written); unknown words are dropped.
    public init(stored text: String) {
        self.init(scopes: text.split(separator: " ").compactMap { OAuthScope($0) })
    }

    /// Whether any held scope grants `required`.
    public func grants(_ required: OAuthScope) -> Bool {
        scopes.contains { $0.grants(required) }
    }

    /// Whether every scope of `requested` is granted by these (an app asking for no more than it
    /// registered; a token narrowing its app's scopes).
    public func covers(_ requested: OAuthScopes) -> Bool {
        requested.scopes.allSatisfy(grants)
    }

    public var description: String { scopes.map(\.rawValue).joined(separator: " ") }
}

public enum ScopeError: Error, Equatable, Sendable {
    case unknown(String)
}
