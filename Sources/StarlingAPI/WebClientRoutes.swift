import Hummingbird
import StarlingDomain

/// The web client at `/`, public profile, status and tag pages, and their feeds.
struct WebClientRoutes: Sendable {
    let services: APIServices
    let cache = WebPageCache()

    func register(on routes: APIRoutes) {
        let (plain, open) = (routes.plain, routes.anonymous)
        plain.get("/") { request, _ in try await home(request) }
        plain.get(RouterPath(WebHTML.scriptPath)) { request, _ in
            Cacheable.response(request, body: WebAssets.script, contentType: "text/javascript; charset=utf-8", maxAge: 300)
        }
        plain.get(RouterPath(WebHTML.stylesheetPath)) { request, _ in
            Cacheable.response(request, body: WebAssets.stylesheet, contentType: "text/css; charset=utf-8", maxAge: 300)
        }
        plain.get("/about") { request, _ in aboutPage(request) }
        // `/@alice` is one path segment: captured whole, the `@` (and `.rss`) checked by WebPages.
        plain.get("/:handle") { request, context in
            try await profile(request, segment: Self.decoded(context.parameters.get("handle")))
        }
        plain.get("/:handle/:id") { request, context in
            try await statusPage(request, segment: Self.decoded(context.parameters.get("handle")), id: context.parameters.get("id") ?? "")
        }
        plain.get("/tags/:name") { request, context in try await tagPage(request, segment: context.parameters.get("name") ?? "") }
        open.get("/auth/sign_up") { request, _ in signUpForm(request, username: "", email: "", error: nil, status: .ok) }
        open.post("/auth/sign_up") { request, context in try await signUp(request, context) }
    }

    /// A path segment percent-decoded (`%40alice` is `@alice`); left as it is if it does not decode.
    static func decoded(_ segment: String?) -> String {
        guard let segment else { return "" }
        return Params.tryDecode(segment) ?? segment
    }
}
