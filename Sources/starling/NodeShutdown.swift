import Foundation
import Logging
import ServiceLifecycle
import Synchronization

extension ServiceGroupConfiguration {
    /// How long a node's graceful shutdown may take before its services are cancelled instead.
    /// Requests in flight end within the PostgreSQL query deadline (5 s) and a worker's batch
    /// within its shutdown grace (2 s), so a graceful shutdown normally takes far less; this bounds
    /// whatever still waits (a connection in a state nobody foresaw), so SIGTERM always ends the
    /// process well inside the 10 s that orchestrators and the fault tests give it.
    static let nodeGracefulShutdownLimit: Duration = .seconds(8)

    /// An api or worker node's services: SIGTERM and SIGINT shut them down gracefully, in reverse
    /// order, and cancel what is left after `nodeGracefulShutdownLimit`. A watchdog, told first,
    /// ends the process `ShutdownWatchdog.limit` after the signal if it is still running then.
    static func node(services: [ServiceConfiguration], logger: Logger) -> ServiceGroupConfiguration {
        let running = RunningServices()
        var tracked = services
        for index in tracked.indices {
            // The type's name: a service's description can be its whole value (stores, clients...).
            let name = String(describing: type(of: tracked[index].service))
            tracked[index].service = TrackedService(name: name, base: tracked[index].service, running: running, logger: logger)
        }
        let watchdog = ServiceConfiguration(service: ShutdownWatchdog(logger: logger, running: running))
        var configuration = ServiceGroupConfiguration(services: tracked + [watchdog], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger)
        configuration.maximumGracefulShutdownDuration = nodeGracefulShutdownLimit
        return configuration
    }
}

/// Ends the process a fixed time after its shutdown began, whatever still waits. Cancellation
/// after `nodeGracefulShutdownLimit` ends every wait that honours it; one that does not (a blocked
/// thread, a continuation nobody resumes) would otherwise keep the process alive until SIGKILL.
/// Once in the e2e test an API node was still running 10 s after SIGTERM, right after a streaming
/// client had left, with nothing in its log; repeated by hand it never recurred. Being killed
/// here loses nothing a crash would not: a post is acknowledged only after its commit.
struct ShutdownWatchdog: Service {
    /// Inside the 10 s orchestrators give before SIGKILL, after the graceful limit (8 s).
    static let limit: TimeInterval = 9
    let logger: Logger
    let running: RunningServices

    func run() async throws {
        // The last service, so the first told of a graceful shutdown. Also armed when the group is
        // cancelled instead (a service failed): its exit can wait just the same.
        try? await gracefulShutdown()
        let (logger, running) = (self.logger, self.running)
        let thread = Thread {
            Thread.sleep(forTimeInterval: Self.limit)
            // What still runs says where the wait is: services stop in reverse order, so the last
            // named is the one being waited for (none: the wait is after them, in the exit).
            let waiting = running.names.joined(separator: ", ")
            logger.critical("still running \(Int(Self.limit)) s after shutdown began: exiting without waiting any longer",
                            metadata: ["services_running": "\(waiting.isEmpty ? "none" : waiting)"])
            _exit(1)  // not exit(): whatever holds the process may hold its exit handlers too
        }
        thread.name = "shutdown-watchdog"
        thread.start()
    }
}

/// The names of a node's services whose `run()` has not returned, for the watchdog's last word.
final class RunningServices: Sendable {
    private let state = Mutex<[String]>([])

    var names: [String] { state.withLock { $0 } }

    func started(_ name: String) { state.withLock { $0.append(name) } }

    func finished(_ name: String) {
        state.withLock { names in
            if let index = names.firstIndex(of: name) { names.remove(at: index) }
        }
    }
}

/// A node's service, recorded in `RunningServices` while its `run()` has not returned.
struct TrackedService: Service {
    let name: String
    let base: any Service
    let running: RunningServices
    let logger: Logger

    func run() async throws {
        running.started(name)
        defer {
            running.finished(name)
            // During a shutdown, each service's end says how long the one before it kept the node waiting.
            if Task.isShuttingDownGracefully || Task.isCancelled { logger.info("service stopped", metadata: ["service": "\(name)"]) }
        }
        try await base.run()
    }
}
