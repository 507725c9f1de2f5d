import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StarlingDomain
import StarlingStore

/// Direct conversations, filters v2, follow import/export and account search by e-mail.
extension MastodonRoutes {
    func registerConversationsAndFilters(on routes: APIRoutes) {
        let readFilters = OAuthScope.granular(.read, "filters"), writeFilters = OAuthScope.granular(.write, "filters")
        let writeConversations = OAuthScope.granular(.write, "conversations")

        // Conversations
        routes.authenticated(.readStatuses).get("/api/v1/conversations") { request, context in try await conversations(request, context) }
        routes.authenticated(writeConversations).post("/api/v1/conversations/:id/read") { _, context in
            try await readConversation(context, id: context.parameters.get("id"))
        }
        routes.authenticated(writeConversations).delete("/api/v1/conversations/:id") { _, context in
            try await deleteConversation(context, id: context.parameters.get("id"))
        }

        // Filters v2
        routes.authenticated(readFilters).get("/api/v2/filters") { _, context in try await listFilters(context) }
        routes.authenticated(writeFilters).post("/api/v2/filters") { _, context in try await createFilter(context) }
        routes.authenticated(readFilters).get("/api/v2/filters/:id") { _, context in try await showFilter(context, id: context.parameters.get("id")) }
        routes.authenticated(writeFilters).put("/api/v2/filters/:id") { _, context in try await updateFilter(context, id: context.parameters.get("id")) }
        routes.authenticated(writeFilters).delete("/api/v2/filters/:id") { _, context in try await deleteFilter(context, id: context.parameters.get("id")) }
        routes.authenticated(readFilters).get("/api/v2/filters/:id/keywords") { _, context in
            try await filterKeywords(context, id: context.parameters.get("id"))
        }
        routes.authenticated(writeFilters).post("/api/v2/filters/:id/keywords") { _, context in
            try await addFilterKeyword(context, id: context.parameters.get("id"))
        }
        routes.authenticated(readFilters).get("/api/v2/filters/keywords/:id") { _, context in
            try await filterKeyword(context, id: context.parameters.get("id"), change: nil)
        }
        routes.authenticated(writeFilters).put("/api/v2/filters/keywords/:id") { _, context in
            try await filterKeyword(context, id: context.parameters.get("id"), change: .update)
        }
        routes.authenticated(writeFilters).delete("/api/v2/filters/keywords/:id") { _, context in
            try await filterKeyword(context, id: context.parameters.get("id"), change: .delete)
        }
        routes.authenticated(readFilters).get("/api/v2/filters/:id/statuses") { _, context in
            try await filterStatuses(context, id: context.parameters.get("id"))
        }
        routes.authenticated(writeFilters).post("/api/v2/filters/:id/statuses") { _, context in
            try await addFilterStatus(context, id: context.parameters.get("id"))
        }
        routes.authenticated(readFilters).get("/api/v2/filters/statuses/:id") { _, context in
            try await filterStatus(context, id: context.parameters.get("id"), delete: false)
        }
        routes.authenticated(writeFilters).delete("/api/v2/filters/statuses/:id") { _, context in
            try await filterStatus(context, id: context.parameters.get("id"), delete: true)
        }

        // Follow import and export
        routes.authenticated(.readFollows).get("/api/v1/exports/following.csv") { _, context in try await exportFollowing(context) }
        // The import takes a multipart file: its own parameter parsing (the shared one refuses multipart).
        routes.plain.group().add(middleware: UploadParametersMiddleware())
            .add(middleware: TokenAuthenticator(services: services, scopes: [.writeFollows]))
            .post("/api/v1/import") { _, context in try await createImport(context) }
        routes.authenticated(.readFollows).get("/api/v1/imports/:id") { _, context in try await showImport(context, id: context.parameters.get("id")) }

        // Account search (an exact e-mail finds a discoverable account)
        routes.authenticated(.readAccounts).get("/api/v1/accounts/search") { _, context in try await searchAccounts(context) }
    }

    // MARK: Conversations

