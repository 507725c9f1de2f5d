import Foundation
import HTTPTypes
import Logging
import Hummingbird
import StarlingDomain
import StarlingStore
import StarlingTimelines
import Synchronization

/// What apps call at launch: the instance entities, preferences, markers, custom emojis,
/// announcements, followed hashtags, nodeinfo and WebFinger. Each answers with Mastodon's entity;
/// where Starling has nothing (emojis, announcements, peers) the honest answer is an empty list.
extension MastodonRoutes {
    func registerLaunch(on routes: APIRoutes) {
        let (router, open) = (routes.plain, routes.anonymous)
        // Instance. Hummingbird matches a path with or without its trailing slash, as clients send both.
        router.get("/api/v1/instance") { _, _ in try await instanceV1() }
        router.get("/api/v2/instance") { _, _ in try await instanceV2() }
        router.get("/api/v1/instance/peers") { _, _ in try JSON.response([String]()) }
        router.get("/api/v1/instance/activity") { _, _ in try await instanceActivity() }
        router.get("/api/v1/instance/rules") { _, _ in try JSON.response(services.settings.rules.map(RuleEntity.init)) }
        router.get("/api/v1/custom_emojis") { _, _ in try JSON.response([String]()) }
        router.get("/.well-known/nodeinfo") { _, _ in try nodeinfoLinks() }
        router.get("/nodeinfo/2.0") { _, _ in try await nodeinfo() }
        open.get("/.well-known/webfinger") { _, context in try await webfinger(context) }

        // The signed-in user's launch state.
        routes.authenticated(.readAccounts).get("/api/v1/preferences") { _, context in try preferences(context) }
        routes.authenticated(.read).get("/api/v1/announcements") { _, context in
            // Mastodon's controller requires a user; Starling publishes no announcements.
            _ = try context.requireUser(.read)
            return try JSON.response([String]())
        }
        routes.authenticated(.readStatuses).get("/api/v1/markers") { _, context in try await markers(context) }
        routes.authenticated(.writeStatuses).post("/api/v1/markers") { _, context in try await saveMarkers(context) }

        // Followed hashtags.
        routes.authenticated(.readStatuses, .readFollows).get("/api/v1/tags/:name") { _, context in try await tag(context, name: context.parameters.get("name")) }
        routes.authenticated(.writeFollows).post("/api/v1/tags/:name/follow") { _, context in
            try await followTag(context, name: context.parameters.get("name"), follow: true)
        }
        routes.authenticated(.writeFollows).post("/api/v1/tags/:name/unfollow") { _, context in
            try await followTag(context, name: context.parameters.get("name"), follow: false)
        }
        routes.authenticated(.readFollows).get("/api/v1/followed_tags") { request, context in try await followedTags(request, context) }
    }

    // MARK: Instance

    /// The host clients know this server by, and its streaming URL (the API's own address: every
    /// API node serves the streaming endpoints).
    private var domain: String { URL(string: services.settings.publicURL)?.host ?? "localhost" }
    private var streamingURL: String {
        let base = services.settings.publicURL
        return base.replacingOccurrences(of: "https://", with: "wss://").replacingOccurrences(of: "http://", with: "ws://")
    }

    func instanceV1() async throws -> Response {
        let usage = try await services.instanceFigures.usage(services.instance)
        let settings = services.settings
        return try JSON.response(InstanceV1Entity(
            uri: domain, title: settings.title, shortDescription: InstanceV2Entity.about, description: InstanceV2Entity.about,
            email: settings.contactEmail, version: StarlingRelease.mastodonAPIVersion, urls: .init(streamingApi: streamingURL),
            stats: .init(userCount: usage.users, statusCount: usage.localPosts, domainCount: 0),
            configuration: .init(settings: settings, streaming: nil),
            rules: settings.rules.map(RuleEntity.init)))
    }

    func instanceV2() async throws -> Response {
        let usage = try await services.instanceFigures.usage(services.instance)
        let settings = services.settings
        var configuration = InstanceConfiguration(settings: settings, streaming: streamingURL)
        configuration.vapid = .init(publicKey: try await services.vapid.publicKey(services))
        return try JSON.response(InstanceV2Entity(
            domain: domain, title: settings.title, version: StarlingRelease.mastodonAPIVersion,
            usage: .init(users: .init(activeMonth: usage.activeMonth)),
            thumbnail: .init(url: "\(settings.publicURL)/thumbnail.png"),
            configuration: configuration,
            contact: .init(email: settings.contactEmail),
            rules: settings.rules.map(RuleEntity.init)))
    }

