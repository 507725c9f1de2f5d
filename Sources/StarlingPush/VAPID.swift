import Crypto
import Foundation

/// The server's Voluntary Application Server Identification key (RFC 8292): a P-256 key pair
/// whose public half subscribers pin (`server_key`, `vapid_key`) and whose private half signs a
/// short-lived JWT on every push, so a push service accepts messages for a subscription only
/// from the server it was made for. Every node of a cluster must hold the same pair.
public struct VAPIDKey: Sendable {
    public let privateKey: P256.Signing.PrivateKey

    public init(privateKey: P256.Signing.PrivateKey = .init()) {
        self.privateKey = privateKey
    }

    /// From the base64url raw 32-byte private scalar, the form web-push tools print.
    /// - Throws: `VAPIDKey.Invalid` if it is not one.
    public init(base64URL text: String) throws {
        guard let raw = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == 32,
              let key = try? P256.Signing.PrivateKey(rawRepresentation: raw) else {
            throw Invalid()
        }
        self.privateKey = key
    }

    public struct Invalid: Error, CustomStringConvertible {
        public var description: String { "not a base64url-encoded 32-byte P-256 private key" }
    }

    /// The private scalar, base64url: what is stored and configured.
    public var privateKeyBase64URL: String { Base64URL.encode(privateKey.rawRepresentation) }
    /// The uncompressed public point, base64url: Mastodon's `vapid_key` / `server_key`.
    public var publicKeyBase64URL: String { Base64URL.encode(privateKey.publicKey.x963Representation) }

    /// The `Authorization` header for a push to `endpoint` (RFC 8292 §3): `vapid t=<JWT>, k=<key>`.
    /// - Parameters:
    ///   - subject: a `mailto:` or `https:` contact for the push service's operator.
    ///   - expiresIn: the JWT's lifetime; RFC 8292 allows at most 24 hours.
    public func authorization(endpoint: URL, subject: String, now: Date = Date(), expiresIn: TimeInterval = 12 * 3600) throws -> String {
        guard let audience = Self.origin(of: endpoint) else { throw Invalid() }
        let expiry = Int(now.timeIntervalSince1970 + min(expiresIn, 24 * 3600))
        let header = #"{"typ":"JWT","alg":"ES256"}"#
        // Keys written in a fixed order by hand: the values are an origin, a number and a
        // contact, JSON-escaped where they could need it.
        let claims = #"{"aud":\#(Self.jsonString(audience)),"exp":\#(expiry),"sub":\#(Self.jsonString(subject))}"#
        let signingInput = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(Data(claims.utf8))
        // ES256 in a JWT is the raw r||s pair (RFC 7518 §3.4), not DER.
        let signature = try privateKey.signature(for: Data(signingInput.utf8)).rawRepresentation
        return "vapid t=\(signingInput).\(Base64URL.encode(signature)), k=\(publicKeyBase64URL)"
    }

    /// `https://push.example.net` for `https://push.example.net:443/send/abc`: scheme, host and a
    /// non-default port, which is what the JWT's `aud` names.
    public static func origin(of url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host else { return nil }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        if let port = url.port, !(scheme == "https" && port == 443) && !(scheme == "http" && port == 80) {
            return "\(scheme)://\(hostPart):\(port)"
        }
        return "\(scheme)://\(hostPart)"
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

/// A VAPID `Authorization` header read back: what a push service checks. Starling's own test
/// push service uses it; it is kept here next to the signing side so the two cannot drift.
public struct VAPIDCredentials: Sendable {
    public let publicKey: Data
    public let claims: [String: any Sendable]

    /// Parses `vapid t=…, k=…` and verifies the JWT's ES256 signature with the key `k` names.
    /// - Returns: nil if the header is malformed or the signature does not verify.
    public init?(authorization: String) {
        guard authorization.lowercased().hasPrefix("vapid ") else { return nil }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(6).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let token = fields["t"], let keyText = fields["k"], let key = Base64URL.decode(keyText),
              let publicKey = try? P256.Signing.PublicKey(x963Representation: key) else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let claimData = Base64URL.decode(parts[1]),
              let signatureData = Base64URL.decode(parts[2]),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any], header["alg"] as? String == "ES256",
              let claims = try? JSONSerialization.jsonObject(with: claimData) as? [String: Any],
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData),
              publicKey.isValidSignature(signature, for: Data("\(parts[0]).\(parts[1])".utf8)) else { return nil }
        self.publicKey = key
        self.claims = claims.compactMapValues { value -> (any Sendable)? in
            switch value {
            case let s as String: s
            case let n as NSNumber: n.doubleValue
            default: nil
            }
        }
    }

    public var audience: String? { claims["aud"] as? String }
    public var subject: String? { claims["sub"] as? String }
    public var expiry: Date? { (claims["exp"] as? Double).map { Date(timeIntervalSince1970: $0) } }
}
