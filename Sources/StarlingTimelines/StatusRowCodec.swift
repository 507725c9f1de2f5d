import Foundation
import StarlingStore
import StarlingRedis

/// The status cache's value format: a compact binary encoding of ``StatusRow``, decoded without
/// Foundation (a home page decodes twenty of these per request).
///
/// Version 1 layout (integers little-endian, `len` an unsigned LEB128 varint):
///
///     0xC1                          version tag (never the first byte of UTF-8 text, so neither the
///                                   tombstone "deleted" nor a JSON value can be taken for a row)
///     id                  Int64
///     accountId           Int64
///     flags               UInt8     bit 0 sensitive, 1 language, 2 inReplyToId,
///                                   3 inReplyToAccountId, 4 reblogOfId, 5 editedAt, 6 pollId
///                                   (the others must be 0)
///     createdAt           UInt64    bit pattern of `timeIntervalSinceReferenceDate` (exact)
///     text, spoilerText, visibility  len + UTF-8
///     language            len + UTF-8     if flagged
///     inReplyToId, inReplyToAccountId, reblogOfId   Int64   each if flagged
///     editedAt            UInt64    bit pattern, as createdAt, if flagged
///     pollId              Int64     if flagged
///     mentions            len, then per mention: Int64 id, len + UTF-8 username
///     tags                len, then per tag: len + UTF-8
///     media               len + UTF-8 JSON of the `MediaRef`s, if flagged (bit 7)
///
/// Decoding returns nil for an unknown version, a truncated or over-long value, or invalid UTF-8:
/// the caller treats that as a cache miss and reads the row from PostgreSQL. Values cached in the
/// previous JSON format (first byte `{`) are still read, so a deploy does not empty the cache.
public enum StatusRowCodec {
    static let version1: UInt8 = 0xC1

    private enum Flag {
        static let sensitive: UInt8 = 1 << 0
        static let language: UInt8 = 1 << 1
        static let inReplyToId: UInt8 = 1 << 2
        static let inReplyToAccountId: UInt8 = 1 << 3
        static let reblogOfId: UInt8 = 1 << 4
        static let editedAt: UInt8 = 1 << 5
        static let pollId: UInt8 = 1 << 6
        static let media: UInt8 = 1 << 7
        static let all: UInt8 = 0b1111_1111
    }

    // MARK: Encoding

    public static func encode(_ row: StatusRow) -> [UInt8] {
        let visibility = visibilityText(row.visibility)
        var out: [UInt8] = []
        out.reserveCapacity(64 + row.text.utf8.count + row.spoilerText.utf8.count + row.mentions.count * 24 + row.tags.count * 16)
        out.append(version1)
        appendInt64(row.id, to: &out)
        appendInt64(row.accountId, to: &out)
        var flags: UInt8 = row.sensitive ? Flag.sensitive : 0
        if row.language != nil { flags |= Flag.language }
        if row.inReplyToId != nil { flags |= Flag.inReplyToId }
        if row.inReplyToAccountId != nil { flags |= Flag.inReplyToAccountId }
        if row.reblogOfId != nil { flags |= Flag.reblogOfId }
        if let media = row.media, !media.isEmpty { flags |= Flag.media }
        if row.editedAt != nil { flags |= Flag.editedAt }
        if row.pollId != nil { flags |= Flag.pollId }
        out.append(flags)
        appendUInt64(row.createdAt.timeIntervalSinceReferenceDate.bitPattern, to: &out)
        appendString(row.text, to: &out)
        appendString(row.spoilerText, to: &out)
        appendString(visibility, to: &out)
        if let language = row.language { appendString(language, to: &out) }
        if let id = row.inReplyToId { appendInt64(id, to: &out) }
        if let id = row.inReplyToAccountId { appendInt64(id, to: &out) }
        if let id = row.reblogOfId { appendInt64(id, to: &out) }
        if let date = row.editedAt { appendUInt64(date.timeIntervalSinceReferenceDate.bitPattern, to: &out) }
        if let id = row.pollId { appendInt64(id, to: &out) }
        appendVarint(UInt64(row.mentions.count), to: &out)
        for mention in row.mentions {
            appendInt64(mention.id, to: &out)
            appendString(mention.username, to: &out)
        }
        appendVarint(UInt64(row.tags.count), to: &out)
        for tag in row.tags { appendString(tag, to: &out) }
        // Rare and small (at most four): JSON keeps the format open to new attachment fields.
        if let media = row.media, !media.isEmpty, let json = try? JSONEncoder().encode(media) {
            appendString(String(decoding: json, as: UTF8.self), to: &out)
        }
        return out
    }

