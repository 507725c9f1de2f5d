import NIOCore
import NIOPosix

/// A task executor that runs jobs on one NIO event loop.
///
/// Why: a request's task otherwise runs on Swift's cooperative pool while its socket, its Redis
/// connection and its PostgreSQL connection live on NIO's event loops, so every await crosses
/// threads (a profile of home reads showed a quarter of the CPU in thread switches). A connection's
/// handler run with this executor as its preference (`withTaskExecutorPreference`) stays on the
/// loop that owns its socket; child tasks inherit the preference. Work that blocks (bcrypt, image
/// processing, file I/O) must keep going to its thread pool, as it does.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// An executor on the event loop this thread runs, if it runs one.
    public static var current: EventLoopTaskExecutor? {
        MultiThreadedEventLoopGroup.currentEventLoop.map(EventLoopTaskExecutor.init)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}

/// Timers on the event loop the calling task runs on (else on one of the shared group's).
///
/// Why: `Task.sleep` arms a libdispatch timer, which wakes libdispatch's manager thread to arm it
/// and a pool thread when it fires, and an unstructured `Task` for a watchdog starts on the
/// cooperative pool: a fan-out worker did both for every batch, a quarter of its thread switches
/// under posts. A loop's own timer is checked by the loop between its events, on its own thread.
public enum LoopTimer {
    /// The event loop the caller runs on, or one of the shared group's.
    static var loop: any EventLoop {
        MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
    }

    /// Runs `body` on the loop after `delay`, unless the returned task is cancelled first.
    @discardableResult
    public static func schedule(in delay: Duration, _ body: @escaping @Sendable () -> Void) -> Scheduled<Void> {
        loop.scheduleTask(in: TimeAmount(delay)) { body() }
    }

    /// Suspends the caller for `delay` (not cancellable: for the short pauses that need not be).
    public static func sleep(for delay: Duration) async {
        try? await loop.scheduleTask(in: TimeAmount(delay)) {}.futureResult.get()
    }
}
