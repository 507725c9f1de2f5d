import Foundation
import Logging
import PostgresNIO
import StarlingStore
import Testing

/// Statements sent alone (prepared ones and `Database.query`) run on the connections
/// `StatementLanes` keeps (no lease each),
/// and a kept connection that closes or misses a deadline is replaced, against the test run's
/// PostgreSQL.
@Suite(.enabled(if: TestEnvironment.available))
struct StatementLanesTests {
    /// `SELECT pg_backend_pid()`, prepared, as the fan-out's statements are.
    struct BackendPid: PostgresPreparedStatement {
        static let sql = "SELECT pg_backend_pid()"
        typealias Row = Int32
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ row: PostgresRow) throws -> Int32 { try row.decode(Int32.self) }
    }

    /// A statement that answers after three seconds.
    struct Sleep: PostgresPreparedStatement {
        static let sql = "SELECT 1 FROM pg_sleep(3)"
        typealias Row = Int32
        func makeBindings() throws -> PostgresBindings { PostgresBindings() }
        func decodeRow(_ row: PostgresRow) throws -> Int32 { try row.decode(Int32.self) }
    }

    static func backend(_ database: Database) async throws -> Int32 {
        guard let pid = try await database.execute("test_backend_pid", BackendPid()).first else { throw StoreError.unavailable("no row") }
        return pid
    }

    /// Polls `condition` for up to 10 s.
    static func eventually(_ what: Comment, _ condition: () async -> Bool) async {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(10) {
            if await condition() { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        Issue.record(what)
    }

    @Test func statementsRunOnKeptConnectionsThatAreReplacedWhenTheyClose() async throws {
        try await Harness.with { h in
            let lanes = h.database.lanes
            await Self.eventually("four kept connections open") { lanes.openConnections == 4 }
            let before = lanes.statementsTaken
            let first = try await Self.backend(h.database)
            #expect(lanes.statementsTaken == before + 1, "the statement ran on a kept connection")

            // Concurrent statements spread over the kept connections, those past four each go to the pool.
            let backends = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<40 { group.addTask { try await Self.backend(h.database) } }
                return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
            }
            #expect(backends.count >= 2, "\(backends)")

            // `Database.query` runs on a kept connection too: its rows are read in full before it
            // returns, so its caller may send other statements while going through them.
            let kept = lanes.statementsTaken
            var seen: [Int32] = []
            for try await n in try await h.database.query("test_query", "SELECT generate_series(1, 3)::int4").decode(Int32.self) {
                _ = try await Self.backend(h.database)
                seen.append(n)
            }
            #expect(seen == [1, 2, 3])
            #expect(lanes.statementsTaken == kept + 4, "the query and the statements sent while reading its rows")

            // PostgreSQL ends the kept connection's backend (as a restart does); from a transaction,
            // which always leases from the pool.
            try await h.database.transaction("test_terminate") { connection in
                _ = try await connection.query("SELECT pg_terminate_backend(\(first))", logger: h.database.logger).collect()
            }
            await Self.eventually("the closed connection is replaced") {
                guard lanes.openConnections == 4 else { return false }
                return (try? await Self.backend(h.database)).map { $0 != first } == true
            }
            let after = lanes.statementsTaken
            _ = try await Self.backend(h.database)
            #expect(lanes.statementsTaken == after + 1, "statements run on kept connections again")
        }
    }

    @Test func aStatementPastItsDeadlineClosesItsKeptConnection() async throws {
        let url = try #require(TestEnvironment.databaseURL)
        var logger = Logger(label: "lanes")
        logger.logLevel = .critical
        let client = PostgresClient(configuration: try Database.configuration(url: url, maxConnections: 4), backgroundLogger: logger)
        let database = Database(client: client, logger: logger, timeout: .milliseconds(500), keptConnections: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { try await database.lanes.run() }
            await Self.eventually("the kept connection opens") { database.lanes.openConnections == 1 }
            let stuck = try await Self.backend(database)

            let start = ContinuousClock.now
            await #expect(throws: StoreError.self) { try await database.execute("test_sleep", Sleep()) }
            #expect(ContinuousClock.now - start < .seconds(2), "the deadline answered")
            // Statements do not queue behind the stuck one: its connection was closed and replaced.
            await Self.eventually("a new kept connection") {
                guard database.lanes.openConnections == 1 else { return false }
                return (try? await Self.backend(database)).map { $0 != stuck } == true
            }
            group.cancelAll()
        }
    }
}
