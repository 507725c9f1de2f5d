import Logging
import StarlingDomain
import ServiceLifecycle
import StarlingStore
import StarlingTimelines
import Synchronization

/// Rebuilds missing timeline lists from PostgreSQL in the background, while reads are served by pull.
/// A list already queued or being rebuilt is not queued again.
public final class RebuildQueue: Service {
    private let pending = Mutex<Set<TimelineCache.List>>([])
    private let stream: AsyncStream<TimelineCache.List>
    private let continuation: AsyncStream<TimelineCache.List>.Continuation
    private let concurrency: Int
    private let rebuild: @Sendable (TimelineCache.List) async throws -> Void
    let logger: Logger

    public init(concurrency: Int = 4, logger: Logger, rebuild: @escaping @Sendable (TimelineCache.List) async throws -> Void) {
        (stream, continuation) = AsyncStream.makeStream(of: TimelineCache.List.self, bufferingPolicy: .bufferingNewest(10_000))
        self.concurrency = concurrency
        self.rebuild = rebuild
        self.logger = logger
    }

    /// The rebuild of one list from PostgreSQL: a home from the pushed authors it follows, an
    /// author's own list from their statuses.
    public static func rebuilder(cache: TimelineCache, database: Database, policy: FanoutPolicy)
        -> @Sendable (TimelineCache.List) async throws -> Void {
        let statuses = StatusStore(database: database)
        let length = cache.settings.listLength
        return { list in
            try await cache.rebuild(list) {
                switch list {
                case .home(let user): try await statuses.homeRebuild(user: user, threshold: policy.pushedBelow, limit: length)
                case .authored(let author): try await statuses.recentIds(author: author, limit: length)
                case .list(let owner, let id):
                    try await ListStore(database: database).rebuildIds(list: id, owner: owner, threshold: policy.pushedBelow, limit: length)
                }
            }
        }
    }

    /// Queues a rebuild unless one is queued or running.
    public func enqueue(_ list: TimelineCache.List) {
        let isNew = pending.withLock { $0.insert(list).inserted }
        guard isNew else { return }
        if case .dropped(let dropped) = continuation.yield(list) {
            // The queue is full and let go of its oldest entry: forget it, so a later read queues it again.
            _ = pending.withLock { $0.remove(dropped) }
        }
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await list in stream.cancelOnGracefulShutdown() {
                if running >= concurrency {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask {
                    do {
                        try await self.rebuild(list)
                    } catch {
                        self.logger.warning("timeline rebuild failed", metadata: ["list": "\(list.key)", "error": "\(String(reflecting: error))"])
                    }
                    _ = self.pending.withLock { $0.remove(list) }
                }
            }
        }
    }
}
