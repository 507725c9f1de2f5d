import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import StarlingDomain
import StarlingPush
import StarlingRedis
import StarlingStore

/// Browser sign-in: the session cookie (its secret's digest is in PostgreSQL, so every API node
/// honours it), the CSRF tokens of forms, and the throttle on failed passwords.
enum WebAuth {
    /// The session cookie: HttpOnly, SameSite=Lax (sent on top-level navigations such as an app
    /// opening `/oauth/authorize`, not on cross-site form posts), Secure behind https.
    static let sessionCookie = "starling_session"
    /// A form token for pages shown before there is a session (the sign-in form): the form carries
    /// the same value as this cookie (double submit), which another site cannot read or set.
    static let formCookie = "starling_form"
    static let sessionMaxAge = 30 * 24 * 3600

    static func cookie(_ name: String, _ value: String, secure: Bool, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// Compares secrets in time independent of where they differ.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// A cookie value we could have issued (43 base64url characters): anything else is ignored
    /// unread, never sent to PostgreSQL.
    static func isWellFormedSecret(_ value: String) -> Bool {
        value.utf8.count == 43 && value.utf8.allSatisfy { byte in
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
        }
    }

    /// A fresh random secret for a form cookie.
    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64URL.encode(bytes)
    }

    /// The address a request came from: the last `X-Forwarded-For` hop when the peer is a proxy
    /// on loopback or a private network (HAProxy in front), else the peer itself; nil when the
    /// connection has no peer address (a request handed to the router in-process).
    static func clientAddress(_ request: Request, peer: String?) -> String? {
        if let peer, isProxy(peer), let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return String(last.prefix(64))
        }
        return peer
    }

    static func isProxy(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("10.") || address.hasPrefix("192.168.")
            || address.hasPrefix("172.") || address.hasPrefix("fd") || address.hasPrefix("fc")
    }
}

/// PKCE verification (RFC 7636 section 4.6).
enum PKCE {
    static func verify(verifier: String, challenge: String, method: OAuthRules.ChallengeMethod) -> Bool {
        guard OAuthRules.isValidPKCEString(verifier) else { return false }
        switch method {
        case .plain:
            return WebAuth.constantTimeEquals(verifier, challenge)
        case .s256:
            return WebAuth.constantTimeEquals(Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))), challenge)
        }
    }
}

/// Counts failed sign-ins in Redis, so every API node slows the same guesser: per login and per
/// client address (`SignInThrottle` holds the numbers). A Redis outage lets attempts through (and
/// is logged): the throttle protects passwords, it must not lock everyone out.
struct SignInGuard: Sendable {
    let redis: ShardedRedis
    let rules: SignInThrottle
    let logger: Logger

    /// Seconds until attempts are accepted again, or nil if this attempt may go ahead.
    func refusal(login: String, address: String?) async -> Int? {
        do {
            var batch = redis.batch()
            let loginKey = RedisKeys.signInFailures(login: login), addressKey = address.map { RedisKeys.signInFailures(address: $0) }
            let loginCount = batch.add(RedisCommand("GET", loginKey), routedBy: loginKey)
            let loginTTL = batch.add(RedisCommand("TTL", loginKey), routedBy: loginKey)
            let addressCount = addressKey.map { batch.add(RedisCommand("GET", $0), routedBy: $0) }
            let addressTTL = addressKey.map { batch.add(RedisCommand("TTL", $0), routedBy: $0) }
            let replies = try await redis.send(batch).throwingFirstError()
            let accountFailures = replies[loginCount].string.flatMap { Int($0) } ?? 0
            let addressFailures = addressCount.flatMap { replies[$0].string.flatMap { Int($0) } } ?? 0
            guard rules.refuses(accountFailures: accountFailures, addressFailures: addressFailures) else { return nil }
            let ttls = [replies[loginTTL], addressTTL.map { replies[$0] } ?? .null].compactMap { value -> Int? in
                if case .integer(let seconds) = value, seconds > 0 { return Int(seconds) }
                return nil
            }
            return max(1, ttls.max() ?? rules.windowSeconds)
        } catch {
            logger.warning("sign-in throttle unavailable", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Counts a failure; the window starts at the first failure.
    func recordFailure(login: String, address: String?) async {
        var batch = redis.batch()
        for key in [RedisKeys.signInFailures(login: login)] + (address.map { [RedisKeys.signInFailures(address: $0)] } ?? []) {
            _ = batch.add(RedisCommand("SET", key, "0", "EX", String(rules.windowSeconds), "NX"), routedBy: key)
            _ = batch.add(RedisCommand("INCR", key), routedBy: key)
        }
        do { _ = try await redis.send(batch).throwingFirstError() } catch {
            logger.warning("could not count a failed sign-in", metadata: ["error": "\(error)"])
        }
    }

    /// A success clears the login's count (not the address's: one right password among many
    /// guesses from one place does not excuse the guesses).
    func recordSuccess(login: String) async {
        let key = RedisKeys.signInFailures(login: login)
        _ = try? await redis.send(key: key, RedisCommand("DEL", key))
    }
}

extension MastodonError {
    /// 429 for a throttled sign-in, with `Retry-After`.
    static func tooManySignIns(retryAfter seconds: Int) -> MastodonError {
        MastodonError(.tooManyRequests, "Too many failed sign-in attempts. Try again in \(seconds) seconds.",
                      headers: [.retryAfter: String(seconds)])
    }
}
