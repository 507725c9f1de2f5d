import Foundation
import Logging
import ServiceLifecycle
import StarlingStore
import StarlingTimelines

/// Closes expired polls and sends their `poll` notifications (to the voters and the author).
///
/// Each pass is one statement that claims polls (`notified_at` set, `FOR UPDATE SKIP LOCKED`) and
/// writes their notifications together, so with any number of workers a poll is notified exactly
/// once, and a worker dying mid-pass leaves nothing half-done (the statement rolls back).
public struct PollCloser: Service {
    let store: EditPollStore
    let cache: TimelineCache
    let logger: Logger
    let interval: Duration

    public init(database: Database, cache: TimelineCache, logger: Logger, interval: Duration = .seconds(1)) {
        store = EditPollStore(database: database)
        self.cache = cache
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // SIGTERM abandons a pass waiting for PostgreSQL (its statement commits or rolls back
            // whole) and the pause between passes: services stop one after another, so one waiting
            // out its query deadline held the node's exit during an outage.
            do {
                while try await cancelWhenGracefulShutdown({ try await runOnce() }) > 0 {}
            } catch {
                if Task.isShuttingDownGracefully { break }
                logger.warning("closing expired polls failed; retried", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
        }
    }

    /// One pass: closes up to a batch of expired polls. - Returns: notifications created.
    @discardableResult
    public func runOnce() async throws -> Int {
        let created = try await store.closeExpired()
        for notification in created {
            // Streaming is best effort: the notification itself is committed.
            try? await cache.publish(StreamEvent(event: .notification, notification: notification.id),
                                     on: [StreamChannels.user(notification.recipient)])
        }
        return created.count
    }
}
