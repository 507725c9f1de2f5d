import Hummingbird
import StarlingDomain

extension MastodonRoutes {
    func registerEditsAndPolls(on routes: APIRoutes) {
    }
}
