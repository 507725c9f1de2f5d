import StarlingDomain
import Testing

@Suite("PollRules")
struct PollRulesTests {
    static let limits = PollLimits()

    static func spec(_ options: [String], expiresIn: Int = 3600, multiple: Bool = false) -> PollSpec {
        PollSpec(options: options, expiresIn: expiresIn, multiple: multiple, hideTotals: false)
    }

    static func message(_ body: () throws(DomainError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch .validation(let message) {
            return message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func acceptsMastodonsDefaults() throws {
        try PollRules.validate(Self.spec(["a", "b"]), limits: Self.limits)
        try PollRules.validate(Self.spec(["a", "b", "c", "d"], expiresIn: 300), limits: Self.limits)
        try PollRules.validate(Self.spec(["a", "b"], expiresIn: 2_629_746), limits: Self.limits)
        try PollRules.validate(Self.spec(["a", String(repeating: "x", count: 50)]), limits: Self.limits)
    }

    @Test func refusesBadPolls() {
        let cases: [(PollSpec, String)] = [
            (Self.spec(["only"]), "Validation failed: Poll options must have more than one item"),
            (Self.spec([]), "Validation failed: Poll options must have more than one item"),
            (Self.spec(["a", "b", "c", "d", "e"]), "Validation failed: Poll options can't contain more than 4 items"),
            (Self.spec(["a", " "]), "Validation failed: Poll options can't be blank"),
            (Self.spec(["a", String(repeating: "x", count: 51)]), "Validation failed: Poll options cannot be longer than 50 characters each"),
            (Self.spec(["same", "same "]), "Validation failed: Poll options contain duplicate items"),
            (Self.spec(["a", "b"], expiresIn: 299), "Validation failed: Poll expires at is too soon"),
            (Self.spec(["a", "b"], expiresIn: -5), "Validation failed: Poll expires at is too soon"),
            (Self.spec(["a", "b"], expiresIn: 2_629_747), "Validation failed: Poll expires at is too far into the future"),
        ]
        for (spec, expected) in cases {
            #expect(Self.message { () throws(DomainError) in try PollRules.validate(spec, limits: Self.limits) } == expected, "\(spec)")
        }
    }

    @Test func limitsAreConfigurable() throws {
        let wide = PollLimits(maxOptions: 6, maxCharactersPerOption: 10)
        try PollRules.validate(Self.spec(["a", "b", "c", "d", "e", "f"]), limits: wide)
        #expect(Self.message { () throws(DomainError) in try PollRules.validate(Self.spec(["a", String(repeating: "x", count: 11)]), limits: wide) }
                == "Validation failed: Poll options cannot be longer than 10 characters each")
    }

    static func ballot(multiple: Bool = false, expired: Bool = false, isAuthor: Bool = false, alreadyVoted: Bool = false) -> PollRules.Ballot {
        .init(optionCount: 3, multiple: multiple, expired: expired, isAuthor: isAuthor, alreadyVoted: alreadyVoted)
    }

    @Test func votes() throws {
        try PollRules.validateVote([0], on: Self.ballot())
        try PollRules.validateVote([2], on: Self.ballot())
        try PollRules.validateVote([0, 2], on: Self.ballot(multiple: true))
        let cases: [([Int], PollRules.Ballot, String)] = [
            ([0], Self.ballot(expired: true), "Validation failed: The poll has already ended"),
            ([], Self.ballot(), "Validation failed: choices can't be blank"),
            ([3], Self.ballot(), "Validation failed: The chosen vote option does not exist"),
            ([-1], Self.ballot(), "Validation failed: The chosen vote option does not exist"),
            ([1, 1], Self.ballot(multiple: true), "Validation failed: The chosen vote options contain duplicate items"),
            ([0, 1], Self.ballot(), "Validation failed: This poll allows only one choice"),
            ([0], Self.ballot(isAuthor: true), "Validation failed: You cannot vote in your own poll"),
            ([0], Self.ballot(alreadyVoted: true), "Validation failed: You have already voted on this poll"),
            ([0], Self.ballot(multiple: true, alreadyVoted: true), "Validation failed: You have already voted on this poll"),
        ]
        for (choices, ballot, expected) in cases {
            #expect(Self.message { () throws(DomainError) in try PollRules.validateVote(choices, on: ballot) } == expected, "\(choices) \(ballot)")
        }
    }

    @Test func onlyChangedOptionsResetVotes() {
        #expect(!PollRules.editResetsVotes(old: ["a", "b"], new: ["a", "b"]))
        #expect(PollRules.editResetsVotes(old: ["a", "b"], new: ["a", "c"]))
        #expect(PollRules.editResetsVotes(old: ["a", "b"], new: ["b", "a"]))
    }
}
