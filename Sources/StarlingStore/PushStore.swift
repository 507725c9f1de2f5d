import Foundation
import PostgresNIO
import StarlingDomain

/// A Web Push subscription as the API shows it.
public struct PushSubscriptionRow: Sendable, Equatable {
    public var id: Int64
    public var endpoint: String
    public var alerts: PushAlerts
    public var policy: PushPolicy
}

/// One leased push delivery with everything the sender needs to build, encrypt and address it.
public struct PushDeliveryJob: Sendable {
    public var id: Int64
    public var attempts: Int
    public var subscriptionId: Int64
    public var endpoint: String
    public var p256dh: String
    public var auth: String
    public var tokenSealed: Data
    public var notificationId: Int64
    public var type: NotificationKind
    public var senderUsername: String
    public var senderDisplayName: String
    public var senderNote: String
    /// The status's spoiler text if it has one, else its text; nil without a (live) status.
    public var statusText: String?
    /// The notification is about a status that has been deleted since: nothing to push.
    public var statusGone: Bool
}

/// Web Push subscriptions (one per access token, as Mastodon keeps them) and their delivery queue.
public struct PushStore: Sendable {
    public static let channel = "starling_push"
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: Server keys

    /// The value stored under `name`, storing `candidate` first if there is none. Nodes starting
    /// together race to insert; the losers' inserts do nothing and all of them read the winner's.
    public func serverKey(_ name: String, orInsert candidate: String) async throws -> String {
        try await database.query("server_key_insert", """
            INSERT INTO server_keys (name, value) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING
            """)
        // A separate statement: one with the insert would not see a row another node committed
        // while this insert waited on it.
        for try await value in try await database.query("server_key_get", "SELECT value FROM server_keys WHERE name = \(name)").decode(String.self) {
            return value
        }
        throw StoreError.notFound("server key \(name) vanished")
    }

    // MARK: Subscriptions

    /// Makes the token's subscription, replacing any it had (Mastodon's POST: the old one and its
    /// pending deliveries go, the new one gets a new id). The token is named by its plain text and
    /// hashed here as `access_tokens` stores it. - Throws: `notFound` if the token is gone.
    public func subscribe(token: String, tokenSealed: Data, account: Int64, endpoint: String, p256dh: String, auth: String,
                          alerts: PushAlerts, policy: PushPolicy) async throws -> PushSubscriptionRow {
        try await database.transaction("push_subscribe") { connection in
            try await connection.query("""
                DELETE FROM push_subscriptions WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))
                """, logger: database.logger)
            // The conflict clause only settles two POSTs of the same token racing each other.
            let rows = try await connection.query("""
                INSERT INTO push_subscriptions (token_hash, account_id, endpoint, key_p256dh, key_auth, alerts, policy, token_sealed)
                SELECT token_hash, \(account), \(endpoint), \(p256dh), \(auth), \(alerts.rawValues), \(policy.rawValue), \(tokenSealed)
                FROM access_tokens WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))
                ON CONFLICT (token_hash) DO UPDATE SET endpoint = excluded.endpoint, key_p256dh = excluded.key_p256dh,
                    key_auth = excluded.key_auth, alerts = excluded.alerts, policy = excluded.policy,
                    token_sealed = excluded.token_sealed, updated_at = now()
                RETURNING id, endpoint, alerts, policy
                """, logger: database.logger)
            var created: PushSubscriptionRow?
            for try await (id, endpoint, alerts, policy) in rows.decode((Int64, String, [String], String).self) {
                created = PushSubscriptionRow(id: id, endpoint: endpoint, alerts: PushAlerts(rawValues: alerts),
                                              policy: PushPolicy(rawValue: policy) ?? .none)
            }
            guard let created else { throw StoreError.notFound("Record not found") }
            return created
        }
    }

    public func subscription(token: String) async throws -> PushSubscriptionRow? {
        try await Self.decode(database.query("push_subscription_get", """
            SELECT id, endpoint, alerts, policy FROM push_subscriptions WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))
            """)).first
    }

    /// Changes the token's subscription's alerts and policy. - Returns: nil if it has none.
    public func update(token: String, alerts: PushAlerts, policy: PushPolicy) async throws -> PushSubscriptionRow? {
        try await Self.decode(database.query("push_subscription_update", """
            UPDATE push_subscriptions SET alerts = \(alerts.rawValues), policy = \(policy.rawValue), updated_at = now()
            WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))
            RETURNING id, endpoint, alerts, policy
            """)).first
    }

