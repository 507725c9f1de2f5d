import ArgumentParser
import StarlingDomain

/// What the instance endpoints publish about the server (the api role).
public struct InstanceOptions: ParsableArguments {
    public init() {}

    @Option(help: "The server's rules, one per line (blank lines skipped; at most 100, each at most 300 characters), listed by /api/v1/instance/rules and the instance entities. Env STARLING_RULES. Default none.")
    var rules: String?

    @Option(help: "Contact address the instance entities publish. Env STARLING_CONTACT_EMAIL. Default empty.")
    var contactEmail: String?

    @Option(help: "Most options a poll may have (2-20). Env STARLING_POLL_MAX_OPTIONS. Default 4.")
    var pollMaxOptions: Int?

    @Option(help: "Most characters per poll option (1-1000). Env STARLING_POLL_MAX_CHARACTERS. Default 50.")
    var pollMaxCharacters: Int?

    /// What polls may be: `configuration.polls` of the instance entities, and what posts and edits are held to.
    public func resolvedPollLimits(_ reader: SettingReader = SettingReader()) throws -> PollLimits {
        PollLimits(maxOptions: try reader.int(pollMaxOptions, "STARLING_POLL_MAX_OPTIONS", default: 4, range: 2...20),
                   maxCharactersPerOption: try reader.int(pollMaxCharacters, "STARLING_POLL_MAX_CHARACTERS", default: 50, range: 1...1000))
    }

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
