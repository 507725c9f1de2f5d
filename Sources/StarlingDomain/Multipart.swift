/// A `multipart/form-data` body (RFC 7578), parsed from bytes already bounded by the caller.
/// Hostile input: the boundary, the part count and each part's header block are bounded, and a
/// body that does not close its last part is refused rather than guessed at.
public struct MultipartForm: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var body: [UInt8]
    }

    public enum ParseError: Error, Equatable, Sendable {
        case noBoundary
        case malformed(String)
        case tooManyParts
    }

    public var parts: [Part]

    public func part(_ name: String) -> Part? { parts.first { $0.name == name } }

    /// The text of a field (nil if absent or not UTF-8).
    public func text(_ name: String) -> String? {
        part(name).flatMap { String(validating: $0.body, as: UTF8.self) }
    }

    /// The boundary parameter of a `Content-Type: multipart/form-data; boundary=…` header.
    public static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let kind = pieces.first, kind.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            // RFC 2046: 1 to 70 characters.
            guard (1...70).contains(value.utf8.count), value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            return value
        }
        return nil
    }

    public static func parse(_ body: [UInt8], boundary: String, maxParts: Int = 16) throws(ParseError) -> MultipartForm {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var position = find(delimiter, in: body, from: 0) else { throw .malformed("no boundary in the body") }
        var parts: [Part] = []
        while true {
            position += delimiter.count
            // "--" after a delimiter closes the body.
            if body.count >= position + 2, body[position] == 0x2D, body[position + 1] == 0x2D { break }
            // Transport padding, then CRLF.
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else {
                throw .malformed("a boundary line does not end in CRLF")
            }
            position += 2
            guard let headerEnd = find(crlf + crlf, in: body, from: position, limit: 8 * 1024) else {
                throw .malformed("a part's headers do not end (or exceed 8 KB)")
            }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find(crlf + delimiter, in: body, from: contentStart) else {
                throw .malformed("the body ends inside a part (the closing boundary is missing)")
            }
            guard parts.count < maxParts else { throw .tooManyParts }
            var part = Part(name: "", filename: nil, contentType: nil, body: Array(body[contentStart..<next]))
            for line in headers.split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { throw .malformed("a part header has no colon") }
                let field = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                if field == "content-disposition" {
                    let parameters = dispositionParameters(value)
                    part.name = parameters["name"] ?? ""
                    part.filename = parameters["filename"]
                } else if field == "content-type" {
                    part.contentType = value
                }
            }
            guard !part.name.isEmpty else { throw .malformed("a part has no name") }
            parts.append(part)
            position = next + 2
        }
        return MultipartForm(parts: parts)
    }

    /// `form-data; name="file"; filename="a.png"` → ["name": "file", "filename": "a.png"].
    static func dispositionParameters(_ value: String) -> [String: String] {
        var out: [String: String] = [:]
        var rest = Substring(value)
        // Skip the disposition type.
        if let semicolon = rest.firstIndex(of: ";") { rest = rest[rest.index(after: semicolon)...] } else { return out }
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == ";" || $0 == "\t" }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            var parsed = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if escaped { parsed.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break } else { parsed.append(c) }
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                parsed = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            out[key] = parsed
        }
        return out
    }

    /// The first index of `needle` in `haystack` at or after `start` (the match starting before
    /// `start + limit`, if given).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, limit: Int? = nil) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        let last = min(haystack.count - needle.count, limit.map { start + $0 } ?? Int.max)
        guard start <= last else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = start
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count, h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}
