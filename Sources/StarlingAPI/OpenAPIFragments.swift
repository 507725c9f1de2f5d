import Foundation

extension OpenAPIDocument {
    /// Feature fragments merged into `core`: each a JSON object with `paths` and optionally
    /// `components` (`schemas`, `responses`, `parameters`) and `tags`, kept in the feature's own
    /// `OpenAPIDocument+Feature.swift` so features are documented beside nothing else.
    static let fragments: [String] = [
        webPages, media, relationships, listsAndBookmarks, editsAndPolls, conversationsAndFilters,
    ]

    /// The served document: `core` with every fragment merged in (a fragment may not redefine an
    /// operation or a component the document already has). Built once; keys sorted so the bytes
    /// are stable from one start to the next.
    static let json: String = merged(core: core, fragments: fragments)

    static func merged(core: String, fragments: [String]) -> String {
        func object(_ text: String) -> [String: Any] {
            guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                preconditionFailure("an OpenAPI fragment is not a JSON object")  // a programming error, caught by OpenAPIDocumentTests
            }
            return value
        }
        var document = object(core)
        for fragment in fragments.map(object) {
            var paths = document["paths"] as? [String: Any] ?? [:]
            for (path, item) in fragment["paths"] as? [String: [String: Any]] ?? [:] {
                var merged = paths[path] as? [String: Any] ?? [:]
                for (method, operation) in item {
                    precondition(merged[method] == nil, "\(method) \(path) is documented twice")
                    merged[method] = operation
                }
                paths[path] = merged
            }
            document["paths"] = paths
            var components = document["components"] as? [String: Any] ?? [:]
            for (kind, entries) in fragment["components"] as? [String: [String: Any]] ?? [:] {
                var existing = components[kind] as? [String: Any] ?? [:]
                for (name, value) in entries {
                    precondition(existing[name] == nil, "#/components/\(kind)/\(name) is defined twice")
                    existing[name] = value
                }
                components[kind] = existing
            }
            document["components"] = components
            if let tags = fragment["tags"] as? [[String: Any]] {
                var existing = document["tags"] as? [[String: Any]] ?? []
                let names = Set(existing.compactMap { $0["name"] as? String })
                existing += tags.filter { !names.contains($0["name"] as? String ?? "") }
                document["tags"] = existing
            }
        }
        let data = try! JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])  // built from parsed JSON: always serialisable
        return String(decoding: data, as: UTF8.self)
    }
}
