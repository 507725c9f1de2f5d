/// The rules of the OAuth 2 authorization-code flow (RFC 6749 section 4.1, PKCE RFC 7636) as
/// Mastodon applies them: which redirect URIs an app may use, what a PKCE challenge looks like,
/// where a browser is sent back, and which return paths after sign-in are safe.
public enum OAuthRules {
    /// The out-of-band redirect: the code is shown on a page for the person to copy.
    public static let outOfBand = "urn:ietf:wg:oauth:2.0:oob"
    /// How long a code can be exchanged (Mastodon's Doorkeeper setting).
    public static let codeLifetimeSeconds = 600

    /// The app's registered redirect URIs (stored newline-separated, as `POST /api/v1/apps` took them).
    public static func registeredRedirects(_ stored: String) -> [String] {
        stored.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    /// A redirect URI is allowed only if it was registered exactly (no prefix or pattern matching:
    /// an open redirect would hand codes to anyone).
    public static func isRegistered(_ requested: String, stored: String) -> Bool {
        registeredRedirects(stored).contains(requested)
    }

    /// A redirect URI an app may register: the out-of-band URN, or an absolute URI with a scheme
    /// (apps use custom schemes such as `tusky://oauth`) and no fragment (RFC 6749 section 3.1.2).
    public static func isValidRedirect(_ uri: String) -> Bool {
        if uri == outOfBand { return true }
        guard uri.utf8.count <= 2000, !uri.contains("#"), !uri.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }),
              let colon = uri.firstIndex(of: ":") else { return false }
        let scheme = uri[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return false }
        let lowered = scheme.lowercased()
        return !["javascript", "data", "vbscript", "file"].contains(lowered) && uri.index(after: colon) < uri.endIndex
    }

    /// PKCE methods (RFC 7636 section 4.3); `plain` when a request names none.
    public enum ChallengeMethod: String, Sendable {
        case s256 = "S256"
        case plain
    }

    /// A code challenge or verifier: 43 to 128 characters of `[A-Za-z0-9-._~]` (RFC 7636 section 4.1).
    public static func isValidPKCEString(_ text: String) -> Bool {
        (43...128).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            }
    }

    /// Where the browser goes after the person decides: the redirect URI with the parameters
    /// added to its query (keeping any query it had), percent-encoded.
    public static func redirectLocation(_ redirectURI: String, parameters: [(String, String)]) -> String {
        let query = parameters.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
        guard !query.isEmpty else { return redirectURI }
        return redirectURI + (redirectURI.contains("?") ? "&" : "?") + query
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    public static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// Where a sign-in form may send the browser afterwards: a path on this site only (`/…` but
    /// not `//host` or `/\host`, which browsers treat as another host), else `/`.
    public static func safeReturnPath(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.hasPrefix("/\\"), path.utf8.count <= 4000,
              !path.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true }) else { return "/" }
        return path
    }
}

/// How failed sign-in attempts are slowed: after `freeFailures` failures within `windowSeconds`
/// (per account and, more loosely, per client address), further attempts are refused until the
/// window since the first failure has passed. A success clears the account's count.
public struct SignInThrottle: Sendable, Equatable {
    public var freeFailuresPerAccount = 5
    public var freeFailuresPerAddress = 20
    public var windowSeconds = 900

    public init() {}

    /// Whether a further attempt is refused, given the failures counted so far.
    public func refuses(accountFailures: Int, addressFailures: Int) -> Bool {
        accountFailures >= freeFailuresPerAccount || addressFailures >= freeFailuresPerAddress
    }
}
