import Foundation
import Hummingbird
import Metrics
import Synchronization
import Prometheus
import StarlingRedis

/// The process-wide Prometheus registry behind swift-metrics.
public enum MetricsBootstrap {
    /// Bootstraps swift-metrics once per process and returns the registry `/metrics` renders.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Latency buckets from 0.5 ms to 10 s: reads are expected in single-digit milliseconds.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()
}

/// A dependency a node needs to be ready, checked by `/ready`.
public struct ReadinessCheck: Sendable {
    public var name: String
    public var check: @Sendable () async -> Bool

    public init(name: String, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.check = check
    }
}

extension ReadinessCheck {
    /// One check per Redis shard; in cluster mode one for the whole cluster, which re-learns the
    /// slot map first so that a failover or a new master shows at once.
    public static func redis(_ redis: ShardedRedis) -> [ReadinessCheck] {
        if redis.mode == .cluster {
            return [ReadinessCheck(name: "redis cluster") {
                try? await redis.refreshTopology(minimumInterval: .seconds(2))
                return await redis.ping().allSatisfy { $0.1 }
            }]
        }
        return redis.pools.map { pool in
            ReadinessCheck(name: "redis \(pool.address)") {
                (try? await pool.pipeline([RedisCommand("PING")]))?.first == .status("PONG")
            }
        }
    }
}

/// `/health`, `/ready` and `/metrics`, served by every api and worker process.
public enum OpsRoutes {
    public static func add<Context: RequestContext>(to router: Router<Context>, role: String, checks: @escaping @Sendable () -> [ReadinessCheck]) {
        let registry = MetricsBootstrap.registry
        router.get("/health") { _, _ -> Response in
            jsonResponse(status: .ok, ["status": "ok", "role": role])
        }
        router.get("/ready") { _, _ -> Response in
            let results = await withTaskGroup(of: (String, Bool).self) { group in
                for check in checks() {
                    group.addTask {
                        // A dependency that does not answer within 2 s is not ready.
                        let ok = await withTaskGroup(of: Bool.self) { inner in
                            inner.addTask { await check.check() }
                            inner.addTask { try? await Task.sleep(for: .seconds(2)); return false }
                            let first = await inner.next() ?? false
                            inner.cancelAll()
                            return first
                        }
                        return (check.name, ok)
                    }
                }
                var out: [String: String] = [:]
                for await (name, ok) in group { out[name] = ok ? "ok" : "unavailable" }
                return out
            }
            let ready = results.values.allSatisfy { $0 == "ok" }
            var body = results
            body["status"] = ready ? "ready" : "not ready"
            return jsonResponse(status: ready ? .ok : .serviceUnavailable, body)
        }
        router.get("/metrics") { _, _ -> Response in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }

    static func jsonResponse(status: HTTPResponse.Status, _ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Records request latency by route template (never the raw path, which would explode label
/// cardinality) as `starling_http_request_duration_seconds{route,method,status}`.
///
/// A response whose body is already in memory (it has a length) is timed to when the handler
/// returns, and passed on as it is; a streaming response (server-sent events, no length) is timed
/// until its body has been written, for as long as it streams. Why not time every body's write:
/// wrapping a body in a closure takes it off Hummingbird's path that writes head, body and end in
/// one batch (one `writev`), and each part was then flushed on its own — two writes and two wake-ups
/// of the proxy per response. The metric handles are made once per (route, method, status) and
/// reused, not built per request.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let timers = RequestTimers()

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method
        do {
            var response = try await next(request, context)
            // The router has matched by now: the template, e.g. `/api/v1/accounts/{id}`.
            let (route, status, timers) = (context.endpointPath, response.status.code, self.timers)
            let body = response.body
            if body.contentLength != nil {
                timers.timer(route: route, method: method, status: status).record(duration: ContinuousClock.now - start)
                return response
            }
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                // Written, or failed while writing (a client that went away): either way it ends here.
                defer { timers.timer(route: route, method: method, status: status).record(duration: ContinuousClock.now - start) }
                try await body.write(writer)
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            timers.timer(route: context.endpointPath, method: method, status: status).record(duration: ContinuousClock.now - start)
            throw error
        }
    }
}

/// The request timers by (route, method, status): a handful of routes times a few statuses, so
/// the table stays small; a lookup under a lock is cheaper than building a `Timer` (which goes
/// through the metrics factory's own lock and label table) on every request.
final class RequestTimers: Sendable {
    struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }

    private let timers = Mutex<[Key: Timer]>([:])

    func timer(route: String?, method: HTTPRequest.Method, status: Int) -> Timer {
        let key = Key(route: route ?? "unmatched", method: method, status: status)
        return timers.withLock { timers in
            if let timer = timers[key] { return timer }
            let timer = Timer(label: "starling_http_request_duration_seconds",
                              dimensions: [("route", key.route), ("method", method.rawValue), ("status", String(status))],
                              preferredDisplayUnit: .seconds)
            timers[key] = timer
            return timer
        }
    }
}
