import Foundation
import StarlingDomain
import Testing

/// Blocks and mutes in the audience rules (`ViewerRelations`, `Audience`).
struct ViewerRelationsTests {
    let viewer: Int64 = 1, author: Int64 = 2, other: Int64 = 3

    @Test func blockEitherWayHidesEverywhere() {
        let post = Audience.Status(author: author, visibility: .public)
        for relations in [ViewerRelations(blocking: [author]), ViewerRelations(blockedBy: [author])] {
            #expect(!Audience.mayView(post, viewer: viewer, relations: relations))
            #expect(!Audience.showsOnHome(post, viewer: viewer, relations: relations.with(follows: [author], followedTags: [])))
            #expect(Audience.hiddenByRelations(authors: [author], viewer: viewer, relations: relations, applyMutes: false))
            #expect(!Audience.notifies(from: author, relations: relations))
        }
        // Signed out, or someone else: unaffected.
        #expect(Audience.mayView(post, viewer: nil, relations: .none))
        #expect(Audience.mayView(post, viewer: other, relations: ViewerRelations(blocking: [viewer])))
        // A mention does not get through a block.
        let mention = Audience.Status(author: author, visibility: .direct, mentioned: [viewer])
        #expect(!Audience.mayView(mention, viewer: viewer, relations: ViewerRelations(blocking: [author])))
        // One's own statuses are never hidden from oneself.
        #expect(Audience.mayView(post, viewer: author, relations: ViewerRelations(blocking: [author])))
    }

    @Test func muteHidesFromHomeAndListingsNotFromDirectViews() {
        let post = Audience.Status(author: author, visibility: .public)
        let relations = ViewerRelations(follows: [author], muting: [author])
        #expect(Audience.mayView(post, viewer: viewer, relations: relations))  // profile, direct link
        #expect(!Audience.showsOnHome(post, viewer: viewer, relations: relations))
        #expect(Audience.hiddenByRelations(authors: [author], viewer: viewer, relations: relations, applyMutes: true))
        #expect(!Audience.hiddenByRelations(authors: [author], viewer: viewer, relations: relations, applyMutes: false))
        // A reblog by someone followed of a muted account's status, and a muted account's reblog.
        #expect(Audience.hiddenByRelations(authors: [other, author], viewer: viewer, relations: relations, applyMutes: true))
        #expect(!Audience.hiddenByRelations(authors: [other], viewer: viewer, relations: relations, applyMutes: true))
        // Notifications: hidden only when the mute says so.
        #expect(Audience.notifies(from: author, relations: relations))
        #expect(!Audience.notifies(from: author, relations: ViewerRelations(muting: [author], mutingNotifications: [author])))
    }

    @Test func timedMutesExpireByThemselves() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let stored = BlocksAndMutes(blocking: [other], mutes: [
            .init(account: author, notifications: true, expiresAt: now.addingTimeInterval(60)),
            .init(account: 9, notifications: false, expiresAt: nil),
        ])
        let before = stored.relations(at: now)
        #expect(before.muting == [author, 9])
        #expect(before.mutingNotifications == [author])
        #expect(before.blocking == [other])
        let after = stored.relations(at: now.addingTimeInterval(61))
        #expect(after.muting == [9])
        #expect(after.mutingNotifications.isEmpty)
        #expect(after.blocking == [other])
        #expect(!BlocksAndMutes.none.relations(at: now).isMuted(author))
        #expect(BlocksAndMutes.none.isEmpty && !stored.isEmpty)
    }

    @Test func withReplacesFollowsKeepsBlocksAndMutes() {
        let relations = ViewerRelations(blocking: [author], muting: [other]).with(follows: [5], followedTags: ["swift"])
        #expect(relations.follows(5) && relations.followedTags == ["swift"])
        #expect(relations.isBlocked(author) && relations.isMuted(other))
    }
}
