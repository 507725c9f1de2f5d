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

    /// Adds statuses to the lists that exist, in order (`orderedPush`: a list nobody rebuilt stays
    /// missing): one pipeline per shard for the whole batch.
    public func push(toLists deliveries: [ListDeliveryBatch]) async throws {
        var batch = redis.batch()
        for delivery in deliveries {
            let id = Array(String(delivery.statusId).utf8)
            for list in delivery.lists {
                batch.add(orderedPush(key: Array(list.key.utf8), id: id, redo: delivery.redo), routedBy: list.key)
            }
        }
        if batch.isEmpty { return }
        _ = try await redis.send(batch).throwingFirstError()
    }
}