    public func unsubscribe(token: String) async throws {
        try await database.query("push_unsubscribe", """
            DELETE FROM push_subscriptions WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))
            """)
    }

    static func decode(_ rows: some AsyncSequence<PostgresRow, any Error>) async throws -> [PushSubscriptionRow] {
        var out: [PushSubscriptionRow] = []
        for try await (id, endpoint, alerts, policy) in rows.decode((Int64, String, [String], String).self) {
            out.append(PushSubscriptionRow(id: id, endpoint: endpoint, alerts: PushAlerts(rawValues: alerts),
                                           policy: PushPolicy(rawValue: policy) ?? .none))  // the CHECK admits no other
        }
        return out
    }

    // MARK: Deliveries

    /// Leases up to `limit` due deliveries for `duration` (`FOR UPDATE SKIP LOCKED`: each goes to
    /// one sender at a time), counting the attempt, and returns them with their subscription,
    /// notification, sender and status. A sender that dies lets the lease run out and another
    /// sends the delivery again.
    public func lease(limit: Int, for duration: Duration) async throws -> [PushDeliveryJob] {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let rows = try await database.query("push_lease", """
            WITH leased AS (
                UPDATE push_deliveries SET available_at = now() + make_interval(secs => \(seconds)), attempts = attempts + 1
                WHERE id IN (SELECT id FROM push_deliveries WHERE available_at <= now()
                             ORDER BY available_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING id, attempts, notification_id, subscription_id
            )
            SELECT l.id, l.attempts, s.id, s.endpoint, s.key_p256dh, s.key_auth, s.token_sealed, n.id, n.type,
                   a.username, a.display_name, a.note, coalesce(nullif(st.spoiler_text, ''), st.text),
                   n.status_id IS NOT NULL AND (st.id IS NULL OR st.deleted_at IS NOT NULL)
            FROM leased l
            JOIN push_subscriptions s ON s.id = l.subscription_id
            JOIN notifications n ON n.id = l.notification_id
            JOIN accounts a ON a.id = n.from_account_id
            LEFT JOIN statuses st ON st.id = n.status_id
            ORDER BY l.id
            """)
        var jobs: [PushDeliveryJob] = []
        for try await (id, attempts, subscription, endpoint, p256dh, auth, sealed, notification, type, username, displayName, note, text, gone)
            in rows.decode((Int64, Int, Int64, String, String, String, Data, Int64, String, String, String, String, String?, Bool).self) {
            guard let kind = NotificationKind(rawValue: type) else { continue }  // the CHECK admits no other
            jobs.append(PushDeliveryJob(id: id, attempts: attempts, subscriptionId: subscription, endpoint: endpoint, p256dh: p256dh,
                                        auth: auth, tokenSealed: sealed, notificationId: notification, type: kind,
                                        senderUsername: username, senderDisplayName: displayName, senderNote: note,
                                        statusText: gone ? nil : text, statusGone: gone))
        }
        return jobs
    }

    /// Applies a batch's outcomes in one statement: deliveries sent or given up are deleted,
    /// subscriptions the push service says are gone are deleted (with their deliveries), and
    /// deliveries to retry become available again after their delay.
    public func settle(finished: [Int64], goneSubscriptions: [Int64], retries: [(id: Int64, delaySeconds: Double, error: String)]) async throws {
        if finished.isEmpty && goneSubscriptions.isEmpty && retries.isEmpty { return }
        let retryIds = retries.map(\.id), delays = retries.map(\.delaySeconds), errors = retries.map { String($0.error.prefix(500)) }
        try await database.query("push_settle", """
            WITH done AS (
                DELETE FROM push_deliveries WHERE id = ANY(\(finished))
            ), gone AS (
                DELETE FROM push_subscriptions WHERE id = ANY(\(goneSubscriptions))
            )
            UPDATE push_deliveries d SET available_at = now() + make_interval(secs => r.delay), last_error = r.error
            FROM unnest(\(retryIds)::bigint[], \(delays)::float8[], \(errors)::text[]) AS r(id, delay, error)
            WHERE d.id = r.id
            """)
    }

    /// Deliveries waiting (or being sent).
    public func depth() async throws -> Int64 {
        for try await count in try await database.query("push_depth", "SELECT count(*) FROM push_deliveries").decode(Int64.self) {
            return count
        }
        return 0
    }
}
