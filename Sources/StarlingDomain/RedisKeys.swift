/// Names of every Redis key Starling writes. Each carries its owner in a `{…}` hash tag.
public enum RedisKeys {
    /// A user's home timeline: status ids, newest first, trimmed to the configured length.
    public static func home(_ userId: Int64) -> String { "home:{\(userId)}" }
    /// Present while `home` is complete; missing means "rebuild from PostgreSQL before trusting it".
    public static func homeReady(_ userId: Int64) -> String { "homeok:{\(userId)}" }
    /// An author's own statuses, newest first: what readers merge in for celebrity authors.
    public static func authored(_ userId: Int64) -> String { "user:{\(userId)}" }
    /// A cached status row (JSON), or the tombstone of a deleted one.
    public static func status(_ statusId: Int64) -> String { "status:{\(statusId)}" }

    /// Cache value that marks a deleted status; cache fills use `SET NX` so they cannot overwrite it.
    public static let tombstone = "deleted"
}
