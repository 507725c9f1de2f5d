import Foundation
import Testing
import StarlingDomain

// The rules are checked against tables written out by hand below (not derived from the code under
// test), over every visibility × viewer role × reply case.

/// The accounts in every scenario.
private enum Account {
    static let author: Int64 = 1
    static let repliedTo: Int64 = 2
    static let mentioned: Int64 = 3
    static let follower: Int64 = 4
    static let stranger: Int64 = 5
    static let other: Int64 = 6  // mentioned besides, in some statuses
}

/// Who is looking.
enum Role: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// The status's author.
    case author
    /// Mentioned in the status (does not follow the author).
    case mentioned
    /// Follows the author (not mentioned).
    case follower
    /// Mentioned and follows the author.
    case mentionedFollower
    /// The account a reply answers (neither follows the author nor is mentioned).
    case repliedTo
    /// Follows nobody, not mentioned.
    case stranger
    /// Not signed in.
    case anonymous

    var testDescription: String { rawValue }

    var id: Int64? {
        switch self {
        case .author: Account.author
        case .mentioned, .mentionedFollower: Account.mentioned
        case .follower: Account.follower
        case .repliedTo: Account.repliedTo
        case .stranger: Account.stranger
        case .anonymous: nil
        }
    }

    var followsAuthor: Bool { self == .follower || self == .mentionedFollower }
}

/// Whether the status is a reply, and to whom.
enum Reply: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case none
    /// The author continuing their own thread.
    case toSelf
    /// A reply to `repliedTo`; the viewer does not follow `repliedTo`.
    case toOther
    /// A reply to `repliedTo`; the viewer follows `repliedTo`.
    case toOtherViewerFollows

    var testDescription: String { rawValue }

    var inReplyToAccount: Int64? {
        switch self {
        case .none: nil
        case .toSelf: Account.author
        case .toOther, .toOtherViewerFollows: Account.repliedTo
        }
    }
}

private func status(_ visibility: Visibility, _ reply: Reply, reblogOf: Int64? = nil) -> Audience.Status {
    Audience.Status(author: Account.author, visibility: visibility, inReplyToAccount: reply.inReplyToAccount,
                    mentioned: [Account.other, Account.mentioned], reblogOf: reblogOf)
}

private func relations(_ role: Role, _ reply: Reply) -> ViewerRelations {
    var follows: Set<Int64> = []
    if role.followsAuthor { follows.insert(Account.author) }
    if reply == .toOtherViewerFollows { follows.insert(Account.repliedTo) }
    return ViewerRelations(follows: follows)
}

/// Who may open a status of each visibility (the hand-written table).
private let mayViewTable: [Visibility: Set<Role>] = [
    .public: Set(Role.allCases),
    .unlisted: Set(Role.allCases),
    .private: [.author, .mentioned, .follower, .mentionedFollower],
    .direct: [.author, .mentioned, .mentionedFollower],
]

/// The reply rule, by hand: who gets a reply to someone else on their home timeline.
private func replyRuleAdmits(_ role: Role, _ reply: Reply) -> Bool {
    switch reply {
    case .none, .toSelf: true
    case .toOtherViewerFollows: true
    case .toOther: [.author, .repliedTo, .mentioned, .mentionedFollower].contains(role)
    }
}

@Suite("Audience")
struct AudienceTests {
    static let everyCase: [(Visibility, Role, Reply)] = Visibility.allCases.flatMap { v in
        Role.allCases.flatMap { r in Reply.allCases.map { (v, r, $0) } }
    }

    @Test(arguments: everyCase)
    func mayView(visibility: Visibility, role: Role, reply: Reply) {
        let s = status(visibility, reply)
        let expected = mayViewTable[visibility]!.contains(role)
        #expect(Audience.mayView(s, viewer: role.id, relations: relations(role, reply)) == expected)
        // The follow-predicate form agrees.
        let follows = relations(role, reply)
        #expect(Audience.mayView(s, viewer: role.id, viewerFollows: follows.follows) == expected)
        // Replies do not change who may open a status.
        #expect(Audience.mayView(status(visibility, .none), viewer: role.id, relations: relations(role, .none)) == expected)
    }

    @Test(arguments: everyCase)
    func showsOnHome(visibility: Visibility, role: Role, reply: Reply) throws {
        guard let viewer = role.id else { return }  // nobody's home timeline
        let s = status(visibility, reply)
        let expected = mayViewTable[visibility]!.contains(role) && replyRuleAdmits(role, reply)
        #expect(Audience.showsOnHome(s, viewer: viewer, relations: relations(role, reply)) == expected)
        #expect(Audience.showsOnHome(s, viewer: viewer, viewerFollows: relations(role, reply).follows) == expected)
    }

    @Test(arguments: Role.allCases, Reply.allCases)
    func replyRuleOnItsOwn(role: Role, reply: Reply) {
        guard let reader = role.id else { return }
        let s = status(.public, reply)
        #expect(Audience.passesReplyRule(s, reader: reader, readerFollows: relations(role, reply).follows) == replyRuleAdmits(role, reply))
    }