    func instanceActivity() async throws -> Response {
        let weeks = try await services.instanceFigures.activity(services.instance)
        return try JSON.response(weeks.map {
            ActivityEntity(week: String($0.start), statuses: String($0.statuses), logins: String($0.logins),
                           registrations: String($0.registrations))
        })
    }

    // MARK: nodeinfo and WebFinger

    func nodeinfoLinks() throws -> Response {
        let links = NodeinfoLinks(links: [.init(rel: "http://nodeinfo.diaspora.software/ns/schema/2.0",
                                                href: "\(services.settings.publicURL)/nodeinfo/2.0")])
        return try Self.plainJSON(links, contentType: "application/json; charset=utf-8")
    }

    func nodeinfo() async throws -> Response {
        let usage = try await services.instanceFigures.usage(services.instance)
        let body = Nodeinfo(
            software: .init(name: StarlingRelease.softwareName, version: StarlingRelease.version),
            usage: .init(users: .init(total: usage.users, activeMonth: usage.activeMonth, activeHalfyear: usage.activeHalfyear),
                         localPosts: usage.localPosts),
            openRegistrations: true, metadata: .init(nodeName: services.settings.title))
        return try Self.plainJSON(body, contentType: "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"; charset=utf-8")
    }

    /// RFC 7033 for local accounts; another server's account is a 404 (Starling does not federate).
    func webfinger(_ context: StarlingRequestContext) async throws -> Response {
        let base = services.settings.publicURL
        var domains = [domain]
        if let url = URL(string: base), let host = url.host, let port = url.port { domains.append("\(host):\(port)") }
        // A malformed resource is a 400, another server's account a 404 (`MastodonError.from` words them).
        let username = try WebfingerResource.username(of: context.params["resource"], domains: domains, baseURL: base)
        guard let row = try await services.accounts.account(username: username) else { throw MastodonError.notFound }
        let profile = "\(base)/@\(row.username)"
        let body = WebfingerEntity(
            subject: "acct:\(row.username)@\(domain)", aliases: [profile, "\(base)/users/\(row.username)"],
            links: [
                .init(rel: "http://webfinger.net/rel/profile-page", type: "text/html", href: profile),
                .init(rel: "self", type: "application/activity+json", href: profile),
            ])
        return try Self.plainJSON(body, contentType: "application/jrd+json; charset=utf-8")
    }

    /// JSON with the keys as written (nodeinfo and JRD use camelCase and their own media types).
    private static func plainJSON(_ value: some Encodable, contentType: String) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let data = try encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Preferences and markers

    /// Starling keeps no per-user posting or reading preferences: these are the defaults a new
    /// post gets (the same as `source` in verify_credentials) and Mastodon's reading defaults.
    func preferences(_ context: StarlingRequestContext) throws -> Response {
        try context.requireUser(OAuthScope.granular(.read, "accounts"))
        return try JSON.response(PreferencesEntity())
    }

    func markers(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser(OAuthScope.granular(.read, "statuses"))
        let timelines = try MarkerParameters.timelines(context.params.list("timeline"))
        return try JSON.response(MarkersEntity(try await services.markers.markers(account: user.id, timelines: timelines)))
    }

    /// Mastodon streams no marker event (its streaming events are update, delete, notification,
    /// conversation, announcements, filters_changed, status.update), so neither does Starling.
    func saveMarkers(_ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser(OAuthScope.granular(.write, "statuses"))
        var flat: [String: String] = [:]
        for (key, values) in context.params.values where key.contains("[") {
            if let value = values.first { flat[key] = value }
        }
        // Validated whole before anything is written: a bad marker changes none.
        let updates = try MarkerParameters.updates(from: flat)
        return try JSON.response(MarkersEntity(try await services.markers.save(account: user.id, updates)))
    }

    // MARK: Followed hashtags

    /// The normalised tag a path names. - Throws: 404 for what is not a hashtag, 422 if too long.
    private func tagName(_ raw: String?) throws -> String {
        guard let raw, let decoded = Params.tryDecode(raw) else { throw MastodonError.notFound }
        return try TagName.parse(decoded)
    }

    func tag(_ context: StarlingRequestContext, name: String?) async throws -> Response {
        let name = try tagName(name)
        let state = try await services.tagFollows.tag(named: name, viewer: context.viewer)
        return try JSON.response(try await tagEntities([state], signedIn: context.viewer != nil)[0])
    }

    func followTag(_ context: StarlingRequestContext, name: String?, follow: Bool) async throws -> Response {
        let user = try context.requireUser(OAuthScope.granular(.write, "follows"))
        let name = try tagName(name)
        let state: TagFollowStore.TagState
        if follow {
            state = try await services.tagFollows.follow(account: user.id, tag: name)
        } else {
            let (unfollowed, changed) = try await services.tagFollows.unfollow(account: user.id, tag: name)
            if changed, let id = unfollowed.id { await unmergeTag(id, from: user.id, logger: context.logger) }
            state = unfollowed
        }
        return try JSON.response(try await tagEntities([state], signedIn: true)[0])
    }

    /// Takes the statuses that came only through this tag off the user's home list (Mastodon's
    /// `unmerge_tag_from_home`), so a home read now equals a home rebuilt from PostgreSQL. A Redis
    /// failure is logged: the follow is gone either way, and new statuses stop arriving.
    private func unmergeTag(_ tag: Int64, from user: Int64, logger: Logger) async {
        let list = TimelineCache.List.home(user)
        do {
            guard let ids = try await services.cache.read([list])[list] ?? nil, !ids.isEmpty else { return }
            let gone = try await services.tagFollows.unmerged(user: user, tag: tag, among: ids)
            try await services.cache.remove(gone, from: [list])
        } catch {
            logger.warning("could not remove an unfollowed tag's statuses from a home", metadata: ["error": "\(error)"])
        }
    }

    func followedTags(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let user = try context.requireUser(OAuthScope.granular(.read, "follows"))
        var page = try context.page()
        // Mastodon's default page here is 100 tags (at most 200), not a timeline's 20.
        if context.params["limit"] == nil || context.params["limit"] == "" { page.limit = 100 }
        if let text = context.params["limit"], let limit = Int(text) { page.limit = min(max(limit, 1), 200) }
        let follows = try await services.tagFollows.page(account: user.id, page: page)
        let states = follows.map { TagFollowStore.TagState(id: $0.tagId, name: $0.name, following: true) }
        return try JSON.response(try await tagEntities(states, signedIn: true),
                                 headers: linkHeaders(request, page: page, ids: follows.map(\.followId)))
    }

    /// Tag entities with their week's history from the trend counters (one Redis pipeline); a
    /// Redis failure leaves the history empty rather than failing the call.
    private func tagEntities(_ states: [TagFollowStore.TagState], signedIn: Bool) async throws -> [FollowableTagEntity] {
        let histories = (try? await services.trends.history(of: states.map(\.name))) ?? [:]
        return states.map { state in
            FollowableTagEntity(
                id: state.id.map(String.init) ?? "", name: state.name, url: "\(services.settings.publicURL)/tags/\(state.name)",
                history: (histories[state.name] ?? []).map {
                    TagHistoryEntity(day: String(Int64($0.day.timeIntervalSince1970)), uses: String($0.uses), accounts: String($0.accounts))
                },
                following: signedIn ? state.following : nil)
        }
    }
}

extension APIServices {
    var markers: MarkerStore { MarkerStore(database: database) }
    var tagFollows: TagFollowStore { TagFollowStore(database: database) }
    var instance: InstanceStore { InstanceStore(database: database) }
}

/// The instance figures, computed from PostgreSQL at most once per `ttl` per node (each is a scan:
/// apps ask for them at every launch). Concurrent misses share nothing; the last one wins, which
/// costs one extra scan at worst.
final class InstanceFigures: Sendable {
    private struct State {
        var usage: (value: InstanceStore.Usage, expires: ContinuousClock.Instant)?
        var activity: (value: [InstanceStore.Week], expires: ContinuousClock.Instant)?
    }
    private let state = Mutex(State())
    let ttl: Duration

    init(ttl: Duration = .seconds(600)) {
        self.ttl = ttl
    }

    func usage(_ store: InstanceStore) async throws -> InstanceStore.Usage {
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0.usage }), cached.expires > now { return cached.value }
        let value = try await store.usage()
        state.withLock { $0.usage = (value, now + ttl) }
        return value
    }

    func activity(_ store: InstanceStore) async throws -> [InstanceStore.Week] {
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0.activity }), cached.expires > now { return cached.value }
        let value = try await store.activity(weekStarts: InstanceActivity.weekStarts(now: Date()))
        state.withLock { $0.activity = (value, now + ttl) }
        return value
    }
}
