import Foundation
import Hummingbird
import StarlingDomain
import StarlingStore
import StarlingTimelines

/// Blocks, mutes, locked accounts and follow requests (Mastodon's paths, entities and errors).
extension MastodonRoutes {
    func registerRelationships(on routes: APIRoutes) {
        let readBlocks = OAuthScope.granular(.read, "blocks"), writeBlocks = OAuthScope.granular(.write, "blocks")
        let readMutes = OAuthScope.granular(.read, "mutes"), writeMutes = OAuthScope.granular(.write, "mutes")
        routes.authenticated(writeBlocks).post("/api/v1/accounts/:id/block") { _, context in
            try await block(context, id: context.parameters.get("id"), block: true)
        }
        routes.authenticated(writeBlocks).post("/api/v1/accounts/:id/unblock") { _, context in
            try await block(context, id: context.parameters.get("id"), block: false)
        }
        routes.authenticated(readBlocks).get("/api/v1/blocks") { request, context in try await relationList(request, context, kind: .blocks) }
        routes.authenticated(writeMutes).post("/api/v1/accounts/:id/mute") { _, context in
            try await mute(context, id: context.parameters.get("id"), mute: true)
        }
        routes.authenticated(writeMutes).post("/api/v1/accounts/:id/unmute") { _, context in
            try await mute(context, id: context.parameters.get("id"), mute: false)
        }
        routes.authenticated(readMutes).get("/api/v1/mutes") { request, context in try await relationList(request, context, kind: .mutes) }
        routes.authenticated(.readFollows).get("/api/v1/follow_requests") { request, context in
            try await relationList(request, context, kind: .followRequests)
        }
        routes.authenticated(.writeFollows).post("/api/v1/follow_requests/:id/authorize") { _, context in
            try await answerRequest(context, id: context.parameters.get("id"), authorize: true)
        }
        routes.authenticated(.writeFollows).post("/api/v1/follow_requests/:id/reject") { _, context in
            try await answerRequest(context, id: context.parameters.get("id"), authorize: false)
        }
    }

    /// The longest timed mute accepted (a bigger `duration` would overflow dates): 100 years.
    static let maxMuteSeconds: Int64 = 100 * 365 * 24 * 3600

    // MARK: Relationship entities

    func relationshipEntities(viewer: Int64, targets: [Int64]) async throws -> [RelationshipEntity] {
        try await services.relationStore.relationships(viewer: viewer, targets: targets).map { r in
            RelationshipEntity(id: String(r.id), following: r.following, showingReblogs: r.following, followedBy: r.followedBy,
                               blocking: r.blocking, blockedBy: r.blockedBy, muting: r.muting, mutingNotifications: r.mutingNotifications,
                               requested: r.requested, requestedBy: r.requestedBy)
        }
    }

    func relationshipResponse(viewer: Int64, target: Int64) async throws -> Response {
        guard let entity = try await relationshipEntities(viewer: viewer, targets: [target]).first else { throw MastodonError.notFound }
        return try JSON.response(entity)
    }

    /// Whether a change of `followersCount` by `delta` takes an account across the celebrity
    /// threshold (then every user's pulled-author list is stale).
    func crossesThreshold(_ account: AccountRow, by delta: Int64) -> Bool {
        guard delta != 0, let threshold = services.settings.policy.pulledFrom else { return false }
        return (account.followersCount >= threshold) != (account.followersCount + delta >= threshold)
    }

