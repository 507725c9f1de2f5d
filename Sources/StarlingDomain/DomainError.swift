/// Errors of the domain rules. Each has a stable code; the API layer (`MastodonError.from`) words
/// them for clients, so the Mastodon wording lives in one place.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Client input that breaks a rule (422 in the API).
    case validation(String)
    /// A malformed parameter (400 in the API).
    case badParameter(String)
    /// A configuration value that cannot be used; names the setting.
    case invalidSetting(String)
    /// The record does not exist, or the requester may not know it does (404 in the API).
    case notFound
    /// The requester may see the record but not do this to it (403 in the API).
    case notAllowed
    /// A unique field already belongs to another account (422 in the API).
    case taken(UniqueField)

    /// Account fields that must be unique.
    public enum UniqueField: String, Sendable, Equatable, CaseIterable {
        case username, email
    }

    public var code: String {
        switch self {
        case .validation: "validation_failed"
        case .badParameter: "bad_parameter"
        case .invalidSetting: "invalid_setting"
        case .notFound: "not_found"
        case .notAllowed: "not_allowed"
        case .taken(let field): "\(field.rawValue)_taken"
        }
    }

    public var description: String {
        switch self {
        case .validation(let m), .badParameter(let m), .invalidSetting(let m): m
        case .notFound: "not found"
        case .notAllowed: "not allowed"
        case .taken(let field): "\(field.rawValue) already taken"
        }
    }
}
