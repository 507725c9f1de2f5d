import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import StarlingDomain
import StarlingStore

/// Mastodon's streaming API: server-sent events under `/api/v1/streaming/…`, and a WebSocket at
/// `/api/v1/streaming` taking `{"type":"subscribe","stream":"user"}` messages.
struct StreamingRoutes: Sendable {
    let services: APIServices
    let hub: StreamingHub
    /// A comment line at least this often keeps proxies from closing an idle stream.
    static let heartbeat: Duration = .seconds(15)

    func register(on routes: APIRoutes) {
        let router = routes.plain
        router.get("/api/v1/streaming/health") { _, _ in
            // As Mastodon's streaming server answers it (a body without a content type is left to clients to sniff).
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "OK")))
        }
        let streams: [(String, String)] = [
            ("/api/v1/streaming/user", "user"), ("/api/v1/streaming/user/notification", "user:notification"),
            ("/api/v1/streaming/public", "public"), ("/api/v1/streaming/public/local", "public:local"),
            ("/api/v1/streaming/hashtag", "hashtag"), ("/api/v1/streaming/hashtag/local", "hashtag:local"),
            ("/api/v1/streaming/list", "list"),
            ("/api/v1/streaming/direct", "direct"),
        ]
        for (path, name) in streams {
            let scope: OAuthScope = name == "user:notification" ? .readNotifications : .readStatuses
            routes.authenticated(scope).get(RouterPath(path)) { _, context in try await serverSentEvents(context, stream: name) }
        }
        // Reached only when the request was not a WebSocket upgrade (or its token was refused).
        routes.authenticated(.readStatuses, .readNotifications).get("/api/v1/streaming") { _, context -> Response in
            _ = try context.requireToken()
            throw MastodonError(.badRequest, "This endpoint expects a WebSocket upgrade")
        }
    }

    func serverSentEvents(_ context: StarlingRequestContext, stream name: String) async throws -> Response {
        let owner = try context.requireToken()
        guard let stream = StreamName(name, tag: context.params["tag"], list: context.params["list"]) else {
            throw MastodonError(.badRequest, "No such stream, or the hashtag is missing")
        }
        if case .list(let list) = stream, !(await MastodonRoutes.ownsList(services, user: owner.accountId, list: list)) {
            throw MastodonError.notFound  // someone else's list does not exist for the caller
        }
        if [.user, .userNotification, .direct].contains(stream), owner.accountId == nil {
            throw MastodonError(.unprocessableContent, "This method requires an authenticated user")
        }
        let client = try await hub.register(userId: owner.accountId)
        client.streams.withLock { _ = $0.insert(stream) }
        let hub = self.hub
        // The client closing its side ends the stream at once, not at a later heartbeat's failed
        // write; and unregisters it even if it left before the body ran (its head's write failed).
        await ConnectionInputWatch.future(of: context.channel)?.whenComplete { _ in hub.unregister(client) }
        await hub.refreshFollowing(client)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody { writer in
                defer { hub.unregister(client) }
                try await writer.write(ByteBuffer(string: ":)\n"))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // Heartbeats, and a periodic refresh of whom the user follows.
                        while !Task.isCancelled {
                            try await Task.sleep(for: Self.heartbeat)
                            client.send(OutgoingEvent(event: "", payload: "", stream: stream))
                            await hub.refreshFollowing(client)
                        }
                    }
                    for await event in client.events {
                        try await writer.write(ByteBuffer(string: event.event.isEmpty ? ":thump\n" : event.sse))
                    }
                    group.cancelAll()
                }
                try await writer.finish(nil)
            })
    }

    /// The WebSocket upgrade decision, taken before any router or middleware sees the request (the
    /// upgrade happens at the channel level): it finds the token as `TokenAuthenticator` does, plus
    /// the `Sec-WebSocket-Protocol` header browsers use, and resolves it through the same cache. A
    /// request it does not upgrade reaches the router, where a bad token gets a plain 401.
    static func shouldUpgrade(_ head: HTTPRequest, services: APIServices, hub: StreamingHub)
        async throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        guard let path = head.path, path.split(separator: "?").first == "/api/v1/streaming" else { return .dontUpgrade }
        var params = Params()
        if let query = path.split(separator: "?", maxSplits: 1).dropFirst().first {
            try? params.addForm(query)
        }
        let token = BearerToken.find(authorization: head.headerFields[.authorization], accessToken: params["access_token"])
            ?? BearerToken.find(authorization: nil, accessToken: head.headerFields[HTTPField.Name("Sec-WebSocket-Protocol")!])
        guard let token, let owner = try await services.tokenOwner(token) else { return .dontUpgrade }
        // Not upgraded: the request reaches the route above, whose authenticator answers 403.
        let granted = OAuthScopes(stored: owner.scopes)
        guard granted.grants(.readStatuses) || granted.grants(.readNotifications) else { return .dontUpgrade }
        return .upgrade([:]) { inbound, outbound, _ in
            let client = try await hub.register(userId: owner.accountId)
            defer { hub.unregister(client) }
            await hub.refreshFollowing(client)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in client.events {
                        if event.event.isEmpty {
                            try await outbound.write(.custom(.init(fin: true, opcode: .ping, data: ByteBuffer())))
                            continue
                        }
                        let message: [String: Any] = ["stream": event.stream.names, "event": event.event, "payload": event.payload]
                        let data = try JSONSerialization.data(withJSONObject: message)
                        try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
                    }
                    // The hub ended the stream (shutdown, or a client too slow to keep up): say goodbye.
                    try await outbound.close(.goingAway, reason: "stream ended")
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: Self.heartbeat)
                        client.send(OutgoingEvent(event: "", payload: "", stream: .user))
                        await hub.refreshFollowing(client)
                    }
                }
                for try await message in inbound.messages(maxSize: 16 * 1024) {
                    guard case .text(let text) = message,
                          let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                          let type = object["type"] as? String, let name = object["stream"] as? String,
                          let stream = StreamName(name, tag: object["tag"] as? String, list: object["list"] as? String) else {
                        try await outbound.write(.text("{\"error\":\"Unknown message\"}"))
                        continue
                    }
                    if case .list(let list) = stream, !(await MastodonRoutes.ownsList(services, user: owner.accountId, list: list)) {
                        try await outbound.write(.text("{\"error\":\"Record not found\"}"))
                        continue
                    }
                    if [.user, .userNotification, .direct].contains(stream), owner.accountId == nil {
                        try await outbound.write(.text("{\"error\":\"This stream requires an authenticated user\"}"))
                        continue
                    }
                    client.streams.withLock { streams in
                        if type == "subscribe" { streams.insert(stream) } else if type == "unsubscribe" { streams.remove(stream) }
                    }
                }
                client.continuation.finish()
                group.cancelAll()
            }
        }
    }
}
