import Foundation
import PostgresNIO
import StarlingDomain

/// The figures the instance endpoints publish (nodeinfo, `/api/v2/instance`, instance activity),
/// computed from PostgreSQL. Each is a scan of a table, so the API caches them for a while.
public struct InstanceStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Usage: Sendable, Equatable {
        public var users: Int64
        /// Accounts seen (their token used) within the last 30 and 180 days.
        public var activeMonth: Int64
        public var activeHalfyear: Int64
        /// Statuses posted and not deleted (the accounts' counters).
        public var localPosts: Int64
    }

    public func usage() async throws -> Usage {
        for try await (users, month, halfyear, posts) in try await database.query("instance_usage", """
            SELECT count(*),
                   count(*) FILTER (WHERE last_active_at > now() - interval '30 days'),
                   count(*) FILTER (WHERE last_active_at > now() - interval '180 days'),
                   coalesce(sum(statuses_count), 0)::bigint
            FROM accounts
            """).decode((Int64, Int64, Int64, Int64).self) {
            return Usage(users: users, activeMonth: month, activeHalfyear: halfyear, localPosts: posts)
        }
        return Usage(users: 0, activeMonth: 0, activeHalfyear: 0, localPosts: 0)
    }

    public struct Week: Sendable, Equatable {
        /// The week's first second (Monday 00:00 UTC), Unix time.
        public var start: Int64
        /// Statuses posted that week (reblogs not counted; deleted ones still counted: they were posted).
        public var statuses: Int64
        /// Distinct accounts seen that week (`account_activity_weeks`).
        public var logins: Int64
        /// Accounts created that week.
        public var registrations: Int64
    }

    /// The weeks starting at `starts` (`InstanceActivity.weekStarts`), in that order. Statuses are
    /// counted over a range of the primary key (ids carry their creation time); logins come from
    /// the weekly activity table, whose rows older than the oldest week are deleted here.
    public func activity(weekStarts starts: [Int64]) async throws -> [Week] {
        if starts.isEmpty { return [] }
        let lows = starts.map { SnowflakeGenerator.compose(millis: $0 * 1000, node: 0, sequence: 0) }
        let highs = starts.map { SnowflakeGenerator.compose(millis: ($0 + 7 * 86_400) * 1000, node: 0, sequence: 0) }
        let oldest = starts.min() ?? 0
        try await database.query("instance_activity_prune", """
            DELETE FROM account_activity_weeks WHERE week < (to_timestamp(\(Double(oldest))) AT TIME ZONE 'UTC')::date
            """)
        var byStart: [Int64: Week] = [:]
        for try await (start, statuses, logins, registrations) in try await database.query("instance_activity", """
            SELECT w.start,
                   (SELECT count(*) FROM statuses s WHERE s.id >= w.low AND s.id < w.high AND s.reblog_of_id IS NULL),
                   (SELECT count(*) FROM account_activity_weeks a
                    WHERE a.week = (to_timestamp(w.start::float8) AT TIME ZONE 'UTC')::date),
                   (SELECT count(*) FROM accounts a
                    WHERE a.created_at >= to_timestamp(w.start::float8) AND a.created_at < to_timestamp((w.start + 604800)::float8))
            FROM unnest(\(starts)::bigint[], \(lows)::bigint[], \(highs)::bigint[]) AS w(start, low, high)
            """).decode((Int64, Int64, Int64, Int64).self) {
            byStart[start] = Week(start: start, statuses: statuses, logins: logins, registrations: registrations)
        }
        return starts.map { byStart[$0] ?? Week(start: $0, statuses: 0, logins: 0, registrations: 0) }
    }
}
