import Crypto
import Foundation
import Logging
import ServiceLifecycle
import StarlingDomain
import StarlingPush
import StarlingStore
@testable import StarlingWorker
import Testing

/// Web Push end to end against the real PostgreSQL and Redis: subscriptions through the API, a
/// worker (fan-out and push sender, running as `starling worker` runs them) and a push service on
/// 127.0.0.1 that decrypts with the subscription's private key, as a browser would.
@Suite(.serialized, .enabled(if: TestEnvironment.available, "needs STARLING_TEST_DATABASE_URL and STARLING_TEST_REDIS_SHARDS (./scripts/test sets them)"))
struct WebPushTests {
    /// A subscriber's side: the key pair and auth secret a user agent makes.
    struct Subscriber {
        let user: Harness.User
        let pushToken: String
        let key = P256.KeyAgreement.PrivateKey()
        let auth = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        var p256dh: String { Base64URL.encode(key.publicKey.x963Representation) }
        var authText: String { Base64URL.encode(auth) }
    }

    /// A user and a token of theirs with the `push` scope (password grant on an app that may ask for it).
    static func subscriber(_ h: Harness, _ prefix: String) async throws -> Subscriber {
        let user = try await h.register(prefix)
        let app = try await h.call(.post, "/api/v1/apps", form: ["client_name": "push app", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                                                 "scopes": "read write follow push"])
        let token = try await h.call(.post, "/oauth/token", form: [
            "grant_type": "password", "client_id": app.string("client_id"), "client_secret": app.string("client_secret"),
            "username": user.username, "password": "correct horse", "scope": "read push",
        ])
        try #require(token.status == .ok, "password grant: \(token.status) \(String(decoding: token.bytes, as: UTF8.self))")
        return Subscriber(user: user, pushToken: token.string("access_token"))
    }

    static func subscribe(_ h: Harness, _ s: Subscriber, endpoint: String, alerts: [String: Bool] = ["mention": true],
                          policy: String = "all") async throws -> Harness.Reply {
        let body: [String: Any] = [
            "subscription": ["endpoint": endpoint, "keys": ["p256dh": s.p256dh, "auth": s.authText]],
            "data": ["alerts": alerts, "policy": policy],
        ]
        return try await h.call(.post, "/api/v1/push/subscription", token: s.pushToken,
                                rawBody: Array(try JSONSerialization.data(withJSONObject: body)), contentType: "application/json")
    }

