import HTTPTypes
import Hummingbird

/// Server-rendered HTML: the sign-in, consent and error pages of the OAuth flow (and the web
/// client's pages later). Every value from outside goes through `HTML.escape`; pages carry no
/// script, and a strict Content-Security-Policy says so to the browser.
enum HTML {
    /// Escapes text for element content and quoted attribute values (`& < > " '`), as statuses are.
    static func escape(_ text: some StringProtocol) -> String {
        Renderer.escape(text)
    }

    /// No scripts, no plugins, no framing (a consent page in a frame invites clickjacking), styles
    /// and images from this site only. No `form-action`: the consent form's answer redirects to the
    /// app's own URI, which browsers would check against it.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"

    static let stylesheetPath = "/assets/starling.css"

    /// A whole page: `title` is escaped here, `body` must already be escaped HTML.
    static func page(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(escape(title)) – Starling</title>
            <link rel="stylesheet" href="\(stylesheetPath)">
            </head>
            <body>
            <header><span class="brand">Starling</span></header>
            <main id="main">
            \(body)
            </main>
            </body>
            </html>
            """
        return Response(status: status, headers: headers(contentType: "text/html; charset=utf-8"),
                        body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Headers every page gets: never cached (pages hold CSRF tokens and codes), never framed.
    static func headers(contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .cacheControl: "no-store",
            .contentSecurityPolicy: contentSecurityPolicy,
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
    }

    /// An error page: what went wrong, in words a person understands; never a redirect.
    static func errorPage(_ status: HTTPResponse.Status, title: String, message: String) -> Response {
        page(title: title, body: """
            <h1>\(escape(title))</h1>
            <p role="alert">\(escape(message))</p>
            """, status: status)
    }

    /// A hidden form field.
    static func hidden(_ name: String, _ value: String?) -> String {
        guard let value else { return "" }
        return "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">"
    }

    /// The stylesheet: small, readable at phone width, visible focus.
    static let stylesheet = """
        :root { color-scheme: light dark; --accent: #2b6cb0; }
        * { box-sizing: border-box; }
        body { font: 16px/1.5 system-ui, sans-serif; margin: 0; padding: 0 1rem; max-width: 36rem; margin-inline: auto; }
        header { padding: 1rem 0; }
        .brand { font-weight: 700; font-size: 1.25rem; text-decoration: none; color: var(--accent); }
        main { padding-bottom: 2rem; }
        h1 { font-size: 1.5rem; }
        label { display: block; margin-top: 1rem; font-weight: 600; }
        input[type=text], input[type=password], input[type=email] { width: 100%; padding: .6rem; font-size: 1rem; border: 1px solid #888; border-radius: .4rem; }
        button { margin-top: 1.25rem; padding: .6rem 1.2rem; font-size: 1rem; border-radius: .4rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
        button.secondary { background: transparent; color: inherit; border-color: #888; }
        :focus-visible { outline: 3px solid #f6ad55; outline-offset: 2px; }
        .error { color: #c53030; font-weight: 600; }
        .scopes li { margin: .25rem 0; }
        .code { font: 1.25rem/1.4 ui-monospace, monospace; padding: .75rem; border: 1px dashed #888; word-break: break-all; user-select: all; }
        .actions { display: flex; gap: .75rem; flex-wrap: wrap; }
        .actions form { margin: 0; }
        """
}
