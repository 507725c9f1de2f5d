/// Mastodon's notification types. Raw values are the API's and the database's spelling.
public enum NotificationKind: String, Codable, Sendable, CaseIterable {
    case mention
    case status
    case reblog
    case follow
    case followRequest = "follow_request"
    case favourite
    case poll
    case update
    case adminSignUp = "admin.sign_up"
    case adminReport = "admin.report"

    /// The kinds Starling creates today; `GET /api/v1/notifications` filters within these.
    public static let created: Set<NotificationKind> = [.mention, .follow, .reblog, .favourite, .followRequest, .poll, .update]
}
