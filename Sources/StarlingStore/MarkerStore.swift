import Foundation
import PostgresNIO
import StarlingDomain

/// Where a user stopped reading their timelines (`/api/v1/markers`).
public struct MarkerStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Marker: Sendable, Equatable {
        public var timeline: MarkerTimeline
        public var lastReadId: Int64
        /// How often it moved (Mastodon's `lock_version`): 1 when first saved.
        public var version: Int
        public var updatedAt: Date
    }

    /// The user's markers for `timelines` (those never saved are left out, as Mastodon does).
    public func markers(account: Int64, timelines: [MarkerTimeline]) async throws -> [Marker] {
        if timelines.isEmpty { return [] }
        var out: [Marker] = []
        // Prepared (parsed and planned once per connection): apps poll their markers.
        for (timeline, lastRead, version, updatedAt) in try await database.execute(
            "markers_get", MarkersStatement(account: account, timelines: timelines.map(\.rawValue))) {
            guard let timeline = MarkerTimeline(rawValue: timeline) else { continue }
            out.append(Marker(timeline: timeline, lastReadId: lastRead, version: version, updatedAt: updatedAt))
        }
        return out.sorted { $0.timeline < $1.timeline }
    }

    /// Saves positions, all or none (one statement), and returns the markers as saved. A marker
    /// moves only if its position changes: then its version goes up by one and `updated_at` is now;
    /// writing the same position again changes neither (as Rails' optimistic locking behaves).
    public func save(account: Int64, _ updates: [MarkerTimeline: Int64]) async throws -> [Marker] {
        if updates.isEmpty { return [] }
        let sorted = updates.sorted { $0.key < $1.key }
        let timelines = sorted.map(\.key.rawValue), ids = sorted.map(\.value)
        var out: [Marker] = []
        for try await (timeline, lastRead, version, updatedAt) in try await database.query("markers_save", """
            WITH wanted(timeline, last_read_id) AS (SELECT * FROM unnest(\(timelines)::text[], \(ids)::bigint[])),
            saved AS (
                INSERT INTO markers (account_id, timeline, last_read_id)
                SELECT \(account), timeline, last_read_id FROM wanted
                ON CONFLICT (account_id, timeline) DO UPDATE
                    SET last_read_id = EXCLUDED.last_read_id, version = markers.version + 1, updated_at = now()
                    WHERE markers.last_read_id <> EXCLUDED.last_read_id
                RETURNING timeline, last_read_id, version, updated_at
            )
            SELECT timeline, last_read_id, version, updated_at FROM saved
            UNION ALL
            SELECT m.timeline, m.last_read_id, m.version, m.updated_at FROM markers m JOIN wanted w ON w.timeline = m.timeline
            WHERE m.account_id = \(account) AND NOT EXISTS (SELECT 1 FROM saved WHERE saved.timeline = m.timeline)
            """).decode((String, Int64, Int, Date).self) {
            guard let timeline = MarkerTimeline(rawValue: timeline) else { continue }
            out.append(Marker(timeline: timeline, lastReadId: lastRead, version: version, updatedAt: updatedAt))
        }
        return out.sorted { $0.timeline < $1.timeline }
    }
}

/// A user's saved markers among some timelines (`MarkerStore.markers`).
struct MarkersStatement: ArgumentsStatement {
    static let sql = "SELECT timeline, last_read_id, version, updated_at FROM markers WHERE account_id = $1 AND timeline = ANY($2)"
    static let bindingDataTypes: [PostgresDataType] = [.int8, .textArray]
    typealias Row = (String, Int64, Int, Date)

    let arguments: [any PostgresEncodable & Sendable]

    init(account: Int64, timelines: [String]) { arguments = [account, timelines] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
