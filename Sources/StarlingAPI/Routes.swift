import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain
import StarlingStore

/// The Mastodon client API routes.
struct MastodonRoutes: Sendable {
    let services: APIServices
    var reader: TimelineReader { TimelineReader(services: services) }

    func register(on routes: APIRoutes) {
        let (router, open) = (routes.plain, routes.anonymous)
        // Apps, OAuth and registration
        open.post("/api/v1/apps") { _, context in try await createApp(context) }
        routes.authenticated(.writeAccounts).post("/api/v1/accounts") { _, context in try await register(context) }

        // Accounts
        routes.authenticated(.profile, .readAccounts).get("/api/v1/accounts/verify_credentials") { _, context in try await verifyCredentials(context) }
        routes.authenticated(.readFollows).get("/api/v1/accounts/relationships") { _, context in try await relationships(context) }
        open.get("/api/v1/accounts/lookup") { _, context in try await lookup(context) }
        router.get("/api/v1/accounts/:id") { _, context in try await account(id: context.parameters.get("id")) }
        routes.authenticated(.readStatuses).get("/api/v1/accounts/:id/statuses") { request, context in
            try await accountStatuses(request, context, id: context.parameters.get("id"))
        }
        routes.authenticated(.writeFollows).post("/api/v1/accounts/:id/follow") { _, context in
            try await follow(context, id: context.parameters.get("id"), follow: true)
        }
        routes.authenticated(.writeFollows).post("/api/v1/accounts/:id/unfollow") { _, context in
            try await follow(context, id: context.parameters.get("id"), follow: false)
        }
        open.get("/api/v1/accounts/:id/followers") { request, context in
            try await followList(request, context, id: context.parameters.get("id"), followers: true)
        }
        open.get("/api/v1/accounts/:id/following") { request, context in
            try await followList(request, context, id: context.parameters.get("id"), followers: false)
        }

        // Statuses
        routes.authenticated(.writeStatuses).post("/api/v1/statuses") { _, context in try await postStatus(context) }
        routes.authenticated(.readStatuses).get("/api/v1/statuses/:id") { _, context in try await getStatus(context, id: context.parameters.get("id")) }
        routes.authenticated(.writeStatuses).delete("/api/v1/statuses/:id") { _, context in try await deleteStatus(context, id: context.parameters.get("id")) }

        // Timelines
        routes.authenticated(.readStatuses).get("/api/v1/timelines/home") { request, context in try await homeTimeline(request, context) }

        registerConversations(on: routes)
        registerPush(on: routes)
        registerLaunch(on: routes)  // the instance, markers, followed tags, nodeinfo, WebFinger (LaunchRoutes.swift)
        registerMedia(on: routes)  // attachments (MediaRoutes.swift)
        registerRelationships(on: routes)  // blocks, mutes, follow requests, follow import/export (RelationshipRoutes.swift)
        registerListsAndBookmarks(on: routes)  // lists, bookmarks, pins, favourites (ListRoutes.swift)
        registerEditsAndPolls(on: routes)  // edits and polls (EditPollRoutes.swift)
        registerConversationsAndFilters(on: routes)  // direct conversations and filters v2 (DirectFilterRoutes.swift)
    }

    // MARK: Apps, OAuth, registration

    func createApp(_ context: StarlingRequestContext) async throws -> Response {
        let input = try context.input(NewApp.self)
        let name = input.clientName
        // An array, or one string with a URI per line (as Mastodon accepts both).
        let redirects = input.redirectURIs.flatMap { $0.split(whereSeparator: \.isNewline).map(String.init) }
        guard let redirect = redirects.first, !redirect.isEmpty else {
            throw MastodonError(.unprocessableContent, "Validation failed: Redirect URI can't be blank")
        }
        guard name.count <= 100, redirects.allSatisfy({ $0.count <= 2000 }) else {
            throw MastodonError(.unprocessableContent, "Validation failed: client_name or redirect_uris is too long")
        }
        guard redirects.allSatisfy(OAuthRules.isValidRedirect) else {
            throw MastodonError(.unprocessableContent, "Validation failed: Redirect URI must be an absolute URI.")
        }
        let scopes = try Self.scopes(input.scopes ?? "read")
        let (app, secret) = try await services.accounts.createApp(
            name: name, website: input.website, redirectURI: redirects.joined(separator: "\n"), scopes: scopes)
        return try JSON.response(AppEntity(
            id: String(app.id), name: app.name, website: Nullable(app.website), redirectUri: redirect,
            clientId: app.clientId, clientSecret: secret, vapidKey: try await services.vapid.publicKey(services), scopes: scopes.split(separator: " ").map(String.init),
            redirectUris: redirects))
    }

    /// Validates a requested scope list (Mastodon's names only). - Throws: 422 naming the bad scope.
    static func scopes(_ text: String) throws -> String {
        do {
            return try OAuthScopes.parse(text).description
        } catch .unknown(let scope) {
            throw MastodonError(.unprocessableContent, "Validation failed: Scopes are invalid (\(scope))")
        }
    }

