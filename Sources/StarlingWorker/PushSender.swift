import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import PostgresNIO
import ServiceLifecycle
import StarlingDomain
import StarlingPush
import StarlingStore
import Synchronization

/// Sends queued Web Push deliveries: Mastodon's payload, encrypted for the subscription
/// (RFC 8291), signed with the server's VAPID key (RFC 8292), through one pooled HTTP client.
///
/// Deliveries are queued by the statement that creates their notification (`NotificationStore`)
/// and wake this sender through `LISTEN/NOTIFY`. It leases deliveries (`FOR UPDATE SKIP LOCKED`,
/// so each goes to one worker at a time) as it has free slots, sends at most `concurrency`
/// requests at once, and settles each in one statement: sent or hopeless deliveries are deleted,
/// subscriptions the push service calls gone (404/410) are deleted, transient failures (429, 5xx,
/// network) come back after an exponential backoff until `maxAttempts`. A push is sent again only
/// if a worker dies between the push service's answer and the settling statement; the `Topic`
/// header (the notification id) lets the push service collapse such a duplicate while it is queued.
public final class PushSender: Service {
    let store: PushStore
    let database: Database
    let settings: PushSettings
    let logger: Logger
    /// The HTTP client's configuration; the client itself is made by `run()` and shut down when it
    /// ends, so building a node starts nothing.
    let httpConfiguration: HTTPClient.Configuration

    private let sent = Counter(label: "starling_push_sent_total")
    private let failed = Counter(label: "starling_push_failed_total")
    private let dropped = Counter(label: "starling_push_dropped_total")
    private let gone = Counter(label: "starling_push_subscriptions_gone_total")
    private let queueDepth = Gauge(label: "starling_push_queue_depth")
    /// Pushes this process has in flight (bounded by `settings.concurrency`).
    private let inFlight = Atomic<Int>(0)
    private let sendTime = Timer(label: "starling_push_send_duration_seconds", preferredDisplayUnit: .seconds)

