import ArgumentParser
import StarlingDomain
import StarlingSettings
import Testing

/// `STARLING_RULES` and `STARLING_CONTACT_EMAIL` (the api role's `InstanceOptions`): flag over
/// environment over default, and a bad value stops start-up naming the setting.
@Suite struct InstanceSettingsTests {
    @Test func rulesFromTheEnvironmentOrTheFlag() throws {
        let reader = SettingReader(environment: ["STARLING_RULES": "Be kind\n\nNo spam"])
        #expect(try InstanceOptions.parse([]).resolvedRules(reader).map(\.text) == ["Be kind", "No spam"])
        #expect(try InstanceOptions.parse(["--rules", "Only this"]).resolvedRules(reader).map(\.text) == ["Only this"])
        #expect(try InstanceOptions.parse([]).resolvedRules(SettingReader(environment: [:])).isEmpty, "none by default")
    }

    @Test func badValuesNameTheirSetting() throws {
        let long = SettingReader(environment: ["STARLING_RULES": String(repeating: "x", count: 301)])
        #expect(throws: ValidationError.self) { try InstanceOptions.parse([]).resolvedRules(long) }
        do {
            _ = try InstanceOptions.parse([]).resolvedRules(long)
        } catch let error as ValidationError {
            #expect(error.message.contains("STARLING_RULES"))
        }
        let email = SettingReader(environment: ["STARLING_CONTACT_EMAIL": "not an address"])
        do {
            _ = try InstanceOptions.parse([]).resolvedContactEmail(email)
            Issue.record("a malformed contact address was accepted")
        } catch let error as ValidationError {
            #expect(error.message.contains("STARLING_CONTACT_EMAIL"))
        }
        #expect(try InstanceOptions.parse([]).resolvedContactEmail(SettingReader(environment: ["STARLING_CONTACT_EMAIL": "ops@example.org"]))
                == "ops@example.org")
        #expect(try InstanceOptions.parse([]).resolvedContactEmail(SettingReader(environment: [:])) == "")
    }
}