    /// The worker's fan-out and the reader agree for every follower of the author: a status is
    /// pushed into exactly the home lists where the reader would show it.
    @Test(arguments: Visibility.allCases, Reply.allCases)
    func fanoutAgreesWithTheReader(visibility: Visibility, reply: Reply) {
        let s = status(visibility, reply)
        let fanout = Audience.homeFanout(of: s)
        for follower in [Account.follower, Account.mentioned, Account.repliedTo, Account.other, Account.stranger] {
            for followsRepliedTo in [false, true] {
                var follows: Set<Int64> = [Account.author]
                if followsRepliedTo { follows.insert(Account.repliedTo) }
                let relations = ViewerRelations(follows: follows)
                let shown = Audience.showsOnHome(s, viewer: follower, relations: relations)
                #expect(fanout.admits(follower: follower, followerFollows: relations.follows) == shown,
                        "follower \(follower) follows replied-to: \(followsRepliedTo), fan-out \(fanout)")
            }
        }
    }

    @Test(arguments: Visibility.allCases, Reply.allCases)
    func homeFanoutValues(visibility: Visibility, reply: Reply) {
        let s = status(visibility, reply)
        let expected: HomeFanout = switch (visibility, reply) {
        case (.direct, _): .mentionedFollowers([Account.other, Account.mentioned])
        case (_, .toOther), (_, .toOtherViewerFollows): .followersAlsoFollowing(Account.repliedTo, orMentioned: [Account.other, Account.mentioned])
        case (_, .none), (_, .toSelf): .followers
        }
        #expect(Audience.homeFanout(of: s) == expected)
    }

    @Test func directMentioningNobodyReachesNoFollower() {
        let s = Audience.Status(author: 1, visibility: .direct, mentioned: [])
        #expect(Audience.homeFanout(of: s) == HomeFanout.none)
        #expect(!HomeFanout.none.admits(follower: 4, followerFollows: { _ in true }))
        #expect(!Audience.showsOnHome(s, viewer: 4, relations: ViewerRelations(follows: [1])))
        #expect(Audience.showsOnHome(s, viewer: 1, relations: .none), "the author sees their own")
    }

    @Test func fanoutPredicates() {
        let reply = HomeFanout.followersAlsoFollowing(2, orMentioned: [3])
        #expect(reply.admits(follower: 2, followerFollows: { _ in false }), "the replied-to account")
        #expect(reply.admits(follower: 3, followerFollows: { _ in false }), "a mentioned follower")
        #expect(reply.admits(follower: 4, followerFollows: { $0 == 2 }), "follows the replied-to account")
        #expect(!reply.admits(follower: 4, followerFollows: { $0 == 1 }), "follows only the author")
        #expect(HomeFanout.followers.admits(follower: 9, followerFollows: { _ in false }))
        #expect(HomeFanout.mentionedFollowers([3]).admits(follower: 3, followerFollows: { _ in false }))
        #expect(!HomeFanout.mentionedFollowers([3]).admits(follower: 4, followerFollows: { _ in true }))
    }

    @Test(arguments: Visibility.allCases, Reply.allCases)
    func followsNeededCoverWhatTheRulesRead(visibility: Visibility, reply: Reply) {
        let s = status(visibility, reply)
        let needed = Audience.followsNeeded(for: s, onHome: true)
        #expect(needed.contains(Account.author) == (visibility == .private))
        #expect(needed.contains(Account.repliedTo) == (reply == .toOther || reply == .toOtherViewerFollows))
        #expect(!Audience.followsNeeded(for: s, onHome: false).contains(Account.repliedTo), "the reply rule is for home only")
        // Loading only the needed edges gives the same answers as knowing every edge.
        for role in Role.allCases {
            guard let viewer = role.id else { continue }
            let all = relations(role, reply)
            let loaded = ViewerRelations(follows: all.following.intersection(needed))
            #expect(Audience.showsOnHome(s, viewer: viewer, relations: loaded) == Audience.showsOnHome(s, viewer: viewer, relations: all))
            #expect(Audience.mayView(s, viewer: viewer, relations: loaded) == Audience.mayView(s, viewer: viewer, relations: all))
        }
    }

    @Test(arguments: Visibility.allCases, [false, true])
    func publicListing(visibility: Visibility, isReblog: Bool) {
        let s = status(visibility, .none, reblogOf: isReblog ? 99 : nil)
        #expect(Audience.isPubliclyListed(s) == (visibility == .public && !isReblog))
    }

    @Test func statusFacts() {
        #expect(status(.public, .none).repliesToOther == nil)
        #expect(status(.public, .toSelf).repliesToOther == nil)
        #expect(status(.public, .toOther).repliesToOther == Account.repliedTo)
        #expect(status(.public, .none).mentions(Account.mentioned))
        #expect(!status(.public, .none).mentions(Account.follower))
    }
}

@Suite("Visibility")
struct VisibilityTests {
    @Test func rawValuesAreMastodons() {
        #expect(Visibility.allCases.map(\.rawValue) == ["public", "unlisted", "private", "direct"])
        #expect(Visibility(rawValue: "everyone") == nil)
        #expect(Visibility(rawValue: "Public") == nil)
        #expect(Visibility.default == .public)
    }