    public init(database: Database, settings: PushSettings, logger: Logger) {
        self.database = database
        self.store = PushStore(database: database)
        self.settings = settings
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        // A push endpoint answers itself; following redirects would let one point the worker elsewhere.
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(settings.requestTimeout.components.seconds)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, settings.concurrency))
        httpConfiguration = configuration
    }

    /// The pooled client every push of this process shares (connections to a push service are kept
    /// and reused). The caller shuts it down.
    public func makeHTTPClient() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
    }

    /// The server's VAPID key: the configured one, else the one kept in PostgreSQL (made by
    /// whichever node needed it first).
    public static func vapidKey(settings: PushSettings, store: PushStore) async throws -> VAPIDKey {
        if let configured = settings.vapidPrivateKey { return try VAPIDKey(base64URL: configured) }
        return try VAPIDKey(base64URL: try await store.serverKey("vapid_private_key", orInsert: VAPIDKey().privateKeyBase64URL))
    }

    public func run() async throws {
        let http = makeHTTPClient()
        let bell = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let ring: @Sendable () -> Void = { bell.continuation.yield() }
        await withDiscardingTaskGroup { background in
            background.addTask { await self.listen(ring: ring) }
            background.addTask {
                while !Task.isCancelled {
                    ring()
                    if let depth = try? await self.store.depth() { self.queueDepth.record(depth) }
                    try? await Task.sleep(for: self.settings.pollInterval)
                }
            }
            background.addTask {
                // On SIGTERM: stop leasing; pushes in flight finish and settle first.
                try? await gracefulShutdown()
                bell.continuation.finish()
            }
            // Pushes run as children of this group, at most `concurrency` at once. Each settles
            // itself and rings the bell, so a free slot is filled at once and one slow push
            // service never holds up the others (no batch waits for its slowest member).
            await withDiscardingTaskGroup { sends in
                var key: VAPIDKey?
                for await _ in bell.stream {
                    if key == nil {
                        do {
                            key = try await Self.vapidKey(settings: settings, store: store)
                        } catch {
                            logger.warning("no VAPID key yet; pushes wait", metadata: ["error": "\(error)"])
                            continue
                        }
                    }
                    guard let key else { continue }
                    let seal = TokenSeal(vapid: key)
                    while !Task.isCancelled {
                        let free = min(settings.batchSize, settings.concurrency - inFlight.load(ordering: .relaxed))
                        if free <= 0 { break }  // a finishing push rings again
                        let jobs: [PushDeliveryJob]
                        do {
                            // Cancelled by SIGTERM rather than left to its deadline (PostgreSQL down).
                            let (store, leaseDuration) = (self.store, settings.leaseDuration)
                            jobs = try await cancelWhenGracefulShutdown { try await store.lease(limit: free, for: leaseDuration) }
                        } catch {
                            if !Task.isShuttingDownGracefully {
                                logger.warning("could not lease push deliveries; polling again later", metadata: ["error": "\(error)"])
                            }
                            break
                        }
                        for job in jobs {
                            inFlight.add(1, ordering: .relaxed)
                            sends.addTask {
                                let outcome = await self.sendAndSettle(job, key: key, seal: seal, http: http)
                                self.inFlight.subtract(1, ordering: .relaxed)
                                ring()
                                // A retry due before the next poll is leased when due, not at the poll.
                                if case .retry(let delay) = outcome, delay < self.pollSeconds {
                                    try? await Task.sleep(for: .seconds(delay))
                                    ring()
                                }
                            }
                        }
                        if jobs.count < free { break }
                    }
                }
            }
            background.cancelAll()
        }
        try await http.shutdown()
    }

    private func listen(ring: @escaping @Sendable () -> Void) async {
        let client = database.client
        while !Task.isCancelled {
            do {
                // Abandoned, not awaited, on cancellation: a LISTEN sent to a PostgreSQL that stopped
                // answering ignores cancellation, and would hold the node's shutdown until it answers.
                // The pool closes its connection when the node shuts down.
                try await Database.abandoning {
                    try await client.withConnection { connection in
                        try await connection.listen(on: PushStore.channel) { notifications in
                            ring()  // deliveries may have been queued while we were not listening
                            for try await _ in notifications { ring() }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("push LISTEN failed; polling until it reconnects", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private var pollSeconds: Double {
        Double(settings.pollInterval.components.seconds) + Double(settings.pollInterval.components.attoseconds) / 1e18
    }

    /// Sends one leased delivery and settles it in one statement. - Returns: its outcome.
    @discardableResult
    func sendAndSettle(_ job: PushDeliveryJob, key: VAPIDKey, seal: TokenSeal, http: HTTPClient) async -> PushOutcome {
        let (outcome, detail) = await deliver(job, key: key, seal: seal, http: http)
        var finished: [Int64] = [], goneSubscriptions: [Int64] = [], retries: [(id: Int64, delaySeconds: Double, error: String)] = []
        switch outcome {
        case .delivered:
            finished.append(job.id); sent.increment()
        case .subscriptionGone:
            goneSubscriptions.append(job.subscriptionId); gone.increment()
            logger.info("push subscription gone", metadata: ["subscription": "\(job.subscriptionId)", "answer": "\(detail)"])
        case .retry(let delay):
            retries.append((job.id, delay, detail)); failed.increment()
        case .drop:
            finished.append(job.id); dropped.increment()
            logger.info("push dropped", metadata: ["delivery": "\(job.id)", "reason": "\(detail)"])
        }
        do {
            try await store.settle(finished: finished, goneSubscriptions: goneSubscriptions, retries: retries)
        } catch {
            // The lease runs out and the delivery is sent again: the only way a push repeats.
            logger.warning("could not settle a push delivery", metadata: ["error": "\(error)"])
        }
        return outcome
    }

    /// One push. Never throws: every failure is an outcome with a reason.
    func deliver(_ job: PushDeliveryJob, key: VAPIDKey, seal: TokenSeal, http: HTTPClient) async -> (PushOutcome, String) {
        if job.statusGone { return (.drop, "status deleted") }
        guard let token = seal.open(job.tokenSealed) else { return (.drop, "token seal does not open (VAPID key changed)") }
        guard let publicKey = Base64URL.decode(job.p256dh), let auth = Base64URL.decode(job.auth),
              let url = URL(string: job.endpoint) else { return (.drop, "subscription keys or endpoint unusable") }
        let payload = PushNotificationPayload(
            accessToken: token, notificationId: job.notificationId, type: job.type,
            icon: "\(settings.publicURL)/avatars/original/missing.png",
            senderName: job.senderDisplayName.isEmpty ? job.senderUsername : job.senderDisplayName,
            statusText: job.statusText, senderNote: job.senderNote)
        let body: Data, authorization: String
        do {
            body = try WebPushEncryption.encrypt(try JSONEncoder().encode(payload), receiverPublicKey: publicKey, authSecret: auth)
            authorization = try key.authorization(endpoint: url, subject: settings.subject)
        } catch {
            return (.drop, "cannot encrypt: \(error)")
        }
        var request = HTTPClientRequest(url: job.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.headers.add(name: "Content-Encoding", value: "aes128gcm")
        request.headers.add(name: "TTL", value: String(settings.ttlSeconds))
        request.headers.add(name: "Urgency", value: "normal")
        request.headers.add(name: "Topic", value: "n\(job.notificationId)")
        request.headers.add(name: "Authorization", value: authorization)
        request.body = .bytes(ByteBuffer(bytes: body))
        let start = ContinuousClock.now
        defer { sendTime.record(duration: ContinuousClock.now - start) }
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(settings.requestTimeout.components.seconds)))
            // Read (a bounded amount of) the body so the connection goes back to the pool.
            let answer = try? await response.body.collect(upTo: 16 * 1024)
            let retryAfter = response.headers.first(name: "Retry-After").flatMap(Double.init)
            let outcome = PushOutcome.classify(status: Int(response.status.code), attempts: job.attempts, maxAttempts: settings.maxAttempts,
                                               retryAfter: retryAfter, baseDelay: settings.retryBaseDelay)
            let reason = "\(response.status.code) \(answer.map { String(buffer: $0).prefix(200) } ?? "")"
            return (outcome, reason)
        } catch {
            return (PushOutcome.classify(status: nil, attempts: job.attempts, maxAttempts: settings.maxAttempts,
                                              baseDelay: settings.retryBaseDelay), "\(error)")
        }
    }
}
