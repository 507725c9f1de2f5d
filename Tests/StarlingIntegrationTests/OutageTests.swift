import Foundation
import Logging
import PostgresNIO
@testable import StarlingAPI
import StarlingRedis
import StarlingStore
import Testing

/// A dependency that is down answers 503 with `Retry-After`, never a 500 (and never a hang).
struct OutageTests {
    @Test func unreachablePostgreSQLIsA503() async throws {
        var logger = Logger(label: "outage")
        logger.logLevel = .critical
        // Nothing listens on port 1: every connection attempt is refused, as during a restart.
        var configuration = try Database.configuration(url: "postgres://starling@127.0.0.1:1/none", maxConnections: 2)
        configuration.options.connectTimeout = .seconds(1)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let database = Database(client: client, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let started = ContinuousClock.now
            do {
                try await database.query("probe", "SELECT 1")
                Issue.record("a query against nothing succeeded")
            } catch {
                let mapped = MastodonError.from(error, logger: logger)
                #expect(mapped.status == .serviceUnavailable, "\(String(reflecting: error))")
                #expect(mapped.headers[.retryAfter] == "5")
            }
            print("unreachable PostgreSQL answered after \(ContinuousClock.now - started)")
            group.cancelAll()
        }
    }

    @Test func redisOutageErrorsMapTo503AndOthersDoNot() {
        let logger = Logger(label: "outage")
        let outages: [RedisError] = [.io(address: "a", reason: "reset"), .connectFailed(address: "a", reason: "refused"), .poolClosed,
                                     .server("LOADING Redis is loading the dataset in memory"), .server("CLUSTERDOWN The cluster is down")]
        for error in outages {
            #expect(MastodonError.from(error, logger: logger).status == .serviceUnavailable, "\(error)")
        }
        #expect(MastodonError.from(RedisError.server("WRONGTYPE Operation against a key"), logger: logger).status == .internalServerError)
    }
}
