import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain
import StarlingStore

/// Replies, reblogs, favourites, notifications, tags, search, trends and profile edits.
extension MastodonRoutes {
    func registerConversations<Context: RequestContext>(on router: Router<Context>) {
        router.get("/api/v1/statuses/:id/context") { request, context in try await statusContext(request, id: context.parameters.get("id")) }
        for action in ["reblog", "unreblog", "favourite", "unfavourite"] {
            router.post(RouterPath("/api/v1/statuses/:id/\(action)")) { request, context in
                try await interact(request, id: context.parameters.get("id"), action: action)
            }
        }
        router.get("/api/v1/notifications") { request, _ in try await notifications(request) }
        router.post("/api/v1/notifications/clear") { request, _ in try await clearNotifications(request) }
        router.get("/api/v1/notifications/:id") { request, context in try await notification(request, id: context.parameters.get("id")) }
        router.post("/api/v1/notifications/:id/dismiss") { request, context in
            try await dismissNotification(request, id: context.parameters.get("id"))
        }
        router.get("/api/v1/timelines/tag/:tag") { request, context in try await tagTimeline(request, tag: context.parameters.get("tag")) }
        router.get("/api/v1/timelines/public") { request, _ in try await publicTimeline(request) }
        router.get("/api/v2/search") { request, _ in try await search(request) }
        router.get("/api/v1/trends/tags") { request, _ in try await trends(request) }
        router.get("/api/v1/trends") { request, _ in try await trends(request) }
        router.patch("/api/v1/accounts/update_credentials") { request, _ in try await updateCredentials(request) }
    }

    func statusContext(_ request: Request, id: String?) async throws -> Response {
        let status = try await visibleStatus(request, id: id)
        let params = try await Params.from(request, readBody: false)
        let viewer = try await services.optionalUser(request, params)
        let (ancestors, descendants) = try await services.interactions.context(of: Int64(status.id) ?? 0)
        return try JSON.response(ContextEntity(
            ancestors: try await reader.visible(try await reader.hydrate(ancestors, viewer: viewer), to: viewer, home: false),
            descendants: try await reader.visible(try await reader.hydrate(descendants, viewer: viewer), to: viewer, home: false)))
    }

    func interact(_ request: Request, id: String?, action: String) async throws -> Response {
        let params = try await Params.from(request, readBody: true)
        let user = try await services.requireUser(request, params)
        // Only statuses the user may see can be acted on; others do not exist for them.
        guard let target = Int64(try await visibleStatus(request, id: id).id) else { throw MastodonError.notFound }
        let shown: Int64
        switch action {
        case "reblog":
            shown = try await services.interactions.reblog(statusId: target, by: user.id, newId: services.ids.next()).id
        case "unreblog":
            shown = try await services.interactions.unreblog(statusId: target, by: user.id).id
        default:
            shown = try await services.interactions.favourite(statusId: target, by: user.id, action == "favourite").id
        }
        guard let status = try await reader.hydrate([shown], viewer: user.id).first else { throw MastodonError.notFound }
        return try JSON.response(status)
    }

    // MARK: Notifications

    func notifications(_ request: Request) async throws -> Response {
        let params = try await Params.from(request, readBody: false)
        let user = try await services.requireUser(request, params)
        let page = try params.page()
        var types = NotificationStore.types
        let only = params.list("types")  // unknown names match nothing, as before
        if !only.isEmpty { types.formIntersection(only.compactMap(NotificationKind.init(rawValue:))) }
        types.subtract(params.list("exclude_types").compactMap(NotificationKind.init(rawValue:)))
        let rows = try await services.notifications.page(account: user.id, types: types, page: page)
        let entities = try await NotificationRenderer(services: services).render(rows, viewer: user.id)
        return try JSON.response(entities, headers: linkHeaders(request, page: page, ids: rows.map(\.id)))
    }

    func notification(_ request: Request, id: String?) async throws -> Response {
        let params = try await Params.from(request, readBody: false)
        let user = try await services.requireUser(request, params)
        guard let id = id.flatMap({ Int64($0) }), let row = try await services.notifications.notification(id: id, account: user.id),
              let entity = try await NotificationRenderer(services: services).render([row], viewer: user.id).first else {
            throw MastodonError.notFound
        }
        return try JSON.response(entity)
    }