    func conversations(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let page = try context.page()
        let rows = try await ConversationStore(database: services.database).page(account: user.id, page: page)
        let entities = try await renderConversations(rows, viewer: user.id)
        return try JSON.response(entities, headers: linkHeaders(request, page: page, ids: rows.map(\.lastStatusId)))
    }

    func renderConversations(_ rows: [ConversationStore.Row], viewer: Int64) async throws -> [ConversationEntity] {
        let accounts = try await services.accountRows(Set(rows.flatMap { $0.participants.isEmpty ? [viewer] : $0.participants }))
        let statuses = try await reader.visible(try await reader.hydrate(Array(Set(rows.map(\.lastStatusId))), viewer: viewer),
                                                to: viewer, home: false)
        let byId = Dictionary(statuses.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return rows.map { row in
            ConversationEntity(id: String(row.id), unread: row.unread,
                               accounts: (row.participants.isEmpty ? [viewer] : row.participants).compactMap { accounts[$0].map(services.renderer.account) },
                               lastStatus: Nullable(byId[String(row.lastStatusId)]))
        }
    }

    func readConversation(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }),
              let row = try await ConversationStore(database: services.database).markRead(id: id, account: user.id),
              let entity = try await renderConversations([row], viewer: user.id).first else { throw MastodonError.notFound }
        return try JSON.response(entity)
    }

    func deleteConversation(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), try await ConversationStore(database: services.database).remove(id: id, account: user.id) else {
            throw MastodonError.notFound
        }
        return try JSON.response(EmptyObject())
    }

    // MARK: Filters

    var filterStore: FilterStore { FilterStore(database: services.database) }

    func ownFilter(_ id: String?, account: Int64) async throws -> ContentFilter {
        guard let id = id.flatMap({ Int64($0) }), let filter = try await filterStore.filters(account: account).first(where: { $0.id == id }) else {
            throw MastodonError.notFound
        }
        return filter
    }

    func listFilters(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        return try JSON.response(try await filterStore.filters(account: user.id).map(FilterEntity.init))
    }

    func showFilter(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        return try JSON.response(FilterEntity(try await ownFilter(id, account: user.id)))
    }

    func createFilter(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let params = context.params
        let input = try FilterInput.parse(params, creating: true)
        let keywords = input.keywords.compactMap { change -> (String, Bool)? in
            guard !change.destroy, let keyword = change.keyword else { return nil }
            return (keyword, change.wholeWord ?? true)
        }
        let id = try await filterStore.create(account: user.id, title: input.title ?? "", contexts: input.contexts ?? [],
                                              action: input.action ?? .warn, expiresAt: input.expiresAt ?? nil, keywords: keywords)
        await services.filtersChanged(user.id)
        return try JSON.response(FilterEntity(try await ownFilter(String(id), account: user.id)))
    }

    func updateFilter(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        let input = try FilterInput.parse(context.params, creating: false)
        guard let id = id.flatMap({ Int64($0) }) else { throw MastodonError.notFound }
        let change = FilterStore.FilterChange(title: input.title, contexts: input.contexts, action: input.action, expiresAt: input.expiresAt,
                                              keywords: input.keywords)
        guard try await filterStore.update(id: id, account: user.id, change) else { throw MastodonError.notFound }
        await services.filtersChanged(user.id)
        return try JSON.response(FilterEntity(try await ownFilter(String(id), account: user.id)))
    }

    func deleteFilter(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), try await filterStore.delete(id: id, account: user.id) else { throw MastodonError.notFound }
        await services.filtersChanged(user.id)
        return try JSON.response(EmptyObject())
    }

    func filterKeywords(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        return try JSON.response(try await ownFilter(id, account: user.id).keywords.map(FilterKeywordEntity.init))
    }

    func addFilterKeyword(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        let filter = try await ownFilter(id, account: user.id)
        let keyword = try FilterInput.keyword(context.params["keyword"], required: true) ?? ""
        let wholeWord = try FilterInput.flag(context.params["whole_word"], name: "whole_word") ?? true
        guard let keywordId = try await filterStore.addKeyword(filter: filter.id, account: user.id, keyword: keyword, wholeWord: wholeWord) else {
            throw MastodonError.notFound
        }
        await services.filtersChanged(user.id)
        return try JSON.response(FilterKeywordEntity(.init(id: keywordId, keyword: keyword, wholeWord: wholeWord)))
    }

    enum KeywordChange { case update, delete }

    func filterKeyword(_ context: StarlingRequestContext, id: String?, change: KeywordChange?) async throws -> Response {
        let user = try context.requireUser()
        guard let keywordId = id.flatMap({ Int64($0) }) else { throw MastodonError.notFound }
        let store = filterStore
        let owner: Int64?
        switch change {
        case nil: owner = try await store.keywordOwner(id: keywordId, account: user.id)
        case .update:
            let keyword = try FilterInput.keyword(context.params["keyword"], required: false)
            let wholeWord = try FilterInput.flag(context.params["whole_word"], name: "whole_word")
            owner = try await store.updateKeyword(id: keywordId, account: user.id, keyword: keyword, wholeWord: wholeWord)
        case .delete:
            // The entity is gone afterwards: read it first.
            guard let filterId = try await store.keywordOwner(id: keywordId, account: user.id) else { throw MastodonError.notFound }
            _ = try await store.deleteKeyword(id: keywordId, account: user.id)
            _ = filterId
            await services.filtersChanged(user.id)
            return try JSON.response(EmptyObject())
        }
        guard let filterId = owner,
              let keyword = try await ownFilter(String(filterId), account: user.id).keywords.first(where: { $0.id == keywordId }) else {
            throw MastodonError.notFound
        }
        if change != nil { await services.filtersChanged(user.id) }
        return try JSON.response(FilterKeywordEntity(keyword))
    }

    func filterStatuses(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        return try JSON.response(try await ownFilter(id, account: user.id).statuses.map {
            FilterStatusEntity(id: String($0.id), statusId: String($0.statusId))
        })
    }

    func addFilterStatus(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        let filter = try await ownFilter(id, account: user.id)
        guard let raw = context.params["status_id"], !raw.isEmpty else {
            throw MastodonError(.unprocessableContent, "Validation failed: Status can't be blank")
        }
        // Only a status the user may see can be filtered (others do not exist for them).
        guard let statusId = Int64(try await visibleStatus(raw, viewer: user.id).id) else { throw MastodonError.notFound }
        guard let rowId = try await filterStore.addStatus(filter: filter.id, account: user.id, statusId: statusId) else {
            throw MastodonError.notFound
        }
        await services.filtersChanged(user.id)
        return try JSON.response(FilterStatusEntity(id: String(rowId), statusId: String(statusId)))
    }

    func filterStatus(_ context: StarlingRequestContext, id: String?, delete: Bool) async throws -> Response {
        let user = try context.requireUser()
        guard let rowId = id.flatMap({ Int64($0) }) else { throw MastodonError.notFound }
        if delete {
            guard try await filterStore.deleteStatus(id: rowId, account: user.id) != nil else { throw MastodonError.notFound }
            await services.filtersChanged(user.id)
            return try JSON.response(EmptyObject())
        }
        guard let found = try await filterStore.filterStatus(id: rowId, account: user.id) else { throw MastodonError.notFound }
        return try JSON.response(FilterStatusEntity(id: String(rowId), statusId: String(found.status)))
    }

    // MARK: Follow import and export

    func exportFollowing(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let host = URL(string: services.settings.publicURL)?.host ?? "localhost"
        var csv = "Account address,Show boosts,Notify on new posts,Languages\n"
        for name in try await FollowImportStore(database: services.database).followingUsernames(account: user.id) {
            csv += "\(name)@\(host),true,false,\n"
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"following_accounts.csv\""],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: csv)))
    }

    func createImport(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let params = context.params
        let type = params["type"] ?? ""
        guard type == "following" else {
            throw MastodonError(.unprocessableContent, "Validation failed: type must be following")
        }
        let mode = params["mode"].flatMap { $0.isEmpty ? nil : $0 } ?? "merge"
        guard mode == "merge" || mode == "overwrite" else {
            throw MastodonError(.unprocessableContent, "Validation failed: mode must be merge or overwrite")
        }
        guard let data = params["data"], !data.isEmpty else {
            throw MastodonError(.unprocessableContent, "Validation failed: data can't be blank")
        }
        let host = URL(string: services.settings.publicURL)?.host
        let entries = try FollowImportPlan.entries(csv: Array(data.utf8))
        // Stored checked: a local username, or "" for an address that is not one here (counted as failed).
        let usernames = entries.map { FollowImportPlan.username(fromAcct: $0, localDomain: host) ?? "" }
        let job = try await FollowImportStore(database: services.database).create(account: user.id, mode: mode, entries: usernames)
        return try JSON.response(Self.importEntity(job))
    }

    func showImport(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        guard let id = id.flatMap({ Int64($0) }), let job = try await FollowImportStore(database: services.database).job(id: id, account: user.id) else {
            throw MastodonError.notFound
        }
        return try JSON.response(Self.importEntity(job))
    }

    static func importEntity(_ job: FollowImportStore.Job) -> FollowImportEntity {
        FollowImportEntity(id: String(job.id), type: "following", mode: job.mode, state: job.state, total: job.total,
                           processed: job.processed, failed: job.failed, createdAt: job.createdAt,
                           finishedAt: Nullable(job.finishedAt.map(JSONDate.timestamp)))
    }

    // MARK: Account search

    /// An exact e-mail finds the account only when it is discoverable; anything else searches
    /// usernames by prefix, as `/api/v2/search` does.
    func searchAccounts(_ context: StarlingRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let params = context.params
        let query = (params["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !query.isEmpty else { throw MastodonError(.badRequest, "Search query is missing") }
        guard query.count <= 200 else { throw MastodonError(.badRequest, "Search query is too long (at most 200 characters)") }
        let limit = try Self.boundedInt(params["limit"], name: "limit", default: 40, range: 1...80)
        let offset = try Self.boundedInt(params["offset"], name: "offset", default: 0, range: 0...10_000)
        if EmailQuery.looksLikeEmail(query) {
            let found = offset == 0 ? try await FollowImportStore(database: services.database).discoverable(email: query) : nil
            return try JSON.response(found.map { [services.renderer.account($0)] } ?? [])
        }
        let name = query.hasPrefix("@") ? String(query.dropFirst()) : query
        let ids = try await services.interactions.searchAccounts(prefix: name, limit: limit, offset: offset)
        return try JSON.response(try await services.accountEntities(ids))
    }
}

/// `q` values taken as an e-mail address: one `@` with a dotted domain after it and a local part before it.
enum EmailQuery {
    static func looksLikeEmail(_ query: String) -> Bool {
        let parts = query.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !query.contains(where: \.isWhitespace)
    }
}

/// `{}` (Mastodon's answer to deletions).
struct EmptyObject: Encodable, Sendable {}

/// A filter's parameters (create and update), validated.
struct FilterInput {
    var title: String?
    var contexts: [FilterContext]?
    var action: FilterAction?
    /// nil: not given; .some(nil): no expiry.
    var expiresAt: Date??
    var keywords: [FilterStore.KeywordChange] = []

    static func parse(_ params: Params, creating: Bool) throws -> FilterInput {
        var input = FilterInput()
        if let title = params["title"] {
            let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw MastodonError(.unprocessableContent, "Validation failed: Title can't be blank") }
            guard trimmed.count <= ContentFilter.maxTitleLength else {
                throw MastodonError(.unprocessableContent, "Validation failed: Title is too long (maximum is \(ContentFilter.maxTitleLength) characters)")
            }
            input.title = trimmed
        } else if creating {
            throw MastodonError(.unprocessableContent, "Validation failed: Title can't be blank")
        }
        let contexts = params.list("context")
        if !contexts.isEmpty {
            var parsed: [FilterContext] = []
            for value in contexts {
                guard let context = FilterContext(rawValue: value) else {
                    throw MastodonError(.unprocessableContent, "Validation failed: Context contains an invalid value")
                }
                if !parsed.contains(context) { parsed.append(context) }
            }
            input.contexts = parsed
        } else if creating {
            throw MastodonError(.unprocessableContent, "Validation failed: Context can't be blank")
        }
        if let action = params["filter_action"], !action.isEmpty {
            guard let parsed = FilterAction(rawValue: action) else {
                throw MastodonError(.unprocessableContent, "Validation failed: Filter action is not included in the list")
            }
            input.action = parsed
        }
        if let expires = params["expires_in"] {
            if expires.isEmpty {
                input.expiresAt = .some(nil)
            } else {
                guard let seconds = Int(expires), ContentFilter.expiresInRange.contains(seconds) else {
                    throw MastodonError(.unprocessableContent, "Validation failed: expires_in must be a number of seconds from \(ContentFilter.expiresInRange.lowerBound) to \(ContentFilter.expiresInRange.upperBound)")
                }
                input.expiresAt = .some(Date().addingTimeInterval(Double(seconds)))
            }
        }
        let attributes = keywordAttributes(params)
        guard attributes.count <= ContentFilter.maxKeywords else {
            throw MastodonError(.unprocessableContent, "Validation failed: at most \(ContentFilter.maxKeywords) keywords per filter")
        }
        for attribute in attributes {
            var id: Int64?
            if let raw = attribute["id"], !raw.isEmpty {
                guard let parsed = Int64(raw) else { throw MastodonError(.unprocessableContent, "Validation failed: keyword id is invalid") }
                guard !creating else { throw MastodonError(.unprocessableContent, "Validation failed: a new filter has no keyword ids") }
                id = parsed
            }
            let destroy = try flag(attribute["_destroy"], name: "_destroy") ?? false
            let keyword = try Self.keyword(attribute["keyword"], required: id == nil && !destroy)
            let wholeWord = try flag(attribute["whole_word"], name: "whole_word")
            input.keywords.append(.init(id: id, keyword: keyword, wholeWord: wholeWord, destroy: destroy))
        }
        return input
    }

    /// A keyword: trimmed, not blank when required, bounded.
    static func keyword(_ value: String?, required: Bool) throws -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let trimmed, !trimmed.isEmpty else {
            if required { throw MastodonError(.unprocessableContent, "Validation failed: Keyword can't be blank") }
            return nil
        }
        guard trimmed.count <= ContentFilter.maxKeywordLength else {
            throw MastodonError(.unprocessableContent, "Validation failed: Keyword is too long (maximum is \(ContentFilter.maxKeywordLength) characters)")
        }
        return trimmed
    }

    /// A boolean parameter as Rails reads one; anything else is a 422.
    static func flag(_ value: String?, name: String) throws -> Bool? {
        guard let value, !value.isEmpty else { return nil }
        switch value.lowercased() {
        case "true", "1", "on", "yes", "t": return true
        case "false", "0", "off", "no", "f": return false
        default: throw MastodonError(.unprocessableContent, "Validation failed: \(name) must be true or false")
        }
    }

    /// `keywords_attributes` as Rails groups them: `keywords_attributes[][keyword]=…` lists (zipped by
    /// position), or `keywords_attributes[0][keyword]=…` (JSON arrays of objects arrive this way too).
    static func keywordAttributes(_ params: Params) -> [[String: String]] {
        let prefix = "keywords_attributes["
        var listed: [String: [String]] = [:]
        var indexed: [String: [String: String]] = [:]
        for (key, values) in params.values where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            guard let close = rest.firstIndex(of: "]") else { continue }
            let index = String(rest[..<close])
            var field = rest[rest.index(after: close)...]
            guard field.hasPrefix("["), field.hasSuffix("]"), field.count > 2 else { continue }
            field = field.dropFirst().dropLast()
            if index.isEmpty {
                listed[String(field)] = values
            } else {
                indexed[index, default: [:]][String(field)] = values.first
            }
        }
        var out: [[String: String]] = []
        let count = listed.values.map(\.count).max() ?? 0
        for position in 0..<min(count, ContentFilter.maxKeywords + 1) {
            var entry: [String: String] = [:]
            for (field, values) in listed where position < values.count { entry[field] = values[position] }
            out.append(entry)
        }
        let order = indexed.keys.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }
        out += order.prefix(ContentFilter.maxKeywords + 1).compactMap { indexed[$0] }
        return out
    }
}

