import Foundation
import Logging
import Metrics
import ServiceLifecycle
import StarlingDomain
import StarlingRedis
import StarlingStore
import StarlingTimelines
import Synchronization

/// Which stream a client subscribed to, as Mastodon names them.
enum StreamName: Hashable, Sendable {
    case user, userNotification, publicTimeline, publicLocal, hashtag(String)
    /// Direct conversations: `conversation` events (DirectFilterRoutes.swift).
    case direct

    /// A list's statuses (`stream=list&list=ID`): the caller's own lists only (ListRoutes.swift checks).
    case list(Int64)

    init?(_ name: String, tag: String?, list: String? = nil) {
        switch name {
        case "list":
            guard let id = list.flatMap({ Int64($0) }) else { return nil }
            self = .list(id)
        case "user": self = .user
        case "user:notification": self = .userNotification
        case "direct": self = .direct
        case "public": self = .publicTimeline
        case "public:local": self = .publicLocal
        case "hashtag", "hashtag:local":
            guard let tag, !tag.isEmpty else { return nil }
            self = .hashtag(tag.lowercased())
        default: return nil
        }
    }

    var names: [String] {
        switch self {
        case .user: ["user"]
        case .userNotification: ["user:notification"]
        case .direct: ["direct"]
        case .publicTimeline: ["public"]
        case .publicLocal: ["public:local"]
        case .hashtag(let tag): ["hashtag", tag]
        case .list(let id): ["list", String(id)]
        }
    }
}

/// One event on its way to one client: already rendered.
struct OutgoingEvent: Sendable {
    var event: String
    var payload: String
    var stream: StreamName

    /// Server-sent events framing; every line ends in `\n`.
    var sse: String { "event: \(event)\ndata: \(payload)\n\n" }
}

/// A connected streaming client. Its queue is bounded: a client that cannot keep up is dropped.
final class StreamClient: Sendable {
    let id: Int
    let userId: Int64?
    let events: AsyncStream<OutgoingEvent>
    let continuation: AsyncStream<OutgoingEvent>.Continuation
    let streams = Mutex<Set<StreamName>>([])
    /// Accounts the user follows: for pulled (celebrity) statuses and the reply rule.
    let following = Mutex<Set<Int64>>([])
    /// Hashtags the user follows: a pulled status carrying one is exempt from the reply rule, as on the home.
    let followedTags = Mutex<Set<String>>([])

    init(id: Int, userId: Int64?, queueLimit: Int) {
        self.id = id
        self.userId = userId
        (events, continuation) = AsyncStream.makeStream(of: OutgoingEvent.self, bufferingPolicy: .bufferingOldest(queueLimit))
    }

    /// Queues an event; a full queue means the client is too slow, and it is disconnected.
    func send(_ event: OutgoingEvent) {
        if case .dropped = continuation.yield(event) { continuation.finish() }
    }
}

/// Receives the workers' events from every Redis shard (`PSUBSCRIBE timeline:*`) and hands each to
/// the local clients that should see it. One subscription per shard per API node, whatever the
/// number of clients; memory is bounded by `maxClients` × `queueLimit`.
///
/// The events are subscribed to only while the node has streaming clients (and for `linger` after
/// the last one leaves): every post publishes about three, and a node without clients received,
/// parsed and dropped each of them, as Redis wrote each to every node. A client's `register`
/// returns once Redis has confirmed the subscription, so it misses nothing published after.
/// The cache invalidations (`timeline:invalidate`) have a subscription of their own, always on.
public final class StreamingHub: Service {
    let services: APIServices
    let logger: Logger
    let maxClients: Int
    let queueLimit: Int
    /// How long the event subscription outlives the last client (a reconnecting client finds it on).
    let linger: Duration
    /// Where each subscription listens: one subscriber per shard, or one over a cluster's nodes.
    private let subscriberAddresses: [[(host: String, port: Int)]]
    private let invalidations: [RedisSubscriber]
    private let events = Mutex<[RedisSubscriber]?>(nil)
    private let inbox: AsyncStream<(String, [UInt8])>
    private let inboxContinuation: AsyncStream<(String, [UInt8])>.Continuation
    private let clients = Mutex<(next: Int, all: [Int: StreamClient])>((0, [:]))
    /// `clients.all.count`, written under the clients' lock.
    private let clientCount = Atomic<Int>(0)
    /// Streaming clients connected to this node (server-sent events and WebSocket).
    private let connected = Gauge(label: "starling_streaming_clients")

