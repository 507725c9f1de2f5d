import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain
import StarlingMedia
import StarlingStore

/// Short-lived per-node caches of what the public pages list. Only ids are kept: statuses are
/// hydrated from the shared status cache on every request, so a deleted status (a tombstone
/// there) vanishes at once, and a new one appears within `recentTTL`.
final class WebPageCache: Sendable {
    /// "a<id>" / "t<tag>" → newest status ids.
    let recent = ExpiringCache<String, [Int64]>(ttl: .seconds(5), capacity: 20_000)
}

extension WebClientRoutes {
    static let pageSize = 20

    var siteName: String { services.settings.title }
    var base: String { services.settings.publicURL }

    /// The account a username names, or nil (from the node's caches in steady state).
    func account(username: String) async throws -> AccountRow? {
        try await services.account(username: username)
    }

    /// Newest public statuses of an account (reblogs included unless `originalsOnly`).
    func publicStatuses(of account: Int64, originalsOnly: Bool = false) async throws -> [StatusEntity] {
        let key = "a\(account)"
        let ids: [Int64]
        if let cached = cache.recent.get(key) { ids = cached } else {
            ids = try await services.statuses.page(authors: [account], page: PageRequest(limit: 40))
            cache.recent.set(key, ids)
        }
        return try await visibleToAnyone(ids, originalsOnly: originalsOnly)
    }

    /// The account's pinned statuses anyone may see (at most five, as Mastodon allows), cached
    /// like the recent ones.
    func pinnedStatuses(of account: Int64) async throws -> [StatusEntity] {
        let key = "p\(account)"
        let ids: [Int64]
        if let cached = cache.recent.get(key) { ids = cached } else {
            ids = Array(try await ListStore(database: services.database).pinned(account: account).prefix(5))
            cache.recent.set(key, ids)
        }
        return try await visibleToAnyone(ids, originalsOnly: true)
    }

    func taggedStatuses(_ tag: String) async throws -> [StatusEntity] {
        let key = "t\(tag)"
        let ids: [Int64]
        if let cached = cache.recent.get(key) { ids = cached } else {
            ids = try await services.interactions.tagTimeline(tag: tag, page: PageRequest(limit: 40))
            cache.recent.set(key, ids)
        }
        return try await visibleToAnyone(ids, originalsOnly: false)
    }

    /// What a signed-out reader may see, by the same rules as the API (public and unlisted).
    func visibleToAnyone(_ ids: [Int64], originalsOnly: Bool) async throws -> [StatusEntity] {
        let reader = TimelineReader(services: services)
        let statuses = try await reader.visible(try await reader.hydrate(ids, viewer: nil), to: nil, home: false)
        return Array(statuses.filter { !originalsOnly || $0.reblog.value == nil }.prefix(Self.pageSize))
    }

    func notFoundPage(_ request: Request, title: String, message: String) -> Response {
        let body = WebHTML.document(title: "\(title) – \(siteName)", body: """
            <h1>\(HTML.escape(title))</h1>
            <p role="alert">\(HTML.escape(message))</p>
            <p><a href="/">Go to the home page</a></p>
            """)
        return Cacheable.response(request, body: body, contentType: "text/html; charset=utf-8", status: .notFound)
    }

    // MARK: Pages

    /// `/@username` (or its feed, `/@username.rss`). A segment without `@` is not a page: it gets
    /// the API's JSON 404, as any unknown path does.
    func profile(_ request: Request, segment: String) async throws -> Response {
        guard let handle = WebPages.handle(segment) else {
            if segment.hasPrefix("@") { return notFoundPage(request, title: "Not found", message: "There is no account by that name here.") }
            throw MastodonError.notFound
        }
        guard let row = try await account(username: handle.username) else {
            return notFoundPage(request, title: "Not found", message: "There is no account by that name here.")
        }
        let account = services.renderer.account(row)
        if handle.feed {
            let statuses = try await publicStatuses(of: row.id, originalsOnly: true)
            return await feed(request, title: "\(WebHTML.displayName(account)) (@\(account.username))", link: account.url,
                        description: "Public posts from @\(account.username) on \(siteName)", statuses: statuses)
        }
        async let pinned = pinnedStatuses(of: row.id)
        let statuses = try await publicStatuses(of: row.id)
        let pins = try await pinned
        let pinnedIds = Set(pins.map(\.id))
        let description = row.note.isEmpty ? "Posts from @\(row.username) on \(siteName)" : WebPages.plainText(fromHTML: account.note)
        let head = WebHTML.meta(title: "\(WebHTML.displayName(account)) (@\(account.username))", description: description,
                                url: account.url, type: "profile", feed: "\(base)/@\(account.username).rss", siteName: siteName)
        let rest = statuses.filter { !pinnedIds.contains($0.id) }
        let list = rest.isEmpty && pins.isEmpty ? "<p class=\"empty\">No public posts yet.</p>" : rest.map { WebHTML.status($0) }.joined(separator: "\n")
        let pinnedSection = pins.isEmpty ? "" : """
            <section aria-labelledby="pinned-heading" class="pinned">
            <h2 id="pinned-heading">Pinned</h2>
            \(pins.map { WebHTML.status($0) }.joined(separator: "\n"))
            </section>
            """
        let body = WebHTML.document(title: "\(WebHTML.displayName(account)) (@\(account.username)) – \(siteName)", head: head, body: """
            \(WebHTML.profileCard(account))
            \(pinnedSection)
            <p class="follow-hint"><a class="button" href="/#/@\(HTML.escape(account.username))">Follow</a> <a href="/@\(HTML.escape(account.username)).rss">RSS feed</a></p>
            <section aria-labelledby="posts-heading">
            <h2 id="posts-heading">Posts</h2>
            \(list)
            </section>
            """)
        return Cacheable.response(request, body: body, contentType: "text/html; charset=utf-8")
    }

