/// What a poll may be (the instance's `configuration.polls`), Mastodon's defaults.
public struct PollLimits: Sendable, Equatable {
    public var maxOptions: Int
    public var maxCharactersPerOption: Int
    /// Seconds from posting to expiry: Mastodon's bounds (5 minutes to a month).
    public var minExpiration: Int
    public var maxExpiration: Int

    public static let minOptions = 2

    public init(maxOptions: Int = 4, maxCharactersPerOption: Int = 50, minExpiration: Int = 300, maxExpiration: Int = 2_629_746) {
        self.maxOptions = maxOptions
        self.maxCharactersPerOption = maxCharactersPerOption
        self.minExpiration = minExpiration
        self.maxExpiration = maxExpiration
    }
}

/// A poll as a post or an edit asks for it, validated (`PollRules.validate`).
public struct PollSpec: Sendable, Equatable {
    public var options: [String]
    public var expiresIn: Int
    public var multiple: Bool
    public var hideTotals: Bool

    public init(options: [String], expiresIn: Int, multiple: Bool, hideTotals: Bool) {
        self.options = options
        self.expiresIn = expiresIn
        self.multiple = multiple
        self.hideTotals = hideTotals
    }
}

/// Mastodon's poll rules (PollValidator, VoteValidator), with its messages.
public enum PollRules {
    /// - Throws: `.validation` with Mastodon's message for the first rule broken.
    public static func validate(_ spec: PollSpec, limits: PollLimits) throws(DomainError) {
        if spec.options.count < PollLimits.minOptions {
            throw .validation("Validation failed: Poll options must have more than one item")
        }
        if spec.options.count > limits.maxOptions {
            throw .validation("Validation failed: Poll options can't contain more than \(limits.maxOptions) items")
        }
        if spec.options.contains(where: { $0.allSatisfy(\.isWhitespace) }) {
            throw .validation("Validation failed: Poll options can't be blank")
        }
        if spec.options.contains(where: { $0.count > limits.maxCharactersPerOption }) {
            throw .validation("Validation failed: Poll options cannot be longer than \(limits.maxCharactersPerOption) characters each")
        }
        if Set(spec.options.map { $0.trimmingWhitespace() }).count != spec.options.count {
            throw .validation("Validation failed: Poll options contain duplicate items")
        }
        if spec.expiresIn < limits.minExpiration {
            throw .validation("Validation failed: Poll expires at is too soon")
        }
        if spec.expiresIn > limits.maxExpiration {
            throw .validation("Validation failed: Poll expires at is too far into the future")
        }
    }

    /// The facts a vote is judged by.
    public struct Ballot: Sendable, Equatable {
        public var optionCount: Int
        public var multiple: Bool
        public var expired: Bool
        public var isAuthor: Bool
        public var alreadyVoted: Bool

        public init(optionCount: Int, multiple: Bool, expired: Bool, isAuthor: Bool, alreadyVoted: Bool) {
            self.optionCount = optionCount
            self.multiple = multiple
            self.expired = expired
            self.isAuthor = isAuthor
            self.alreadyVoted = alreadyVoted
        }
    }

    /// Mastodon's VoteValidator: not after expiry, existing options only, one choice unless the
    /// poll is multiple, no duplicates, not on one's own poll, one vote per person.
    public static func validateVote(_ choices: [Int], on ballot: Ballot) throws(DomainError) {
        if ballot.expired { throw .validation("Validation failed: The poll has already ended") }
        if choices.isEmpty { throw .validation("Validation failed: choices can't be blank") }
        if choices.contains(where: { $0 < 0 || $0 >= ballot.optionCount }) {
            throw .validation("Validation failed: The chosen vote option does not exist")
        }
        if Set(choices).count != choices.count {
            throw .validation("Validation failed: The chosen vote options contain duplicate items")
        }
        if !ballot.multiple && choices.count > 1 {
            throw .validation("Validation failed: This poll allows only one choice")
        }
        if ballot.isAuthor { throw .validation("Validation failed: You cannot vote in your own poll") }
        if ballot.alreadyVoted { throw .validation("Validation failed: You have already voted on this poll") }
    }

    /// An edit resets the votes when the options change (Mastodon's UpdateStatusService).
    public static func editResetsVotes(old: [String], new: [String]) -> Bool { old != new }
}

private extension String {
    func trimmingWhitespace() -> Substring {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }
}
