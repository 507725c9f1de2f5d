import Logging
import ServiceLifecycle

extension ServiceGroupConfiguration {
    /// How long a node's graceful shutdown may take before its services are cancelled instead.
    /// Requests in flight end within the PostgreSQL query deadline (5 s) and a worker's batch
    /// within its shutdown grace (2 s), so a graceful shutdown normally takes far less; this bounds
    /// whatever still waits (a connection in a state nobody foresaw), so SIGTERM always ends the
    /// process well inside the 10 s that orchestrators and the fault tests give it.
    static let nodeGracefulShutdownLimit: Duration = .seconds(8)

    /// An api or worker node's services: SIGTERM and SIGINT shut them down gracefully, in reverse
    /// order, and cancel what is left after `nodeGracefulShutdownLimit`.
    static func node(services: [ServiceConfiguration], logger: Logger) -> ServiceGroupConfiguration {
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = nodeGracefulShutdownLimit
        return configuration
    }
}