    /// `/@username/:id`: the status and its public thread.
    func statusPage(_ request: Request, segment: String, id: String) async throws -> Response {
        guard let handle = WebPages.handle(segment), !handle.feed else {
            if segment.hasPrefix("@") { return notFoundPage(request, title: "Not found", message: "This post does not exist or is not public.") }
            throw MastodonError.notFound
        }
        let reader = TimelineReader(services: services)
        guard let statusId = Int64(id), statusId > 0,
              let status = try await reader.visible(try await reader.hydrate([statusId], viewer: nil), to: nil, home: false).first,
              status.reblog.value == nil, status.account.username.lowercased() == handle.username.lowercased() else {
            return notFoundPage(request, title: "Not found", message: "This post does not exist or is not public.")
        }
        let (ancestorIds, descendantIds) = try await services.interactions.context(of: statusId)
        async let ancestors = reader.visible(try await reader.hydrate(ancestorIds, viewer: nil), to: nil, home: false)
        async let descendants = reader.visible(try await reader.hydrate(descendantIds, viewer: nil), to: nil, home: false)
        let (before, after) = try await (ancestors, descendants)
        let name = WebHTML.displayName(status.account)
        let text = WebPages.plainText(fromHTML: status.content)
        let description = status.spoilerText.isEmpty ? text : "Content warning: \(status.spoilerText)"
        let ready = status.mediaAttachments.filter { $0.url.value != nil }
        let imageURL = WebPages.previewImage(attachmentURLs: ready.compactMap(\.url.value), sensitive: status.sensitive,
                                             spoilerText: status.spoilerText)
        let head = WebHTML.meta(title: "\(name) (@\(status.account.username))", description: description, url: status.url,
                                type: "article", feed: "\(base)/@\(status.account.username).rss", siteName: siteName,
                                image: imageURL == nil ? nil : ready.first)
        let thread = before.map { WebHTML.status($0) } + [WebHTML.status(status, focused: true)] + after.map { WebHTML.status($0) }
        let body = WebHTML.document(title: "\(name): \"\(WebPages.plainText(fromHTML: status.content, limit: 60))\" – \(siteName)", head: head, body: """
            <h1 class="visually-hidden">Post by \(HTML.escape(name))</h1>
            <section class="thread" aria-label="Thread">
            \(thread.joined(separator: "\n"))
            </section>
            <p><a class="button" href="/#/statuses/\(HTML.escape(status.id))">Reply, boost or favourite</a></p>
            """)
        return Cacheable.response(request, body: body, contentType: "text/html; charset=utf-8")
    }

    /// `/tags/:name` (or `/tags/:name.rss`).
    func tagPage(_ request: Request, segment: String) async throws -> Response {
        guard let (tag, isFeed) = WebPages.tag(Params.tryDecode(segment) ?? segment) else {
            return notFoundPage(request, title: "Not found", message: "That is not a hashtag.")
        }
        let statuses = try await taggedStatuses(tag)
        if isFeed {
            return await feed(request, title: "#\(tag)", link: "\(base)/tags/\(tag)", description: "Public posts tagged #\(tag) on \(siteName)",
                        statuses: statuses.filter { $0.reblog.value == nil })
        }
        let head = WebHTML.meta(title: "#\(tag)", description: "Public posts tagged #\(tag) on \(siteName)",
                                url: "\(base)/tags/\(tag)", feed: "\(base)/tags/\(tag).rss", siteName: siteName)
        let list = statuses.isEmpty ? "<p class=\"empty\">No public posts with this hashtag yet.</p>" : statuses.map { WebHTML.status($0) }.joined(separator: "\n")
        let body = WebHTML.document(title: "#\(tag) – \(siteName)", head: head, body: """
            <h1>#\(HTML.escape(tag))</h1>
            <p><a href="/tags/\(HTML.escape(tag)).rss">RSS feed</a></p>
            \(list)
            """)
        return Cacheable.response(request, body: body, contentType: "text/html; charset=utf-8")
    }

