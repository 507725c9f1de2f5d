import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain
import StarlingStore

/// Replies, reblogs, favourites, notifications, tags, search, trends and profile edits.
extension MastodonRoutes {
    func registerConversations(on routes: APIRoutes) {
        let open = routes.anonymous
        routes.authenticated(.readStatuses).get("/api/v1/statuses/:id/context") { _, context in try await statusContext(context, id: context.parameters.get("id")) }
        for action in ["reblog", "unreblog", "favourite", "unfavourite"] {
            // Reblogs are statuses; favourites have their own scope (as in Mastodon).
            let scope: OAuthScope = action.hasSuffix("favourite") ? .writeFavourites : .writeStatuses
            routes.authenticated(scope).post(RouterPath("/api/v1/statuses/:id/\(action)")) { _, context in
                try await interact(context, id: context.parameters.get("id"), action: action)
            }
        }
        routes.authenticated(.readNotifications).get("/api/v1/notifications") { request, context in try await notifications(request, context) }
        routes.authenticated(.writeNotifications).post("/api/v1/notifications/clear") { _, context in try await clearNotifications(context) }
        routes.authenticated(.readNotifications).get("/api/v1/notifications/:id") { _, context in try await notification(context, id: context.parameters.get("id")) }
        routes.authenticated(.writeNotifications).post("/api/v1/notifications/:id/dismiss") { _, context in
            try await dismissNotification(context, id: context.parameters.get("id"))
        }
        routes.authenticated(.readStatuses).get("/api/v1/timelines/tag/:tag") { request, context in try await tagTimeline(request, context, tag: context.parameters.get("tag")) }
        routes.authenticated(.readStatuses).get("/api/v1/timelines/public") { request, context in try await publicTimeline(request, context) }
        routes.authenticated(.readSearch).get("/api/v2/search") { _, context in try await search(context) }
        open.get("/api/v1/trends/tags") { _, context in try await trends(context) }
        open.get("/api/v1/trends") { _, context in try await trends(context) }
        routes.authenticated(.writeAccounts).patch("/api/v1/accounts/update_credentials") { _, context in try await updateCredentials(context) }
    }

    func statusContext(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let viewer = context.viewer
        let status = try await visibleStatus(id, viewer: viewer)
        let (ancestors, descendants) = try await services.interactions.context(of: Int64(status.id) ?? 0)
        return try JSON.response(ContextEntity(
            ancestors: try await reader.applyFilters(  // filters v2 (DirectFilterRoutes.swift)
                try await reader.visible(try await reader.hydrate(ancestors, viewer: viewer), to: viewer, home: false, applyMutes: true),
                viewer: viewer, context: .thread),
            descendants: try await reader.applyFilters(
                try await reader.visible(try await reader.hydrate(descendants, viewer: viewer), to: viewer, home: false, applyMutes: true),
                viewer: viewer, context: .thread)))
    }

    func interact(_ context: StarlingRequestContext, id: String?, action: String) async throws -> Response {
        let user = try context.requireUser()
        // Only statuses the user may see can be acted on; others do not exist for them.
        let visible = try await visibleStatus(id, viewer: user.id)
        guard let target = Int64(visible.id) else { throw MastodonError.notFound }
        let acted: (id: Int64, reblogOf: Int64?)
        switch action {
        case "reblog":
            let reblog = try await services.interactions.reblog(statusId: target, by: user.id, newId: services.ids.next())
            acted = (reblog.id, reblog.reblogOfId)
        case "unreblog":
            let original = try await services.interactions.unreblog(statusId: target, by: user.id)
            acted = (original.id, original.reblogOfId)
        default:
            // A reblog's favourite goes to its original: both, and its author, come with the status just read.
            let original = visible.reblog.value?.status ?? visible
            guard let originalId = Int64(original.id), let author = Int64(original.account.id) else { throw MastodonError.notFound }
            _ = try await services.interactions.setFavourite(action == "favourite", status: originalId, author: author, by: user.id)
            acted = (originalId, nil)
        }
        await services.interactionsChanged(statuses: [target, acted.id] + (acted.reblogOf.map { [$0] } ?? []), actionsOf: user.id)
        if action != "favourite" && action != "unfavourite" { await services.accountsChanged([user.id]) }  // statuses_count
        guard let status = try await reader.hydrate([acted.id], viewer: user.id).first else { throw MastodonError.notFound }
        return try JSON.response(status)
    }

