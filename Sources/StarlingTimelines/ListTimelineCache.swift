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

    /// Adds statuses to the lists that exist (a list nobody rebuilt stays missing), trimming each:
    /// one pipeline per shard for the whole batch; a redone job's in its place (`orderedPush`).
    public func push(toLists deliveries: [ListDeliveryBatch]) async throws {
        var pushes = Pushes(batch: redis.batch())
        for delivery in deliveries.sorted(by: { $0.statusId < $1.statusId }) {
            for list in delivery.lists { pushes.add(list, id: delivery.statusId, redo: delivery.redo, late: delivery.redo) }
        }
        try await send(pushes)
    }
}
