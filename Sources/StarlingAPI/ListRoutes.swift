import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain
import StarlingRedis
import StarlingStore
import StarlingTimelines

extension OAuthScope {
    static let readLists = granular(.read, "lists")
    static let writeLists = granular(.write, "lists")
    static let readBookmarks = granular(.read, "bookmarks")
    static let writeBookmarks = granular(.write, "bookmarks")
    static let readFavourites = granular(.read, "favourites")
}

/// `GET/POST/PUT /api/v1/lists…`: the list entity.
struct ListEntity: Encodable, Sendable {
    var id: String
    var title: String
    var repliesPolicy: String
    var exclusive: Bool

    init(_ row: ListRow) {
        id = String(row.id)
        title = row.title
        repliesPolicy = row.repliesPolicy.rawValue
        exclusive = row.exclusive
    }
}

/// What a node keeps of one owner's lists, so a list timeline read makes no PostgreSQL round trip:
/// dropped on every node when the owner's lists, members or follows change (`CacheInvalidation.pulledOf`).
struct OwnerLists: Sendable {
    struct Entry: Sendable {
        var row: ListRow
        var members: Set<Int64>
        /// Members at or above the celebrity threshold: their own lists are merged at read time.
        var pulled: [Int64]
    }
    var lists: [Int64: Entry]
}

/// Lists, bookmarks, pins and favourites.
extension MastodonRoutes {
    func registerListsAndBookmarks(on routes: APIRoutes) {
        // Bookmarks and favourites
        for action in ["bookmark", "unbookmark"] {
            routes.authenticated(.writeBookmarks).post(RouterPath("/api/v1/statuses/:id/\(action)")) { _, context in
                try await bookmark(context, id: context.parameters.get("id"), add: action == "bookmark")
            }
        }
        routes.authenticated(.readBookmarks).get("/api/v1/bookmarks") { request, context in
            try await markedStatuses(request, context, kind: .bookmarks)
        }
        routes.authenticated(.readFavourites).get("/api/v1/favourites") { request, context in
            try await markedStatuses(request, context, kind: .favourites)
        }

        // Pins
        for action in ["pin", "unpin"] {
            routes.authenticated(.writeAccounts).post(RouterPath("/api/v1/statuses/:id/\(action)")) { _, context in
                try await pin(context, id: context.parameters.get("id"), add: action == "pin")
            }
        }

        // Lists
        routes.authenticated(.readLists).get("/api/v1/lists") { _, context in try await lists(context) }
        routes.authenticated(.writeLists).post("/api/v1/lists") { _, context in try await createList(context) }
        routes.authenticated(.readLists).get("/api/v1/lists/:id") { _, context in
            try JSON.response(ListEntity(try await ownList(context, id: context.parameters.get("id"))))
        }
        routes.authenticated(.writeLists).put("/api/v1/lists/:id") { _, context in try await updateList(context, id: context.parameters.get("id")) }
        routes.authenticated(.writeLists).delete("/api/v1/lists/:id") { _, context in try await deleteList(context, id: context.parameters.get("id")) }
        routes.authenticated(.readLists).get("/api/v1/lists/:id/accounts") { request, context in
            try await listMembers(request, context, id: context.parameters.get("id"))
        }
        routes.authenticated(.writeLists).post("/api/v1/lists/:id/accounts") { _, context in
            try await changeMembers(context, id: context.parameters.get("id"), add: true)
        }
        routes.authenticated(.writeLists).delete("/api/v1/lists/:id/accounts") { _, context in
            try await changeMembers(context, id: context.parameters.get("id"), add: false)
        }
        routes.authenticated(.readLists).get("/api/v1/accounts/:id/lists") { _, context in
            try await listsContaining(context, id: context.parameters.get("id"))
        }
        routes.authenticated(.readLists).get("/api/v1/timelines/list/:list_id") { request, context in
            try await listTimeline(request, context, id: context.parameters.get("list_id"))
        }
    }

    var listStore: ListStore { ListStore(database: services.database) }

    // MARK: Bookmarks and favourites

