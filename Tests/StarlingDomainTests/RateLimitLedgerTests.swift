import StarlingDomain
import Testing

/// The node-local reservations of shared rate-limit budgets (`RateLimitLedger`), against a
/// simulated shared counter (Redis's `INCRBY`).
struct RateLimitLedgerTests {
    struct SharedCounter {
        var count = 0
        var reservations = 0
    }

    static let resetsAt = 1_000_300, now = 1_000_000

    /// One request through a node's ledger: spent locally, or reserved from the shared counter.
    static func request(_ ledger: inout RateLimitLedger, _ shared: inout SharedCounter, _ key: RateLimitLedger.Key, limit: Int) -> RateLimitLedger.Spent {
        if let spent = ledger.spend(key, limit: limit) { return spent }
        let size = ledger.beginReservation(key, limit: limit, resetsAt: resetsAt, now: now)
        shared.count += size
        shared.reservations += 1
        return ledger.reserved(key, size: size, sharedCount: shared.count, limit: limit, resetsAt: resetsAt)
    }

    static let key = RateLimitLedger.Key(bucket: .api, subject: "digest", window: 3_333)

    @Test func aSmallBudgetIsCountedOneRequestAtATime() {
        var ledger = RateLimitLedger(), shared = SharedCounter()
        let spent = (0..<8).map { _ in Self.request(&ledger, &shared, Self.key, limit: 6) }
        #expect(spent.map(\.remaining) == [5, 4, 3, 2, 1, 0, 0, 0])
        #expect(spent.map(\.exceeded) == [false, false, false, false, false, false, true, true])
        #expect(shared.reservations == 8 && shared.count == 8, "every request went to the shared count")
    }

    @Test func aLargeBudgetIsReservedInPartsAndCountedExactlyAsItRunsOut() {
        var ledger = RateLimitLedger(), shared = SharedCounter()
        #expect(ledger.beginReservation(Self.key, limit: 300, resetsAt: Self.resetsAt, now: Self.now) == 18, "a sixteenth of 300")
        ledger.abandon(Self.key, size: 18)
        let spent = (0..<305).map { _ in Self.request(&ledger, &shared, Self.key, limit: 300) }
        #expect(spent.prefix(300).map(\.remaining) == Array((0..<300).reversed()), "one node alone: exact, one less per request")
        #expect(spent.prefix(300).allSatisfy { !$0.exceeded })
        #expect(spent.suffix(5).allSatisfy { $0.exceeded && $0.remaining == 0 })
        #expect(shared.reservations < 80, "\(shared.reservations) round trips for 305 requests")
        #expect(ledger.beginReservation(Self.key, limit: 1_000_000, resetsAt: Self.resetsAt, now: Self.now) == 32, "at most 32 at a time")
    }

    @Test func nodesSharingABudgetNeverLetMoreThroughAndRefuseLittleEarly() {
        var nodes = [RateLimitLedger(), RateLimitLedger(), RateLimitLedger()], shared = SharedCounter()
        var granted = 0, grantedBeforeFirstRefusal: Int?, node = 0
        // Requests spread unevenly over three nodes, long past the budget.
        for step in 0..<2_000 {
            node = (node + (step % 7 == 0 ? 2 : 1)) % nodes.count
            if Self.request(&nodes[node], &shared, Self.key, limit: 300).exceeded {
                grantedBeforeFirstRefusal = grantedBeforeFirstRefusal ?? granted
            } else {
                granted += 1
            }
        }
        #expect(granted == 300, "every place is spent in the end, none beyond the budget")
        #expect((grantedBeforeFirstRefusal ?? 0) >= 290, "first refusal after \(grantedBeforeFirstRefusal ?? 0) of 300")
    }

    @Test func aBurstWhileAReservationIsOnItsWayReservesOneEach() {
        var ledger = RateLimitLedger()
        let first = ledger.beginReservation(Self.key, limit: 300, resetsAt: Self.resetsAt, now: Self.now)
        let second = ledger.beginReservation(Self.key, limit: 300, resetsAt: Self.resetsAt, now: Self.now)
        #expect((first, second) == (18, 1))
        // The single one lands first; then the large one. Both count: 18 + 1 places, this request and the burst's spent.
        let single = ledger.reserved(Self.key, size: 1, sharedCount: 1, limit: 300, resetsAt: Self.resetsAt)
        let large = ledger.reserved(Self.key, size: 18, sharedCount: 19, limit: 300, resetsAt: Self.resetsAt)
        #expect(single == RateLimitLedger.Spent(remaining: 299, exceeded: false))
        #expect(large == RateLimitLedger.Spent(remaining: 298, exceeded: false))
        #expect(ledger.spend(Self.key, limit: 300) == RateLimitLedger.Spent(remaining: 297, exceeded: false))
        #expect(ledger.beginReservation(Self.key, limit: 300, resetsAt: Self.resetsAt, now: Self.now) == 17,
                "the large one landed: the next is full-sized again (a sixteenth of the 281 known to be left)")
    }

    @Test func endedWindowsAreForgottenWhenFull() {
        var ledger = RateLimitLedger(capacity: 3), shared = SharedCounter()
        for window in 0..<3 {
            let key = RateLimitLedger.Key(bucket: .api, subject: "s", window: window)
            let size = ledger.beginReservation(key, limit: 300, resetsAt: 100 * (window + 1), now: 0)
            shared.count += size
            _ = ledger.reserved(key, size: size, sharedCount: shared.count, limit: 300, resetsAt: 100 * (window + 1))
        }
        #expect(ledger.count == 3)
        let fresh = RateLimitLedger.Key(bucket: .api, subject: "s", window: 3)
        _ = ledger.beginReservation(fresh, limit: 300, resetsAt: 400, now: 250)
        #expect(ledger.count == 2, "windows ended by 250 dropped; the one ending at 300 and the new one kept")
    }
}