    /// The target of an action on `:id`, and the acting user; acting on oneself is a 422.
    private func actors(_ context: StarlingRequestContext, id: String?, verb: String) async throws -> (SignedInUser, AccountRow) {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), let target = try await services.accounts.account(id: id) else { throw MastodonError.notFound }
        guard target.id != user.id else { throw MastodonError(.unprocessableContent, "Validation failed: You cannot \(verb) yourself") }
        return (user, target)
    }

    // MARK: Follows (Routes.swift's follow and unfollow come here)

    /// Follow or unfollow. Across a block either way a follow is refused (403, as Mastodon); a
    /// locked account gets a follow request instead (`requested: true`, a `follow_request`
    /// notification); an unfollow also withdraws a pending request.
    func followOrRequest(_ context: StarlingRequestContext, id: String?, follow: Bool) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), let target = try await services.accounts.account(id: id) else { throw MastodonError.notFound }
        guard target.id != user.id else { throw MastodonError(.forbidden, "You cannot follow yourself") }
        var changed = false
        if follow {
            if try await services.relationStore.blockedEitherWay(user.id, target.id) {
                throw MastodonError(.forbidden, "This action is not allowed")
            }
            if target.locked {
                if try await services.relationStore.requestFollow(account: user.id, target: target.id) {
                    await notifyFollowRequest(from: user.id, to: target.id)
                }
                return try await relationshipResponse(viewer: user.id, target: target.id)
            }
            changed = try await services.follows.follow(follower: user.id, followee: target.id)
        } else {
            try await services.relationStore.cancelRequest(account: user.id, target: target.id)
            changed = try await services.follows.unfollow(follower: user.id, followee: target.id)
        }
        if changed {
            // The target may have just crossed the celebrity threshold: then everyone's pulled lists change.
            await services.accountsChanged([user.id, target.id], pulledOf: [user.id],
                                           allPulled: crossesThreshold(target, by: follow ? 1 : -1))
        }
        return try await relationshipResponse(viewer: user.id, target: target.id)
    }

    /// The `follow_request` notification, created once, and streamed to the target at once. It is
    /// made here rather than by a worker: there is no fan-out to wait for.
    private func notifyFollowRequest(from requester: Int64, to target: Int64) async {
        do {
            guard let id = try await services.notifications.create(recipient: target, from: requester, type: .followRequest, statusId: nil) else {
                return
            }
            try await services.cache.publish(StreamEvent(event: .notification, notification: id), on: [StreamChannels.user(target)])
        } catch {
            // The request stands (GET /api/v1/follow_requests lists it); only its notice is lost.
            services.database.logger.warning("could not notify a follow request", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Blocks and mutes

    func block(_ context: StarlingRequestContext, id: String?, block: Bool) async throws -> Response {
        let (user, target) = try await actors(context, id: id, verb: "block")
        if block {
            let outcome = try await services.relationStore.block(account: user.id, target: target.id)
            var crossed = outcome.unfollowedTarget && crossesThreshold(target, by: -1)
            if outcome.lostFollower, let me = try await services.accounts.account(id: user.id) {
                crossed = crossed || crossesThreshold(me, by: 1)  // read after the block: compare with before it
            }
            await services.accountsChanged([user.id, target.id], pulledOf: [user.id, target.id], allPulled: crossed,
                                           relationsOf: [user.id, target.id])
        } else {
            if try await services.relationStore.unblock(account: user.id, target: target.id) {
                await services.accountsChanged([], relationsOf: [user.id, target.id])
            }
        }
        return try await relationshipResponse(viewer: user.id, target: target.id)
    }

    func mute(_ context: StarlingRequestContext, id: String?, mute: Bool) async throws -> Response {
        let (user, target) = try await actors(context, id: id, verb: "mute")
        if mute {
            let params = context.params
            let notifications = params["notifications"].map(Params.isTrue) ?? true
            var expiresAt: Date?
            if let text = params["duration"], !text.isEmpty {
                guard let seconds = Int64(text), seconds >= 0 else {
                    throw MastodonError(.unprocessableContent, "Validation failed: duration must be a whole number of seconds (0: indefinite)")
                }
                if seconds > 0 { expiresAt = Date().addingTimeInterval(Double(min(seconds, Self.maxMuteSeconds))) }
            }
            try await services.relationStore.mute(account: user.id, target: target.id, notifications: notifications, expiresAt: expiresAt)
        } else {
            try await services.relationStore.unmute(account: user.id, target: target.id)
        }
        await services.accountsChanged([], relationsOf: [user.id])
        return try await relationshipResponse(viewer: user.id, target: target.id)
    }

    // MARK: Lists of accounts

    enum RelationList { case blocks, mutes, followRequests }

    /// `GET /api/v1/blocks`, `/mutes`, `/follow_requests`: accounts, newest entry first, paged by
    /// the entry's id (Link header), as Mastodon pages them.
    func relationList(_ request: Request, _ context: StarlingRequestContext, kind: RelationList) async throws -> Response {
        let user = try context.requireUser()
        let page = try context.page()
        let store = services.relationStore
        let entries = switch kind {
        case .blocks: try await store.blocks(of: user.id, page: page)
        case .mutes: try await store.mutes(of: user.id, page: page)
        case .followRequests: try await store.followRequests(of: user.id, page: page)
        }
        let rows = try await services.accountRows(Set(entries.map(\.account)))
        let accounts = entries.compactMap { rows[$0.account].map(services.renderer.account) }
        let headers = linkHeaders(request, page: page, ids: entries.map(\.id))
        if case .mutes = kind {
            let ends = Dictionary(try await services.viewerBlocksAndMutes(user.id).mutes.map { ($0.account, $0.expiresAt) },
                                  uniquingKeysWith: { first, _ in first })
            let muted = accounts.map { MutedAccountEntity(account: $0, muteExpiresAt: Nullable(ends[Int64($0.id) ?? 0] ?? nil)) }
            return try JSON.response(muted, headers: headers)
        }
        return try JSON.response(accounts, headers: headers)
    }

    func answerRequest(_ context: StarlingRequestContext, id: String?, authorize: Bool) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }) else { throw MastodonError.notFound }
        let store = services.relationStore
        if authorize {
            guard try await store.authorize(requester: id, target: user.id) else { throw MastodonError.notFound }
            let me = try await services.accounts.account(id: user.id)
            let crossed = me.map { crossesThreshold($0, by: -1) } ?? false  // read after the follow: compare with before it
            await services.accountsChanged([user.id, id], pulledOf: [id], allPulled: crossed)
        } else {
            guard try await store.reject(requester: id, target: user.id) else { throw MastodonError.notFound }
        }
        return try await relationshipResponse(viewer: user.id, target: id)
    }
}

