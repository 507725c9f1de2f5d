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
