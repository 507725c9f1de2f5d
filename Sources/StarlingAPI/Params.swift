import Foundation
import Hummingbird
import StarlingDomain

/// Request parameters from the query string and the body (form-encoded or JSON), as Mastodon
/// accepts them. Values are checked to be valid UTF-8; `name[]` keys hold lists. Built once per
/// request by `MastodonRequestDecoder` (through `ParametersMiddleware`); handlers read them from
/// the request context.
struct Params: Sendable, Decodable {
    private(set) var values: [String: [String]] = [:]

    /// Largest request body accepted: statuses are small; anything bigger is a 413.
    static let maxBodyBytes = 64 * 1024

    init() {}

    /// Params come from a request (`MastodonRequestDecoder`), never from another decoder.
    init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Params decode from a request only"))
    }

    static func from(_ request: Request, readBody: Bool) async throws -> Params {
        var params = Params()
        if let query = request.uri.query {
            try params.addForm(Substring(query))
        }
        guard readBody else { return params }
        // Media uploads read their multipart body themselves, under their own limit (MediaRoutes.swift).
        if MediaUpload.readsOwnBody(request) { return params }
        let buffer = try await request.body.collect(upTo: maxBodyBytes)
        guard buffer.readableBytes > 0 else { return params }
        let bytes = Array(buffer.readableBytesView)
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        if contentType.hasPrefix("application/json") {
            try params.addJSON(bytes)
        } else if contentType.hasPrefix("application/x-www-form-urlencoded") || contentType.isEmpty {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw MastodonError(.unprocessableContent, "Request body is not valid UTF-8")
            }
            try params.addForm(Substring(text))
        } else if contentType.hasPrefix("multipart/form-data") {
            throw MastodonError(.unsupportedMediaType, "multipart/form-data is not supported; send JSON or form-encoded parameters")
        } else {
            throw MastodonError(.unsupportedMediaType, "Unsupported content type")
        }
        return params
    }

    mutating func addForm(_ text: Substring) throws {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            values[key, default: []].append(value)
        }
    }

    mutating func addJSON(_ bytes: [UInt8]) throws {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw MastodonError(.unprocessableContent, "Request body is not valid UTF-8")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw MastodonError(.badRequest, "Request body is not a JSON object")
        }
        // JSON's `\u0000` escapes decode to the control characters a form cannot carry either.
        try Self.rejectControlCharacters(in: object)
        for (key, value) in object {
            let base = key.hasSuffix("[]") ? String(key.dropLast(2)) : key
            if let list = value as? [Any] {
                values[base + "[]", default: []].append(contentsOf: list.compactMap(Self.scalar))
                // Objects in a list are numbered as Rails reads them (`keywords_attributes[0][keyword]`).
                for (index, element) in list.enumerated() {
                    if let object = element as? [String: Any] { addNested("\(base)[\(index)]", object) }
                }
            } else if let object = value as? [String: Any] {
                // Nesting, named as a form would (`{"home": {"last_read_id": …}}` is `home[last_read_id]`,
                // `{"data": {"alerts": {"mention": true}}}` is `data[alerts][mention]`), as Rails reads JSON parameters.
                addNested(key, object)
            } else if let scalar = Self.scalar(value) {
                values[base, default: []].append(scalar)
            }
        }
    }

    private mutating func addNested(_ prefix: String, _ object: [String: Any]) {
        for (field, inner) in object {
            if let nested = inner as? [String: Any] {
                addNested("\(prefix)[\(field)]", nested)
            } else if let list = inner as? [Any] {
                // `{"poll": {"options": ["a", "b"]}}` is `poll[options][]`, as a form would send it.
                values["\(prefix)[\(field)][]", default: []].append(contentsOf: list.compactMap(Self.scalar))
            } else if let scalar = Self.scalar(inner) {
                values["\(prefix)[\(field)]", default: []].append(scalar)
            }
        }
    }

    private static func scalar(_ value: Any) -> String? {
        switch value {
        case let s as String: return s
        // JSON numbers and booleans both arrive as NSNumber, and 0 and 1 cast to Bool: only
        // objCType "c" is a JSON true/false (else `"choices": [0, 1]` would read "false", "true").
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? (n.boolValue ? "true" : "false") : n.stringValue
        case let b as Bool: return b ? "true" : "false"
        default: return nil
        }
    }

    /// Percent-decoding with `+` as space; the result must be valid UTF-8.
    static func decode(_ text: Substring) throws -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw MastodonError(.badRequest, "Malformed percent-encoding in parameters")
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw MastodonError(.unprocessableContent, "Parameters are not valid UTF-8")
        }
        guard !bytes.contains(where: isControlCharacter) else { throw controlCharacterError }
        return string
    }

    /// C0 control characters other than tab, line feed and carriage return, and DEL: no text a
    /// client means to send contains them, and PostgreSQL refuses NUL in text outright, so they are
    /// refused where parameters are read rather than failing (or being stored) further on.
    static func isControlCharacter(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
    }

    static let controlCharacterError = MastodonError(
        .unprocessableContent, "Parameters must not contain NUL or other control characters")

    private static func rejectControlCharacters(in value: Any) throws {
        switch value {
        case let text as String:
            if text.utf8.contains(where: isControlCharacter) { throw controlCharacterError }
        case let list as [Any]:
            for item in list { try rejectControlCharacters(in: item) }
        case let object as [String: Any]:
            for (key, item) in object {
                try rejectControlCharacters(in: key)
                try rejectControlCharacters(in: item)
            }
        default:
            break
        }
    }

    /// Percent-decoding of a path segment; nil if malformed or if it holds a control character.
    static func tryDecode(_ text: String) -> String? {
        try? decode(Substring(text.replacingOccurrences(of: "+", with: "%2B")))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    subscript(_ key: String) -> String? { values[key]?.first }

    /// `key[]` values, or a single `key` value, as Mastodon accepts both.
    func list(_ key: String) -> [String] {
        (values[key + "[]"] ?? []) + (values[key] ?? [])
    }

    func require(_ key: String) throws -> String {
        guard let value = self[key], !value.isEmpty else {
            throw MastodonError(.unprocessableContent, "Validation failed: \(key) can't be blank")
        }
        return value
    }

    func bool(_ key: String) -> Bool {
        self[key].map(Self.isTrue) ?? false
    }

    /// Mastodon's truthy parameter values ("true", "1", "on", "yes", any case).
    static func isTrue(_ value: String) -> Bool {
        ["true", "1", "on", "yes"].contains(value.lowercased())
    }

    func page() throws -> PageRequest {
        try PageRequest.parse(maxId: self["max_id"], sinceId: self["since_id"], minId: self["min_id"], limit: self["limit"])
    }
}
