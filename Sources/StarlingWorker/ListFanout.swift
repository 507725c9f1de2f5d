import StarlingDomain
import StarlingStore
import StarlingTimelines

/// List timelines in the fan-out: a status goes to every list holding its author that
/// `ListRules.admits` it (once, with its first chunk), and out of the homes of the owners of
/// exclusive lists holding its author (every chunk).
extension FanoutWorker {
    /// Pushes a batch's statuses to their lists (one membership query and one pipeline per shard for
    /// the batch), streams them on the lists' channels, and returns `homes` without the owners of
    /// exclusive lists holding each status's author.
    func deliverToLists(_ items: [(job: OutboxJob, status: StatusRow)], deliveries: [Int64: [ListDelivery]],
                        homes: [Int64: [Int64]]) async throws -> [Int64: [Int64]] {
        if items.isEmpty || deliveries.isEmpty { return homes }
        var homes = homes
        var pushes: [TimelineCache.ListDeliveryBatch] = []
        var events: [(StreamEvent, [String])] = []
        for (job, status) in items {
            let reaching = deliveries[status.id] ?? []
            let exclusiveOwners = Set(reaching.filter(\.exclusive).map(\.rule.owner))
            if !exclusiveOwners.isEmpty, let users = homes[job.id] {
                homes[job.id] = users.filter { !exclusiveOwners.contains($0) }
            }
            guard job.cursor == 0 else { continue }  // lists get a status once, with its first chunk
            let admitted = reaching.filter { ListRules.admits(status.audience, to: $0.rule) }
            if admitted.isEmpty { continue }
            pushes.append(.init(statusId: status.id, lists: admitted.map { .list(owner: $0.rule.owner, id: $0.list) }, redo: job.isRedo))
            events.append((StreamEvent(event: .update, status: status.id, author: status.accountId, replyTo: status.inReplyToAccountId),
                           admitted.map { RedisKeys.listChannel(owner: $0.rule.owner, list: $0.list) }))
        }
        try await cache.push(toLists: pushes)
        for (event, channels) in events { try await cache.publish(event, on: channels) }
        return homes
    }

    /// Every list holding the authors of `items` (one query), for `deliverToLists`.
    func listDeliveries(of items: [(job: OutboxJob, status: StatusRow)]) async throws -> [Int64: [ListDelivery]] {
        if items.isEmpty { return [:] }
        return try await ListStore(database: database).deliveries(of: items.map {
            ListStore.Posted(status: $0.status.id, author: $0.status.accountId, replyTarget: $0.status.inReplyToAccountId)
        })
    }

    /// A deleted status leaves the lists holding its author (and their streams hear of it).
    func removeFromLists(_ job: OutboxJob) async throws {
        let reaching = try await ListStore(database: database).deliveries(of: [.init(status: job.statusId, author: job.accountId, replyTarget: nil)])
        let lists = reaching[job.statusId] ?? []
        if lists.isEmpty { return }
        try await cache.remove([job.statusId], from: lists.map { .list(owner: $0.rule.owner, id: $0.list) })
        try await cache.publish(StreamEvent(event: .delete, status: job.statusId),
                                on: lists.map { RedisKeys.listChannel(owner: $0.rule.owner, list: $0.list) })
    }
}