    func clearNotifications(_ request: Request) async throws -> Response {
        let params = try await Params.from(request, readBody: true)
        let user = try await services.requireUser(request, params)
        try await services.notifications.clear(account: user.id)
        return try JSON.response([String: String]())
    }

    func dismissNotification(_ request: Request, id: String?) async throws -> Response {
        let params = try await Params.from(request, readBody: true)
        let user = try await services.requireUser(request, params)
        guard let id = id.flatMap({ Int64($0) }), try await services.notifications.dismiss(id: id, account: user.id) else {
            throw MastodonError.notFound
        }
        return try JSON.response([String: String]())
    }

    // MARK: Public and tag timelines, search, trends

    func tagTimeline(_ request: Request, tag: String?) async throws -> Response {
        let params = try await Params.from(request, readBody: false)
        let page = try params.page()
        let viewer = try await services.optionalUser(request, params)
        guard let tag = tag.flatMap({ Params.tryDecode($0) }).map(StatusTextParser.normaliseTag), !tag.isEmpty, tag.count <= 100 else {
            throw MastodonError.notFound
        }
        let ids = try await services.interactions.tagTimeline(tag: tag, page: page)
        return try JSON.response(try await reader.hydrate(ids, viewer: viewer), headers: linkHeaders(request, page: page, ids: ids))
    }

    func publicTimeline(_ request: Request) async throws -> Response {
        let params = try await Params.from(request, readBody: false)
        let page = try params.page()
        let viewer = try await services.optionalUser(request, params)
        // Every account is local here, so `local=true` and the federated timeline are the same.
        let ids = try await services.interactions.publicTimeline(page: page)
        return try JSON.response(try await reader.hydrate(ids, viewer: viewer), headers: linkHeaders(request, page: page, ids: ids))
    }

    func search(_ request: Request) async throws -> Response {
        let params = try await Params.from(request, readBody: false)
        let viewer = try await services.optionalUser(request, params)
        let query = (params["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw MastodonError(.badRequest, "Search query is missing") }
        guard query.count <= 200 else { throw MastodonError(.badRequest, "Search query is too long (at most 200 characters)") }
        let limit = try Self.boundedInt(params["limit"], name: "limit", default: 20, range: 1...40)
        let offset = try Self.boundedInt(params["offset"], name: "offset", default: 0, range: 0...10_000)
        let type = params["type"]
        guard type == nil || ["accounts", "hashtags", "statuses"].contains(type!) else {
            throw MastodonError(.badRequest, "type must be accounts, hashtags or statuses")
        }
        var result = SearchEntity(accounts: [], statuses: [], hashtags: [])
        if type == nil || type == "accounts" {
            let name = query.hasPrefix("@") ? String(query.dropFirst()) : query
            let ids = try await services.interactions.searchAccounts(prefix: name, limit: limit, offset: offset)
            let rows = Dictionary(try await services.accounts.accounts(ids: ids).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            result.accounts = ids.compactMap { rows[$0].map(services.renderer.account) }
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
            result.statuses = try await reader.visible(try await reader.hydrate(ids, viewer: viewer), to: viewer, home: false)
        }
        return try JSON.response(result)
    }

    func trends(_ request: Request) async throws -> Response {
        let params = try await Params.from(request, readBody: false)
        let limit = try Self.boundedInt(params["limit"], name: "limit", default: 10, range: 1...20)
        let offset = try Self.boundedInt(params["offset"], name: "offset", default: 0, range: 0...1_000)
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

    func updateCredentials(_ request: Request) async throws -> Response {
        let params = try await Params.from(request, readBody: true)
        let user = try await services.requireUser(request, params)
        let displayName = params["display_name"], note = params["note"]
        if let displayName, displayName.count > 30 {
            throw MastodonError(.unprocessableContent, "Validation failed: Display name is too long (maximum is 30 characters)")
        }
        if let note, note.count > 500 {
            throw MastodonError(.unprocessableContent, "Validation failed: Note is too long (maximum is 500 characters)")
        }
        if (displayName ?? "").utf8.contains(0) || (note ?? "").utf8.contains(0) {
            throw MastodonError(.unprocessableContent, "Validation failed: profile fields must not contain NUL characters")
        }
        guard let row = try await services.accounts.updateProfile(id: user.id, displayName: displayName, note: note) else {
            throw MastodonError.unauthorized
        }
        services.accountRows.remove(user.id)
        return try JSON.response(services.renderer.credentialAccount(row))
    }
}
