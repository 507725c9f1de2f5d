import Foundation
import Hummingbird
import StarlingStore

extension APIServices {
    /// The bearer token's owner, from `Authorization: Bearer …` or the `access_token` parameter.
    /// - Throws: 401 if there is no token or it is unknown.
    func authenticate(_ request: Request, _ params: Params) async throws -> TokenOwner {
        var token: String?
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { token = String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        token = token ?? params["access_token"]
        guard let token, !token.isEmpty, token.utf8.count <= 256 else { throw MastodonError.unauthorized }
        if var cached = tokenOwners.get(token) {
            cached.idleSeconds = 0  // seen within the cache lifetime: active
            return cached
        }
        guard let owner = try await accounts.authenticate(token: token) else { throw MastodonError.unauthorized }
        tokenOwners.set(token, owner)
        return owner
    }

    /// The signed-in account if a token is given (a bad token is still a 401); nil for anonymous reads.
    func optionalUser(_ request: Request, _ params: Params) async throws -> Int64? {
        guard request.headers[.authorization] != nil || params["access_token"] != nil else { return nil }
        return try await authenticate(request, params).accountId
    }

    /// The signed-in account; app-only tokens are refused with 422 as Mastodon does ("This method requires an authenticated user").
    func requireUser(_ request: Request, _ params: Params) async throws -> (id: Int64, owner: TokenOwner) {
        let owner = try await authenticate(request, params)
        guard let id = owner.accountId else {
            throw MastodonError(.unprocessableContent, "This method requires an authenticated user")
        }
        return (id, owner)
    }
}