    public init(services: APIServices, logger: Logger, maxClients: Int = 10_000, queueLimit: Int = 256, linger: Duration = .seconds(30)) {
        self.services = services
        self.logger = logger
        self.maxClients = maxClients
        self.queueLimit = queueLimit
        self.linger = linger
        let shards = services.redis.map.shards.map { (host: $0.host, port: $0.port) }
        switch services.redis.mode {
        case .shards:
            // Each shard carries the messages published on it: subscribe to every one.
            subscriberAddresses = shards.map { [$0] }
        case .cluster:
            // A cluster broadcasts every message to every node: one subscription, failing over between nodes.
            subscriberAddresses = [shards]
        }
        invalidations = subscriberAddresses.map { RedisSubscriber(addresses: $0, channels: [RedisKeys.cacheInvalidationChannel], logger: logger) }
        (inbox, inboxContinuation) = AsyncStream.makeStream(of: (String, [UInt8]).self, bufferingPolicy: .bufferingNewest(10_000))
    }

    public func run() async throws {
        let inbox = self.inboxContinuation
        let services = self.services
        for subscriber in invalidations {
            // Applied on the connection's event loop, where it is read: the caches take their own
            // locks, and every post sends one message to every node, which through the inbox woke a
            // task on another thread each time (~4 % of an API node's CPU under posts).
            subscriber.start { _, payload in
                if let message = CacheInvalidation(payload: payload) { services.apply(message) }
            }
        }
        // The inbox ends at graceful shutdown. Not `cancelOnGracefulShutdown()`: its merge runs a
        // state machine under a lock for every message.
        await withGracefulShutdownHandler {
            for await (channel, payload) in self.inbox {
                if Task.isShuttingDownGracefully { break }
                // The last client may have left since the subscriber's event loop looked.
                if hasNoClients { continue }
                guard let event = StreamEvent.decode(payload) else { continue }
                await dispatch(event, channel: channel)
            }
        } onGracefulShutdown: {
            inbox.finish()
        }
        for subscriber in invalidations { subscriber.stop() }
        events.withLock { subscribers in
            for subscriber in subscribers ?? [] { subscriber.stop() }
            subscribers = nil
        }
        let all = clients.withLock { $0.all.values }
        for client in all { client.continuation.finish() }
    }

    /// Read for every event on the event loop that receives it: an atomic, not the clients' lock,
    /// which `dispatch` holds while it copies them.
    private var hasNoClients: Bool { clientCount.load(ordering: .acquiring) == 0 }

    /// Whether the node is subscribed to the workers' events (tests).
    var isSubscribedToEvents: Bool { events.withLock { $0?.allSatisfy(\.isSubscribed) ?? false } }

    func register(userId: Int64?) async throws -> StreamClient {
        let client = try clients.withLock { state in
            guard state.all.count < maxClients else {
                throw MastodonError(.serviceUnavailable, "Too many streaming connections on this node")
            }
            state.next += 1
            let client = StreamClient(id: state.next, userId: userId, queueLimit: queueLimit)
            state.all[client.id] = client
            connected.record(state.all.count)
            clientCount.store(state.all.count, ordering: .releasing)
            return client
        }
        await subscribeToEvents()
        return client
    }

    func unregister(_ client: StreamClient) {
        // Called twice for most clients (the stream's end, the connection's): only the first counts.
        let last = clients.withLock { state in
            guard state.all.removeValue(forKey: client.id) != nil else { return false }
            connected.record(state.all.count)
            clientCount.store(state.all.count, ordering: .releasing)
            return state.all.isEmpty
        }
        client.continuation.finish()
        guard last else { return }
        Task { [self] in
            try? await Task.sleep(for: linger)
            // Still nobody (the check under the subscription's lock: a client registering now finds it on, or starts anew).
            events.withLock { subscribers in
                guard hasNoClients, let current = subscribers else { return }
                for subscriber in current { subscriber.stop() }
                subscribers = nil
            }
        }
    }

