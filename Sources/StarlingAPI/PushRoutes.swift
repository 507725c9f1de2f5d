import Foundation
import Hummingbird
import StarlingDomain
import StarlingPush
import StarlingStore
import Synchronization

/// The server's VAPID key as the API uses it (its public half in the instance and app entities, a
/// key derived from it sealing the tokens push payloads carry): loaded once per process, from the
/// setting or PostgreSQL, where the first node that needs one stores it.
final class VAPIDKeyCache: Sendable {
    private let cached = Mutex<VAPIDKey?>(nil)

    init() {}

    func key(_ services: APIServices) async throws -> VAPIDKey {
        if let key = cached.withLock({ $0 }) { return key }
        let settings = services.settings.push
        let key: VAPIDKey
        if let configured = settings.vapidPrivateKey {
            key = try VAPIDKey(base64URL: configured)
        } else {
            key = try VAPIDKey(base64URL: try await PushStore(database: services.database)
                .serverKey("vapid_private_key", orInsert: VAPIDKey().privateKeyBase64URL))
        }
        cached.withLock { $0 = key }
        return key
    }

    /// The public key for the entities (`vapid_key`, `configuration.vapid.public_key`).
    func publicKey(_ services: APIServices) async throws -> String {
        try await key(services).publicKeyBase64URL
    }
}

/// Mastodon's Web Push subscription entity.
struct WebPushSubscriptionEntity: Encodable, Sendable {
    var id: Int64
    var endpoint: String
    var alerts: PushAlerts
    var policy: PushPolicy
    var serverKey: String

    enum Keys: String, CodingKey { case id, endpoint, standard, alerts, policy, server_key }
    struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var object = encoder.container(keyedBy: Keys.self)
        try object.encode(id, forKey: .id)
        try object.encode(endpoint, forKey: .endpoint)
        // Starling sends RFC 8291's aes128gcm only (Mastodon 4.4's "standard" subscriptions).
        try object.encode(true, forKey: .standard)
        var alertObject = object.nestedContainer(keyedBy: Name.self, forKey: .alerts)
        for kind in NotificationKind.allCases {
            try alertObject.encode(alerts.enabled.contains(kind), forKey: Name(stringValue: kind.rawValue))
        }
        try object.encode(policy.rawValue, forKey: .policy)
        try object.encode(serverKey, forKey: .server_key)
    }
}

/// `/api/v1/push/subscription`: one Web Push subscription per access token, as in Mastodon (a
/// new POST replaces the token's subscription; revoking the token drops it). Every call needs
/// the `push` scope and a user's token.
extension MastodonRoutes {
    func registerPush(on routes: APIRoutes) {
        let authed = routes.authenticated(.push)
        authed.post("/api/v1/push/subscription") { request, context in try await subscribe(request, context) }
        authed.get("/api/v1/push/subscription") { request, context in try await pushSubscription(request, context) }
        authed.put("/api/v1/push/subscription") { request, context in try await updatePushSubscription(request, context) }
        authed.delete("/api/v1/push/subscription") { request, context in try await unsubscribe(request, context) }
    }

    /// The token the request authenticated with (subscriptions are the token's, not the account's).
    private func pushToken(_ request: Request, _ context: StarlingRequestContext) throws -> (String, SignedInUser) {
        let user = try context.requireUser(.push)
        guard let token = BearerToken.find(authorization: request.headers[.authorization], accessToken: context.params["access_token"]) else {
            throw MastodonError.unauthorized
        }
        return (token, user)
    }

    /// `data[alerts][<type>]` values, from a form or a (flattened) JSON body.
    private func alertParams(_ params: Params) -> [String: String] {
        var alerts: [String: String] = [:]
        let prefix = "data[alerts]["
        for (key, values) in params.values where key.hasPrefix(prefix) && key.hasSuffix("]") {
            alerts[String(key.dropFirst(prefix.count).dropLast())] = values.last
        }
        return alerts
    }

    private func entity(_ row: PushSubscriptionRow) async throws -> Response {
        try JSON.response(WebPushSubscriptionEntity(id: row.id, endpoint: row.endpoint, alerts: row.alerts, policy: row.policy,
                                                    serverKey: try await services.vapid.publicKey(services)))
    }

    func subscribe(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let (token, user) = try pushToken(request, context)
        let params = context.params
        let endpoint = params["subscription[endpoint]"] ?? ""
        try PushEndpoint.validate(endpoint, allowInsecure: services.settings.push.allowInsecureEndpoints)
        guard let p256dh = params["subscription[keys][p256dh]"], !p256dh.isEmpty,
              let auth = params["subscription[keys][auth]"], !auth.isEmpty else {
            throw MastodonError(.unprocessableContent, "Validation failed: Keys can't be blank")
        }
        guard let point = StarlingPush.Base64URL.decode(p256dh), WebPushEncryption.isValidPublicKey(point) else {
            throw MastodonError(.unprocessableContent, "Validation failed: Key p256dh must be an uncompressed P-256 public key, base64url-encoded")
        }
        guard let secret = StarlingPush.Base64URL.decode(auth), secret.count == 16 else {
            throw MastodonError(.unprocessableContent, "Validation failed: Key auth must be 16 bytes, base64url-encoded")
        }
        let alerts = try PushAlerts.parse(alertParams(params))
        let policy = try PushPolicy.parse(params["data[policy]"])
        let sealed = try TokenSeal(vapid: try await services.vapid.key(services)).seal(token)
        // Stored re-encoded, so the worker reads one spelling whatever alphabet the client used.
        let row = try await services.push.subscribe(token: token, tokenSealed: sealed, account: user.id, endpoint: endpoint,
                                                    p256dh: StarlingPush.Base64URL.encode(point), auth: StarlingPush.Base64URL.encode(secret),
                                                    alerts: alerts, policy: policy)
        return try await entity(row)
    }

    func pushSubscription(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let (token, _) = try pushToken(request, context)
        guard let row = try await services.push.subscription(token: token) else { throw MastodonError.notFound }
        return try await entity(row)
    }

    func updatePushSubscription(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let (token, _) = try pushToken(request, context)
        guard let current = try await services.push.subscription(token: token) else { throw MastodonError.notFound }
        let alerts = try PushAlerts.parse(alertParams(context.params), current: current.alerts)
        let policy = try context.params["data[policy]"].map { try PushPolicy.parse($0) } ?? current.policy
        guard let row = try await services.push.update(token: token, alerts: alerts, policy: policy) else { throw MastodonError.notFound }
        return try await entity(row)
    }

    func unsubscribe(_ request: Request, _ context: StarlingRequestContext) async throws -> Response {
        let (token, _) = try pushToken(request, context)
        try await services.push.unsubscribe(token: token)
        return try JSON.response([String: String]())
    }
}

extension APIServices {
    var push: PushStore { PushStore(database: database) }
}
