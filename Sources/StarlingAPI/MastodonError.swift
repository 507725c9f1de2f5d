import Foundation
import Hummingbird
import Logging
import NIOCore
import StarlingDomain
import StarlingRedis
import StarlingStore

/// An error a client sees, in Mastodon's format: `{"error": "…"}` with the matching status code.
public struct MastodonError: HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var message: String
    /// Extra response headers (`Retry-After` on a 429 or 503).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(message)" }

    public static let unauthorized = MastodonError(.unauthorized, "The access token is invalid")
    public static let notFound = MastodonError(.notFound, "Record not found")
    public static let forbidden = MastodonError(.forbidden, "This action is not allowed")
    /// A dependency (PostgreSQL, a Redis shard) is down or restarting: try again shortly.
    public static let unavailable = MastodonError(.serviceUnavailable, "The service is temporarily unavailable, please try again shortly",
                                                  headers: [.retryAfter: "5"])
    /// The token is valid but its scopes do not reach the route (Mastodon's words).
    public static let outsideScopes = MastodonError(.forbidden, "This action is outside the authorized scopes")

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.errorResponse(status: status, message: message, extraHeaders: headers)
    }

    static func errorResponse(status: HTTPResponse.Status, message: String, extraHeaders: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"Doorkeeper\", error=\"invalid_token\"" }
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Maps any error to what the client should see; domain and store errors keep their meaning,
    /// anything unexpected becomes a 500 whose details stay in the log.
    static func from(_ error: any Error, logger: Logger) -> MastodonError {
        switch error {
        case let error as MastodonError:
            return error
        case let error as DomainError:
            switch error {
            case .validation(let message): return MastodonError(.unprocessableContent, message)
            case .badParameter(let message): return MastodonError(.badRequest, message)
            case .notFound: return .notFound
            case .notAllowed: return .forbidden
            case .taken(.username): return MastodonError(.unprocessableContent, "Validation failed: Username has already been taken")
            case .taken(.email): return MastodonError(.unprocessableContent, "Validation failed: Email has already been taken")
            case .invalidSetting: break
            }
        case let error as StoreError:
            switch error {
            case .notFound(let m): return MastodonError(.notFound, m)
            case .forbidden(let m): return MastodonError(.forbidden, m)
            case .conflict(let m), .validation(let m): return MastodonError(.unprocessableContent, m)
            case .unavailable(let m):
                logger.warning("PostgreSQL unavailable", metadata: ["error": "\(m)"])
                return .unavailable
            case .invalidSetting: break
            }
        case is NIOTooManyBytesError:
            return MastodonError(.contentTooLarge, "Request body is too large")
        case let error as HTTPError:
            let message: String = switch error.status {
            case .contentTooLarge: "Request body is too large"
            case .notFound: "Not found"
            case .methodNotAllowed: "Method not allowed"
            default: error.body ?? error.status.reasonPhrase
            }
            return MastodonError(error.status, message)
        case let error as RedisError:
            switch error {
            case .io, .connectFailed, .poolClosed: return .unavailable
            // LOADING, TRYAGAIN, CLUSTERDOWN, MASTERDOWN: the shard is coming back.
            case .server(let reply) where ["LOADING", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN"].contains(where: reply.hasPrefix):
                return .unavailable
            default: break
            }
        default:
            if Database.isOutage(error) {
                logger.warning("PostgreSQL unavailable", metadata: ["error": "\(String(reflecting: error))"])
                return .unavailable
            }
        }
        logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
        return MastodonError(.internalServerError, "Internal server error")
    }
}

/// Turns every error thrown below it into a Mastodon-format response.
struct MastodonErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            throw MastodonError.from(error, logger: context.logger)
        }
    }
}