    func bookmark(_ context: StarlingRequestContext, id: String?, add: Bool) async throws -> Response {
        let user = try context.requireUser()
        // Only statuses the user may see can be bookmarked (a reblog's original is what is kept, as Mastodon).
        let seen = try await visibleStatus(id, viewer: user.id)
        guard let target = Int64(seen.reblog.value?.status.id ?? seen.id) else { throw MastodonError.notFound }
        try await listStore.bookmark(account: user.id, status: target, add)
        await services.interactionsChanged(statuses: [], actionsOf: user.id)
        guard let status = try await reader.hydrate([target], viewer: user.id).first else { throw MastodonError.notFound }
        return try JSON.response(status)
    }

    /// `GET /api/v1/bookmarks` and `/api/v1/favourites`: the caller's own, newest first, paged by
    /// the bookmark's (favourite's) id in the `Link` header, as Mastodon does.
    func markedStatuses(_ request: Request, _ context: StarlingRequestContext, kind: ListStore.MarkKind) async throws -> Response {
        let user = try context.requireUser()
        let page = try context.page()
        let marks = try await listStore.marked(kind, account: user.id, page: page)
        let statuses = try await reader.visible(try await reader.hydrate(marks.map(\.status), viewer: user.id), to: user.id, home: false)
        return try JSON.response(statuses, headers: linkHeaders(request, page: page, ids: marks.map(\.id)))
    }

    // MARK: Pins

    func pin(_ context: StarlingRequestContext, id: String?, add: Bool) async throws -> Response {
        let user = try context.requireUser()
        let seen = try await visibleStatus(id, viewer: user.id)
        guard let statusId = Int64(seen.id) else { throw MastodonError.notFound }
        if add {
            guard let row = try await services.statuses.statuses(ids: [statusId]).first else { throw MastodonError.notFound }
            do {
                try await listStore.pin(row, by: user.id)
            } catch let refusal as PinRules.Refusal {
                throw MastodonError(.unprocessableContent, refusal.message)
            }
        } else {
            try await listStore.unpin(status: statusId, by: user.id)
        }
        await services.interactionsChanged(statuses: [], actionsOf: user.id)
        guard let status = try await reader.hydrate([statusId], viewer: user.id).first else { throw MastodonError.notFound }
        return try JSON.response(status)
    }

    /// `GET /api/v1/accounts/:id/statuses?pinned=true`: the account's pinned statuses the caller may
    /// see, most recently pinned first (at most five: one page, no `Link`).
    func pinnedStatuses(_ context: StarlingRequestContext, account: Int64) async throws -> Response {
        let page = try context.page()
        // Paging past the pins (a client following `max_id`) finds nothing more, as in Mastodon.
        if page.maxId != nil || page.lowerBound != nil { return try JSON.response([StatusEntity]()) }
        let ids = Array(try await listStore.pinned(account: account).prefix(page.limit))
        let viewer = context.viewer
        return try JSON.response(try await reader.visible(try await reader.hydrate(ids, viewer: viewer), to: viewer, home: false))
    }

    // MARK: Lists

