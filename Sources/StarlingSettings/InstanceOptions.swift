import ArgumentParser
import StarlingDomain

/// What the instance endpoints publish about the server (the api role).
public struct InstanceOptions: ParsableArguments {
    public init() {}

    @Option(help: "The server's rules, one per line (blank lines skipped; at most 100, each at most 300 characters), listed by /api/v1/instance/rules and the instance entities. Env STARLING_RULES. Default none.")
    var rules: String?

    @Option(help: "Contact address the instance entities publish. Env STARLING_CONTACT_EMAIL. Default empty.")
    var contactEmail: String?

    public func resolvedRules(_ reader: SettingReader = SettingReader()) throws -> [InstanceRule] {
        do {
            return try InstanceRule.parse(reader.string(rules, "STARLING_RULES", default: ""))
        } catch {
            throw ValidationError(error.description)
        }
    }

    public func resolvedContactEmail(_ reader: SettingReader = SettingReader()) throws -> String {
        let text = reader.string(contactEmail, "STARLING_CONTACT_EMAIL", default: "")
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.isEmpty || (text.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
                               && !text.contains(where: \.isWhitespace)) else {
            throw ValidationError("STARLING_CONTACT_EMAIL must be an e-mail address, got '\(text.prefix(80))'")
        }
        return text
    }
}