    func register(_ context: StarlingRequestContext) async throws -> Response {
        let owner = try context.requireToken()
        let input = try context.input(Registration.self)
        let (username, email, password) = (input.username, input.email, input.password)
        guard username.count <= 30, username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw MastodonError(.unprocessableContent, "Validation failed: Username must contain only letters, numbers and underscores (at most 30)")
        }
        let emailParts = email.split(separator: "@")
        guard email.count <= 254, emailParts.count == 2, emailParts[1].contains("."), !email.contains(where: \.isWhitespace) else {
            throw MastodonError(.unprocessableContent, "Validation failed: Email is invalid")
        }
        guard password.count >= 8, password.utf8.count <= 72 else {
            throw MastodonError(.unprocessableContent, "Validation failed: Password must be 8 to 72 bytes long")
        }
        if let agreement = input.agreement, !Params.isTrue(agreement), !agreement.isEmpty {
            throw MastodonError(.unprocessableContent, "Validation failed: Agreement must be accepted")
        }
        let hash = try await services.hashPassword(password)
        let account = try await services.accounts.create(id: services.ids.next(), username: username, email: email, passwordHash: hash)
        let token = try await services.accounts.createToken(appId: owner.appId, accountId: account.id, scopes: "read write follow")
        return try JSON.response(TokenEntity(accessToken: token, scope: "read write follow", createdAt: Int64(Date().timeIntervalSince1970)))
    }

    // MARK: Accounts

    func verifyCredentials(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let row = try await services.accountRows([user.id])[user.id] else { throw MastodonError.unauthorized }
        var entity = services.renderer.credentialAccount(row)
        entity.source.followRequestsCount = try await services.relationStore.pendingRequests(of: user.id)  // RelationshipRoutes.swift
        return try JSON.response(entity)
    }

    /// The account `id` names; 404 if none. From the node's row cache, which every change to an
    /// account row invalidates on every node (`accountsChanged`), as for timelines' authors.
    private func accountRow(_ id: String?) async throws -> AccountRow {
        guard let id = id.flatMap({ Int64($0) }), let row = try await services.accountRows([id])[id] else {
            throw MastodonError.notFound
        }
        return row
    }

    func account(id: String?) async throws -> Response {
        try JSON.response(services.renderer.account(try await accountRow(id)))
    }

    func lookup(_ context: StarlingRequestContext) async throws -> Response {
        var acct = try context.input(AccountLookup.self).acct
        if acct.hasPrefix("@") { acct.removeFirst() }
        let host = URL(string: services.settings.publicURL)?.host
        let parts = acct.split(separator: "@", maxSplits: 1)
        if parts.count == 2, String(parts[1]) != host { throw MastodonError.notFound }
        guard let username = parts.first, let row = try await services.account(username: String(username)) else {
            throw MastodonError.notFound
        }
        return try JSON.response(services.renderer.sharedAccount(row))
    }

    func relationships(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let ids = try context.input(RelationshipQuery.self).id.prefix(100).compactMap { Int64($0) }
        // Blocks, mutes and follow requests included (RelationshipRoutes.swift).
        return try JSON.response(try await relationshipEntities(viewer: user.id, targets: ids))
    }

    /// Blocks refuse a follow and locked accounts turn it into a request: RelationshipRoutes.swift.
    func follow(_ context: StarlingRequestContext, id: String?, follow: Bool) async throws -> Response {
        try await followOrRequest(context, id: id, follow: follow)
    }

    func followList(_ request: Request, _ context: StarlingRequestContext, id: String?, followers: Bool) async throws -> Response {
        let target = try await accountRow(id)
        let page = try context.page()
        let ids = followers
            ? try await services.follows.followers(of: target.id, below: page.maxId, above: page.lowerBound, limit: page.limit)
            : try await services.follows.following(of: target.id, below: page.maxId, above: page.lowerBound, limit: page.limit)
        let entities = try await services.accountEntities(ids)
        return try JSON.response(entities, headers: linkHeaders(request, page: page, ids: ids))
    }

    func accountStatuses(_ request: Request, _ context: StarlingRequestContext, id: String?) async throws -> Response {
        let target = try await accountRow(id)
        if context.params.bool("pinned") { return try await pinnedStatuses(context, account: target.id) }  // ListRoutes.swift
        let page = try context.page()
        let viewer = context.viewer
        let ids = context.params.bool("only_media")
            ? try await mediaStore.statusIdsWithMedia(author: target.id, page: page)  // MediaRoutes.swift
            : try await services.statuses.page(authors: [target.id], page: page)
        let visible = try await reader.visible(try await reader.hydrate(ids, viewer: viewer), to: viewer, home: false)
        let statuses = try await reader.applyFilters(visible, viewer: viewer, context: .account)  // filters v2
        return try JSON.response(statuses, headers: linkHeaders(request, page: page, ids: ids))
    }

    // MARK: Statuses

    func postStatus(_ context: StarlingRequestContext) async throws -> Response {
        let params = context.params
        let user = try context.requireUser()
        let text = params["status"] ?? ""
        let spoiler = params["spoiler_text"] ?? ""
        let mediaIds = try await mediaIdsToAttach(params, account: user.id)  // MediaRoutes.swift
        // With media the text may be blank (as Mastodon); length and NUL rules still apply to the spoiler.
        try services.textRules.validate(text: mediaIds.isEmpty || !text.allSatisfy(\.isWhitespace) ? text : "-", spoilerText: spoiler)
        guard let visibility = Visibility(rawValue: params["visibility"] ?? Visibility.default.rawValue) else {
            throw MastodonError(.unprocessableContent, "Validation failed: Visibility is not included in the list")
        }
        var inReplyTo: Int64?
        if let reply = params["in_reply_to_id"], !reply.isEmpty {
            guard let id = Int64(reply) else { throw MastodonError.notFound }
            inReplyTo = id
        }
        let language = params["language"].flatMap { $0.isEmpty ? nil : String($0.prefix(16)) }
        let poll = try Self.pollSpec(params, limits: services.settings.polls)  // EditPollRoutes.swift
        var new = StatusStore.NewStatus(
            id: services.ids.next(), accountId: user.id, text: text, spoilerText: spoiler, sensitive: params.bool("sensitive"),
            visibility: visibility, language: language, inReplyToId: inReplyTo,
            mentionedUsernames: StatusTextParser.mentions(in: text), tags: StatusTextParser.hashtags(in: text))
        new.mediaIds = mediaIds
        if poll != nil, !mediaIds.isEmpty {
            throw MastodonError(.unprocessableContent, "Validation failed: A status cannot have both media and a poll")
        }
        let created: (StatusRow, AccountRow, PollEntity?)
        if let poll {
            created = try await createWithPoll(new, poll: poll, viewer: user.id)
        } else {
            let (row, author) = try await services.statuses.create(new)
            created = (row, author, nil)
        }
        // Every post (with a poll too: the same function writes it) leaves waking the workers to
        // us (`OutboxWake`), sent with its author's new counters for the other nodes' caches.
        let (row, author, pollEntity) = created
        await services.postCommitted(new.id, author: author)
        if let parent = row.inReplyToId { await services.interactionsChanged(statuses: [parent]) }  // its replies_count
        services.accountRows.set(author.id, author)  // as the post left it
        var entity = services.renderer.status(row, author: author)
        entity.poll = Nullable(pollEntity)
        return try JSON.response(entity)
    }

    func getStatus(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        try JSON.response(try await visibleStatus(id, viewer: context.viewer))
    }

    /// The status if it exists and the requester may see it; 404 otherwise (as Mastodon hides private ones).
    func visibleStatus(_ id: String?, viewer: Int64?) async throws -> StatusEntity {
        guard let id = id.flatMap({ Int64($0) }),
              let status = try await reader.visible(try await reader.hydrate([id], viewer: viewer), to: viewer, home: false).first else {
            throw MastodonError.notFound
        }
        return status
    }

    func deleteStatus(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }) else { throw MastodonError.notFound }
        let row = try await services.statuses.delete(id: id, by: user.id)
        // Hide it from readers now; the worker removes it from every list (and tombstones again).
        try? await services.cache.tombstone(id)
        // A deleted reblog or reply changes its original's or parent's counters (and a reblog the author's flags).
        await services.interactionsChanged(statuses: [row.reblogOfId, row.inReplyToId].compactMap { $0 },
                                           actionsOf: row.reblogOfId == nil ? nil : user.id)
        await services.accountsChanged([user.id])  // its statuses_count
        guard let author = try await services.accounts.account(id: user.id) else { throw MastodonError.unauthorized }
        return try JSON.response(services.renderer.status(row, author: author, includeSource: true))
    }

    // MARK: Timelines

    func homeTimeline(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let page = try context.page()
        let ids = try await reader.home(user: user.id, idleSeconds: user.owner.idleSeconds, page: page)
        let visible = try await reader.visible(try await reader.hydrate(ids, viewer: user.id), to: user.id, home: true)
        let statuses = try await reader.applyFilters(visible, viewer: user.id, context: .home)  // filters v2 (DirectFilterRoutes.swift)
        return try JSON.response(statuses, headers: linkHeaders(request, page: page, ids: ids))
    }

    /// Mastodon's `Link` header: next page below the oldest id, previous page above the newest.
    func linkHeaders(_ request: Request, page: PageRequest, ids: [Int64]) -> HTTPFields {
        var extra: [(String, String)] = []
        if page.limit != PageRequest.defaultLimit { extra.append(("limit", String(page.limit))) }
        guard let link = LinkHeader.make(baseURL: services.settings.publicURL + request.uri.path,
                                         newestId: ids.first, oldestId: ids.last, extraQuery: extra) else { return [:] }
        // "Link" is a valid token, so the name always parses.
        return [HTTPField.Name("Link")!: link]
    }
}
