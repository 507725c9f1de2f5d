import Foundation
import HTTPTypes
import Hummingbird
import StarlingDomain

/// The HTML of the public pages and the web client's shell. Every value from outside is escaped
/// here (`HTML.escape`); status content is the renderer's own sanitized HTML.
enum WebHTML {
    static let stylesheetPath = "/assets/web.css"
    static let scriptPath = "/assets/web.js"

    /// Public pages carry no script at all.
    static let publicPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data: https: http:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// The app: scripts from this site only, API calls and the stream to this site only.
    static func appPolicy(host: String?) -> String {
        // ws: origins spelled out for browsers whose 'self' does not cover WebSockets; the host is
        // checked to be a plain host[:port] before it is written into a header.
        let sockets = host.flatMap { h in
            h.utf8.count <= 255 && h.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) })
                ? " ws://\(h) wss://\(h)" : nil
        } ?? ""
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; connect-src 'self'\(sockets); "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    /// A whole public page. `head` and `body` must already be escaped HTML.
    static func document(title: String, head: String = "", body: String, signedIn: Bool = false) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <link rel="stylesheet" href="\(stylesheetPath)">
        \(head)
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site" role="banner"><a class="brand" href="/">Starling</a>
        <nav aria-label="Site"><a href="/about">About</a> <a href="/auth/sign_in?return_to=%2F">Sign in</a> <a href="/auth/sign_up">Sign up</a></nav>
        </header>
        <main id="main">
        \(body)
        </main>
        </body>
        </html>
        """
    }

    /// OpenGraph and Twitter-card tags, and the feed link when there is one.
    static func meta(title: String, description: String, url: String, type: String = "website", feed: String? = nil, siteName: String,
                     image: MediaAttachmentEntity? = nil) -> String {
        var tags = [
            "<meta name=\"description\" content=\"\(HTML.escape(description))\">",
            "<meta property=\"og:site_name\" content=\"\(HTML.escape(siteName))\">",
            "<meta property=\"og:title\" content=\"\(HTML.escape(title))\">",
            "<meta property=\"og:description\" content=\"\(HTML.escape(description))\">",
            "<meta property=\"og:type\" content=\"\(type)\">",
            "<meta property=\"og:url\" content=\"\(HTML.escape(url))\">",
            "<meta name=\"twitter:card\" content=\"\(image == nil ? "summary" : "summary_large_image")\">",
            "<link rel=\"canonical\" href=\"\(HTML.escape(url))\">",
        ]
        if let image, let src = image.url.value {
            tags.append("<meta property=\"og:image\" content=\"\(HTML.escape(src))\">")
            if let size = image.meta.original {
                tags.append("<meta property=\"og:image:width\" content=\"\(size.width)\">")
                tags.append("<meta property=\"og:image:height\" content=\"\(size.height)\">")
            }
            if let alt = image.description.value {
                tags.append("<meta property=\"og:image:alt\" content=\"\(HTML.escape(alt))\">")
            }
        }
        if let feed {
            tags.append("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"\(HTML.escape(title))\" href=\"\(HTML.escape(feed))\">")
        }
        return tags.joined(separator: "\n")
    }

    static func displayName(_ account: AccountEntity) -> String {
        account.displayName.isEmpty ? account.username : account.displayName
    }

    static func isoDate(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    static func shortDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// One status as an article: author, date (linking to its page), content warning, content,
    /// counters. A reblog shows who boosted and then the original.
    static func status(_ status: StatusEntity, focused: Bool = false) -> String {
        if let inner = status.reblog.value?.status {
            return """
                <div class="boost"><span aria-hidden="true">↻</span> <a href="/@\(HTML.escape(status.account.username))">\(HTML.escape(displayName(status.account)))</a> boosted</div>
                \(Self.status(inner))
                """
        }
        let account = status.account
        let path = "/@\(HTML.escape(account.username))/\(HTML.escape(status.id))"
        let content = status.spoilerText.isEmpty
            ? "<div class=\"content\">\(status.content)</div>"
            : "<details class=\"cw\"><summary>\(HTML.escape(status.spoilerText))</summary><div class=\"content\">\(status.content)</div></details>"
        let reply = status.inReplyToId.value.map { _ in "<span class=\"reply-note\">Reply</span> " } ?? ""
        let edited = status.editedAt.value.map { _ in "<span class=\"edited\">edited</span> " } ?? ""
        return """
            <article class="status\(focused ? " focused" : "")" id="s-\(HTML.escape(status.id))" aria-label="Status by \(HTML.escape(displayName(account)))">
            <header><a class="author" href="/@\(HTML.escape(account.username))"><strong>\(HTML.escape(displayName(account)))</strong> <span class="acct">@\(HTML.escape(account.username))</span></a>
            \(reply)\(edited)<a class="date" href="\(path)"><time datetime="\(isoDate(status.createdAt))">\(shortDate(status.createdAt))</time></a></header>
            \(content)\(media(status))\(poll(status))
            <footer class="counts"><span>\(count(status.repliesCount, "reply", "replies"))</span> <span>\(count(status.reblogsCount, "boost", "boosts"))</span> <span>\(count(status.favouritesCount, "favourite", "favourites"))</span></footer>
            </article>
            """
    }

    static func count(_ n: Int64, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }

    /// A status's pictures: previews linking to the full images, the description as `alt`, their
    /// sizes given so the page does not jump. Hidden media (`WebPages.hidesMedia`) sit in a closed
    /// `<details>` (no script on these pages).
    static func media(_ status: StatusEntity) -> String {
        let images = status.mediaAttachments.compactMap { media -> String? in
            guard let full = media.url.value else { return nil }
            let preview = media.previewUrl.value ?? full
            let size = media.meta.small.map { " width=\"\($0.width)\" height=\"\($0.height)\"" } ?? ""
            return "<a href=\"\(HTML.escape(full))\"><img src=\"\(HTML.escape(preview))\" alt=\"\(HTML.escape(media.description.value ?? ""))\"\(size) loading=\"lazy\"></a>"
        }
        guard !images.isEmpty else { return "" }
        let grid = "<div class=\"media media-\(images.count)\">\(images.joined())</div>"
        return WebPages.hidesMedia(sensitive: status.sensitive, spoilerText: status.spoilerText)
            ? "\n<details class=\"sensitive\"><summary>Sensitive media: show</summary>\(grid)</details>" : "\n" + grid
    }

    /// A poll as text: its options, with their share of the votes when the totals may be shown
    /// (WebPages.pollResults), and when it closes. Voting is in the app.
    static func poll(_ status: StatusEntity) -> String {
        guard let poll = status.poll.value else { return "" }
        let results = WebPages.pollResults(votes: poll.options.map { $0.votesCount.value }, votesCount: poll.votesCount,
                                           votersCount: poll.votersCount.value, multiple: poll.multiple)
        let items = zip(poll.options, results).map { option, result -> String in
            guard let result else { return "<li>\(HTML.escape(option.title))</li>" }
            // A <progress> bar: a style attribute would be refused by the page's CSP.
            return "<li><span class=\"title\">\(HTML.escape(option.title))</span> <strong>\(result.percent)%</strong>"
                + " <span class=\"votes\">(\(count(result.votes, "vote", "votes")))</span>"
                + "<progress max=\"100\" value=\"\(result.percent)\" aria-hidden=\"true\"></progress></li>"
        }
        let closing = poll.expired ? "Closed" : "Closes \(shortDate(poll.expiresAt))"
        let people = poll.votersCount.value ?? poll.votesCount
        return """

            <div class="poll"><ul>\(items.joined())</ul>
            <p class="poll-info">\(count(people, "person", "people")) voted · \(closing)</p></div>
            """
    }

    /// The profile's header card.
    static func profileCard(_ account: AccountEntity) -> String {
        """
        <section class="profile" aria-labelledby="profile-name">
        <h1 id="profile-name">\(HTML.escape(displayName(account))) <span class="acct">@\(HTML.escape(account.username))</span></h1>
        <div class="note">\(account.note)</div>
        <p class="figures"><span><strong>\(account.statusesCount)</strong> \(account.statusesCount == 1 ? "post" : "posts")</span> <span><strong>\(account.followingCount)</strong> following</span> <span><strong>\(account.followersCount)</strong> \(account.followersCount == 1 ? "follower" : "followers")</span></p>
        </section>
        """
    }
}

/// Answers for cacheable representations: `ETag` from the bytes, `Cache-Control`, 304 when the
/// client already holds them.
enum Cacheable {
    static func response(_ request: Request, body: String, contentType: String, policy: String = WebHTML.publicPolicy,
                         maxAge: Int = 30, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = ByteBuffer(string: body)
        let etag = WebPages.etag(bytes.readableBytesView)
        var headers: HTTPFields = [
            .contentType: contentType,
            .cacheControl: "public, max-age=\(maxAge)",
            .eTag: etag,
            .contentSecurityPolicy: policy,
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("Referrer-Policy")!: "strict-origin-when-cross-origin",
        ]
        if status == .ok, WebPages.matches(ifNoneMatch: request.headers[.ifNoneMatch], etag: etag) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        if status != .ok { headers[.cacheControl] = "no-cache" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
    }
}
