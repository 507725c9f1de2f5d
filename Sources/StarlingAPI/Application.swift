import Hummingbird
import HummingbirdWebSocket
import Logging
import StarlingOps

/// Builds the API application: Mastodon routes, streaming, ops routes and middleware. Kept apart
/// from `main` so tests build exactly what ships.
public func buildAPIApplication(
    services: APIServices, hub: StreamingHub, host: String, port: Int, logger: Logger
) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: RequestMetricsMiddleware())
    router.add(middleware: MastodonErrorMiddleware())
    OpsRoutes.add(to: router, role: "api") {
        [ReadinessCheck(name: "postgres") { await services.database.ping() }] + ReadinessCheck.redis(services.redis)
    }
    MastodonRoutes(services: services).register(on: router)
    StreamingRoutes(services: services, hub: hub).register(on: router)
    return Application(
        router: router,
        server: .http1WebSocketUpgrade { head, _, _ in
            try await StreamingRoutes.shouldUpgrade(head, services: services, hub: hub)
        },
        configuration: .init(address: .hostname(host, port: port), serverName: "Starling"),
        logger: logger
    )
}
