/// What a new account must satisfy, as `POST /api/v1/accounts` checks it (the web sign-up form
/// applies the same rules).
public enum SignUpRules {
    /// The first problem with the fields, in Mastodon's words, or nil if they are acceptable.
    public static func problem(username: String, email: String, password: String) -> String? {
        guard !username.isEmpty, username.count <= 30, username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            return "Username must contain only letters, numbers and underscores (at most 30)"
        }
        let emailParts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, emailParts.count == 2, !emailParts[0].isEmpty, emailParts[1].contains("."),
              !email.contains(where: \.isWhitespace) else {
            return "Email is invalid"
        }
        guard password.count >= 8, password.utf8.count <= 72 else {
            return "Password must be 8 to 72 bytes long"
        }
        return nil
    }
}
