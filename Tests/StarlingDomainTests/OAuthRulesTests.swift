import StarlingDomain
import Testing

struct OAuthScopeTests {
    @Test func topLevelScopesGrantTheirGranularOnes() throws {
        let scopes = try OAuthScopes.parse("read write:statuses")
        #expect(scopes.grants(.read))
        #expect(scopes.grants(.granular(.read, "notifications")))
        #expect(scopes.grants(.granular(.write, "statuses")))
        #expect(!scopes.grants(.granular(.write, "favourites")))
        #expect(!scopes.grants(.write))  // a granular scope does not grant its parent
        #expect(!scopes.grants(.push))
        #expect(!scopes.grants(.profile))
    }

    @Test func followIsTheLegacyNameForRelationshipScopes() throws {
        let follow = try OAuthScopes.parse("follow")
        #expect(follow.grants(.granular(.write, "follows")))
        #expect(follow.grants(.granular(.read, "blocks")))
        #expect(!follow.grants(.granular(.write, "statuses")))
    }

    @Test func parsingRefusesUnknownScopesAndDefaultsToRead() throws {
        #expect(try OAuthScopes.parse("") == .defaultScopes)
        #expect(try OAuthScopes.parse("read+write").description == "read write")
        #expect(try OAuthScopes.parse("read read").description == "read")
        #expect(throws: ScopeError.unknown("reed")) { try OAuthScopes.parse("read reed") }
        #expect(throws: ScopeError.unknown("write:everything")) { try OAuthScopes.parse("write:everything") }
    }

    @Test func coversMeansNoMoreThanRegistered() throws {
        let app = try OAuthScopes.parse("read write follow")
        #expect(app.covers(try OAuthScopes.parse("read:statuses write")))
        #expect(!app.covers(try OAuthScopes.parse("read push")))
        #expect(!app.covers(try OAuthScopes.parse("admin:read")))
    }
}

struct OAuthRulesTests {
    @Test func redirectsMustBeRegisteredExactly() {
        let stored = "https://app.example/cb\nurn:ietf:wg:oauth:2.0:oob"
        #expect(OAuthRules.isRegistered("https://app.example/cb", stored: stored))
        #expect(OAuthRules.isRegistered(OAuthRules.outOfBand, stored: stored))
        #expect(!OAuthRules.isRegistered("https://app.example/cb/more", stored: stored))
        #expect(!OAuthRules.isRegistered("https://app.example/c", stored: stored))
        #expect(!OAuthRules.isRegistered("", stored: stored))
    }

    @Test func redirectURIsAnAppMayRegister() {
        #expect(OAuthRules.isValidRedirect("https://app.example/cb"))
        #expect(OAuthRules.isValidRedirect("tusky://oauth"))
        #expect(OAuthRules.isValidRedirect(OAuthRules.outOfBand))
        #expect(!OAuthRules.isValidRedirect("javascript:alert(1)"))
        #expect(!OAuthRules.isValidRedirect("https://app.example/cb#frag"))
        #expect(!OAuthRules.isValidRedirect("no-scheme"))
        #expect(!OAuthRules.isValidRedirect("https://a b"))
    }

    @Test func pkceStrings() {
        #expect(OAuthRules.isValidPKCEString(String(repeating: "a", count: 43)))
        #expect(OAuthRules.isValidPKCEString(String(repeating: "-._~", count: 32)))
        #expect(!OAuthRules.isValidPKCEString(String(repeating: "a", count: 42)))
        #expect(!OAuthRules.isValidPKCEString(String(repeating: "a", count: 129)))
        #expect(!OAuthRules.isValidPKCEString(String(repeating: "a", count: 42) + "+"))
    }

    @Test func redirectLocationKeepsTheQueryAndEncodes() {
        #expect(OAuthRules.redirectLocation("https://a.example/cb", parameters: [("code", "x y"), ("state", "a&b=c")])
            == "https://a.example/cb?code=x%20y&state=a%26b%3Dc")
        #expect(OAuthRules.redirectLocation("https://a.example/cb?app=1", parameters: [("code", "k")]) == "https://a.example/cb?app=1&code=k")
    }

    @Test func returnPathsStayOnThisSite() {
        #expect(OAuthRules.safeReturnPath("/oauth/authorize?x=1") == "/oauth/authorize?x=1")
        #expect(OAuthRules.safeReturnPath("//evil.example/") == "/")
        #expect(OAuthRules.safeReturnPath("/\\evil.example/") == "/")
        #expect(OAuthRules.safeReturnPath("https://evil.example/") == "/")
        #expect(OAuthRules.safeReturnPath("/a\r\nSet-Cookie: x") == "/")
        #expect(OAuthRules.safeReturnPath(nil) == "/")
    }

    @Test func throttleRefusesAfterTheFreeFailures() {
        let throttle = SignInThrottle()
        #expect(!throttle.refuses(accountFailures: 4, addressFailures: 19))
        #expect(throttle.refuses(accountFailures: 5, addressFailures: 0))
        #expect(throttle.refuses(accountFailures: 0, addressFailures: 20))
    }
}

struct RateLimitPolicyTests {
    @Test func settingsParse() throws {
        #expect(try RateLimitPolicy.parse("on") == .mastodon)
        #expect(try RateLimitPolicy.parse("off").isOff)
        let custom = try RateLimitPolicy.parse("api=600/300,statuses=off")
        #expect(custom.budgets[.api] == .init(limit: 600, periodSeconds: 300))
        #expect(custom.budgets[.statuses] == nil)
        #expect(custom.budgets[.media] == RateLimitPolicy.mastodon.budgets[.media])
        #expect(throws: DomainError.self) { try RateLimitPolicy.parse("api=lots") }
        #expect(throws: DomainError.self) { try RateLimitPolicy.parse("apis=1/1") }
    }

    @Test func routesSpendTheirOwnBudgets() {
        #expect(RateLimitPolicy.specificBuckets(method: "POST", path: "/api/v1/statuses") == [.statuses])
        #expect(RateLimitPolicy.specificBuckets(method: "POST", path: "/api/v2/media") == [.media])
        #expect(RateLimitPolicy.specificBuckets(method: "POST", path: "/api/v1/accounts") == [.registrations])
        #expect(RateLimitPolicy.specificBuckets(method: "POST", path: "/auth/sign_in") == [.signIn])
        #expect(RateLimitPolicy.specificBuckets(method: "GET", path: "/api/v1/statuses").isEmpty)
    }

    @Test func windowsAreFixedAndShared() {
        let budget = RateLimitPolicy.Budget(limit: 300, periodSeconds: 300)
        #expect(RateLimitPolicy.window(budget, at: 600).index == 2)
        #expect(RateLimitPolicy.window(budget, at: 899).resetsAt == 900)
    }
}
