import Hummingbird
import HummingbirdWebSocket
import Logging
import StarlingDomain
import StarlingOps

/// The API's HTTP application. The concrete type, so `APINode` can hold it.
public typealias APIApplication = Application<RouterResponder<StarlingRequestContext>>

/// Builds the API application: Mastodon routes, streaming, ops routes and middleware. Kept apart
/// from `main` so tests build exactly what ships (`APINode` calls it for both).
public func buildAPIApplication(
    services: APIServices, hub: StreamingHub, host: String, port: Int, logger: Logger
) -> APIApplication {
    Application(
        router: buildAPIRouter(services: services, hub: hub),
        server: .starlingHTTP1 { head, _, _ in
            try await StreamingRoutes.shouldUpgrade(head, services: services, hub: hub)
        },
        configuration: .init(address: .hostname(host, port: port), serverName: "Starling"),
        logger: logger
    )
}

/// The API's router: every route the application serves (`OpenAPIDocumentTests` compares its
/// routes with the OpenAPI document).
func buildAPIRouter(services: APIServices, hub: StreamingHub) -> Router<StarlingRequestContext> {
    let router = Router(context: StarlingRequestContext.self)
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: MastodonErrorMiddleware())
    router.add(middleware: RateLimitMiddleware(policy: services.settings.rateLimits, redis: services.redis, logger: services.database.logger))
    OpsRoutes.add(to: router, role: "api") {
        [ReadinessCheck(name: "postgres") { await services.database.ping() }] + ReadinessCheck.redis(services.redis)
    }
    OpenAPIDocument.register(on: router)
    let routes = APIRoutes(router: router, services: services)
    MastodonRoutes(services: services).register(on: routes)
    OAuthRoutes(services: services).register(on: routes)
    StreamingRoutes(services: services, hub: hub).register(on: routes)
    WebClientRoutes(services: services).register(on: routes)  // the web client, public pages and feeds
    return router
}

/// The ways a Mastodon route receives its request; a route is registered on the one that matches
/// what it reads, so its handler gets that already done.
struct APIRoutes {
    /// Routes that read nothing but their path (instance, a public account): no parameter parsing,
    /// no authentication.
    let plain: Router<StarlingRequestContext>
    /// Parameters decoded into `context.params`; tokens are not looked at (apps, OAuth, public lists).
    let anonymous: RouterGroup<StarlingRequestContext>
    let services: APIServices

    init(router: Router<StarlingRequestContext>, services: APIServices) {
        plain = router
        anonymous = router.group().add(middleware: ParametersMiddleware())
        self.services = services
    }

    /// Parameters decoded and the token authenticated: `context.identity` holds its owner, nil if
    /// the request carried no token (a bad one is a 401). A token must grant one of `scopes` (a
    /// 403 otherwise, as Mastodon's `doorkeeper_authorize!`); anonymous requests pass, and handlers
    /// that need someone ask `context.requireUser()` or `context.requireToken()`.
    func authenticated(_ scopes: OAuthScope...) -> RouterGroup<StarlingRequestContext> {
        precondition(!scopes.isEmpty, "every authenticated route names the scopes that reach it")  // a programming error, at start-up
        return plain.group().add(middleware: ParametersMiddleware())
            .add(middleware: TokenAuthenticator(services: services, scopes: scopes))
    }
}
