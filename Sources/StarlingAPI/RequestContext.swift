import Foundation
import Hummingbird
import NIOCore
import StarlingDomain
import StarlingStore
import Synchronization

/// What every Mastodon route knows about its request before the handler runs: who is asking (set
/// by `TokenAuthenticator`) and the parameters (decoded once by `ParametersMiddleware`). Handlers
/// read these; none parses parameters or tokens itself.
public struct StarlingRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token's owner: its account (nil for an app-only token), app and scopes. Nil for an
    /// anonymous request, and on routes that do not authenticate.
    public internal(set) var identity: TokenOwner?
    /// The query string, and for methods that carry one the body, as Mastodon accepts them.
    var params = Params()
    /// The connection's peer (HAProxy, behind the load balancer): see `WebAuth.clientAddress`.
    let peerAddress: String?
    /// The connection (a stream watches it for the client's leaving: `ConnectionInputWatch`).
    let channel: any Channel

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.channel = source.channel
    }

    /// Decodes Mastodon's form-encoded and JSON bodies (and the query string) into `Params`.
    public var requestDecoder: MastodonRequestDecoder { MastodonRequestDecoder() }

    /// The request's parameters as a typed input (see `ParamsDecoder` for the rules).
    func input<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: ParamsDecoder(params: params))
    }

    /// The paging parameters (`max_id`, `since_id`, `min_id`, `limit`). - Throws: 400 if malformed.
    func page() throws -> PageRequest {
        try params.page()
    }

    /// The signed-in account id (nil for anonymous requests and app-only tokens), for reads that
    /// depend on who is looking.
    var viewer: Int64? { identity?.accountId }

    /// The token's owner, user or app. - Throws: 401 if the request carried no token.
    func requireToken() throws -> TokenOwner {
        guard let identity else { throw MastodonError.unauthorized }
        return identity
    }

    /// The signed-in account. - Throws: 401 without a token; 422 for an app-only token, as Mastodon
    /// does ("This method requires an authenticated user").
    func requireUser() throws -> SignedInUser {
        let owner = try requireToken()
        guard let id = owner.accountId else {
            throw MastodonError(.unprocessableContent, "This method requires an authenticated user")
        }
        return SignedInUser(id: id, owner: owner)
    }
}

extension StarlingRequestContext {
    /// The token's owner if its scopes grant `scope`. - Throws: 401 without a token; 403 in
    /// Mastodon's words when the token's scopes do not reach (a `read` token cannot post).
    @discardableResult
    func requireScope(_ scope: OAuthScope) throws -> TokenOwner {
        let owner = try requireToken()
        guard OAuthScopes(stored: owner.scopes).grants(scope) else {
            throw MastodonError.outsideScopes
        }
        return owner
    }

    /// The signed-in account, if the token's scopes grant `scope`.
    func requireUser(_ scope: OAuthScope) throws -> SignedInUser {
        try requireScope(scope)
        return try requireUser()
    }
}

/// A request made with a user's token (not an app-only one).
struct SignedInUser: Sendable {
    let id: Int64
    let owner: TokenOwner
}

/// Mastodon's request decoding: query string plus body, form-encoded or JSON, `name[]` lists,
/// valid UTF-8 only, at most `Params.maxBodyBytes` (413 beyond). It decodes `Params`, which
/// `ParametersMiddleware` does once per request, or a flat input type through `ParamsDecoder`
/// (handlers use `context.input(_:)`, since the body has been read by then).
public struct MastodonRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let params = try await Params.from(request, readBody: Self.carriesBody(request.method))
        if let params = params as? T { return params }
        return try T(from: ParamsDecoder(params: params))
    }

    /// GET and HEAD bodies are ignored, as Mastodon ignores them.
    static func carriesBody(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head
    }
}

/// Decodes the request's parameters once, through the context's `RequestDecoder`, before anything
/// else reads them (the authenticator reads `access_token` from them).
struct ParametersMiddleware: RouterMiddleware {
    typealias Context = StarlingRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.params = try await request.decode(as: Params.self, context: context)
        return try await next(request, context)
    }
}

/// Authenticates `Authorization: Bearer …` or the `access_token` parameter through the token-owner
/// cache and puts the owner on the context. A request with neither stays anonymous; a token given
/// but unknown (or a malformed `Authorization` header) is a 401, even on routes anonymous callers
/// may use, so a client learns its token is bad.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = StarlingRequestContext
    let services: APIServices
    /// The token must grant at least one of these.
    let scopes: [OAuthScope]
    /// Whether a token's stored scope text grants one of `scopes`, by that text: tokens hold a few
    /// distinct texts, and parsing one and matching it for every request cost a dozen allocations.
    private let verdicts = ScopeVerdicts()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization]
        let parameter = context.params["access_token"]
        guard header != nil || parameter != nil else { return try await next(request, context) }
        guard let token = BearerToken.find(authorization: header, accessToken: parameter),
              let owner = try await services.tokenOwner(token) else {
            throw MastodonError.unauthorized
        }
        let allowed = verdicts.verdict(for: owner.scopes) { stored in
            let granted = OAuthScopes(stored: stored)
            return scopes.contains(where: granted.grants)
        }
        guard allowed else { throw MastodonError.outsideScopes }
        var context = context
        context.identity = owner
        return try await next(request, context)
    }
}

/// `TokenAuthenticator`'s verdicts by stored scope text. Bounded: past `capacity` texts it starts over.
final class ScopeVerdicts: Sendable {
    private let verdicts = Mutex<[String: Bool]>([:])
    let capacity = 1_000

    func verdict(for stored: String, _ decide: (String) -> Bool) -> Bool {
        if let known = verdicts.withLock({ $0[stored] }) { return known }
        let verdict = decide(stored)
        verdicts.withLock { verdicts in
            if verdicts.count >= capacity { verdicts.removeAll() }
            verdicts[stored] = verdict
        }
        return verdict
    }
}
