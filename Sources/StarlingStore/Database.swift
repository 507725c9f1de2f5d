import Foundation
import Logging
import Metrics
import PostgresNIO

/// The PostgreSQL pool plus the timing every query gets. PostgreSQL is the source of truth.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Parses `postgres://user:password@host:port/database` into a client configuration.
    public static func configuration(url: String, maxConnections: Int) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
              let host = components.host, !host.isEmpty else {
            throw StoreError.invalidSetting("STARLING_DATABASE_URL must look like postgres://user:password@host:port/database")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        var configuration = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password,
            database: database.isEmpty ? nil : database,
            tls: .disable
        )
        configuration.options.maximumConnections = maxConnections
        configuration.options.minimumConnections = 0
        return configuration
    }

    /// Runs a query, recording its latency under `label` (a fixed name, never the SQL or its values).
    @discardableResult
    public func query(_ label: String, _ query: PostgresQuery) async throws -> PostgresRowSequence {
        let start = ContinuousClock.now
        defer { Self.timer(label).record(duration: ContinuousClock.now - start) }
        return try await client.query(query, logger: logger)
    }

    /// Runs `body` in one transaction on one connection (postgres-nio's `withTransaction`); rolls
    /// back if it throws. The error `body` threw reaches the caller as itself, not wrapped, so a
    /// `StoreError` or `DomainError` keeps its meaning; a failed `BEGIN` or `COMMIT` is rethrown as
    /// postgres-nio reports it.
    public func transaction<T: Sendable>(_ label: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { Self.timer(label).record(duration: ContinuousClock.now - start) }
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.unwrapped(logger: logger)
        }
    }

    static func timer(_ label: String) -> Timer {
        Timer(label: "starling_postgres_query_duration_seconds", dimensions: [("query", label)], preferredDisplayUnit: .seconds)
    }

    /// `SELECT 1`, for readiness.
    public func ping() async -> Bool {
        (try? await client.query("SELECT 1", logger: logger)) != nil
    }
}

public enum StoreError: Error, CustomStringConvertible, Equatable {
    case invalidSetting(String)
    case notFound(String)
    case forbidden(String)
    case conflict(String)
    case validation(String)

    public var description: String {
        switch self {
        case .invalidSetting(let m), .notFound(let m), .forbidden(let m), .conflict(let m), .validation(let m): m
        }
    }
}

extension PostgresTransactionError {
    /// What the caller should see: the transaction body's own error if it threw one (a failed
    /// `ROLLBACK` after it is only logged: PostgreSQL drops the transaction with the connection),
    /// otherwise this error (`BEGIN` or `COMMIT` failed).
    func unwrapped(logger: Logger) -> any Error {
        guard let closureError else { return self }
        if let rollbackError {
            logger.warning("rollback failed", metadata: ["error": "\(String(reflecting: rollbackError))"])
        }
        return closureError
    }
}

extension PostgresRowSequence {
    /// All rows decoded as one type; for small, bounded results.
    public func collect<T: PostgresDecodable>(_ type: T.Type) async throws -> [T] {
        var out: [T] = []
        for try await value in self.decode(T.self) { out.append(value) }
        return out
    }
}
