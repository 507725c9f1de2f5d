import Foundation
import PostgresNIO
import StarlingDomain

/// An attachment as a status carries it (and as the status cache holds it).
public struct MediaRef: Sendable, Equatable, Codable {
    public var id: Int64
    public var fileKey: String?
    public var previewKey: String?
    public var width: Int?
    public var height: Int?
    public var previewWidth: Int?
    public var previewHeight: Int?
    public var blurhash: String?
    public var description: String
    public var focusX: Double
    public var focusY: Double

    public init(id: Int64, fileKey: String?, previewKey: String?, width: Int?, height: Int?, previewWidth: Int?,
                previewHeight: Int?, blurhash: String?, description: String, focusX: Double, focusY: Double) {
        self.id = id
        self.fileKey = fileKey
        self.previewKey = previewKey
        self.width = width
        self.height = height
        self.previewWidth = previewWidth
        self.previewHeight = previewHeight
        self.blurhash = blurhash
        self.description = description
        self.focusX = focusX
        self.focusY = focusY
    }
}

/// One upload's row.
public struct MediaRow: Sendable, Equatable {
    public enum State: String, Sendable { case pending, ready, failed }
    public var ref: MediaRef
    public var accountId: Int64
    public var statusId: Int64?
    public var state: State
    public var incomingKey: String?
    public var fileType: String?
    public var fileSize: Int?
    public var error: String?
    public var createdAt: Date
    public var id: Int64 { ref.id }
}

/// What a worker made of an upload.
public struct ProcessedMedia: Sendable {
    public var fileKey: String
    public var fileType: String
    public var fileSize: Int
    public var previewKey: String
    public var width: Int, height: Int, previewWidth: Int, previewHeight: Int
    public var blurhash: String

    public init(fileKey: String, fileType: String, fileSize: Int, previewKey: String, width: Int, height: Int,
                previewWidth: Int, previewHeight: Int, blurhash: String) {
        self.fileKey = fileKey
        self.fileType = fileType
        self.fileSize = fileSize
        self.previewKey = previewKey
        self.width = width
        self.height = height
        self.previewWidth = previewWidth
        self.previewHeight = previewHeight
        self.blurhash = blurhash
    }
}

