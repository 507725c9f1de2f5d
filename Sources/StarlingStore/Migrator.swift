import Logging
import PostgresNIO

/// Applies `Migrations.all` in order, each in its own transaction, under an advisory lock so that
/// several nodes starting together apply each migration exactly once.
public struct Migrator: Sendable {
    let database: Database
    static let lockKey: Int64 = 0x5354_4152  // "STAR"

    public init(database: Database) {
        self.database = database
    }

    /// - Returns: the versions applied by this call.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let logger = database.logger
        return try await database.client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                // The one table that must exist before versions can be read.
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
                    applied.insert(version)
                }
                var done: [Int] = []
                for migration in Migrations.all where !applied.contains(migration.version) {
                    logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    do {
                        try await connection.withTransaction(logger: logger) { connection in
                            for statement in migration.statements {
                                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                            }
                            try await connection.query(
                                "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                                logger: logger)
                        }
                    } catch let error as PostgresTransactionError {
                        throw error.unwrapped(logger: logger)
                    }
                    done.append(migration.version)
                }
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return done
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }
}
