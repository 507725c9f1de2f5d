import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import StarlingDomain
import StarlingRedis
import StarlingStore
import StarlingTimelines

extension FanoutWorker {
    /// A direct status joins its conversation for every participant (unread for recipients), and
    /// each participant's `direct` stream gets a `conversation` event. Idempotent on a redo.
    func recordConversation(_ status: StatusRow) async throws {
        let mentioned = status.mentions.map(\.id)
        let excluded = try await ConversationBlocks.recipientsExcluded(database: database, author: status.accountId, recipients: mentioned)
        let participants = DirectConversation.participants(author: status.accountId, mentioned: mentioned, excluded: excluded)
        let rows = try await ConversationStore(database: database).record(
            statusId: status.id, author: status.accountId, inReplyTo: status.inReplyToId, participants: participants)
        for row in rows {
            var event = StreamEvent(event: .conversation, status: status.id)
            event.conversation = row.id
            try await cache.publish(event, on: [StreamChannels.user(row.accountId)])
        }
    }
}

extension FanoutWorker {
    /// A deleted direct status no longer ends its conversation: the conversation's newest
    /// remaining status does, and a conversation with none left is removed. Idempotent.
    func conversationStatusDeleted(_ statusId: Int64) async throws {
        try await ConversationStore(database: database).statusDeleted(statusId)
    }
}

/// Who must not receive a direct status: recipients with a block either way between them and the
/// author (read from the `blocks` table once it exists).
enum ConversationBlocks {
    static func recipientsExcluded(database: Database, author: Int64, recipients: [Int64]) async throws -> Set<Int64> {
        if recipients.isEmpty { return [] }
        do {
            return try await Set(database.query("conversation_blocks", """
                SELECT account_id FROM blocks WHERE account_id = ANY(\(recipients)) AND target_account_id = \(author)
                UNION SELECT target_account_id FROM blocks WHERE account_id = \(author) AND target_account_id = ANY(\(recipients))
                """).collect(Int64.self))
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P01" {
            return []  // no blocks table yet (its migration is another feature's)
        }
    }
}

/// Processes follow imports (`POST /api/v1/import`) in the background: leases one job at a time,
/// follows in batches, records progress after each batch. A worker that dies leaves its lease to
/// run out; another worker resumes from the recorded progress (following is idempotent).
public final class FollowImporter: Service {
    let database: Database
    let redis: ShardedRedis
    let store: FollowImportStore
    let follows: FollowStore
    let relations: RelationshipStore
    let notifications: NotificationStore
    let logger: Logger
    let pollInterval: Duration
    static let leaseSeconds = 60
    static let batch = 50

    public init(database: Database, redis: ShardedRedis, logger: Logger, pollInterval: Duration = .seconds(5)) {
        self.database = database
        self.redis = redis
        self.store = FollowImportStore(database: database)
        self.follows = FollowStore(database: database)
        self.relations = RelationshipStore(database: database)
        self.notifications = NotificationStore(database: database)
        self.logger = logger
        self.pollInterval = pollInterval
    }

    public func run() async throws {
        // Woken by the NOTIFY of a new import (follow_imports_notify), polling as a fallback for
        // a lost notification and for leases that ran out.
        let (bell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask { await self.listen { ring.yield() } }
            group.addTask {
                while !Task.isCancelled {
                    ring.yield()
                    try? await Task.sleep(for: self.pollInterval)
                }
            }
            group.addTask {
                try? await gracefulShutdown()
                ring.finish()
            }
            for await _ in bell {
                do {
                    while !Task.isShuttingDownGracefully, try await runOnce() {}
                } catch {
                    if Task.isShuttingDownGracefully { break }
                    logger.warning("follow import failed; retried after its lease", metadata: ["error": "\(error)"])
                }
            }
            group.cancelAll()
        }
    }

