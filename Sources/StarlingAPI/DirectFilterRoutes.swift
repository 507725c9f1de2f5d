import Hummingbird
import StarlingDomain

extension MastodonRoutes {
    func registerConversationsAndFilters(on routes: APIRoutes) {
    }
}