// MARK: Applying filters to what is read

extension TimelineReader {
    /// The viewer's filters, from this node's cache (filled from PostgreSQL once, dropped on change).
    func contentFilters(of viewer: Int64) async throws -> [ContentFilter] {
        if let cached = services.contentFilters.get(viewer) { return cached }
        let ticket = services.contentFilters.fillTicket()
        let filters = try await FilterStore(database: services.database).filters(account: viewer)
        services.contentFilters.set(viewer, filters, readSince: ticket)
        return filters
    }

    /// Applies the viewer's filters of `context`: a status matching a `hide` filter is dropped; one
    /// matching `warn` filters carries them in `filtered` (as does the status it reblogs).
    func applyFilters(_ statuses: [StatusEntity], viewer: Int64?, context: FilterContext) async throws -> [StatusEntity] {
        guard let viewer, !statuses.isEmpty else { return statuses }
        let filters = try await contentFilters(of: viewer)
        if filters.isEmpty { return statuses }
        let matcher = FilterMatcher(filters: filters, context: context)
        if matcher.isEmpty { return statuses }
        return statuses.compactMap { status in
            var status = status
            guard let results = Self.filterResults(status, matcher: matcher) else { return nil }
            if !results.isEmpty {
                status.filtered = results
                if let inner = status.reblog.value {
                    var shown = inner.status
                    shown.filtered = results
                    status.reblog = Nullable(ReblogBox(shown))
                }
            }
            return status
        }
    }