    /// `/about`: the rules and the contact.
    func aboutPage(_ request: Request) -> Response {
        let settings = services.settings
        let rules = settings.rules.isEmpty ? "<p>This server has no rules listed.</p>"
            : "<ol class=\"rules\">" + settings.rules.map { "<li>\(HTML.escape($0.text))</li>" }.joined() + "</ol>"
        let contact = settings.contactEmail.isEmpty ? "<p>No contact address is published.</p>"
            : "<p>Contact: <a href=\"mailto:\(HTML.escape(settings.contactEmail))\">\(HTML.escape(settings.contactEmail))</a></p>"
        let head = WebHTML.meta(title: "About \(siteName)", description: "\(siteName): a microblog. Rules and contact.",
                                url: "\(base)/about", siteName: siteName)
        let body = WebHTML.document(title: "About – \(siteName)", head: head, body: """
            <h1>About \(HTML.escape(siteName))</h1>
            <p>A place to post short updates and follow people. It speaks the Mastodon API, so any Mastodon app works with it.</p>
            <h2>Rules</h2>
            \(rules)
            <h2>Contact</h2>
            \(contact)
            """)
        return Cacheable.response(request, body: body, contentType: "text/html; charset=utf-8", maxAge: 300)
    }

    // MARK: Feeds

    /// The enclosure of a feed item: its first picture, with the file's length in bytes (RSS 2.0
    /// wants it; a stat of the stored file), or nil when it has none or the file is gone.
    func enclosure(_ status: StatusEntity) async -> String? {
        guard let media = status.mediaAttachments.first, let url = media.url.value,
              let key = WebPages.mediaKey(url: url, base: base),
              let size = try? await MediaComponents.shared.storage.size(key) else { return nil }
        return "<enclosure url=\"\(HTML.escape(url))\" type=\"\(WebPages.imageType(ofFile: key))\" length=\"\(size)\"/>"
    }

    /// RSS 2.0: every item's GUID is its status URL (a permalink, stable), dates RFC 822, text
    /// escaped and stripped of characters XML forbids. Pictures: the first as the item's
    /// enclosure, each as a Media RSS `media:content` with its description.
    func feed(_ request: Request, title: String, link: String, description: String, statuses: [StatusEntity]) async -> Response {
        func x(_ text: String) -> String { HTML.escape(WebPages.xmlSafe(text)) }
        var enclosures: [String: String] = [:]
        for status in statuses { enclosures[status.id] = await enclosure(status) }
        let items = statuses.map { status -> String in
            let text = WebPages.plainText(fromHTML: status.content, limit: 80)
            let itemTitle = status.spoilerText.isEmpty ? (text.isEmpty ? "Post \(status.id)" : text) : "CW: \(status.spoilerText)"
            let content = status.spoilerText.isEmpty ? status.content
                : "<p>Content warning: \(HTML.escape(status.spoilerText))</p>" + status.content
            let categories = status.tags.map { "<category>\(x($0.name))</category>" }.joined()
            let media = status.mediaAttachments.compactMap { media -> String? in
                guard let url = media.url.value else { return nil }
                let size = media.meta.original.map { " width=\"\($0.width)\" height=\"\($0.height)\"" } ?? ""
                let alt = media.description.value.map { "<media:description type=\"plain\">\(x($0))</media:description>" } ?? ""
                return "<media:content url=\"\(x(url))\" type=\"\(WebPages.imageType(ofFile: url))\" medium=\"image\"\(size)>"
                    + "<media:rating scheme=\"urn:simple\">\(status.sensitive ? "adult" : "nonadult")</media:rating>\(alt)</media:content>"
            }.joined()
            return """
                <item>
                <title>\(x(itemTitle))</title>
                <link>\(x(status.url))</link>
                <guid isPermaLink="true">\(x(status.url))</guid>
                <pubDate>\(WebPages.rfc822(status.createdAt))</pubDate>
                <description>\(x(content))</description>\(categories)\(enclosures[status.id] ?? "")\(media)
                </item>
                """
        }
        let updated = statuses.first.map { WebPages.rfc822($0.createdAt) }
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
            <channel>
            <title>\(x(title))</title>
            <link>\(x(link))</link>
            <atom:link href="\(x(base + request.uri.path))" rel="self" type="application/rss+xml"/>
            <description>\(x(description))</description>
            <generator>Starling</generator>
            \(updated.map { "<lastBuildDate>\($0)</lastBuildDate>" } ?? "")
            \(items.joined(separator: "\n"))
            </channel>
            </rss>
            """
        return Cacheable.response(request, body: xml, contentType: "application/rss+xml; charset=utf-8", maxAge: 60)
    }
}
