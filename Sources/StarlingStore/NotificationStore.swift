import Foundation
import PostgresNIO
import StarlingDomain

/// Notifications: written by workers (never on the request path), read through the API.
public struct NotificationStore: Sendable {
    /// The kinds Starling creates (and so the ones a page can be filtered on).
    public static let types: Set<NotificationKind> = NotificationKind.created
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates a notification unless it exists (workers may redo a job). Returns its id if created.
    ///
    /// The same statement queues one Web Push delivery per subscription of the recipient that
    /// wants this type from this sender (its alerts and `PushPolicy`, the follow checks in SQL):
    /// only a newly created notification queues any, and the delivery's unique
    /// (notification, subscription) pair makes a second queueing impossible.
    @discardableResult
    public func create(recipient: Int64, from: Int64, type: NotificationKind, statusId: Int64?) async throws -> Int64? {
        guard recipient != from else { return nil }  // nobody is notified of their own actions
        return try await database.query("notification_create", """
            WITH created AS (
                INSERT INTO notifications (account_id, from_account_id, type, status_id)
                SELECT \(recipient), \(from), \(type.rawValue), \(statusId)
                -- Nobody is notified across a block, nor by an account they mute with notifications.
                WHERE NOT EXISTS (SELECT 1 FROM blocks WHERE (account_id = \(recipient) AND target_account_id = \(from))
                                                          OR (account_id = \(from) AND target_account_id = \(recipient)))
                  AND NOT EXISTS (SELECT 1 FROM mutes WHERE account_id = \(recipient) AND target_account_id = \(from)
                                  AND hide_notifications AND (expires_at IS NULL OR expires_at > now()))
                ON CONFLICT DO NOTHING RETURNING id
            ), pushes AS (
                INSERT INTO push_deliveries (notification_id, subscription_id)
                SELECT c.id, s.id FROM created c JOIN push_subscriptions s ON s.account_id = \(recipient)
                WHERE \(type.rawValue) = ANY(s.alerts) AND (s.policy = 'all'
                    OR (s.policy = 'followed' AND EXISTS (SELECT 1 FROM follows WHERE follower_id = \(recipient) AND followee_id = \(from)))
                    OR (s.policy = 'follower' AND EXISTS (SELECT 1 FROM follows WHERE follower_id = \(from) AND followee_id = \(recipient))))
                ON CONFLICT DO NOTHING
            )
            SELECT id FROM created
            """).collect(Int64.self).first
    }

    public func page(account: Int64, types: Set<NotificationKind>, page: PageRequest) async throws -> [NotificationRow] {
        let upper = page.maxId ?? Int64.max, lower = page.lowerBound ?? -1
        let typeList = types.map(\.rawValue).sorted()
        let ascending = page.direction == .justAboveLowerBound
        if !ascending {
            let statement = NotificationsPageStatement<NewestFirst>(account: account, types: typeList, below: upper, above: lower, limit: page.limit)
            return try await database.execute("notifications_page", statement).compactMap(Self.row)
        }
        let statement = NotificationsPageStatement<OldestFirst>(account: account, types: typeList, below: upper, above: lower, limit: page.limit)
        return try await database.execute("notifications_page_min", statement).reversed().compactMap(Self.row)
    }

    private static func row(_ row: NotificationsPageStatement<NewestFirst>.Row) -> NotificationRow? {
        let (id, type, from, status, createdAt) = row
        guard let kind = NotificationKind(rawValue: type) else { return nil }  // never written
        return NotificationRow(id: id, type: kind, fromAccountId: from, statusId: status, createdAt: createdAt)
    }

    public func notification(id: Int64, account: Int64) async throws -> NotificationRow? {
        let rows = try await database.query("notification_get", """
            SELECT id, type, from_account_id, status_id, created_at FROM notifications WHERE id = \(id) AND account_id = \(account)
            """)
        for try await (id, type, from, status, createdAt) in rows.decode((Int64, String, Int64, Int64?, Date).self) {
            guard let kind = NotificationKind(rawValue: type) else { return nil }  // never written
            return NotificationRow(id: id, type: kind, fromAccountId: from, statusId: status, createdAt: createdAt)
        }
        return nil
    }

    public func clear(account: Int64) async throws {
        try await database.query("notifications_clear", "DELETE FROM notifications WHERE account_id = \(account)")
    }

    /// - Returns: false if there was no such notification.
    public func dismiss(id: Int64, account: Int64) async throws -> Bool {
        try await database.query("notification_dismiss",
            "DELETE FROM notifications WHERE id = \(id) AND account_id = \(account) RETURNING id").collect(Int64.self).count == 1
    }
}

/// A user's notifications of some types strictly between two bounds, in `Order`: none about a
/// deleted status, none across a block or from a muted account that hides notifications. Apps poll
/// this: a function planned once per connection (`readPageFunctions`, `appReadFunctions`).
struct NotificationsPageStatement<Order: PageOrder>: ArgumentsStatement {
    static var sql: String { "SELECT * FROM starling_notifications_page\(Order.functionSuffix)($1, $2, $3, $4, $5)" }
    static var bindingDataTypes: [PostgresDataType] { [.int8, .textArray, .int8, .int8, .int4] }
    typealias Row = (Int64, String, Int64, Int64?, Date)

    let arguments: [any PostgresEncodable & Sendable]

    init(account: Int64, types: [String], below upper: Int64, above lower: Int64, limit: Int) {
        arguments = [account, types, upper, lower, Int32(clamping: limit)]
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