    /// The results for one status; nil when a `hide` filter matches.
    static func filterResults(_ status: StatusEntity, matcher: FilterMatcher) -> [FilterResultEntity]? {
        let shown = status.reblog.value?.status ?? status
        var text = FilterMatcher.plainText(html: shown.content)
        if !shown.spoilerText.isEmpty { text = shown.spoilerText + "\n" + text }
        let ids = [status.id, shown.id].compactMap { Int64($0) }
        let matches = matcher.matches(text: text, statusIds: ids)
        if matches.contains(where: { $0.action == .hide }) { return nil }
        return matches.compactMap { match in
            guard let filter = matcher.filter(match.filterId) else { return nil }
            return FilterResultEntity(filter: FilterEntity(filter),
                                      keywordMatches: Nullable(match.keywordMatches.isEmpty ? nil : match.keywordMatches),
                                      statusMatches: Nullable(match.statusMatches.isEmpty ? nil : match.statusMatches.map(String.init)))
        }
    }
}

// MARK: Multipart uploads

/// Parameters for upload routes: `multipart/form-data` parts become parameters (a file part's
/// content as text), other bodies are decoded as everywhere else. The body is bounded.
struct UploadParametersMiddleware: RouterMiddleware {
    typealias Context = StarlingRequestContext
    static let maxBodyBytes = FollowImportPlan.maxBytes + 16 * 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data") else {
            context.params = try await request.decode(as: Params.self, context: context)
            return try await next(request, context)
        }
        guard let boundary = MultipartForm.boundary(contentType: contentType) else {
            throw MastodonError(.badRequest, "multipart/form-data without a boundary")
        }
        let buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
        let form: MultipartForm
        do {
            form = try MultipartForm.parse(Array(buffer.readableBytesView), boundary: boundary)
        } catch {
            throw MastodonError(.badRequest, "Malformed multipart body")
        }
        var params = Params()
        if let query = request.uri.query { try params.addForm(Substring(query)) }
        for part in form.parts {
            let (name, value) = (part.name, part.body)
            guard let text = String(validating: value, as: UTF8.self) else {
                throw MastodonError(.unprocessableContent, "Validation failed: \(name.prefix(40)) is not UTF-8 text")
            }
            guard !value.contains(where: Params.isControlCharacter) || name == "data" && !value.contains(0) else {
                throw MastodonError(.unprocessableContent, "Validation failed: \(name.prefix(40)) holds control characters")
            }
            try params.addForm(Substring("\(formEncode(name))=\(formEncode(text))"))
        }
        context.params = params
        return try await next(request, context)
    }
}

/// Percent-encodes a multipart field for `Params.addForm`.
private func formEncode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}
