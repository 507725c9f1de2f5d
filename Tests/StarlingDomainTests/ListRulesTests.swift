import Testing
import StarlingDomain

/// List delivery (replies policy), pin rules and list titles, against tables written out by hand.
struct ListRulesTests {
    static let owner: Int64 = 1, member: Int64 = 2, otherMember: Int64 = 3, followed: Int64 = 4, stranger: Int64 = 5

    /// (replies to, policy) → admitted, for a public status by `member`. nil: not a reply.
    static let table: [(Int64?, ListRules.RepliesPolicy, Bool)] = [
        (nil, .list, true), (nil, .followed, true), (nil, .none, true),
        (member, .list, true), (member, .followed, true), (member, .none, true),  // a thread of one's own
        (owner, .list, true), (owner, .followed, true), (owner, .none, true),  // a reply to the list's owner
        (otherMember, .list, true), (otherMember, .followed, true), (otherMember, .none, false),
        (followed, .list, false), (followed, .followed, true), (followed, .none, false),
        (stranger, .list, false), (stranger, .followed, false), (stranger, .none, false),
    ]

    @Test(arguments: table.indices)
    func repliesPolicy(_ row: Int) {
        let (target, policy, expected) = Self.table[row]
        let status = Audience.Status(author: Self.member, visibility: .public, inReplyToAccount: target)
        let delivery = ListRules.Delivery(owner: Self.owner, policy: policy,
                                          replyTargetIsMember: target == Self.member || target == Self.otherMember,
                                          ownerFollowsReplyTarget: [Self.member, Self.otherMember, Self.followed].contains(target ?? -1))
        #expect(ListRules.admits(status, to: delivery) == expected, "reply to \(String(describing: target)), policy \(policy)")
    }

    @Test func directMessagesNeverReachLists() {
        for policy in ListRules.RepliesPolicy.allCases {
            let delivery = ListRules.Delivery(owner: Self.owner, policy: policy, replyTargetIsMember: false, ownerFollowsReplyTarget: false)
            #expect(!ListRules.admits(Audience.Status(author: Self.member, visibility: .direct, mentioned: [Self.owner]), to: delivery))
            #expect(ListRules.admits(Audience.Status(author: Self.member, visibility: .private), to: delivery))
            #expect(ListRules.admits(Audience.Status(author: Self.member, visibility: .unlisted), to: delivery))
        }
    }

    @Test func titles() {
        #expect(ListRules.validTitle("  Friends \n") == "Friends")
        #expect(ListRules.validTitle("   ") == nil)
        #expect(ListRules.validTitle("") == nil)
        #expect(ListRules.validTitle(String(repeating: "a", count: 256)) != nil)
        #expect(ListRules.validTitle(String(repeating: "a", count: 257)) == nil)
        #expect(ListRules.RepliesPolicy.default == .list)
        #expect(ListRules.RepliesPolicy(rawValue: "all") == nil)
    }

    @Test func pins() {
        let me: Int64 = 7
        func check(_ visibility: Visibility, author: Int64 = me, reblog: Int64? = nil, pins: Int = 0) -> PinRules.Refusal? {
            PinRules.check(Audience.Status(author: author, visibility: visibility, reblogOf: reblog), viewer: me, existingPins: pins)
        }
        #expect(check(.public) == nil)
        #expect(check(.unlisted) == nil)
        #expect(check(.private) == .notPublic)
        #expect(check(.direct) == .direct)
        #expect(check(.public, author: 8) == .notOwn)
        #expect(check(.public, reblog: 99) == .reblog)
        #expect(check(.public, pins: 4) == nil)
        #expect(check(.public, pins: 5) == .limitReached)
        #expect(PinRules.Refusal.limitReached.message == "Validation failed: You have already pinned the maximum number of toots")
    }
}
