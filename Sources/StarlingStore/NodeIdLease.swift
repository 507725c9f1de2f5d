import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Claims an id-generator node number that no other live process holds, for deployments that
/// scale a role without numbering its replicas (`STARLING_NODE_ID=auto`).
///
/// The claim is a PostgreSQL session advisory lock held on a connection of its own for the life of
/// the process: it needs no table and no expiry, and a crashed process frees its number at once.
public final class NodeIdLease: Sendable {
    public let nodeId: Int
    private let connection: PostgresConnection
    private let releasing = Atomic<Bool>(false)
    static let lockSpace: Int32 = 0x4E4F_4445  // "NODE"

    private init(nodeId: Int, connection: PostgresConnection, logger: Logger) {
        self.nodeId = nodeId
        self.connection = connection
        // Losing the connection frees the lock while this process would go on minting ids with the
        // number: another process could claim it and ids could collide. Stop instead; a supervisor
        // restarts the process, which claims a number afresh.
        connection.closeFuture.whenComplete { [weak self] _ in
            guard let self, !self.releasing.load(ordering: .relaxed) else { return }
            logger.critical("lost the PostgreSQL connection holding node id \(nodeId); exiting so ids stay unique")
            exit(75)  // EX_TEMPFAIL
        }
    }

    /// Takes the lowest free number in `range`. - Throws: if all are held.
    public static func acquire(url: String, range: ClosedRange<Int>, logger: Logger) async throws -> NodeIdLease {
        let pool = try Database.configuration(url: url, maxConnections: 1)
        let configuration = PostgresConnection.Configuration(
            host: pool.host ?? "127.0.0.1", port: pool.port ?? 5432, username: pool.username,
            password: pool.password, database: pool.database, tls: .disable)
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: logger).get()
        for candidate in range {
            let key = Int32(candidate)
            for try await locked in try await connection.query("SELECT pg_try_advisory_lock(\(lockSpace), \(key))", logger: logger)
                .decode(Bool.self) where locked {
                return NodeIdLease(nodeId: candidate, connection: connection, logger: logger)
            }
        }
        try? await connection.close()
        throw StoreError.invalidSetting("STARLING_NODE_ID=auto: every node number in \(range) is held by a running process")
    }

    public func release() async {
        releasing.store(true, ordering: .relaxed)
        try? await connection.close()
    }
}
