import Dispatch
import NIOPosix
import StarlingStore
import Synchronization
import Testing

/// The query deadline and a caller's cancellation hold even when the work ignores cancellation, as a
/// query sent to a PostgreSQL that stopped answering does (frozen, or a half-open connection): the
/// deadline used to wait for the cancelled query, so requests hung and SIGTERM waited for as long as
/// the outage lasted. No database needed.
struct QueryDeadlineTests {
    /// Work that answers after `seconds` whatever happens to its task.
    static func deaf(_ seconds: Double) async -> Int {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { continuation.resume(returning: 1) }
        }
    }

    @Test func theDeadlineAnswersWithoutWaitingForTheWork() async throws {
        let start = ContinuousClock.now
        await #expect(throws: StoreError.self) {
            try await Database.abandoning(after: .milliseconds(200)) { await Self.deaf(3) }
        }
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test func cancellationAnswersWithoutWaitingForTheWork() async throws {
        let start = ContinuousClock.now
        let task = Task { try await Database.abandoning { await Self.deaf(3) } }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    /// A caller on an event loop (a request, a worker loop): the work runs on that loop and the
    /// deadline is that loop's timer.
    @Test func onAnEventLoopTheWorkStaysThereAndTheDeadlineHolds() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        try await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            #expect(loop.inEventLoop)
            let ranOnTheLoop = try await Database.abandoning(after: .seconds(5)) { loop.inEventLoop }
            #expect(ranOnTheLoop)
            let start = ContinuousClock.now
            await #expect(throws: StoreError.self) {
                try await Database.abandoning(after: .milliseconds(200)) { await Self.deaf(3) }
            }
            #expect(ContinuousClock.now - start < .seconds(1))
        }
    }

    /// The worker's pauses and watchdogs are timers of the loop the caller runs on: they fire there,
    /// not before their delay, and a cancelled one never fires.
    @Test func loopTimersFireOnTheCallersLoopAfterTheirDelay() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            let start = ContinuousClock.now
            await LoopTimer.sleep(for: .milliseconds(30))
            #expect(ContinuousClock.now - start >= .milliseconds(30))
            #expect(loop.inEventLoop)
            let fired = Mutex<[String]>([])
            let cancelled = LoopTimer.schedule(in: .milliseconds(20)) { fired.withLock { $0.append("cancelled") } }
            LoopTimer.schedule(in: .milliseconds(40)) { fired.withLock { $0.append(loop.inEventLoop ? "on its loop" : "elsewhere") } }
            cancelled.cancel()
            await LoopTimer.sleep(for: .milliseconds(80))
            #expect(fired.withLock { $0 } == ["on its loop"])
        }
    }

    @Test func workThatAnswersInTimeIsReturned() async throws {
        #expect(try await Database.abandoning(after: .seconds(5)) { await Self.deaf(0.05) } == 1)
    }
}