    @Test(arguments: Visibility.allCases)
    func helpers(visibility: Visibility) {
        #expect(visibility.isListedPublicly == (visibility == .public))
        #expect(visibility.canBeReblogged == [.public, .unlisted].contains(visibility))
        #expect(visibility.isSearchable == [.public, .unlisted].contains(visibility))
        #expect(visibility.isOpenToAnyone == [.public, .unlisted].contains(visibility))
        #expect(visibility.reachesFollowers == (visibility != .direct))
    }

    @Test(arguments: Visibility.allCases)
    func codableAsItsRawValue(visibility: Visibility) throws {
        let data = try JSONEncoder().encode([visibility])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(visibility.rawValue)\"]")
        #expect(try JSONDecoder().decode([Visibility].self, from: data) == [visibility])
    }
}

@Suite("NotificationKind")
struct NotificationKindTests {
    @Test func rawValuesAreMastodons() {
        #expect(NotificationKind.allCases.map(\.rawValue) == [
            "mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update", "admin.sign_up", "admin.report",
        ])
        // Each feature adds the kinds it creates (follow_request: locked accounts).
        #expect(NotificationKind.created.isSuperset(of: [.mention, .follow, .reblog, .favourite, .followRequest]))
        #expect(!NotificationKind.created.contains(.adminSignUp) && !NotificationKind.created.contains(.adminReport))
    }

    @Test func codableAsItsRawValue() throws {
        let data = try JSONEncoder().encode([NotificationKind.adminSignUp, .followRequest])
        #expect(String(decoding: data, as: UTF8.self) == #"["admin.sign_up","follow_request"]"#)
        #expect(try JSONDecoder().decode([NotificationKind].self, from: data) == [.adminSignUp, .followRequest])
    }
}

@Suite("RedisKeys")
struct RedisKeysTests {
    @Test func spellings() {
        #expect(RedisKeys.home(7) == "home:{7}")
        #expect(RedisKeys.homeReady(7) == "homeok:{7}")
        #expect(RedisKeys.authored(7) == "user:{7}")
        #expect(RedisKeys.authoredReady(7) == "userok:{7}")
        #expect(RedisKeys.status(9) == "status:{9}")
        #expect(RedisKeys.trendUses(day: 20_000) == "trends:{trends}:20000")
        #expect(RedisKeys.trendAccounts(day: 20_000, tag: "swift") == "trends:{trends}:20000:swift")
        #expect(RedisKeys.channelPattern == "timeline:*")
        #expect(RedisKeys.userChannel(7) == "timeline:{7}")
        #expect(RedisKeys.publicChannel == "timeline:public")
        #expect(RedisKeys.hashtagChannel("swift") == "timeline:hashtag:swift")
        #expect(RedisKeys.pulledChannel == "timeline:pulled")
        #expect(RedisKeys.usersChannel == "timeline:users")
    }

    @Test(arguments: [Int64(0), 7, 123_456_789_012])
    func aUsersKeysShareASlot(user: Int64) {
        let slot = KeySlot.slot(of: RedisKeys.home(user))
        for key in [RedisKeys.homeReady(user), RedisKeys.authored(user), RedisKeys.authoredReady(user), RedisKeys.userChannel(user)] {
            #expect(KeySlot.slot(of: key) == slot, "\(key)")
        }
    }

    @Test func trendKeysShareASlot() {
        let slot = KeySlot.slot(of: RedisKeys.trendUses(day: 1))
        #expect(KeySlot.slot(of: RedisKeys.trendUses(day: 2)) == slot)
        #expect(KeySlot.slot(of: RedisKeys.trendAccounts(day: 3, tag: "x")) == slot)
    }

    @Test func channelsParse() {
        #expect(RedisKeys.userId(ofChannel: RedisKeys.userChannel(42)) == 42)
        #expect(RedisKeys.userId(ofChannel: RedisKeys.publicChannel) == nil)
        #expect(RedisKeys.userId(ofChannel: RedisKeys.hashtagChannel("{1}")) == nil)
        #expect(RedisKeys.tag(ofChannel: RedisKeys.hashtagChannel("café")) == "café")
        #expect(RedisKeys.tag(ofChannel: RedisKeys.userChannel(1)) == nil)
        #expect(RedisKeys.tag(ofChannel: RedisKeys.pulledChannel) == nil)
    }
}

@Suite("DomainError codes")
struct DomainErrorCodeTests {
    @Test func rulesHaveCodes() {
        #expect(DomainError.notFound.code == "not_found")
        #expect(DomainError.notAllowed.code == "not_allowed")
        #expect(DomainError.taken(.username).code == "username_taken")
        #expect(DomainError.taken(.email).code == "email_taken")
        #expect(DomainError.taken(.email) != DomainError.taken(.username))
        #expect(!DomainError.notFound.description.isEmpty && !DomainError.notAllowed.description.isEmpty)
    }
}
