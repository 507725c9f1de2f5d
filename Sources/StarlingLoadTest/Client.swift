import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Keep-alive HTTP to every API node given, round robin: one AsyncHTTPClient with a connection pool per host.
public final class APIClient: Sendable {
    public let targets: [String]
    let client: HTTPClient
    let next = Atomic<Int>(0)
    let timeout: TimeAmount

    /// - Parameter connectionsPerTarget: the pool's keep-alive connections per API node.
    public init(targets: [String], connectionsPerTarget: Int, timeoutSeconds: Int64 = 10) {
        self.targets = targets.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connectionsPerTarget))
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(timeoutSeconds))
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        timeout = .seconds(timeoutSeconds)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    public struct Reply: Sendable {
        public var status: Int
        public var body: ByteBuffer
        /// nil when the server answered 2xx; otherwise the status code or the failure ("timeout", "connect", …).
        public var error: String? { (200..<300).contains(status) ? nil : (status == 0 ? "io" : String(status)) }
    }

    /// Sends one request to the next target. Never throws: failures come back as status 0 with `failure`.
    public func send(_ method: HTTPMethod, _ path: String, token: String? = nil, form: String? = nil,
                     target: Int? = nil, maxBody: Int = 4 << 20) async -> (Reply, String?) {
        let base = targets[(target ?? next.wrappingAdd(1, ordering: .relaxed).oldValue) % targets.count]
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: maxBody)
            return (Reply(status: Int(response.status.code), body: body), nil)
        } catch let error as HTTPClientError {
            let kind: String
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: kind = "timeout"
            case .remoteConnectionClosed: kind = "closed"
            default: kind = "client:\(error.shortDescription)"
            }
            return (Reply(status: 0, body: ByteBuffer()), kind)
        } catch {
            let text = "\(error)"
            let kind = text.contains("onnect") ? "connect" : "io:" + String(text.prefix(40))
            return (Reply(status: 0, body: ByteBuffer()), kind)
        }
    }

    /// GET a URL outside the pool's targets (a node's /metrics).
    public func get(url: String) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await client.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else { throw LoadTestError.failed("GET \(url): \(response.status.code)") }
        return String(buffer: body)
    }
}

extension HTTPClientError {
    var shortDescription: String {
        let text = "\(self)"
        return String(text.prefix(40))
    }
}

extension ByteBuffer {
    /// Whether the readable bytes contain `needle` (a plain byte search; cheaper than parsing JSON).
    func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, readableBytes >= needle.count else { return false }
        return withUnsafeReadableBytes { raw in
            let n = needle.count
            let first = needle[0]
            var i = 0
            let last = raw.count - n
            while i <= last {
                if raw[i] == first {
                    var j = 1
                    while j < n && raw[i + j] == needle[j] { j += 1 }
                    if j == n { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// The top-level `"id"` of a JSON object body (a status's own id: key order is not guaranteed,
    /// so the first `"id"` in the text may be its account's).
    func firstId() -> Int64? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(readableBytesView)) as? [String: Any],
              let id = object["id"] as? String else { return nil }
        return Int64(id)
    }
}
