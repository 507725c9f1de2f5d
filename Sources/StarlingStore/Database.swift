import Foundation
import Logging
import Metrics
import NIOPosix
import PostgresNIO
import Synchronization

/// The PostgreSQL pool plus the timing every query gets. PostgreSQL is the source of truth.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// The longest a query (or transaction) may wait for PostgreSQL, queueing for a connection
    /// included. While PostgreSQL is down the pool keeps requests waiting for a connection for
    /// over a minute; past this they fail with `StoreError.unavailable` (a 503 to clients).
    public let timeout: Duration
    /// Connections kept for prepared statements sent alone (StatementLanes.swift), run as a service
    /// of the node after `client`; until it runs, and with none kept, every statement leases from
    /// the pool.
    public let lanes: StatementLanes

    public init(client: PostgresClient, logger: Logger, timeout: Duration = .seconds(5), keptConnections: Int = 0) {
        self.client = client
        self.logger = logger
        self.timeout = timeout
        lanes = StatementLanes(client: client, count: keptConnections, logger: logger)
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
        // No keep-alive pings. postgres-nio's pool arms a keep-alive timer (a task sleeping on
        // Swift's global executor) each time a connection goes idle and cancels it when the
        // connection is leased again: thread wake-ups on every query, for pings that find nothing
        // here (a PostgreSQL that dies closes its sockets, and every query runs under `timeout`).
        // The idle-timeout timer stays: keeping connections open instead (a minimum above zero)
        // trips a precondition in postgres-nio 1.33's pool when PostgreSQL restarts
        // (`createNewDemandConnectionIfPossible`, seen in the PostgreSQL-kill fault test).
        configuration.options.keepAliveBehavior = nil
        configuration.options.minimumConnections = 0
        return configuration
    }

    /// Runs a statement, recording its latency under `label` (a fixed name, never the SQL or its
    /// values); returns its rows, all read before it returns.
    ///
    /// Read in full, so the statement can go to a kept connection (`alone`) like the prepared
    /// ones: a caller that sends another statement while going through the rows finds nothing of
    /// theirs still queued on it. A lease from the pool for each statement armed and cancelled an
    /// idle timer on Swift's global executor every time, and the dispatch threads waking for those
    /// timers were 14 % of an API node's CPU on reads such as markers (`perf record -g`). The
    /// results sent this way are pages, counts and one account's rows; the largest (whom an account
    /// follows, for an export) was read whole by its caller before too.
    @discardableResult
    public func query(_ label: String, _ query: PostgresQuery) async throws -> QueryRows {
        let start = ContinuousClock.now
        defer { Self.timer(label).record(duration: ContinuousClock.now - start) }
        let logger = self.logger
        return try await alone { connection in QueryRows(rows: try await connection.query(query, logger: logger).collect()) }
    }

    /// Runs a statement sent on its own under the deadline, on a kept connection if one is free
    /// enough, otherwise on a connection leased from the pool for the call. `statement` must read
    /// every row before it returns (nothing may stay queued on the connection for the caller to
    /// read later). A deadline missed on a kept connection closes it (statements queued behind it
    /// would wait as long); a new one replaces it.
    func alone<T: Sendable>(_ statement: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard let (lane, connection) = lanes.acquire() else {
            let client = self.client
            return try await withDeadline { try await client.withConnection { try await statement($0) } }
        }
        let lanes = self.lanes
        do {
            return try await withDeadline {
                // Counted until written and answered, however the caller fares: the lane hands its
                // connection back to the pool only once nothing more can be written to it.
                defer { lanes.release(lane) }
                return try await statement(connection)
            }
        } catch let error as StoreError {
            if case .unavailable = error { lanes.retire(lane, connection) }
            throw error
        }
    }

    /// Runs `body` in one transaction on one connection (postgres-nio's `withTransaction`); rolls
    /// back if it throws. The error `body` threw reaches the caller as itself, not wrapped, so a
    /// `StoreError` or `DomainError` keeps its meaning; a failed `BEGIN` or `COMMIT` is rethrown as
    /// postgres-nio reports it.
    public func transaction<T: Sendable>(_ label: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        defer { Self.timer(label).record(duration: ContinuousClock.now - start) }
        let (client, logger) = (self.client, self.logger)
        // A deadlock or serialization failure rolled the whole transaction back, so running it
        // again is safe and is what PostgreSQL asks of the client; twice more at most.
        for attempt in 1... {
            do {
                return try await withDeadline { try await client.withTransaction(logger: logger) { connection in try await body(connection) } }
            } catch let error as PostgresTransactionError {
                let cause = error.unwrapped(logger: logger)
                guard attempt < 3, Self.isRetryable(cause) else { throw cause }
                logger.info("transaction retried", metadata: ["label": "\(label)", "error": "\(Self.sqlState(of: cause) ?? "")"])
                // A short random pause lets the transaction that won finish first; retrying at once
                // can take the freed row before the winner does and deadlock with it again.
                try await Task.sleep(for: .milliseconds(Int.random(in: 10...40) * attempt))
            }
        }
        fatalError("unreachable")
    }

    /// SQLSTATE 40P01 (deadlock detected) and 40001 (serialization failure).
    static func isRetryable(_ error: any Error) -> Bool {
        ["40P01", "40001"].contains(sqlState(of: error) ?? "")
    }

    static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Row-locks accounts in ascending id order before a statement updates several of them (a
    /// follow's two counters): two such transactions then always lock in the same order, where an
    /// `UPDATE … WHERE id IN (…)` locks in whatever order its plan visits them and can deadlock.
    public static func lockAccountsInOrder(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws {
        for try await _ in try await connection.query("""
            SELECT 1 FROM accounts WHERE id = ANY(\(ids)) ORDER BY id FOR NO KEY UPDATE
            """, logger: logger) {}
    }

    /// Runs `work`, giving up after `timeout`: the work is cancelled (postgres-nio cancels the
    /// pool request or the query) and `StoreError.unavailable` thrown.
    func withDeadline<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Self.abandoning(after: timeout, work)
    }

    /// Runs `work` in a task of its own and returns its result, or throws as soon as `timeout`
    /// passes (`StoreError.unavailable`) or the caller is cancelled (`CancellationError`), without
    /// waiting for `work` to end: it is cancelled and left to finish on its own.
    ///
    /// Why not a task group: a group waits for its cancelled child, and a query already sent to a
    /// PostgreSQL that stopped answering (frozen, or a half-open connection) ignores cancellation
    /// until the server replies or the connection closes. Waiting for it made the deadline and a
    /// node's shutdown (SIGTERM) last as long as the outage. The abandoned query holds its pool
    /// connection until then; the pool closes every connection when the node shuts down.
    public static func abandoning<T: Sendable>(after timeout: Duration? = nil,
                                               _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        // The work stays on the caller's event loop, if it runs on one (an unstructured task does not
        // inherit the preference), and the deadline is a timer of that loop: a `Task.sleep` timer
        // and two tasks on the cooperative pool cost every query two thread hops.
        let executor = EventLoopTaskExecutor.current
        let task = Task(executorPreference: executor) {
            do {
                outcome.settle(.success(try await work()))
            } catch {
                outcome.settle(.failure(error))
            }
        }
        let timer = timeout.map { timeout in
            LoopTimer.schedule(in: timeout) {
                if outcome.settle(.failure(StoreError.unavailable("PostgreSQL did not answer within \(timeout)"))) { task.cancel() }
            }
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { outcome.wait($0) }
        } onCancel: {
            if outcome.settle(.failure(CancellationError())) { task.cancel() }
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

/// The first of a result, a deadline or a cancellation, handed to one waiting continuation.
final class Outcome<T: Sendable>: Sendable {
    private enum State {
        case pending
        case waiting(CheckedContinuation<T, any Error>)
        /// Settled before anyone waited (the caller was already cancelled): handed over by `wait`.
        case settled(Result<T, any Error>?)
    }

    private let state = Mutex(State.pending)

    func wait(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            switch state {
            case .pending:
                state = .waiting(continuation)
                return nil
            case .settled(let result):
                state = .settled(nil)
                return result
            case .waiting:
                preconditionFailure("Outcome.wait called twice")
            }
        }
        if let early { continuation.resume(with: early) }
    }

    /// Settles the outcome; false if it was settled already (the result is dropped).
    @discardableResult
    func settle(_ result: Result<T, any Error>) -> Bool {
        let (first, waiter): (Bool, CheckedContinuation<T, any Error>?) = state.withLock { state in
            switch state {
            case .pending:
                state = .settled(result)
                return (true, nil)
            case .waiting(let continuation):
                state = .settled(nil)
                return (true, continuation)
            case .settled:
                return (false, nil)
            }
        }
        waiter?.resume(with: result)
        return first
    }
}

extension Database {
    /// Whether an error means PostgreSQL is unreachable, restarting or out of connections, so the
    /// same request may succeed shortly (a 503 to clients), as opposed to a query it refused.
    public static func isOutage(_ error: any Error) -> Bool {
        if case .unavailable = error as? StoreError { return true }
        if let error = error as? PSQLError {
            if [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed, .queryCancelled]
                .contains(error.code) { return true }
            if error.code == .server, let state = error.serverInfo?[.sqlState] {
                // 08: connection exceptions; 57P: shutting down / cannot connect now; 53: out of resources.
                return state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53")
            }
            return false
        }
        // The pool's own errors (circuit breaker tripped while PostgreSQL is down, pool shut down)
        // come from postgres-nio's internal `_ConnectionPoolModule`, which we do not import.
        return String(reflecting: type(of: error)).hasSuffix(".ConnectionPoolError")
    }
}

public enum StoreError: Error, CustomStringConvertible, Equatable {
    case invalidSetting(String)
    case notFound(String)
    case forbidden(String)
    case conflict(String)
    case validation(String)
    /// PostgreSQL did not answer in time (down, restarting or saturated).
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalidSetting(let m), .notFound(let m), .forbidden(let m), .conflict(let m), .validation(let m), .unavailable(let m): m
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

/// A statement's rows, read in full (`Database.query`); decoded as postgres-nio's row sequence is.
public struct QueryRows: AsyncSequence, Sendable {
    public typealias Element = PostgresRow
    public let rows: [PostgresRow]

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: IndexingIterator<[PostgresRow]>
        public mutating func next() async throws -> PostgresRow? { base.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: rows.makeIterator()) }
}

extension AsyncSequence where Element == PostgresRow {
    /// All rows decoded as one type; for small, bounded results.
    public func collect<T: PostgresDecodable>(_ type: T.Type) async throws -> [T] {
        var out: [T] = []
        for try await value in self.decode(T.self) { out.append(value) }
        return out
    }
}
