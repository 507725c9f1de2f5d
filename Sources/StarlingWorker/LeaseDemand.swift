import Synchronization

/// Whether a wake-up needs a processing loop of its own, or a loop already leasing will see its row.
///
/// Each post wakes the workers once. When every wake-up started a lease of its own, a process's loops
/// leased one or two rows each under load (1.7 rows per lease at 900 posts/s), and each lease and
/// its followers' query cost about as much for one row as for ten. Now, while a loop of the process is
/// draining, a wake-up only marks that there is more: the loop leases again after its batch, and that
/// lease gathers every post committed meanwhile. More loops join only when a batch comes back full.
///
/// A wake-up always follows its row's commit, and a loop clears the mark before each lease, so any
/// mark it finds after a lease began may be a row that lease did not see: it leases once more.
/// Every wake-up is therefore either answered by a new loop or seen by a draining one before it
/// leaves. A batch that runs long (a large chunk, a slow shard) does not hold the posts behind it:
/// once no lease has begun for `stallAfter`, a wake-up wakes another loop again, and the loop running
/// the batch wakes one then for the wake-ups it holds (`FanoutWorker.drain`).
public final class LeaseDemand: Sendable {
    private let marked = Atomic<Bool>(false)
    private let draining = Atomic<Int>(0)
    /// When the last lease began, in nanoseconds since `origin`.
    private let lastLease = Atomic<Int64>(0)
    private let origin = ContinuousClock.now
    private let stallNanoseconds: Int64
    /// How long a lease's batch may hold the wake-ups behind it.
    public let stallAfter: Duration

    public init(stallAfter: Duration = .milliseconds(20)) {
        self.stallAfter = stallAfter
        let (seconds, attoseconds) = stallAfter.components
        self.stallNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private var now: Int64 {
        let (seconds, attoseconds) = (ContinuousClock.now - origin).components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// A row may be waiting. Returns true when the caller must wake a loop: none is draining, or
    /// the draining ones have not leased for `stallAfter`.
    public func wake() -> Bool {
        marked.store(true, ordering: .sequentiallyConsistent)
        if draining.load(ordering: .sequentiallyConsistent) == 0 { return true }
        return now - lastLease.load(ordering: .relaxed) > stallNanoseconds
    }

    /// A loop starts draining.
    public func enter() {
        draining.wrappingAdd(1, ordering: .sequentiallyConsistent)
    }

    /// Just before a lease: every wake-up so far is covered by it.
    public func leasing() {
        lastLease.store(now, ordering: .relaxed)
        marked.store(false, ordering: .sequentiallyConsistent)
    }

    /// After a lease that found nothing, or a batch that was not full: true when the loop may stop
    /// (and has left), false when a wake-up came since its lease began and it must lease again.
    public func mayLeave() -> Bool {
        if marked.load(ordering: .sequentiallyConsistent) { return false }
        draining.wrappingSubtract(1, ordering: .sequentiallyConsistent)
        // A wake-up between the check and the decrement saw this loop draining and woke nobody.
        if marked.load(ordering: .sequentiallyConsistent) {
            draining.wrappingAdd(1, ordering: .sequentiallyConsistent)
            return false
        }
        return true
    }

    /// The loop stops for another reason (an error, shutdown): the poll tick retries what is left.
    public func leave() {
        draining.wrappingSubtract(1, ordering: .sequentiallyConsistent)
    }

    /// Whether a wake-up came since the last lease began.
    public var isMarked: Bool { marked.load(ordering: .sequentiallyConsistent) }

    /// Loops draining now (tests and metrics).
    public var drainingLoops: Int { draining.load(ordering: .sequentiallyConsistent) }
}