    private static func appendUInt64(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendInt64(_ value: Int64, to out: inout [UInt8]) {
        appendUInt64(UInt64(bitPattern: value), to: &out)
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    private static func appendString(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count), to: &out)
            out.append(contentsOf: utf8)
        }
    }

    // MARK: Decoding

    /// The row, or nil: not a row (the tombstone, garbage) or a version this build cannot read.
    public static func decode(_ bytes: [UInt8]) -> StatusRow? {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// A row read from Redis, decoded where the reply holds it.
    public static func decode(_ bytes: RESPBytes) -> StatusRow? {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    static func decode(_ buffer: UnsafeBufferPointer<UInt8>) -> StatusRow? {
        guard let first = buffer.first else { return nil }
        if first == UInt8(ascii: "{") { return decodeLegacyJSON(Array(buffer)) }
        guard first == version1 else { return nil }
        // Decoded into the fields, boxed once at the end (each write to a row would make a new box).
        var row = StatusRow(id: 0, accountId: 0, text: "", spoilerText: "", sensitive: false, visibility: .public,
                            createdAt: Date(timeIntervalSince1970: 0)).fields
        let decoded: Bool = { () -> Bool in
            var reader = Reader(buffer: buffer, offset: 1)
            guard let id = reader.int64(), let accountId = reader.int64(), let flags = reader.byte(),
                  flags & ~Flag.all == 0, let createdAt = reader.uint64(),
                  let text = reader.string(), let spoilerText = reader.string(), let visibilityText = reader.string(),
                  let visibility = visibility(visibilityText, as: type(of: row.visibility))
            else { return false }
            row.id = id
            row.accountId = accountId
            row.sensitive = flags & Flag.sensitive != 0
            row.createdAt = Date(timeIntervalSinceReferenceDate: Double(bitPattern: createdAt))
            row.text = text
            row.spoilerText = spoilerText
            row.visibility = visibility
            row.language = nil
            row.inReplyToId = nil
            row.inReplyToAccountId = nil
            row.reblogOfId = nil
            row.editedAt = nil
            row.pollId = nil
            if flags & Flag.language != 0 {
                guard let language = reader.string() else { return false }
                row.language = language
            }
            if flags & Flag.inReplyToId != 0 {
                guard let value = reader.int64() else { return false }
                row.inReplyToId = value
            }
            if flags & Flag.inReplyToAccountId != 0 {
                guard let value = reader.int64() else { return false }
                row.inReplyToAccountId = value
            }
            if flags & Flag.reblogOfId != 0 {
                guard let value = reader.int64() else { return false }
                row.reblogOfId = value
            }
            if flags & Flag.editedAt != 0 {
                guard let value = reader.uint64() else { return false }
                row.editedAt = Date(timeIntervalSinceReferenceDate: Double(bitPattern: value))
            }
            if flags & Flag.pollId != 0 {
                guard let value = reader.int64() else { return false }
                row.pollId = value
            }
            // Each mention takes at least 9 bytes, each tag at least 1: bound counts by what is left.
            guard let mentionCount = reader.varint(), mentionCount <= UInt64(reader.remaining / 9) else { return false }
            var mentions: [MentionRef] = []
            mentions.reserveCapacity(Int(mentionCount))
            for _ in 0..<mentionCount {
                guard let id = reader.int64(), let username = reader.string() else { return false }
                mentions.append(MentionRef(id: id, username: username))
            }
            guard let tagCount = reader.varint(), tagCount <= UInt64(reader.remaining) else { return false }
            var tags: [String] = []
            tags.reserveCapacity(Int(tagCount))
            for _ in 0..<tagCount {
                guard let tag = reader.string() else { return false }
                tags.append(tag)
            }
            row.mentions = mentions
            row.tags = tags
            row.media = nil
            if flags & Flag.media != 0 {
                guard let json = reader.string(), let media = try? JSONDecoder().decode([MediaRef].self, from: Data(json.utf8)) else { return false }
                row.media = media
            }
            return reader.remaining == 0
        }()
        return decoded ? StatusRow(fields: row) : nil
    }

    private struct Reader {
        let buffer: UnsafeBufferPointer<UInt8>
        var offset: Int

        var remaining: Int { buffer.count - offset }

        mutating func byte() -> UInt8? {
            guard offset < buffer.count else { return nil }
            defer { offset += 1 }
            return buffer[offset]
        }

        mutating func uint64() -> UInt64? {
            guard remaining >= 8 else { return nil }
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) {
                value |= UInt64(buffer[offset]) << UInt64(shift)
                offset += 1
            }
            return value
        }

        mutating func int64() -> Int64? {
            uint64().map { Int64(bitPattern: $0) }
        }

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = byte() {
                if shift == 63 && byte > 1 { return nil }  // more than 64 bits
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
                if shift > 63 { return nil }
            }
            return nil
        }

        /// Length-prefixed UTF-8; nil if truncated or not valid UTF-8.
        mutating func string() -> String? {
            guard let length = varint(), length <= UInt64(remaining) else { return nil }
            let bytes = UnsafeBufferPointer(rebasing: buffer[offset..<offset + Int(length)])
            offset += Int(length)
            var ascii = true
            for byte in bytes where byte >= 0x80 {
                ascii = false
                break
            }
            let string = String(decoding: bytes, as: UTF8.self)
            // `String(decoding:)` repairs invalid UTF-8; a repaired string is not what was cached.
            if !ascii && !string.utf8.elementsEqual(bytes) { return nil }
            return string
        }
    }

    // MARK: Visibility

    /// Visibility as text, whether `StatusRow.visibility` is a `String` or a `String`-backed enum.
    static func visibilityText(_ value: String) -> String { value }
    static func visibilityText<V: RawRepresentable>(_ value: V) -> String where V.RawValue == String { value.rawValue }

    static func visibility(_ text: String, as _: String.Type) -> String? { text }
    static func visibility<V: RawRepresentable>(_ text: String, as _: V.Type) -> V? where V.RawValue == String { V(rawValue: text) }

    // MARK: The previous format

    private static let legacyDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    /// Values written before this codec (JSON, dates in ms since 1970) until their TTL runs out.
    static func decodeLegacyJSON(_ bytes: [UInt8]) -> StatusRow? {
        try? legacyDecoder.decode(StatusRow.self, from: Data(bytes))
    }
}