    /// Checks `condition` until it holds or `limit` passes (the worker settles right after the
    /// push service answers, on its own task).
    static func await(within limit: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while try await !condition() {
            guard ContinuousClock.now < deadline else { return }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func instanceKey(_ h: Harness) async throws -> String {
        let instance = try await h.call(.get, "/api/v2/instance")
        let configuration = try #require(instance.object["configuration"] as? [String: Any])
        return try #require((configuration["vapid"] as? [String: Any])?["public_key"] as? String)
    }

    func deliveries(_ h: Harness, subscription: Int64) async throws -> Int {
        try await h.database.query("test_push_deliveries", "SELECT id FROM push_deliveries WHERE subscription_id = \(subscription)")
            .collect(Int64.self).count
    }

    @Test func mentionReachesThePushServiceEncryptedWithinASecond() async throws {
        let service = try await TestPushService.start()
        try await Harness.with { h in
            let alice = try await Self.subscriber(h, "alice")
            let bob = try await h.register("bob")
            let vapidKey = try await instanceKey(h)
            #expect(StarlingPush.Base64URL.decode(vapidKey)?.count == 65)
            let app = try await h.call(.post, "/api/v1/apps", form: ["client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"])
            #expect(app.string("vapid_key") == vapidKey, "the application entity names the same key")

            let subscribed = try await Self.subscribe(h, alice, endpoint: service.url("/push/alice"))
            try #require(subscribed.status == .ok, "\(subscribed.status) \(String(decoding: subscribed.bytes, as: UTF8.self))")
            #expect(subscribed.string("server_key") == vapidKey)
            #expect(subscribed.string("endpoint") == service.url("/push/alice"))
            #expect(subscribed.string("policy") == "all")
            let alerts = try #require(subscribed.object["alerts"] as? [String: Bool])
            #expect(alerts["mention"] == true && alerts["follow"] == false && alerts["favourite"] == false)
            let subscriptionId = try #require(subscribed.object["id"] as? Int64 ?? (subscribed.object["id"] as? Int).map(Int64.init))

            let (received, posted) = try await h.withRunningWorker {
                // A follow (alert off) queues nothing; the mention does.
                try await h.follow(bob, alice.user)
                let start = ContinuousClock.now
                _ = try await h.post(bob, "@\(alice.user.username) hello there, are you reading this on your phone?")
                let requests = try #require(try await service.waitFor(count: 1), "no push arrived within 5 s")
                return (requests[0], requests[0].at - start)
            }
            let millis = Double(posted.components.attoseconds) / 1e15 + Double(posted.components.seconds) * 1000
            print("web push: mention delivered to the push service \(String(format: "%.1f", millis)) ms after the post was acknowledged")
            #expect(posted < .seconds(1), "a mention reaches the push endpoint within a second")

            #expect(received.path == "/push/alice")
            #expect(received.headers["content-encoding"] == "aes128gcm")
            #expect(received.headers["content-type"] == "application/octet-stream")
            #expect(Int(received.headers["ttl"] ?? "") ?? 0 > 0)
            #expect(received.headers["urgency"] == "normal")
            let credentials = try #require(VAPIDCredentials(authorization: received.headers["authorization"] ?? ""), "VAPID JWT verifies")
            #expect(StarlingPush.Base64URL.encode(credentials.publicKey) == vapidKey, "signed with the instance's key")
            #expect(credentials.audience == "http://127.0.0.1:\(service.port)")
            #expect(credentials.subject == "mailto:admin@starling.test")
            let expiry = try #require(credentials.expiry)
            #expect(expiry > Date() && expiry <= Date().addingTimeInterval(24 * 3600))

            let plain = try WebPushEncryption.decrypt(received.body, receiverKey: alice.key, authSecret: alice.auth)
            let payload = try #require(try JSONSerialization.jsonObject(with: plain) as? [String: Any])
            let notes = try await h.call(.get, "/api/v1/notifications", token: alice.user.token)
            let mention = try #require(notes.array.first { $0["type"] as? String == "mention" })
            #expect("\(payload["notification_id"] ?? "")" == mention["id"] as? String)
            #expect(payload["notification_type"] as? String == "mention")
            #expect(payload["access_token"] as? String == alice.pushToken, "the subscription's own token, as Mastodon sends it")
            #expect(payload["preferred_locale"] as? String == "en")
            #expect(payload["title"] as? String == "You were mentioned by \(bob.username)")
            #expect((payload["body"] as? String)?.hasPrefix("@\(alice.user.username) hello there") == true)
            #expect((payload["icon"] as? String)?.hasPrefix("http://starling.test/") == true)

            // Never twice: the delivery is gone, and a redone job creates neither the notification
            // nor its delivery again.
            #expect(try await deliveries(h, subscription: subscriptionId) == 0)
            let again = try await NotificationStore(database: h.database).create(
                recipient: alice.user.id, from: bob.id, type: .mention, statusId: Int64(mention["status"].flatMap { ($0 as? [String: Any])?["id"] as? String } ?? ""))
            #expect(again == nil)
            #expect(try await deliveries(h, subscription: subscriptionId) == 0)
            #expect(service.requests.count == 1)
        }
        await service.stop()
    }

    @Test func policyAndAlertsDecideWhatIsQueued() async throws {
        try await Harness.with { h in
            let carol = try await Self.subscriber(h, "carol")
            let stranger = try await h.register("stranger"), friend = try await h.register("friend")
            let reply = try await Self.subscribe(h, carol, endpoint: "https://push.example.net/carol", alerts: ["mention": true], policy: "followed")
            try #require(reply.status == .ok)
            let id = try #require(reply.object["id"] as? Int64 ?? (reply.object["id"] as? Int).map(Int64.init))
            try await h.follow(carol.user, friend)
            let store = NotificationStore(database: h.database)
            // No worker runs here: only what the notification statement queued is looked at.
            _ = try await store.create(recipient: carol.user.id, from: stranger.id, type: .mention, statusId: nil)
            #expect(try await deliveries(h, subscription: id) == 0, "policy followed: a stranger's mention is not pushed")
            _ = try await store.create(recipient: carol.user.id, from: friend.id, type: .mention, statusId: nil)
            #expect(try await deliveries(h, subscription: id) == 1, "someone carol follows is")
            _ = try await store.create(recipient: carol.user.id, from: friend.id, type: .favourite, statusId: nil)
            #expect(try await deliveries(h, subscription: id) == 1, "favourite alert is off")
            // Leave no delivery to an unreachable host for the next test's worker.
            #expect(try await h.call(.delete, "/api/v1/push/subscription", token: carol.pushToken).status == .ok)
            #expect(try await deliveries(h, subscription: id) == 0, "deleting the subscription drops its queue")
        }
    }

    @Test func goneSubscriptionIsDropped() async throws {
        let service = try await TestPushService.start { _ in 410 }
        try await Harness.with { h in
            let dave = try await Self.subscriber(h, "dave")
            let erin = try await h.register("erin")
            #expect(try await Self.subscribe(h, dave, endpoint: service.url("/push/dave")).status == .ok)
            try await h.withRunningWorker {
                _ = try await h.post(erin, "@\(dave.user.username) ping")
                #expect(try await service.waitFor(count: 1) != nil)
                // Settled right after the answer: wait for the row to go.
                try await Self.await(within: .seconds(5)) {
                    try await h.call(.get, "/api/v1/push/subscription", token: dave.pushToken).status == .notFound
                }
            }
            #expect(try await h.call(.get, "/api/v1/push/subscription", token: dave.pushToken).status == .notFound, "410: the subscription is deleted")
            #expect(service.requests.count == 1)
        }
        await service.stop()
    }

    @Test func serverErrorsAreRetriedUntilDeliveredOnce() async throws {
        // The push service fails twice, then recovers.
        let service = try await TestPushService.start { index in index < 2 ? 500 : 201 }
        try await Harness.with { h in
            let frank = try await Self.subscriber(h, "frank")
            let gina = try await h.register("gina")
            let reply = try await Self.subscribe(h, frank, endpoint: service.url("/push/frank"))
            let id = try #require(reply.object["id"] as? Int64 ?? (reply.object["id"] as? Int).map(Int64.init))
            try await h.withRunningWorker {
                _ = try await h.post(gina, "@\(frank.user.username) are you there?")
                let requests = try #require(try await service.waitFor(count: 3), "retried after the 500s")
                for request in requests {
                    let plain = try WebPushEncryption.decrypt(request.body, receiverKey: frank.key, authSecret: frank.auth)
                    #expect(String(decoding: plain, as: UTF8.self).contains("are you there?"))
                }
                try await Self.await(within: .seconds(5)) { try await deliveries(h, subscription: id) == 0 }
            }
            #expect(try await deliveries(h, subscription: id) == 0, "delivered, then deleted")
            #expect(service.requests.count == 3, "two failures and one success, nothing after it")
            #expect(try await h.call(.get, "/api/v1/push/subscription", token: frank.pushToken).status == .ok, "a 500 does not drop the subscription")
        }
        await service.stop()
    }

    @Test func otherClientErrorsDropTheDeliveryButKeepTheSubscription() async throws {
        let service = try await TestPushService.start { _ in 400 }
        try await Harness.with { h in
            let ivan = try await Self.subscriber(h, "ivan")
            let judy = try await h.register("judy")
            let reply = try await Self.subscribe(h, ivan, endpoint: service.url("/push/ivan"))
            let id = try #require(reply.object["id"] as? Int64 ?? (reply.object["id"] as? Int).map(Int64.init))
            try await h.withRunningWorker {
                _ = try await h.post(judy, "@\(ivan.user.username) hi")
                #expect(try await service.waitFor(count: 1) != nil)
                try await Self.await(within: .seconds(5)) { try await deliveries(h, subscription: id) == 0 }
            }
            #expect(try await deliveries(h, subscription: id) == 0, "a 400 will not succeed later: the delivery is dropped")
            #expect(service.requests.count == 1, "and not retried")
            #expect(try await h.call(.get, "/api/v1/push/subscription", token: ivan.pushToken).status == .ok, "the subscription stays")
        }
        await service.stop()
    }

    @Test func subscriptionAPIScopesValidationAndLifecycle() async throws {
        try await Harness.with { h in
            let hank = try await Self.subscriber(h, "hank")
            let endpoint = "https://push.example.net/wpush/hank"
            // A token without the push scope.
            let noScope = try await h.call(.post, "/api/v1/push/subscription", token: hank.user.token, form: [
                "subscription[endpoint]": endpoint, "subscription[keys][p256dh]": hank.p256dh, "subscription[keys][auth]": hank.authText,
            ])
            #expect(noScope.status == .forbidden)
            #expect(try await h.call(.get, "/api/v1/push/subscription").status == .unauthorized)
            #expect(try await h.call(.get, "/api/v1/push/subscription", token: hank.pushToken).status == .notFound)

            let offCurve = Data([4] + [UInt8](repeating: 1, count: 64))
            let bad: [[String: String]] = [
                ["subscription[endpoint]": endpoint, "subscription[keys][p256dh]": "not base64!", "subscription[keys][auth]": hank.authText],
                ["subscription[endpoint]": endpoint, "subscription[keys][p256dh]": StarlingPush.Base64URL.encode(offCurve), "subscription[keys][auth]": hank.authText],
                ["subscription[endpoint]": endpoint, "subscription[keys][p256dh]": StarlingPush.Base64URL.encode(hank.key.publicKey.compressedRepresentation), "subscription[keys][auth]": hank.authText],
                ["subscription[endpoint]": endpoint, "subscription[keys][p256dh]": hank.p256dh, "subscription[keys][auth]": StarlingPush.Base64URL.encode(Data(count: 15))],
                ["subscription[endpoint]": endpoint, "subscription[keys][p256dh]": hank.p256dh],
                ["subscription[endpoint]": "http://push.example.net/x", "subscription[keys][p256dh]": hank.p256dh, "subscription[keys][auth]": hank.authText],
                ["subscription[endpoint]": "ftp://push.example.net/x", "subscription[keys][p256dh]": hank.p256dh, "subscription[keys][auth]": hank.authText],
                ["subscription[keys][p256dh]": hank.p256dh, "subscription[keys][auth]": hank.authText],
                ["subscription[endpoint]": endpoint, "subscription[keys][p256dh]": hank.p256dh, "subscription[keys][auth]": hank.authText, "data[policy]": "friends"],
                ["subscription[endpoint]": endpoint, "subscription[keys][p256dh]": hank.p256dh, "subscription[keys][auth]": hank.authText, "data[alerts][mention]": "maybe"],
            ]
            for form in bad {
                let reply = try await h.call(.post, "/api/v1/push/subscription", token: hank.pushToken, form: form)
                #expect(reply.status == .unprocessableContent, "\(form)")
                #expect(reply.error?.isEmpty == false)
            }
            #expect(try await h.call(.get, "/api/v1/push/subscription", token: hank.pushToken).status == .notFound, "bad input changed nothing")

            // Form-encoded, as older clients send it.
            let created = try await h.call(.post, "/api/v1/push/subscription", token: hank.pushToken, form: [
                "subscription[endpoint]": endpoint, "subscription[keys][p256dh]": hank.p256dh, "subscription[keys][auth]": hank.authText,
                "data[alerts][mention]": "true", "data[alerts][reblog]": "1",
            ])
            try #require(created.status == .ok)
            let shown = try await h.call(.get, "/api/v1/push/subscription", token: hank.pushToken)
            #expect(shown.status == .ok && shown.object["id"] as? Int == created.object["id"] as? Int)
            #expect((shown.object["alerts"] as? [String: Bool])?["reblog"] == true)

            let updated = try await h.call(.put, "/api/v1/push/subscription", token: hank.pushToken, form: [
                "data[alerts][follow]": "true", "data[alerts][reblog]": "false", "data[policy]": "follower",
            ])
            #expect(updated.status == .ok)
            let alerts = updated.object["alerts"] as? [String: Bool] ?? [:]
            #expect(alerts["mention"] == true && alerts["follow"] == true && alerts["reblog"] == false, "PUT changes only what it names")
            #expect(updated.string("policy") == "follower")
            #expect(updated.string("endpoint") == endpoint)

            // A new POST replaces the token's subscription.
            let replaced = try await Self.subscribe(h, hank, endpoint: endpoint + "/2")
            #expect(replaced.status == .ok && replaced.object["id"] as? Int != created.object["id"] as? Int)
            let count = try await h.database.query("test_push_subs", """
                SELECT id FROM push_subscriptions WHERE account_id = \(hank.user.id)
                """).collect(Int64.self).count
            #expect(count == 1)

            let deleted = try await h.call(.delete, "/api/v1/push/subscription", token: hank.pushToken)
            #expect(deleted.status == .ok && deleted.object.isEmpty)
            #expect(try await h.call(.get, "/api/v1/push/subscription", token: hank.pushToken).status == .notFound)
            #expect(try await h.call(.put, "/api/v1/push/subscription", token: hank.pushToken, form: ["data[policy]": "all"]).status == .notFound)

            // Deleting the token drops its subscription.
            #expect(try await Self.subscribe(h, hank, endpoint: endpoint).status == .ok)
            try await h.database.query("test_drop_token", """
                DELETE FROM access_tokens WHERE token_hash = sha256(convert_to(\(hank.pushToken), 'UTF8'))
                """)
            let left = try await h.database.query("test_push_subs_left", """
                SELECT id FROM push_subscriptions WHERE account_id = \(hank.user.id)
                """).collect(Int64.self).count
            #expect(left == 0)
        }
    }
}