    /// Starts the event subscription if it is off, and waits (up to two seconds) until Redis has
    /// confirmed it on every shard.
    private func subscribeToEvents() async {
        let inbox = self.inboxContinuation
        let subscribers = events.withLock { current in
            if let current { return current }
            let started = subscriberAddresses.map { RedisSubscriber(addresses: $0, patterns: [StreamChannels.pattern], logger: logger) }
            for subscriber in started {
                subscriber.start { channel, payload in
                    // The invalidations come through their own subscription. An event for nobody is
                    // dropped on the event loop, so it wakes no task.
                    if channel == RedisKeys.cacheInvalidationChannel || self.hasNoClients { return }
                    inbox.yield((channel, payload))
                }
            }
            current = started
            return started
        }
        for _ in 0..<400 where !subscribers.allSatisfy(\.isSubscribed) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Loads (or refreshes) whom a client's user follows.
    func refreshFollowing(_ client: StreamClient) async {
        guard let user = client.userId else { return }
        if let ids = try? await services.follows.following(of: user, below: nil, above: nil, limit: 100_000) {
            client.following.withLock { $0 = Set(ids) }
        }
        if let tags = try? await services.tagFollows.names(followedBy: user) {
            client.followedTags.withLock { $0 = tags }
        }
    }

    private func dispatch(_ event: StreamEvent, channel: String) async {
        let all = clients.withLock { Array($0.all.values) }
        if all.isEmpty { return }
        var targets: [(StreamClient, StreamName)] = []
        let recipients = event.users.map(Set.init)
        // A pulled author's status goes to the followers `Audience.showsOnHome` admits: read its facts once.
        var pulled: Audience.Status?
        if channel == StreamChannels.pulled, event.event == .update || event.event == .statusUpdate, let id = event.status {
            pulled = await audience(ofStatus: id)
            if pulled == nil { return }  // deleted meanwhile (or unreadable: it could not be rendered either)
        }
        for client in all {
            let streams = client.streams.withLock { $0 }
            if let user = StreamChannels.userId(of: channel) {
                guard client.userId == user else { continue }
                if event.event == .conversation {
                    if streams.contains(.direct) { targets.append((client, .direct)) }
                    continue
                }
                if event.event == .notification, streams.contains(.userNotification) { targets.append((client, .userNotification)) }
                if streams.contains(.user) { targets.append((client, .user)) }
            } else if channel == StreamChannels.users {
                guard let user = client.userId, recipients?.contains(user) == true, streams.contains(.user) else { continue }
                targets.append((client, .user))
            } else if channel == StreamChannels.pulled {
                // A pulled (celebrity) member's status reaches its lists' streams here (ListStreaming.swift).
                if let status = pulled { targets += await listTargets(client, streams: streams, status: status) }
                guard streams.contains(.user), let user = client.userId else { continue }
                if event.event == .delete {
                    targets.append((client, .user))
                    continue
                }
                let following = client.following.withLock { $0 }
                // Only the user's own home is concerned: statuses of pulled authors they follow.
                guard let status = pulled, status.author != user, following.contains(status.author) else { continue }
                let relations = ViewerRelations(follows: following, followedTags: client.followedTags.withLock { $0 })
                guard Audience.showsOnHome(status, viewer: user, relations: relations) else { continue }
                targets.append((client, .user))
            } else if let (owner, list) = RedisKeys.list(ofChannel: channel) {
                guard client.userId == owner, streams.contains(.list(list)) else { continue }
                targets.append((client, .list(list)))
            } else if channel == StreamChannels.publicTimeline {
                if streams.contains(.publicTimeline) { targets.append((client, .publicTimeline)) }
                if streams.contains(.publicLocal) { targets.append((client, .publicLocal)) }
            } else if let tag = RedisKeys.tag(ofChannel: channel) {
                if streams.contains(.hashtag(tag)) { targets.append((client, .hashtag(tag))) }
            }
        }
        if event.event == .update || event.event == .statusUpdate, let id = event.status, targets.contains(where: { $0.0.userId != nil }) {
            targets = await withoutBlockedAndMuted(targets, status: id)
        }
        if targets.isEmpty { return }
        if event.event == .update || event.event == .statusUpdate {
            return await sendStatus(event, to: targets)
        }
        guard let rendered = await render(event, for: targets.first?.0.userId) else { return }
        for (client, stream) in targets {
            client.send(OutgoingEvent(event: rendered.0, payload: rendered.1, stream: stream))
        }
    }

    /// Sends a status event, rendered once, through each signed-in client's filters of the
    /// stream's context (as their timelines apply them): a `hide` match is not sent, a `warn`
    /// match carries `filtered` in that client's copy.
    private func sendStatus(_ event: StreamEvent, to targets: [(StreamClient, StreamName)]) async {
        let reader = TimelineReader(services: services)
        guard let id = event.status, let status = try? await reader.hydrate([id], viewer: nil).first else { return }
        let shared = JSON.string(status)
        for (client, stream) in targets {
            guard let user = client.userId, let context = Self.filterContext(of: stream) else {
                client.send(OutgoingEvent(event: event.event.rawValue, payload: shared, stream: stream))
                continue
            }
            // If the filters cannot be read, the status is not sent rather than shown unfiltered.
            guard let filtered = try? await reader.applyFilters([status], viewer: user, context: context).first else { continue }
            let payload = (filtered.filtered ?? []).isEmpty ? shared : JSON.string(filtered)
            client.send(OutgoingEvent(event: event.event.rawValue, payload: payload, stream: stream))
        }
    }

    /// Which filter context a stream's statuses are read in (Mastodon's: home and lists are
    /// `home`, public and tag streams `public`).
    static func filterContext(of stream: StreamName) -> FilterContext? {
        switch stream {
        case .user, .list: .home
        case .publicTimeline, .publicLocal, .hashtag: .public
        case .userNotification, .direct: nil
        }
    }

    /// Drops the signed-in clients whose user blocks or is blocked by, or mutes, the status's author
    /// (or, for a reblog, the original's author), as their home and listings do (`Audience.hiddenByRelations`).
    private func withoutBlockedAndMuted(_ targets: [(StreamClient, StreamName)], status id: Int64) async -> [(StreamClient, StreamName)] {
        // The users' sets come from the node cache; if PostgreSQL cannot answer, the event is not
        // sent to that user rather than leaked. Most users block and mute nobody: then the status
        // itself need not be read.
        let now = Date()
        var relations: [Int64: ViewerRelations?] = [:]
        for user in Set(targets.compactMap(\.0.userId)) {
            relations[user] = (try? await services.viewerBlocksAndMutes(user)).map { $0.isEmpty ? ViewerRelations.none : $0.relations(at: now) }
        }
        if relations.values.allSatisfy({ $0 == ViewerRelations.none }) { return targets }
        guard let status = await audience(ofStatus: id) else { return targets }
        var authors = [status.author]
        if let original = status.reblogOf, let inner = await audience(ofStatus: original) { authors.append(inner.author) }
        return targets.filter { client, _ in
            guard let user = client.userId else { return true }
            guard let userRelations = relations[user] ?? nil else { return false }
            return !Audience.hiddenByRelations(authors: authors, viewer: user, relations: userRelations, applyMutes: true)
        }
    }

    /// The facts the audience rules read about a status: from the status cache, else PostgreSQL;
    /// nil if it was deleted or cannot be read.
    private func audience(ofStatus id: Int64) async -> Audience.Status? {
        if let cached = try? await services.cache.cachedStatuses([id])[id] {
            switch cached {
            case .row(let row): return row.audience
            case .deleted: return nil
            }
        }
        return try? await services.statuses.statuses(ids: [id]).first?.audience
    }

    /// The event name and its payload: a Status or Notification as JSON text, or a status id for deletes.
    private func render(_ event: StreamEvent, for viewer: Int64?) async -> (String, String)? {
        do {
            switch event.event {
            case .delete:
                return event.status.map { ("delete", String($0)) }
            case .update, .statusUpdate:
                guard let id = event.status, let status = try await TimelineReader(services: services).hydrate([id], viewer: nil).first else {
                    return nil
                }
                return (event.event.rawValue, JSON.string(status))
            case .conversation:
                guard let id = event.conversation, let viewer,
                      let row = try await ConversationStore(database: services.database).one(id: id, account: viewer),
                      let entity = try await MastodonRoutes(services: services).renderConversations([row], viewer: viewer).first else {
                    return nil
                }
                return ("conversation", JSON.string(entity))
            case .notification:
                guard let id = event.notification, let viewer,
                      let row = try await services.notifications.notification(id: id, account: viewer),
                      let entity = try await NotificationRenderer(services: services).render([row], viewer: viewer).first else {
                    return nil
                }
                return ("notification", JSON.string(entity))
            }
        } catch {
            logger.warning("could not render a stream event", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
