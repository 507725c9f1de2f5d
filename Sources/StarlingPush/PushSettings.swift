/// Web Push settings shared by the API (keys, endpoint rules) and the worker (sending); every
/// field has the default the `api` and `worker` commands document.
public struct PushSettings: Sendable {
    /// The VAPID private key, base64url (`STARLING_VAPID_PRIVATE_KEY`). Nil: one is generated once
    /// and kept in PostgreSQL, so every node uses the same.
    public var vapidPrivateKey: String?
    /// The VAPID `sub` claim: a contact for push services' operators (`mailto:` or `https:`).
    public var subject = "mailto:admin@localhost"
    /// The public URL of the instance, for the icon URLs in payloads.
    public var publicURL = "http://127.0.0.1:8080"
    /// Accept plain `http` endpoints on any host (by default only loopback ones, for tests).
    public var allowInsecureEndpoints = false
    /// Push requests in flight at once per worker process: bounded so pushes never take the
    /// database connections and event loops fan-out needs.
    public var concurrency = 8
    /// Deliveries leased at once.
    public var batchSize = 32
    /// Attempts before a delivery that keeps failing (429, 5xx, network) is given up.
    public var maxAttempts = 6
    /// The first retry's delay in seconds; doubled on each further attempt.
    public var retryBaseDelay: Double = 1
    /// How long a push service keeps an undelivered message (the `TTL` header), seconds.
    public var ttlSeconds = 48 * 3600
    /// One push request's time limit.
    public var requestTimeout: Duration = .seconds(10)
    /// A leased delivery's lease: far longer than a request may take.
    public var leaseDuration: Duration = .seconds(30)
    /// How often the queue is polled when no NOTIFY arrives.
    public var pollInterval: Duration = .seconds(1)

    public init() {}
}
