import Synchronization

/// A small in-process cache whose entries expire after `ttl`, and are removed at once when an
/// invalidation arrives (from this node, or from another through Redis pub/sub).
///
/// A fill that read the source of truth *before* an invalidation of its key must not install
/// its (possibly stale) value: callers take `fillTicket()` before reading, and `set` refuses the
/// value when the key was invalidated after that ticket. Bounded: when full it is cleared, which
/// is crude but keeps memory flat and costs one miss per entry afterwards.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// A struct, not a tuple: read for every status of every page, a tuple was copied out of the
    /// dictionary through the runtime's generic value witnesses, field by field.
    private struct Entry {
        var value: Value
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// When each key was last invalidated, kept for `invalidationMemory`.
        var invalidated: [Key: ContinuousClock.Instant] = [:]
        /// When everything was last dropped.
        var clearedAt: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    let ttl: Duration
    let capacity: Int
    /// Longer than any read of the source takes: an invalidation older than this cannot race a fill.
    static var invalidationMemory: Duration { .seconds(30) }

    init(ttl: Duration, capacity: Int = 100_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func get(_ key: Key) -> Value? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            if entry.expires < now {
                state.entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    /// A lifetime of 0.9 to 1.1 × `ttl`: entries filled together (every user's, as a node starts)
    /// do not all expire in the same instant and send their refills to PostgreSQL at once, again
    /// every `ttl`.
    static func jittered(_ ttl: Duration) -> Duration {
        ttl * Double.random(in: 0.9...1.1)
    }

    /// When `key`'s entry expires (tests).
    func expiry(of key: Key) -> ContinuousClock.Instant? {
        state.withLock { $0.entries[key]?.expires }
    }

    /// The moment a fill starts reading the source; pass it to `set`.
    func fillTicket() -> ContinuousClock.Instant { ContinuousClock.now }

    /// Caches a value read from the source, unless the key was invalidated after `ticket`.
    func set(_ key: Key, _ value: Value, readSince ticket: ContinuousClock.Instant? = nil) {
        if ttl <= .zero { return }  // caching disabled
        let now = ContinuousClock.now
        state.withLock { state in
            if let ticket {
                if let invalidated = state.invalidated[key], invalidated >= ticket { return }
                if let cleared = state.clearedAt, cleared >= ticket { return }
            }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(value: value, expires: now + Self.jittered(ttl))
        }
    }

    /// Drops the keys and remembers when, so that fills that started earlier do not re-install them.
    func invalidate(_ keys: some Sequence<Key>) {
        let now = ContinuousClock.now
        state.withLock { state in
            for key in keys {
                state.entries[key] = nil
                remember(key, invalidatedAt: now, in: &state)
            }
        }
    }

    /// Changes `key`'s cached value in place, if there is one (its lifetime unchanged), and refuses
    /// fills that started earlier, as `invalidate` does: they may have read the value before the change.
    func update(_ key: Key, _ change: (inout Value) -> Void) {
        let now = ContinuousClock.now
        state.withLock { state in
            remember(key, invalidatedAt: now, in: &state)
            guard var entry = state.entries[key] else { return }
            change(&entry.value)
            state.entries[key] = entry
        }
    }

    private func remember(_ key: Key, invalidatedAt now: ContinuousClock.Instant, in state: inout State) {
        if state.invalidated.count >= capacity {
            state.invalidated = state.invalidated.filter { now - $0.value < Self.invalidationMemory }
        }
        state.invalidated[key] = now
    }

    /// Drops everything (and refuses every fill that started before now).
    func invalidateAll() {
        let now = ContinuousClock.now
        state.withLock { state in
            state.entries.removeAll(keepingCapacity: true)
            state.invalidated.removeAll(keepingCapacity: true)
            state.clearedAt = now
        }
    }

    func remove(_ key: Key) {
        invalidate([key])
    }
}
