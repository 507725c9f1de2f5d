import StarlingDomain
import Testing

struct WebPushRuleTests {
    @Test func policyDecidesBySenderRelationship() throws {
        #expect(try PushPolicy.parse(nil) == .all)
        #expect(try PushPolicy.parse("follower") == .follower)
        #expect(throws: DomainError.self) { try PushPolicy.parse("friends") }
        for (subscriberFollows, senderFollows) in [(false, false), (true, false), (false, true), (true, true)] {
            #expect(PushPolicy.all.allows(subscriberFollowsSender: subscriberFollows, senderFollowsSubscriber: senderFollows))
            #expect(!PushPolicy.none.allows(subscriberFollowsSender: subscriberFollows, senderFollowsSubscriber: senderFollows))
            #expect(PushPolicy.followed.allows(subscriberFollowsSender: subscriberFollows, senderFollowsSubscriber: senderFollows) == subscriberFollows)
            #expect(PushPolicy.follower.allows(subscriberFollowsSender: subscriberFollows, senderFollowsSubscriber: senderFollows) == senderFollows)
        }
    }

    @Test func alertsAreOffUnlessTurnedOnAndUpdatesKeepTheRest() throws {
        #expect(try PushAlerts.parse([:]).enabled.isEmpty)
        let alerts = try PushAlerts.parse(["mention": "true", "follow": "1", "favourite": "false", "nonsense": "true"])
        #expect(alerts.enabled == [.mention, .follow])
        #expect(alerts.rawValues == ["follow", "mention"])
        let updated = try PushAlerts.parse(["follow": "false", "admin.sign_up": "true"], current: alerts)
        #expect(updated.enabled == [.mention, .adminSignUp])
        #expect(PushAlerts(rawValues: updated.rawValues) == updated)
        #expect(throws: DomainError.self) { try PushAlerts.parse(["mention": "maybe"]) }
    }

    @Test func endpointsMustBeHTTPSExceptLoopback() throws {
        try PushEndpoint.validate("https://fcm.googleapis.com/fcm/send/abc")
        try PushEndpoint.validate("https://[2001:db8::1]:8443/push")
        try PushEndpoint.validate("http://127.0.0.1:4567/push/1")
        try PushEndpoint.validate("http://localhost/push")
        try PushEndpoint.validate("http://[::1]:99/push")
        try PushEndpoint.validate("http://push.example/x", allowInsecure: true)
        for bad in ["", "http://push.example/x", "ftp://push.example/x", "https://", "https://user@host/x", "https://host:port/x",
                    "https://ho st/x", "javascript:alert(1)", "http://127.0.0.1.evil.example/x", "https://" + String(repeating: "a", count: 2100)] {
            #expect(throws: DomainError.self, "\(bad)") { try PushEndpoint.validate(bad) }
        }
    }

    @Test func payloadTitlesBodiesAndTruncation() {
        let payload = PushNotificationPayload(accessToken: "tok", notificationId: 42, type: .mention, icon: "https://x/a.png",
                                              senderName: "Ada", statusText: "<p>@bob hi &amp; welcome</p>", senderNote: "note")
        #expect(payload.title == "You were mentioned by Ada")
        #expect(payload.body == "@bob hi & welcome")
        #expect(payload.notificationType == "mention" && payload.preferredLocale == "en")
        let follow = PushNotificationPayload(accessToken: "tok", notificationId: 1, type: .follow, icon: "",
                                             senderName: "Ada", statusText: nil, senderNote: "I like birds")
        #expect(follow.title == "Ada is now following you" && follow.body == "I like birds")
        let long = String(repeating: "é", count: 200)
        let cut = PushNotificationPayload.truncate(long, length: 140)
        #expect(cut.count == 140 && cut.hasSuffix("..."))
        #expect(PushNotificationPayload.truncate("short", length: 140) == "short")
    }
}

struct PushOutcomeTests {
    @Test func statusesMapToMastodonsHandling() {
        #expect(PushOutcome.classify(status: 201, attempts: 1, maxAttempts: 5) == .delivered)
        #expect(PushOutcome.classify(status: 410, attempts: 1, maxAttempts: 5) == .subscriptionGone)
        #expect(PushOutcome.classify(status: 404, attempts: 1, maxAttempts: 5) == .subscriptionGone)
        #expect(PushOutcome.classify(status: 400, attempts: 1, maxAttempts: 5) == .drop)
        #expect(PushOutcome.classify(status: 413, attempts: 1, maxAttempts: 5) == .drop)
        #expect(PushOutcome.classify(status: 500, attempts: 1, maxAttempts: 5) == .retry(after: 1))
        #expect(PushOutcome.classify(status: nil, attempts: 3, maxAttempts: 5) == .retry(after: 4), "network errors back off exponentially")
        #expect(PushOutcome.classify(status: 429, attempts: 1, maxAttempts: 5, retryAfter: 30) == .retry(after: 30), "Retry-After is honoured")
        #expect(PushOutcome.classify(status: 503, attempts: 5, maxAttempts: 5) == .drop, "gives up after the last attempt")
        #expect(PushOutcome.classify(status: 502, attempts: 30, maxAttempts: 100, baseDelay: 1) == .retry(after: 3600), "capped at an hour")
        #expect(PushOutcome.classify(status: 500, attempts: 2, maxAttempts: 5, baseDelay: 0.05) == .retry(after: 0.1))
    }
}