    /// The caller's list `id`; 404 for anyone else's (as Mastodon, which scopes lists to their owner).
    func ownList(_ context: StarlingRequestContext, id: String?) async throws -> ListRow {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), let row = try await listStore.list(id: id), row.owner == user.id else {
            throw MastodonError.notFound
        }
        return row
    }

    func lists(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        return try JSON.response(try await listStore.lists(owner: user.id).map(ListEntity.init))
    }

    /// Title, `replies_policy` and `exclusive` from the parameters, over `base`'s values.
    private func listFields(_ params: Params, over base: ListRow, titleRequired: Bool) throws -> ListRow {
        var row = base
        if titleRequired || params["title"] != nil {
            guard let title = ListRules.validTitle(params["title"] ?? "") else {
                throw MastodonError(.unprocessableContent, params["title"].map({ $0.count > ListRules.maximumTitleLength }) == true
                                    ? "Validation failed: Title is too long (maximum is \(ListRules.maximumTitleLength) characters)"
                                    : "Validation failed: Title can't be blank")
            }
            row.title = title
        }
        if let policy = params["replies_policy"] {
            guard let value = ListRules.RepliesPolicy(rawValue: policy) else {
                throw MastodonError(.unprocessableContent, "Validation failed: Replies policy is not included in the list")
            }
            row.repliesPolicy = value
        }
        if let exclusive = params["exclusive"] { row.exclusive = Params.isTrue(exclusive) }
        return row
    }

    func createList(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let row = try listFields(context.params, over: ListRow(id: services.ids.next(), owner: user.id, title: "",
                                                               repliesPolicy: .default, exclusive: false), titleRequired: true)
        try await listStore.create(row)
        await services.accountsChanged([], pulledOf: [user.id])
        return try JSON.response(ListEntity(row))
    }

    func updateList(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let current = try await ownList(context, id: id)
        let wanted = try listFields(context.params, over: current, titleRequired: false)
        guard let row = try await listStore.update(wanted) else { throw MastodonError.notFound }
        if row.exclusive != current.exclusive { await exclusivityChanged(owner: row.owner) }
        // Exclusivity changes what the owner's home pulls (`FollowStore.pulledAuthors`) and every node's list cache.
        await services.accountsChanged([], pulledOf: [row.owner])
        return try JSON.response(ListEntity(row))
    }

    func deleteList(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let list = try await ownList(context, id: id)
        guard try await listStore.delete(list: list.id, owner: list.owner) else { throw MastodonError.notFound }
        if list.exclusive { await exclusivityChanged(owner: list.owner) }
        await services.accountsChanged([], pulledOf: [list.owner])
        try? await services.cache.invalidate(.list(owner: list.owner, id: list.id))
        return try JSON.response([String: String]())
    }

    /// Members, paged by account id; `limit=0` lists them all (as Mastodon).
    func listMembers(_ request: Request, _ context: StarlingRequestContext, id: String?) async throws -> Response {
        let list = try await ownList(context, id: id)
        let all = context.params["limit"] == "0"
        let params = context.params
        let page = try PageRequest.parse(maxId: params["max_id"], sinceId: params["since_id"], minId: params["min_id"],
                                         limit: all ? nil : params["limit"])
        let ids = try await listStore.members(list: list.id, page: page, all: all)
        let entities = try await services.accountEntities(ids)
        return try JSON.response(entities, headers: all ? [:] : linkHeaders(request, page: page, ids: ids))
    }

    func changeMembers(_ context: StarlingRequestContext, id: String?, add: Bool) async throws -> Response {
        let list = try await ownList(context, id: id)
        let raw = context.params.list("account_ids")
        guard !raw.isEmpty else { throw MastodonError(.unprocessableContent, "Validation failed: account_ids can't be blank") }
        guard raw.count <= ListRules.maximumMembers else {
            throw MastodonError(.unprocessableContent, "Validation failed: A list holds at most \(ListRules.maximumMembers) accounts")
        }
        let ids = raw.compactMap { Int64($0) }
        if add {
            // An id that is not a number (or not an account) is not followed either.
            guard ids.count == raw.count else { throw MastodonError(.unprocessableContent, "Validation failed: Account has not been followed") }
            try await listStore.addMembers(list: list.id, owner: list.owner, accounts: ids)
            // Their recent statuses enter the list at its next rebuild.
            try? await services.cache.invalidate(.list(owner: list.owner, id: list.id))
        } else {
            try await listStore.removeMembers(list: list.id, accounts: ids)
            try? await services.cache.invalidate(.list(owner: list.owner, id: list.id))
        }
        if list.exclusive { await exclusivityChanged(owner: list.owner) }
        await services.accountsChanged([], pulledOf: [list.owner])
        return try JSON.response([String: String]())
    }

    /// Who an exclusive list holds decides what the owner's home shows: its next read rebuilds it
    /// (served from PostgreSQL meanwhile), so members' statuses leave it, or come back.
    private func exclusivityChanged(owner: Int64) async {
        try? await services.cache.invalidate(.home(owner))
    }

    func listsContaining(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), try await services.accounts.account(id: id) != nil else { throw MastodonError.notFound }
        return try JSON.response(try await listStore.lists(owner: user.id, containing: id).map(ListEntity.init))
    }

    // MARK: List timelines

    /// Whether `user` owns `list` (for the `list` stream), from the node's list cache.
    static func ownsList(_ services: APIServices, user: Int64?, list: Int64) async -> Bool {
        guard let user else { return false }
        return (try? await MastodonRoutes(services: services).ownerLists(user).lists[list]) != nil
    }

    /// The owner's lists with members, from this node's cache (PostgreSQL only when it was dropped).
    func ownerLists(_ owner: Int64) async throws -> OwnerLists {
        if let cached = services.ownerLists.get(owner) { return cached }
        let ticket = services.ownerLists.fillTicket()
        var entries: [Int64: OwnerLists.Entry] = [:]
        async let members = listStore.membersOfLists(owner: owner, pulledFrom: services.settings.policy.pulledFrom)
        let rows = try await listStore.lists(owner: owner)
        let byList = try await members
        for row in rows {
            let info = byList[row.id] ?? ([], [])
            entries[row.id] = .init(row: row, members: Set(info.members), pulled: info.pulled)
        }
        let value = OwnerLists(lists: entries)
        services.ownerLists.set(owner, value, readSince: ticket)
        return value
    }

    /// `GET /api/v1/timelines/list/:list_id`: read like a home. The list's Redis list (pushed by the
    /// fan-out) and the own lists of its pulled members are read in one wave and merged; a list not
    /// built yet is served from PostgreSQL and rebuilt in the background.
    func listTimeline(_ request: Request, _ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), let entry = try await ownerLists(user.id).lists[id] else { throw MastodonError.notFound }
        let page = try context.page()
        let ids: [Int64]
        do {
            ids = try await listIds(entry, page: page)
        } catch let error as RedisError {
            services.database.logger.warning("list read falls back to PostgreSQL", metadata: ["error": "\(error)"])
            ids = try await listStore.timeline(list: entry.row, pushedBelow: nil, page: page)
        }
        let shown = try await reader.visible(try await reader.hydrate(ids, viewer: user.id), to: user.id, home: true).filter { status in
            // Pushed statuses passed the replies policy in the fan-out; pulled ones are judged here.
            guard let audience = TimelineReader.audience(of: status) else { return false }
            let member = audience.inReplyToAccount.map(entry.members.contains) ?? false
            return ListRules.admits(audience, to: .init(owner: user.id, policy: entry.row.repliesPolicy,
                                                        replyTargetIsMember: member, ownerFollowsReplyTarget: true))
        }
        // Filters v2 (DirectFilterRoutes.swift): the `home` context covers lists, as in Mastodon.
        let filtered = try await reader.applyFilters(shown, viewer: user.id, context: .home)
        return try JSON.response(filtered, headers: linkHeaders(request, page: page, ids: ids))
    }

    private func listIds(_ entry: OwnerLists.Entry, page: PageRequest) async throws -> [Int64] {
        let own = TimelineCache.List.list(owner: entry.row.owner, id: entry.row.id)
        let lists = [own] + entry.pulled.map { TimelineCache.List.authored($0) }
        let depth: Int? = page.isTopOfTimeline ? page.limit * 2 + TimelineReader.firstPageSlack : nil
        let cached = try await services.cache.read(lists, depth: depth)
        var sources: [[Int64]] = []
        var missingAuthors: [Int64] = []
        for list in lists {
            if let ids = cached[list] ?? nil {
                sources.append(ids)
                continue
            }
            services.rebuilds.enqueue(list)
            if case .authored(let author) = list {
                missingAuthors.append(author)
            } else {
                // The whole list by pull, pulled members included.
                return try await listStore.timeline(list: entry.row, pushedBelow: nil, page: page)
            }
        }
        if !missingAuthors.isEmpty {
            sources.append(try await services.statuses.page(authors: missingAuthors, page: page))
        }
        return page.select(fromDescending: TimelineMerge.merge(sources))
    }
}
