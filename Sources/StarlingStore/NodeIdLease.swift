import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Claims an id-generator node number that no other live process holds, for deployments that
/// scale a role without numbering its replicas (`STARLING_NODE_ID=auto`).
///
/// The claim is a PostgreSQL session advisory lock held on a connection of its own for the life of
/// the process: it needs no table and no expiry, and a crashed process frees its number at once.
public final class NodeIdLease: Sendable {
    public let nodeId: Int
    private let connection: PostgresConnection
    static let lockSpace: Int32 = 0x4E4F_4445  // "NODE"

    private init(nodeId: Int, connection: PostgresConnection) {
        self.nodeId = nodeId
        self.connection = connection
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
                return NodeIdLease(nodeId: candidate, connection: connection)
            }
        }
        try? await connection.close()
        throw StoreError.invalidSetting("STARLING_NODE_ID=auto: every node number in \(range) is held by a running process")
    }

    public func release() async {
        try? await connection.close()
    }
}
