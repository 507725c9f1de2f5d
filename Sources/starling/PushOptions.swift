import ArgumentParser
import Foundation
import StarlingPush

/// Web Push options of the api and worker roles. Both must see the same VAPID key: set it on every
/// node, or leave it unset everywhere and the first node to need one keeps it in PostgreSQL.
struct PushOptions: ParsableArguments {
    @Option(help: "The VAPID private key (base64url, 32 bytes), shared by every node. Env STARLING_VAPID_PRIVATE_KEY. Default: generated once and kept in PostgreSQL.")
    var vapidPrivateKey: String?

    @Option(help: "Contact for push services, in VAPID tokens (mailto: or https:). Env STARLING_VAPID_SUBJECT. Default: STARLING_PUBLIC_URL if https, else mailto:admin@<its host>.")
    var vapidSubject: String?

    @Option(help: "Accept plain-http push endpoints on any host (yes/no); loopback ones are always accepted. Env STARLING_PUSH_ALLOW_HTTP. Default no.")
    var pushAllowHttp: String?

    @Option(help: "Web Push requests in flight at once per worker. Env STARLING_PUSH_CONCURRENCY. Default 8.")
    var pushConcurrency: Int?

    @Option(help: "Attempts before a push that keeps failing (429, 5xx, network) is given up. Env STARLING_PUSH_MAX_ATTEMPTS. Default 6.")
    var pushMaxAttempts: Int?

    /// - Parameter publicURL: the instance's URL (icons in payloads, the default VAPID subject).
    func settings(publicURL: String, _ reader: SettingReader = SettingReader()) throws -> PushSettings {
        var settings = PushSettings()
        settings.publicURL = publicURL
        if let key = vapidPrivateKey ?? reader.environment["STARLING_VAPID_PRIVATE_KEY"].flatMap({ $0.isEmpty ? nil : $0 }) {
            do {
                settings.vapidPrivateKey = try VAPIDKey(base64URL: key).privateKeyBase64URL
            } catch {
                throw ValidationError("STARLING_VAPID_PRIVATE_KEY must be a base64url-encoded 32-byte P-256 private key")
            }
        }
        let url = URL(string: publicURL)
        let fallback = url?.scheme == "https" ? publicURL : "mailto:admin@\(url?.host ?? "localhost")"
        settings.subject = reader.string(vapidSubject, "STARLING_VAPID_SUBJECT", default: fallback)
        guard settings.subject.hasPrefix("mailto:") || settings.subject.hasPrefix("https://") else {
            throw ValidationError("STARLING_VAPID_SUBJECT must be a mailto: or https: URL, got '\(settings.subject)'")
        }
        let allow = reader.string(pushAllowHttp, "STARLING_PUSH_ALLOW_HTTP", default: "no").lowercased()
        guard ["yes", "no", "true", "false", "1", "0"].contains(allow) else {
            throw ValidationError("STARLING_PUSH_ALLOW_HTTP must be yes or no, got '\(allow)'")
        }
        settings.allowInsecureEndpoints = ["yes", "true", "1"].contains(allow)
        settings.concurrency = try reader.int(pushConcurrency, "STARLING_PUSH_CONCURRENCY", default: 8, range: 1...1024)
        settings.maxAttempts = try reader.int(pushMaxAttempts, "STARLING_PUSH_MAX_ATTEMPTS", default: 6, range: 1...50)
        return settings
    }
}
