/// How a status reaches timelines.
public enum FanoutModel: String, Sendable, CaseIterable {
    /// Push to every follower's home list (celebrities too).
    case push
    /// Push to nobody; every home read pulls from the authors' own lists.
    case pull
    /// Push for normal authors, pull for celebrities (the default).
    case hybrid
}

/// The fan-out rules, decided without I/O.
public struct FanoutPolicy: Sendable {
    public var model: FanoutModel
    /// Authors with at least this many followers are celebrities: not fanned out in the hybrid model.
    public var celebrityThreshold: Int
    /// Followers per outbox chunk: one worker delivers one chunk in one pass.
    public var chunkSize: Int
    /// Home lists are trimmed to this many entries.
    public var homeLength: Int

    public init(model: FanoutModel = .hybrid, celebrityThreshold: Int = 10_000, chunkSize: Int = 1_000, homeLength: Int = 800) {
        self.model = model
        self.celebrityThreshold = celebrityThreshold
        self.chunkSize = chunkSize
        self.homeLength = homeLength
    }

    /// Whether an author's statuses are pushed into followers' home lists.
    public func pushesToFollowers(followersCount: Int) -> Bool {
        switch model {
        case .push: true
        case .pull: false
        case .hybrid: followersCount < celebrityThreshold
        }
    }

    /// Whether a reader merges this author's own list at read time.
    public func isPulled(followersCount: Int) -> Bool { !pushesToFollowers(followersCount: followersCount) }

    /// Authors with fewer followers than this are pushed into home lists (what a home rebuild reads).
    public var pushedBelow: Int64 {
        switch model {
        case .push: .max
        case .pull: 0
        case .hybrid: Int64(celebrityThreshold)
        }
    }

    /// Authors with at least this many followers are merged at read time; nil when nobody is.
    public var pulledFrom: Int64? { model == .push ? nil : pushedBelow }
}
