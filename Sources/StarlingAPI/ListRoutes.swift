import Hummingbird
import StarlingDomain

extension MastodonRoutes {
    func registerListsAndBookmarks(on routes: APIRoutes) {
    }
}
