import Foundation
import Logging
import PostgresNIO
import StarlingStore
import Testing

/// The fan-out lease keeps one generic plan per connection, made with the statistics of its first
/// call. On a new database those say `statuses` is empty, and the lease's join to its posts'
/// statuses was once planned as a scan of every status (migration 29). Checked on a scratch
/// database of its own, through one connection, by the tuples PostgreSQL's statistics say the
/// lease read from `statuses`.
@Suite(.enabled(if: TestEnvironment.available))
struct LeasePlanTests {
    static let logger = Logger(label: "lease-plan-test")

    /// A client of one connection, so that every statement runs in the same backend (and plan cache).
    static func withClient<T: Sendable>(_ url: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        var configuration = try Database.configuration(url: url, maxConnections: 1)
        configuration.options.minimumConnections = 0
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await client.run() }
            defer { tasks.cancelAll() }
            return try await body(client)
        }
    }

    static func int(_ client: PostgresClient, _ sql: String) async throws -> Int64 {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self) {
            return value
        }
        throw StoreError.unavailable("no row for \(sql)")
    }

    /// Index scans of `statuses`, and tuples read from it (its indexes and sequential scans), as flushed.
    static func statusesReads(_ client: PostgresClient) async throws -> (scans: Int64, tuples: Int64) {
        let rows = try await client.query("""
            SELECT (SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes WHERE relname = 'statuses')::int8,
                   (SELECT coalesce(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = 'statuses')::int8
                 + (SELECT coalesce(seq_tup_read, 0) FROM pg_stat_user_tables WHERE relname = 'statuses')::int8
            """, logger: logger)
        for try await (scans, tuples) in rows.decode((Int64, Int64).self) { return (scans, tuples) }
        throw StoreError.unavailable("no statistics row")
    }

    static func dropDatabase(_ url: String, _ name: String) async throws {
        try await withClient(url) { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    @Test func aLeasePlannedOnEmptyTablesLooksItsStatusesUpByIdOnceTheyFill() async throws {
        let url = try #require(TestEnvironment.databaseURL)
        let name = "starling_lease_plan_\(UInt32.random(in: 0...UInt32.max))"
        try await Self.withClient(url) { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Self.logger)
        }
        let scratch = String(url[..<(url.lastIndex(of: "/") ?? url.endIndex)]) + "/" + name
        do {
            let (leased, tuplesRead) = try await Self.withClient(scratch) { client in
                try await Migrator(database: Database(client: client, logger: Self.logger)).migrate()
                for sql in ["ALTER TABLE statuses SET (autovacuum_enabled = false)", "ALTER TABLE outbox SET (autovacuum_enabled = false)",
                            "ANALYZE statuses", "ANALYZE outbox", "ANALYZE accounts"] {
                    try await client.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
                }
                // The first call, on empty tables, makes the plan this connection keeps.
                #expect(try await Self.int(client, "SELECT count(*) FROM starling_lease_outbox_for_fanout('{}', 60, 64)") == 0)
                for sql in ["INSERT INTO accounts (id, username, email, password_hash) VALUES (1, 'plan', 'plan@example.test', 'x')",
                            "INSERT INTO statuses (id, account_id, text, created_at) SELECT g, 1, 'status ' || g, now() FROM generate_series(1, 3000) g",
                            "INSERT INTO outbox (kind, account_id, status_id) VALUES ('post', 1, 2999)",
                            "SELECT pg_stat_force_next_flush()"] {
                    try await client.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
                }
                try await client.query("SELECT pg_stat_clear_snapshot()", logger: Self.logger)
                let before = try await Self.statusesReads(client)
                try await client.query("SELECT pg_stat_force_next_flush()", logger: Self.logger)
                var texts: [String] = []
                let rows = try await client.query("SELECT s_text FROM starling_lease_outbox_for_fanout('{}', 60, 64)", logger: Self.logger)
                for try await text in rows.decode(String?.self) { texts.append(text ?? "(none)") }
                // The lease's counts reach the shared statistics once its backend is idle.
                var after = before
                for _ in 0..<100 where after.scans == before.scans {
                    try await Task.sleep(for: .milliseconds(20))
                    try await client.query("SELECT pg_stat_clear_snapshot()", logger: Self.logger)
                    after = try await Self.statusesReads(client)
                }
                return (texts, after.tuples - before.tuples)
            }
            #expect(leased == ["status 2999"], "the leased post comes with its status")
            // Looked up by id: a tuple or so. The plan of migration 24 read 2,999 (every status up to the one leased).
            #expect(tuplesRead < 50, "the lease read \(tuplesRead) tuples of statuses")
        } catch {
            try? await Self.dropDatabase(url, name)
            throw error
        }
        try await Self.dropDatabase(url, name)
    }
}
