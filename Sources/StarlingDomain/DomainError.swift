/// Errors of the domain rules. Each has a stable code and a message that is safe to show a client.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Client input that breaks a rule (422 in the API).
    case validation(String)
    /// A malformed parameter (400 in the API).
    case badParameter(String)
    /// A configuration value that cannot be used; names the setting.
    case invalidSetting(String)

    public var code: String {
        switch self {
        case .validation: "validation_failed"
        case .badParameter: "bad_parameter"
        case .invalidSetting: "invalid_setting"
        }
    }

    public var description: String {
        switch self {
        case .validation(let m), .badParameter(let m), .invalidSetting(let m): m
        }
    }
}
