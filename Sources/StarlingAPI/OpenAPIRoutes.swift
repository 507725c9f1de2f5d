import Hummingbird
import NIOCore

extension OpenAPIDocument {
    /// The document's bytes, built once (the string is a constant).
    static let body = ByteBuffer(string: json)

    /// `GET /api/openapi.json`, and `/openapi.json` where generic tools look first. No parameters
    /// and no token: the document describes the API to anyone who can reach it.
    static func register(on router: Router<StarlingRequestContext>) {
        for path in ["/api/openapi.json", "/openapi.json"] {
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok,
                         headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "public, max-age=300"],
                         body: ResponseBody(byteBuffer: body))
            }
        }
    }
}
