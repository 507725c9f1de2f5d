import Dispatch
import Foundation
import Synchronization
@testable import StarlingWorker
import Testing

/// The wake-up coalescing of the fan-out loops (`LeaseDemand`): fewer leases under load, and no
/// wake-up ever left without a lease that sees its row.
struct LeaseDemandTests {
    @Test func aWakeUpWakesALoopOnlyWhenNoneIsDraining() {
        let demand = LeaseDemand(stallAfter: .seconds(3600))
        #expect(demand.wake(), "nobody drains: wake a loop")
        demand.enter()
        #expect(!demand.wake(), "a loop drains: it will see the row")
        demand.leasing()
        #expect(demand.mayLeave(), "nothing came since the lease began")
        #expect(demand.drainingLoops == 0)
        #expect(demand.wake())
    }

    @Test func aWakeUpDuringABatchMakesTheLoopLeaseAgain() {
        let demand = LeaseDemand(stallAfter: .seconds(3600))
        demand.enter()
        demand.leasing()
        #expect(!demand.wake())
        #expect(!demand.mayLeave(), "the lease began before this wake-up: lease again")
        #expect(demand.drainingLoops == 1)
        demand.leasing()
        #expect(demand.mayLeave())
        #expect(demand.drainingLoops == 0)

        demand.enter()
        demand.enter()
        demand.leave()  // one loop stops on an error
        #expect(!demand.wake(), "the other still drains")
        #expect(!demand.mayLeave())
        demand.leasing()
        #expect(demand.mayLeave())
        #expect(demand.drainingLoops == 0)
    }

    @Test func aLoopThatHasNotLeasedForAWhileDoesNotHoldTheWakeUps() async throws {
        let demand = LeaseDemand(stallAfter: .milliseconds(5))
        demand.enter()
        demand.leasing()
        try await Task.sleep(for: .milliseconds(20))
        #expect(demand.wake(), "a batch running long: another loop takes the new rows")
    }

    /// Wakers commit a row and wake; a woken drain leases (reads how many rows were committed) until
    /// it may leave. Once every drain has left, the last lease must have seen every row. A wake-up
    /// lost mid-round is made good by the next one, so only a round's last can show a loss: many
    /// short rounds. (How many drains run depends on how the threads are scheduled: on a busy
    /// machine every wake-up can come before any drain has begun, and each rings one. That wake-ups
    /// made while a loop drains ring nothing is the first two tests' business.)
    @Test func noWakeUpIsLostUnderContention() async {
        for _ in 0..<1_500 {
            let (committed, seen, draining) = await Self.contend(wakers: 4, rows: 6)
            #expect(seen == committed)
            #expect(draining == 0)
        }
    }

    private final class Ledger: Sendable {
        let committed = Atomic<Int>(0)
        let seen = Atomic<Int>(0)
    }

    private static func contend(wakers: Int, rows: Int) async -> (committed: Int, seen: Int, draining: Int) {
        let demand = LeaseDemand(stallAfter: .seconds(3600))
        let ledger = Ledger()
        let group = DispatchGroup()
        let drain: @Sendable () -> Void = {
            demand.enter()
            repeat {
                demand.leasing()
                ledger.seen.max(ledger.committed.load(ordering: .sequentiallyConsistent), ordering: .sequentiallyConsistent)
            } while !demand.mayLeave()
        }
        for _ in 0..<wakers {
            group.enter()
            DispatchQueue.global().async {
                for _ in 0..<rows {
                    ledger.committed.wrappingAdd(1, ordering: .sequentiallyConsistent)
                    if demand.wake() {
                        group.enter()
                        DispatchQueue.global().async { drain(); group.leave() }
                    }
                }
                group.leave()
            }
        }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in group.notify(queue: .global()) { done.resume() } }
        return (ledger.committed.load(ordering: .sequentiallyConsistent), ledger.seen.load(ordering: .sequentiallyConsistent),
                demand.drainingLoops)
    }
}
