import Hummingbird
import StarlingDomain

/// The web client at `/`, public profile, status and tag pages, and their feeds.
struct WebClientRoutes: Sendable {
    let services: APIServices

    func register(on routes: APIRoutes) {
    }
}
