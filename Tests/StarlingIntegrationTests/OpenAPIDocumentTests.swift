import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
@testable import StarlingAPI
import StarlingDomain
import StarlingRedis
import StarlingStore
import Testing

/// The OpenAPI document against the router the API node ships: every route is documented, every
/// documented operation is a route, and the document is well formed. Needs no servers: building
/// the node opens no connection, and only the document's own route is called.
@Suite struct OpenAPIDocumentTests {
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// An API node over a PostgreSQL and a Redis that are never contacted.
    static func router() throws -> (Router<StarlingRequestContext>, APINode) {
        let logger = Logger(label: "openapi-test")
        let pg = PostgresClient(configuration: try Database.configuration(url: "postgres://starling@127.0.0.1:1/none", maxConnections: 1),
                                backgroundLogger: logger)
        let redis = ShardedRedis(map: try ShardMap.parse("127.0.0.1:1"))
        let node = APINode(settings: APISettings(), database: Database(client: pg, logger: logger), redis: redis,
                           ids: try SnowflakeGenerator(node: 1), host: "127.0.0.1", port: 0, bcryptThreads: 1, logger: logger)
        return (buildAPIRouter(services: node.services, hub: node.hub), node)
    }

    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
    }

    /// "GET /api/v1/accounts/{id}" for every operation of the document.
    static func documentedOperations(_ document: [String: Any]) throws -> Set<String> {
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations = Set<String>()
        for (path, item) in paths {
            for method in item.keys where methods.contains(method) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test func everyRouteIsDocumentedAndEveryOperationIsARoute() throws {
        let (router, _) = try Self.router()
        // Hummingbird writes a captured segment as `{name}`, as OpenAPI's path templates do.
        let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        let documented = try Self.documentedOperations(try Self.document())
        #expect(routes.count > 60, "the router lists the API's routes")
        let undocumented = routes.subtracting(documented).sorted()
        let missing = documented.subtracting(routes).sorted()
        #expect(undocumented.isEmpty, "routes missing from Sources/StarlingAPI/OpenAPIDocument.swift: \(undocumented)")
        #expect(missing.isEmpty, "documented operations with no route: \(missing)")
    }

    @Test func documentIsWellFormed() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let text = OpenAPIDocument.json
        var operationIds = Set<String>()
        for (path, item) in paths {
            let templated = Set(path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
            for (method, value) in item where Self.methods.contains(method) {
                let operation = try #require(value as? [String: Any], "\(method) \(path)")
                let id = try #require(operation["operationId"] as? String, "\(method) \(path) has an operationId")
                #expect(operationIds.insert(id).inserted, "operationId \(id) is unique")
                let responses = try #require(operation["responses"] as? [String: Any], "\(id) has responses")
                #expect(!responses.isEmpty, "\(id) has responses")
                #expect(operation["security"] is [Any], "\(id) says whether it needs a token")
                let parameters = (operation["parameters"] as? [[String: Any]]) ?? []
                let pathParameters = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                #expect(pathParameters == templated, "\(id) declares exactly its path's parameters")
            }
        }
        // Every reference resolves to a component.
        let components = try #require(document["components"] as? [String: [String: Any]])
        let pattern = try NSRegularExpression(pattern: ##""\$ref"\s*:\s*"#/components/(\w+)/(\w+)""##)
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        #expect(!matches.isEmpty)
        for match in matches {
            let kind = String(text[Range(match.range(at: 1), in: text)!])
            let name = String(text[Range(match.range(at: 2), in: text)!])
            #expect(components[kind]?[name] != nil, "#/components/\(kind)/\(name) exists")
        }
    }

    @Test func servedAtItsStablePaths() async throws {
        let (_, node) = try Self.router()
        try await node.app.test(.router) { client in
            for path in ["/api/openapi.json", "/openapi.json"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                    #expect(String(buffer: response.body) == OpenAPIDocument.json)
                }
            }
        }
    }
}
