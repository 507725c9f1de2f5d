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
        try await push(deliveries.flatMap { delivery in
            delivery.lists.map { list in (list.key, [HomeDelivery(statusId: delivery.statusId, users: [], redo: delivery.redo)]) }
        })
    }
}
