import Hummingbird
import StarlingDomain

extension MastodonRoutes {
    func registerRelationships(on routes: APIRoutes) {
    }
}
