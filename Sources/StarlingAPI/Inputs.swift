/// The typed inputs of the Mastodon routes, read from the request's parameters by `ParamsDecoder`
/// (`context.input(_:)`). A required `String` is a 422 "KEY can't be blank" when missing or empty,
/// checked in declaration order, as the handlers checked them one by one before.

/// `POST /api/v1/apps`
struct NewApp: Decodable {
    var clientName: String
    var redirectURIs: [String]
    var scopes: String?
    var website: String?

    enum CodingKeys: String, CodingKey {
        case clientName = "client_name", redirectURIs = "redirect_uris", scopes, website
    }
}

/// `POST /oauth/token`: what is missing decides the OAuth error, so every field is optional.
struct TokenGrant: Decodable {
    var grantType: String?
    var clientId: String?
    var clientSecret: String?
    var scope: String?
    var username: String?
    var password: String?

    enum CodingKeys: String, CodingKey {
        case grantType = "grant_type", clientId = "client_id", clientSecret = "client_secret", scope, username, password
    }
}

/// `POST /api/v1/accounts`
struct Registration: Decodable {
    var username: String
    var email: String
    var password: String
    /// Sent as a boolean-ish string; absent or empty means not asked.
    var agreement: String?
}

/// `GET /api/v1/accounts/lookup`
struct AccountLookup: Decodable {
    var acct: String
}

/// `GET /api/v1/accounts/relationships`: `id[]` (or one `id`).
struct RelationshipQuery: Decodable {
    var id: [String]
}

/// `GET /api/v1/notifications`: kind filters; unknown names match nothing.
struct NotificationFilter: Decodable {
    var types: [String]
    var excludeTypes: [String]

    enum CodingKeys: String, CodingKey {
        case types, excludeTypes = "exclude_types"
    }
}

/// `GET /api/v2/search`; `limit` and `offset` are bounded by the handler, with its own messages.
struct SearchQuery: Decodable {
    var q: String?
    var type: String?
    var limit: String?
    var offset: String?
}

/// `GET /api/v1/trends`, `GET /api/v1/trends/tags`
struct TrendsQuery: Decodable {
    var limit: String?
    var offset: String?
}

/// `PATCH /api/v1/accounts/update_credentials`: only the fields sent change.
struct ProfileUpdate: Decodable {
    var displayName: String?
    var note: String?
    /// Followers need approval (follow requests).
    var locked: String?
    /// Found by an exact e-mail search.
    var discoverable: String?

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name", note, locked, discoverable
    }
}
