import StarlingDomain
import StarlingRedis

extension TimelineCache {
    /// One status for some lists.
    public struct ListDeliveryBatch: Sendable {
        public var statusId: Int64
        public var lists: [List]
        /// A redone job: remove an earlier copy first.
        public var redo: Bool

        public init(statusId: Int64, lists: [List], redo: Bool) {
            self.statusId = statusId
            self.lists = lists
            self.redo = redo
        }
    }

    /// Prepends statuses to the lists that exist (`LPUSHX`: a list nobody rebuilt stays missing),
    /// trimming each: one pipeline per shard for the whole batch.
    public func push(toLists deliveries: [ListDeliveryBatch]) async throws {
        var batch = redis.batch()
        let end = String(settings.listLength)
        var any = false
        for delivery in deliveries {
            let id = String(delivery.statusId)
            for list in delivery.lists {
                let shard = batch.shard(forKey: list.key)
                if delivery.redo { batch.add(RedisCommand("LREM", list.key, "0", id), shard: shard) }
                batch.add(RedisCommand("LPUSHX", list.key, id), shard: shard)
                batch.add(RedisCommand("LTRIM", list.key, "0", end), shard: shard)
                any = true
            }
        }
        if !any { return }
        _ = try await redis.send(batch).throwingFirstError()
    }
}