extension APIServices {
    /// A viewer's blocks (both ways) and mutes: from this node's cache, else one PostgreSQL query
    /// that fills it. Every node drops its copy when either side of a block or the muter changes
    /// them (`CacheInvalidation.relationsOf`); expired mutes are judged at read time (`relations(at:)`).
    func viewerBlocksAndMutes(_ viewer: Int64) async throws -> BlocksAndMutes {
        if let cached = blocksAndMutes.get(viewer) { return cached }
        let ticket = blocksAndMutes.fillTicket()
        let fresh = try await relationStore.blocksAndMutes(of: viewer)
        blocksAndMutes.set(viewer, fresh, readSince: ticket)
        return fresh
    }
}

extension MastodonRoutes {
    /// An account that unlocks approves its pending requests (as Mastodon does). - Returns: the row as it is now.
    func approvePendingFollowers(of account: AccountRow) async throws -> AccountRow {
        let followers = try await services.relationStore.authorizeAll(target: account.id)
        if followers.isEmpty { return account }
        let now = try await services.accounts.account(id: account.id) ?? account
        await services.accountsChanged(followers + [account.id], pulledOf: followers,
                                       allPulled: crossesThreshold(now, by: -Int64(followers.count)))
        return now
    }

    /// A boolean form or JSON parameter (`locked`): true/false, 1/0 (as Rails reads them). - Throws: 422 otherwise.
    static func booleanParameter(_ text: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "1", "on", "yes": return true
        case "false", "0", "off", "no", "": return false
        default: throw MastodonError(.unprocessableContent, "Validation failed: a boolean parameter (locked, discoverable) must be true or false")
        }
    }
}
