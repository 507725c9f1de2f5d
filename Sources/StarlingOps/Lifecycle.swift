import NIOPosix
import ServiceLifecycle

/// Runs `action` once its `ServiceGroup` shuts down: gracefully (a signal, or the group's end), or
/// cancelled because another service failed. Cleanup that used to follow `group.run()`, and was
/// skipped when it threw, runs either way; and the group orders it among the other shutdowns
/// (services shut down in reverse of their order in the group).
public struct ShutdownHook: Service {
    public let name: String
    let action: @Sendable () async throws -> Void

    public init(_ name: String, _ action: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.action = action
    }

    public func run() async throws {
        // Returns on graceful shutdown; throws `CancellationError` if the group is cancelled instead.
        try? await gracefulShutdown()
        try await action()
    }
}

/// A `NIOThreadPool` whose threads exist while the service runs: started in `run()`, shut down when
/// the group shuts down. Work submitted before it starts or after it stops fails at once
/// (`runIfActive` throws) rather than hanging.
public final class ThreadPoolService: Service {
    public let pool: NIOThreadPool

    /// Makes the pool; no thread starts until `run()`.
    public init(numberOfThreads: Int) {
        self.pool = NIOThreadPool(numberOfThreads: numberOfThreads)
    }

    public func run() async throws {
        pool.start()
        try? await gracefulShutdown()
        try await pool.shutdownGracefully()
    }
}