    /// LISTEN for new imports, reconnecting after a failure, until cancelled.
    private func listen(_ wake: @escaping @Sendable () -> Void) async {
        let client = database.client
        while !Task.isCancelled {
            do {
                try await Database.abandoning {
                    try await client.withConnection { connection in
                        try await connection.listen(on: FollowImportStore.channel) { notifications in
                            for try await _ in notifications { wake() }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Leases and runs one import to its end. False when none is waiting.
    @discardableResult
    public func runOnce() async throws -> Bool {
        // A lease waiting for PostgreSQL holds no job: SIGTERM cancels it rather than letting it run
        // to its deadline (with PostgreSQL refusing connections, a worker's exit waited 5 s here).
        let store = self.store
        guard let job = try await cancelWhenGracefulShutdown({ try await store.lease(seconds: Self.leaseSeconds) }) else { return false }
        let plan = FollowImportPlan(entries: job.entries)
        let resolved = try await store.accountIds(usernames: Array(Set(plan.usernames.compactMap { $0 })))
        var processed = job.processed, failed = job.failed
        var wanted = Set<Int64>()
        for name in plan.usernames { if let name, let target = resolved[name], target.id != job.accountId { wanted.insert(target.id) } }
        if job.mode == "overwrite" && processed == 0 {
            // Overwrite: whom the file does not list is unfollowed first.
            for followee in try await store.followingIds(account: job.accountId) where !wanted.contains(followee) {
                if try await follows.unfollow(follower: job.accountId, followee: followee) { await invalidate([job.accountId, followee]) }
            }
        }
        while processed < plan.usernames.count {
            let slice = plan.usernames[processed..<min(plan.usernames.count, processed + Self.batch)]
            var changed: [Int64] = []
            for name in slice {
                // As the follow route: nobody across a block either way; a locked account gets a request.
                guard let name, let target = resolved[name], target.id != job.accountId,
                      try await !relations.blockedEitherWay(job.accountId, target.id) else {
                    failed += 1
                    continue
                }
                if target.locked {
                    if try await follows.relationships(viewer: job.accountId, targets: [target.id]).first?.following != true,
                       try await relations.requestFollow(account: job.accountId, target: target.id) {
                        await notifyFollowRequest(from: job.accountId, to: target.id)
                    }
                } else if try await follows.follow(follower: job.accountId, followee: target.id) {
                    changed.append(target.id)
                }
            }
            processed += slice.count
            if !changed.isEmpty { await invalidate([job.accountId] + changed, pulledOf: job.accountId) }
            try await store.progress(id: job.id, processed: processed, failed: failed, finished: processed >= plan.usernames.count,
                                     leaseSeconds: Self.leaseSeconds)
        }
        if plan.usernames.isEmpty {
            try await store.progress(id: job.id, processed: 0, failed: 0, finished: true, leaseSeconds: Self.leaseSeconds)
        }
        return true
    }

    /// The `follow_request` notification, created once, streamed to the target.
    private func notifyFollowRequest(from requester: Int64, to target: Int64) async {
        do {
            guard let id = try await notifications.create(recipient: target, from: requester, type: .followRequest, statusId: nil) else { return }
            let channel = StreamChannels.user(target)
            _ = try await redis.send(key: channel, .publish(channel, StreamEvent(event: .notification, notification: id).payload))
        } catch {
            logger.warning("could not notify a follow request", metadata: ["error": "\(error)"])
        }
    }

    /// Tells every API node that these accounts' rows (counters) and the importer's pulled list changed,
    /// in the format of the API's `CacheInvalidation` (`a<id>`, `p<id>`, `P`: every pulled list, as a
    /// followee may have crossed the celebrity threshold).
    private func invalidate(_ accounts: [Int64], pulledOf: Int64? = nil) async {
        let parts = accounts.map { "a\($0)" } + [pulledOf.map { "p\($0)" } ?? "", "P"].filter { !$0.isEmpty }
        let channel = RedisKeys.cacheInvalidationChannel
        _ = try? await redis.send(key: channel, .publish(channel, Array(parts.joined(separator: " ").utf8)))
    }
}