    // MARK: Notifications

    func notifications(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let page = try context.page()
        let filter = try context.input(NotificationFilter.self)
        var types = NotificationStore.types
        if !filter.types.isEmpty { types.formIntersection(filter.types.compactMap(NotificationKind.init(rawValue:))) }
        types.subtract(filter.excludeTypes.compactMap(NotificationKind.init(rawValue:)))
        let rows = try await services.notifications.page(account: user.id, types: types, page: page)
        let entities = try await NotificationRenderer(services: services).render(rows, viewer: user.id)
        return try JSON.response(entities, headers: linkHeaders(request, page: page, ids: rows.map(\.id)))
    }

    func notification(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), let row = try await services.notifications.notification(id: id, account: user.id),
              let entity = try await NotificationRenderer(services: services).render([row], viewer: user.id).first else {
            throw MastodonError.notFound
        }
        return try JSON.response(entity)
    }

    func clearNotifications(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        try await services.notifications.clear(account: user.id)
        return try JSON.response([String: String]())
    }

    func dismissNotification(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), try await services.notifications.dismiss(id: id, account: user.id) else {
            throw MastodonError.notFound
        }
        return try JSON.response([String: String]())
    }

    // MARK: Public and tag timelines, search, trends

    func tagTimeline(_ request: Request, _ context: StarlingRequestContext, tag: String?) async throws -> Response {
        let page = try context.page()
        let viewer = context.viewer
        guard let tag = tag.flatMap({ Params.tryDecode($0) }).map(StatusTextParser.normaliseTag), !tag.isEmpty, tag.count <= 100 else {
            throw MastodonError.notFound
        }
        let ids = try await services.interactions.tagTimeline(tag: tag, page: page)
        let statuses = try await reader.applyFilters(  // filters v2 (DirectFilterRoutes.swift)
            try await reader.withoutBlockedAndMuted(try await reader.hydrate(ids, viewer: viewer), viewer: viewer), viewer: viewer, context: .public)
        return try JSON.response(statuses, headers: linkHeaders(request, page: page, ids: ids))
    }

    func publicTimeline(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let page = try context.page()
        let viewer = context.viewer
        // Every account is local here, so `local=true` and the federated timeline are the same.
        let ids = try await services.interactions.publicTimeline(page: page)
        let statuses = try await reader.applyFilters(  // filters v2 (DirectFilterRoutes.swift)
            try await reader.withoutBlockedAndMuted(try await reader.hydrate(ids, viewer: viewer), viewer: viewer), viewer: viewer, context: .public)
        return try JSON.response(statuses, headers: linkHeaders(request, page: page, ids: ids))
    }

    func search(_ context: StarlingRequestContext) async throws -> Response {
        let input = try context.input(SearchQuery.self)
        let viewer = context.viewer
        let query = (input.q ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw MastodonError(.badRequest, "Search query is missing") }
        guard query.count <= 200 else { throw MastodonError(.badRequest, "Search query is too long (at most 200 characters)") }
        let limit = try Self.boundedInt(input.limit, name: "limit", default: 20, range: 1...40)
        // As Mastodon: only a signed-in user pages through results (each page reads deeper).
        if viewer == nil, !(input.offset ?? "").isEmpty {
            throw MastodonError(.unauthorized, "Search queries pagination is not supported without authentication")
        }
        let offset = try Self.boundedInt(input.offset, name: "offset", default: 0, range: 0...10_000)
        let type = input.type
        guard type == nil || ["accounts", "hashtags", "statuses"].contains(type!) else {
            throw MastodonError(.badRequest, "type must be accounts, hashtags or statuses")
        }
        var result = SearchEntity(accounts: [], statuses: [], hashtags: [])
        if type == nil || type == "accounts" {
            let name = query.hasPrefix("@") ? String(query.dropFirst()) : query
            var ids = try await services.interactions.searchAccounts(prefix: name, limit: limit, offset: offset)
            if EmailQuery.looksLikeEmail(query), offset == 0,  // an exact e-mail finds a discoverable account (DirectFilterRoutes.swift)
               let found = try await FollowImportStore(database: services.database).discoverable(email: query) {
                ids = [found.id]
            }
            if let viewer {  // accounts across a block are not found (RelationshipRoutes.swift)
                let relations = try await services.viewerBlocksAndMutes(viewer).relations(at: Date())
                ids.removeAll(where: relations.isBlocked)
            }
            result.accounts = try await services.accountEntities(ids)
        }
        if type == nil || type == "hashtags" {
            let prefix = query.hasPrefix("#") ? String(query.dropFirst()) : query
            if prefix.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                result.hashtags = try await services.interactions.searchTags(prefix: prefix, limit: limit, offset: offset).map {
                    TagEntityWithHistory(name: $0, url: "\(services.settings.publicURL)/tags/\($0)", history: [])
                }
            }
        }
        if type == nil || type == "statuses" {
            let ids = try await services.interactions.searchStatuses(query: query, limit: limit, offset: offset)
            result.statuses = try await reader.visible(try await reader.hydrate(ids, viewer: viewer), to: viewer, home: false, applyMutes: true)
        }
        return try JSON.response(result)
    }

    func trends(_ context: StarlingRequestContext) async throws -> Response {
        let input = try context.input(TrendsQuery.self)
        let limit = try Self.boundedInt(input.limit, name: "limit", default: 10, range: 1...20)
        let offset = try Self.boundedInt(input.offset, name: "offset", default: 0, range: 0...1_000)
        let trends = try await services.trends.top(limit: limit, offset: offset)
        return try JSON.response(trends.map { trend in
            TagEntityWithHistory(name: trend.name, url: "\(services.settings.publicURL)/tags/\(trend.name)", history: trend.history.map {
                TagHistoryEntity(day: String(Int64($0.day.timeIntervalSince1970)), uses: String($0.uses), accounts: String($0.accounts))
            })
        })
    }

    static func boundedInt(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text, !text.isEmpty else { return value }
        guard let number = Int(text), number >= range.lowerBound else {
            throw MastodonError(.badRequest, "\(name) must be a whole number from \(range.lowerBound)")
        }
        return min(number, range.upperBound)
    }

    // MARK: Profile

    func updateCredentials(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let input = try context.input(ProfileUpdate.self)
        let displayName = input.displayName, note = input.note
        if let displayName, displayName.count > 30 {
            throw MastodonError(.unprocessableContent, "Validation failed: Display name is too long (maximum is 30 characters)")
        }
        if let note, note.count > 500 {
            throw MastodonError(.unprocessableContent, "Validation failed: Note is too long (maximum is 500 characters)")
        }
        if (displayName ?? "").utf8.contains(0) || (note ?? "").utf8.contains(0) {
            throw MastodonError(.unprocessableContent, "Validation failed: profile fields must not contain NUL characters")
        }
        let locked = try input.locked.map(Self.booleanParameter)
        let discoverable = try input.discoverable.map(Self.booleanParameter)  // e-mail search (DirectFilterRoutes.swift)
        guard var row = try await services.accounts.updateProfile(id: user.id, displayName: displayName, note: note, locked: locked,
                                                                  discoverable: discoverable) else {
            throw MastodonError.unauthorized
        }
        if locked == false { row = try await approvePendingFollowers(of: row) }  // RelationshipRoutes.swift
        await services.accountsChanged([user.id])
        return try JSON.response(services.renderer.credentialAccount(row))
    }
}
