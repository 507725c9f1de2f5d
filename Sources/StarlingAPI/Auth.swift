import Foundation
import Hummingbird
import StarlingStore

/// Where a request's access token is: `Authorization: Bearer …`, else the `access_token` parameter.
enum BearerToken {
    /// Longer tokens are refused unread: ours are 43 characters.
    static let maxLength = 256

    /// The token, or nil if none is usable (no bearer header and no parameter, or too long).
    static func find(authorization header: String?, accessToken parameter: String?) -> String? {
        var token: String?
        if let header {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { token = String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        token = token ?? parameter
        guard let token, !token.isEmpty, token.utf8.count <= maxLength else { return nil }
        return token
    }
}

extension APIServices {
    /// The token's owner, from the token-owner cache or PostgreSQL (one query that also loads the
    /// token's scopes and touches `last_active_at`); nil if the token is unknown.
    func tokenOwner(_ token: String) async throws -> TokenOwner? {
        if var cached = tokenOwners.get(token) {
            cached.idleSeconds = 0  // seen within the cache lifetime: active
            return cached
        }
        guard let owner = try await accounts.authenticate(token: token) else { return nil }
        tokenOwners.set(token, owner)
        return owner
    }
}