/// Media attachment rows: the upload queue the workers drain, and what statuses attach.
public struct MediaStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        id, account_id, status_id, state, incoming_key, file_key, file_type, file_size, preview_key, width, height,
        preview_width, preview_height, blurhash, description, focus_x, focus_y, error, created_at
        """

    static func decode(_ row: PostgresRow) throws -> MediaRow {
        let (id, account, status, state, incoming, fileKey, fileType, fileSize, previewKey, width, height,
             previewWidth, previewHeight, blurhash, description, focusX, focusY, error, createdAt) =
            try row.decode((Int64, Int64, Int64?, String, String?, String?, String?, Int32?, String?, Int32?, Int32?,
                            Int32?, Int32?, String?, String, Double, Double, String?, Date).self)
        return MediaRow(
            ref: MediaRef(id: id, fileKey: fileKey, previewKey: previewKey, width: width.map(Int.init), height: height.map(Int.init),
                          previewWidth: previewWidth.map(Int.init), previewHeight: previewHeight.map(Int.init), blurhash: blurhash,
                          description: description, focusX: focusX, focusY: focusY),
            accountId: account, statusId: status, state: MediaRow.State(rawValue: state) ?? .failed, incomingKey: incoming,
            fileType: fileType, fileSize: fileSize.map(Int.init), error: error, createdAt: createdAt)
    }

    func rows(_ label: String, _ query: PostgresQuery) async throws -> [MediaRow] {
        var out: [MediaRow] = []
        for try await row in try await database.query(label, query) { out.append(try Self.decode(row)) }
        return out
    }

    /// Queues an upload for processing.
    public func create(id: Int64, account: Int64, incomingKey: String, description: String, focus: MediaFocus) async throws -> MediaRow {
        let rows = try await rows("media_create", """
            INSERT INTO media_attachments (id, account_id, incoming_key, description, focus_x, focus_y)
            VALUES (\(id), \(account), \(incomingKey), \(description), \(focus.x), \(focus.y))
            RETURNING \(unescaped: Self.columns)
            """)
        guard let row = rows.first else { throw DomainError.notFound }
        return row
    }

    public func media(id: Int64) async throws -> MediaRow? {
        try await rows("media_by_id", "SELECT \(unescaped: Self.columns) FROM media_attachments WHERE id = \(id)").first
    }

    /// Description and focus of one's own unattached upload. - Throws: `.notFound` otherwise.
    public func update(id: Int64, account: Int64, description: String?, focus: MediaFocus?) async throws -> MediaRow {
        let rows = try await rows("media_update", """
            UPDATE media_attachments SET description = coalesce(\(description), description),
                   focus_x = coalesce(\(focus?.x), focus_x), focus_y = coalesce(\(focus?.y), focus_y)
            WHERE id = \(id) AND account_id = \(account) AND status_id IS NULL
            RETURNING \(unescaped: Self.columns)
            """)
        guard let row = rows.first else { throw DomainError.notFound }
        return row
    }

    /// Leases up to `limit` pending uploads for `seconds` (a worker that dies lets the lease run
    /// out and another takes the upload; after 3 attempts it is marked failed).
    public func leasePending(limit: Int, seconds: Int = 60) async throws -> [MediaRow] {
        try await database.query("media_fail_retried", """
            UPDATE media_attachments SET state = 'failed', error = 'Processing did not finish'
            WHERE state = 'pending' AND attempts >= 3 AND leased_until < now()
            """)
        return try await rows("media_lease", """
            UPDATE media_attachments SET leased_until = now() + make_interval(secs => \(seconds)), attempts = attempts + 1
            WHERE id IN (SELECT id FROM media_attachments
                         WHERE state = 'pending' AND attempts < 3 AND (leased_until IS NULL OR leased_until < now())
                         ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: Self.columns)
            """)
    }

    public func markReady(id: Int64, _ processed: ProcessedMedia) async throws {
        try await database.query("media_ready", """
            UPDATE media_attachments SET state = 'ready', incoming_key = NULL, file_key = \(processed.fileKey),
                   file_type = \(processed.fileType), file_size = \(Int32(clamping: processed.fileSize)),
                   preview_key = \(processed.previewKey), width = \(Int32(clamping: processed.width)),
                   height = \(Int32(clamping: processed.height)), preview_width = \(Int32(clamping: processed.previewWidth)),
                   preview_height = \(Int32(clamping: processed.previewHeight)), blurhash = \(processed.blurhash),
                   processed_at = now(), leased_until = NULL
            WHERE id = \(id) AND state = 'pending'
            """)
    }

    public func markFailed(id: Int64, error: String) async throws {
        try await database.query("media_failed", """
            UPDATE media_attachments SET state = 'failed', incoming_key = NULL, error = \(error), leased_until = NULL
            WHERE id = \(id) AND state = 'pending'
            """)
    }

    /// Deletes one's own unattached upload row (the caller removes its files). Returns the row.
    public func deleteUnattached(id: Int64, account: Int64) async throws -> MediaRow? {
        try await rows("media_delete", """
            DELETE FROM media_attachments WHERE id = \(id) AND account_id = \(account) AND status_id IS NULL
            RETURNING \(unescaped: Self.columns)
            """).first
    }

    /// Of `ids`, why they cannot be attached by `account`: nil if all can (own, ready, unattached).
    /// (`editing`: a status whose own attachments may stay.)
    public func attachProblem(ids: [Int64], account: Int64, editing: Int64? = nil) async throws -> String? {
        let rows = try await rows("media_attachable",
                                  "SELECT \(unescaped: Self.columns) FROM media_attachments WHERE id = ANY(\(ids))")
        let byId = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for id in ids {
            guard let row = byId[id], row.accountId == account else { return "Validation failed: Media attachment \(id) was not found" }
            if let status = row.statusId, status != editing { return "Validation failed: Media attachment \(id) is already attached to a status" }
            switch row.state {
            case .ready: continue
            case .pending: return "Validation failed: Media attachment \(id) is still being processed"
            case .failed: return "Validation failed: Media attachment \(id) could not be processed"
            }
        }
        return nil
    }

    /// Media to remove: unattached uploads older than `unattachedAge` seconds, failed ones, and those
    /// of deleted statuses. Deletes the rows and returns the file keys no remaining row uses.
    public func sweep(unattachedAge: Int, limit: Int = 500) async throws -> (rows: Int, orphanKeys: [String]) {
        try await database.transaction("media_sweep") { connection in
            let logger = database.logger
            var keys: Set<String> = []
            var count = 0
            for try await (file, preview, incoming) in try await connection.query("""
                DELETE FROM media_attachments WHERE id IN (
                    SELECT m.id FROM media_attachments m
                    WHERE m.status_id IS NULL AND m.created_at < now() - make_interval(secs => \(unattachedAge))
                    UNION ALL
                    SELECT m.id FROM media_attachments m JOIN statuses s ON s.id = m.status_id WHERE s.deleted_at IS NOT NULL
                    LIMIT \(limit))
                RETURNING file_key, preview_key, incoming_key
                """, logger: logger).decode((String?, String?, String?).self) {
                count += 1
                for key in [file, preview, incoming].compactMap({ $0 }) { keys.insert(key) }
            }
            if keys.isEmpty { return (count, []) }
            let keyList = Array(keys)
            let used = try await connection.query("""
                SELECT k FROM unnest(\(keyList)::text[]) AS k WHERE EXISTS (
                    SELECT 1 FROM media_attachments WHERE file_key = k OR preview_key = k OR incoming_key = k)
                """, logger: logger).collect(String.self)
            return (count, Array(keys.subtracting(used)).sorted())
        }
    }
}

extension MediaStore {
    /// An upload processed on the spot (`POST /api/v1/media`): the row is written ready, never queued.
    public func createReady(id: Int64, account: Int64, description: String, focus: MediaFocus, _ processed: ProcessedMedia) async throws -> MediaRow {
        let rows = try await rows("media_create_ready", """
            INSERT INTO media_attachments (id, account_id, state, description, focus_x, focus_y, file_key, file_type, file_size,
                                           preview_key, width, height, preview_width, preview_height, blurhash, processed_at)
            VALUES (\(id), \(account), 'ready', \(description), \(focus.x), \(focus.y), \(processed.fileKey), \(processed.fileType),
                    \(Int32(clamping: processed.fileSize)), \(processed.previewKey), \(Int32(clamping: processed.width)),
                    \(Int32(clamping: processed.height)), \(Int32(clamping: processed.previewWidth)),
                    \(Int32(clamping: processed.previewHeight)), \(processed.blurhash), now())
            RETURNING \(unescaped: Self.columns)
            """)
        guard let row = rows.first else { throw DomainError.notFound }
        return row
    }
}

extension MediaStore {
    /// The attachments of `ids`, in that order.
    public func refs(ids: [Int64]) async throws -> [MediaRef] {
        if ids.isEmpty { return [] }
        let rows = try await rows("media_refs", "SELECT \(unescaped: Self.columns) FROM media_attachments WHERE id = ANY(\(ids))")
        let byId = Dictionary(rows.map { ($0.id, $0.ref) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { byId[$0] }
    }

    /// The attachments of each status that has any, in order (`StatusStore.statuses(ids:)` reads
    /// them alongside the statuses and `attach`es them).
    public func attachments(ofStatuses ids: [Int64]) async throws -> [Int64: [MediaRef]] {
        if ids.isEmpty { return [:] }
        let rows = try await database.execute("media_of_statuses", MediaOfStatusesStatement(ids: ids))
        var byStatus: [Int64: [MediaRef]] = [:]
        for row in rows { if let status = row.statusId { byStatus[status, default: []].append(row.ref) } }
        return byStatus
    }

    /// The rows with their attachments filled in.
    public static func attach(_ byStatus: [Int64: [MediaRef]], to statuses: [StatusRow]) -> [StatusRow] {
        if byStatus.isEmpty { return statuses }
        return statuses.map { status in
            var status = status
            if let media = byStatus[status.id] { status.media = media }
            return status
        }
    }
}

extension MediaStore {
    /// A page of an author's statuses that carry media (`only_media=true`), newest first.
    public func statusIdsWithMedia(author: Int64, page: PageRequest) async throws -> [Int64] {
        let upper = page.maxId ?? Int64.max
        let lower = page.lowerBound ?? -1
        let ascending = page.direction == .justAboveLowerBound
        let ids = try await database.query("statuses_with_media", """
            SELECT s.id FROM statuses s
            WHERE s.account_id = \(author) AND s.deleted_at IS NULL AND s.id < \(upper) AND s.id > \(lower)
              AND EXISTS (SELECT 1 FROM media_attachments m WHERE m.status_id = s.id)
            ORDER BY s.id \(unescaped: ascending ? "ASC" : "DESC") LIMIT \(page.limit)
            """).collect(Int64.self)
        return ascending ? ids.reversed() : ids
    }
}

extension MediaStore {
    /// Of `keys`, those no row refers to any more (their files may go).
    public func unusedKeys(_ keys: [String]) async throws -> [String] {
        if keys.isEmpty { return [] }
        let used = try await database.query("media_keys_used", """
            SELECT k FROM unnest(\(keys)::text[]) AS k WHERE EXISTS (
                SELECT 1 FROM media_attachments WHERE file_key = k OR preview_key = k OR incoming_key = k)
            """).collect(String.self)
        return Array(Set(keys).subtracting(used)).sorted()
    }
}

extension MediaStore {
    /// An edit's attachments: those of `status` not in `ids` are detached (the sweep removes them),
    /// `ids` attached in their order. The caller checked them (`attachProblem(editing:)`).
    public func replaceAttachments(status: Int64, account: Int64, ids: [Int64]) async throws {
        try await database.transaction("media_replace") { connection in
            let logger = database.logger
            try await connection.query("""
                UPDATE media_attachments SET status_id = NULL, position = 0
                WHERE status_id = \(status) AND NOT (id = ANY(\(ids)))
                """, logger: logger)
            try await connection.query("""
                UPDATE media_attachments SET status_id = \(status), position = array_position(\(ids)::bigint[], id)
                WHERE id = ANY(\(ids)) AND account_id = \(account) AND (status_id IS NULL OR status_id = \(status)) AND state = 'ready'
                """, logger: logger)
        }
    }
}
