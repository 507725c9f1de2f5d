import Foundation
import PostgresNIO
import Synchronization

// The statements every fan-out batch runs, prepared once per connection: sent as unnamed
// statements, each was parsed and bound afresh for every batch, a quarter of its time in
// PostgreSQL (under 16 concurrent posts: the lease's parse and bind 0.24 ms against 0.75 ms
// executing, `log_min_duration_statement = 0`). Each calls a function planned once per
// connection (PostFunctionMigration.swift); the argument types are the functions'.

extension Database {
    /// Runs a prepared statement (parsed once per connection) under the query deadline, recording
    /// its latency under `label`; returns its rows.
    public func execute<Statement: PostgresPreparedStatement>(_ label: String, _ statement: Statement) async throws -> [Statement.Row]
    where Statement.Row: Sendable {
        let start = ContinuousClock.now
        defer { Self.timer(label).record(duration: ContinuousClock.now - start) }
        let logger = self.logger
        return try await alone { connection in
            var rows: [Statement.Row] = []
            for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
    }
}

/// A prepared statement whose arguments are bound in order, as `bindingDataTypes` lists them.
protocol ArgumentsStatement: PostgresPreparedStatement {
    var arguments: [any PostgresEncodable & Sendable] { get }
}

/// Each statement type's name on a connection, as PostgresNIO names it (the type's reflected
/// name), worked out once: PostgresNIO asks for it on every execution, and building it anew
/// each time was 0.6-0.8 % of a node's CPU under posts (`perf`).
enum StatementNames {
    private static let names = Mutex<[ObjectIdentifier: String]>([:])

    static func name(of type: Any.Type) -> String {
        let key = ObjectIdentifier(type)
        if let known = names.withLock({ $0[key] }) { return known }
        let name = String(reflecting: type)
        names.withLock { $0[key] = name }
        return name
    }
}

extension ArgumentsStatement {
    static var name: String { StatementNames.name(of: Self.self) }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments { try bindings.append(argument) }
        return bindings
    }
}

/// `starling_lease_outbox_for_fanout`: deletes the finished rows, leases up to `limit` available
/// ones, each post job with its status (the columns of `StatusesByIdsStatement` after the id; null
/// when the status is deleted or the job is of another kind), and whether a post's author is in a list.
struct LeaseOutboxStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_lease_outbox_for_fanout($1, $2, $3)"
    static let bindingDataTypes: [PostgresDataType] = [.int8Array, .float8, .int4]
    typealias Row = (Int64, String, Int64, Int64, Int64, Int64, Int32, Int64,
                     Int64?, String?, String?, Bool?, String?, String?, Int64?, Int64?, Date?, Int64?, [Int64]?, [String]?, [String]?,
                     Date?, Int64?, Bool?, Bool?)

    let arguments: [any PostgresEncodable & Sendable]

    init(finished: [Int64], seconds: Double, limit: Int32) { arguments = [finished, seconds, limit] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// `starling_statuses_with_media_flag`: visible statuses with their mentions and tags, and whether
/// they have attachments.
struct StatusesByIdsStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_statuses_with_media_flag($1)"
    static let bindingDataTypes: [PostgresDataType] = [.int8Array]
    typealias Row = (Int64, Int64, String, String, Bool, String, String?, Int64?, Int64?, Date, Int64?, [Int64], [String], [String],
                     Date?, Int64?, Bool)

    let arguments: [any PostgresEncodable & Sendable]

    init(ids: [Int64]) { arguments = [ids] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// `starling_media_of_statuses`: the attachments of some statuses, in `MediaStore.columns`' order.
struct MediaOfStatusesStatement: ArgumentsStatement {
    static let sql = "SELECT \(MediaStore.columns) FROM starling_media_of_statuses($1) ORDER BY status_id, position, id"
    static let bindingDataTypes: [PostgresDataType] = [.int8Array]
    typealias Row = MediaRow

    let arguments: [any PostgresEncodable & Sendable]

    init(ids: [Int64]) { arguments = [ids] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try MediaStore.decode(row) }
}

/// `starling_fanout_followers`: one page of recipients per job among its author's followers.
struct FanoutFollowersStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_fanout_followers($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    static let bindingDataTypes: [PostgresDataType] = [
        .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8, .int8,
    ]
    typealias Row = (Int64, [Int64])

    let arguments: [any PostgresEncodable & Sendable]

    init(jobs: [Int64], authors: [Int64], cursors: [Int64], restricts: [Int64], others: [Int64], followerModes: [Int64],
         amongJobs: [Int64], amongAccounts: [Int64], idleSeconds: Int64, limit: Int64) {
        arguments = [jobs, authors, cursors, restricts, others, followerModes, amongJobs, amongAccounts, idleSeconds, limit]
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// `starling_fanout_recipients_tagged`: a page of recipients per job among its author's followers
/// and its tags' followers (a batch in which some post has tags).
struct FanoutTaggedStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_fanout_recipients_tagged($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    static let bindingDataTypes: [PostgresDataType] = [
        .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array,
        .textArray, .int8, .int8,
    ]
    typealias Row = (Int64, [Int64])

    let arguments: [any PostgresEncodable & Sendable]

    init(jobs: [Int64], authors: [Int64], cursors: [Int64], restricts: [Int64], others: [Int64], followerModes: [Int64],
         exceptFollowers: [Int64], amongJobs: [Int64], amongAccounts: [Int64], tagJobs: [Int64], tagNames: [String],
         idleSeconds: Int64, limit: Int64) {
        arguments = [jobs, authors, cursors, restricts, others, followerModes, exceptFollowers, amongJobs, amongAccounts,
                     tagJobs, tagNames, idleSeconds, limit]
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// `starling_list_deliveries`: every list holding each status's author, with what `ListRules` reads.
struct ListDeliveriesStatement: ArgumentsStatement {
    static let sql = "SELECT * FROM starling_list_deliveries($1, $2, $3)"
    static let bindingDataTypes: [PostgresDataType] = [.int8Array, .int8Array, .int8Array]
    typealias Row = (Int64, Int64, Int64, String, Bool, Bool, Bool)

    let arguments: [any PostgresEncodable & Sendable]

    init(statuses: [Int64], authors: [Int64], replyTargets: [Int64]) { arguments = [statuses, authors, replyTargets] }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
