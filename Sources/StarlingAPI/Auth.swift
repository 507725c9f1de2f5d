import Crypto
import Foundation
import Hummingbird
import StarlingStore

/// Where a request's access token is: `Authorization: Bearer …`, else the `access_token` parameter.
enum BearerToken {
    /// Longer tokens are refused unread: ours are 43 characters.
    static let maxLength = 256

    /// The token, or nil if none is usable (no bearer header and no parameter, or too long).
    static func find(authorization header: String?, accessToken parameter: String?) -> String? {
        var token: String?
        if let header {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, isBearer(parts[0]) { token = trimmed(parts[1]) }
        }
        token = token ?? parameter
        guard let token, !token.isEmpty, token.utf8.count <= maxLength else { return nil }
        return token
    }

    // Both run on every request: Foundation's `lowercased` and `CharacterSet` trimming are kept for
    // the rare header that is not plain ASCII, where they decide.

    /// Whether the scheme is `Bearer`, in any case.
    private static func isBearer(_ scheme: Substring) -> Bool {
        if !scheme.utf8.allSatisfy({ $0 < 0x80 }) { return scheme.lowercased() == "bearer" }
        return scheme.utf8.count == 6 && zip(scheme.utf8, "bearer".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    /// The value without the whitespace around it. A value that starts and ends with a printable
    /// ASCII character has none to trim.
    private static func trimmed(_ value: Substring) -> String {
        if let first = value.utf8.first, let last = value.utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return String(value)
        }
        return String(value).trimmingCharacters(in: .whitespaces)
    }
}

extension APIServices {
    /// The token's owner, from the token-owner cache or PostgreSQL (one query that also loads the
    /// token's scopes and touches `last_active_at`); nil if the token is unknown. The cache is
    /// keyed by the token's SHA-256 digest, the same digest PostgreSQL stores, so a revocation can
    /// name the token to every node without sending the token itself.
    func tokenOwner(_ token: String) async throws -> TokenOwner? {
        let digest = TokenDigest(token: token)
        if var cached = tokenOwners.get(digest) {
            cached.idleSeconds = 0  // seen within the cache lifetime: active
            return cached
        }
        let ticket = tokenOwners.fillTicket()
        guard let owner = try await accounts.authenticate(token: token) else { return nil }
        tokenOwners.set(digest, owner, readSince: ticket)
        return owner
    }
}

/// A token's SHA-256 digest: the token-owner cache's key and what a revocation publishes.
struct TokenDigest: Hashable, Sendable {
    let bytes: [UInt8]

    init(token: String) {
        bytes = Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// From the hex PostgreSQL's `encode(token_hash, 'hex')` gives; nil unless 64 hex digits.
    init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    var hex: String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
