import Hummingbird
import StarlingDomain

extension MastodonRoutes {
    func registerMedia(on routes: APIRoutes) {
    }
}
