import Foundation
import StarlingDomain
import StarlingRedis
@testable import StarlingStore
@testable import StarlingTimelines
import Testing

/// The status cache's binary row format. Needs no Redis.
@Suite struct StatusRowCodecTests {
    static func row(full: Bool) -> StatusRow {
        StatusRow(
            id: 1_234_567_890_123, accountId: full ? Int64.max : 42,
            text: full ? "Héllo @zoë #swift 😀 👩‍👩‍👧\n\n\"quoted\" \\ \u{0}\u{1F} e\u{301}" : "",
            spoilerText: full ? "cw ⚠️" : "", sensitive: full, visibility: full ? .direct : .public,
            language: full ? "de" : nil, inReplyToId: full ? 99 : nil, inReplyToAccountId: full ? -7 : nil,
            createdAt: Date(timeIntervalSinceReferenceDate: full ? 597_469_713.901_234_5 : 0),
            mentions: full ? [MentionRef(id: 1, username: "zoë"), MentionRef(id: Int64.min, username: "")] : [],
            tags: full ? ["swift", "日本", ""] : [],
            reblogOfId: full ? 5 : nil,
            editedAt: full ? Date(timeIntervalSinceReferenceDate: 597_469_999.123_456_7) : nil, pollId: full ? 77 : nil)
    }

    @Test func roundTrips() throws {
        for full in [false, true] {
            let row = Self.row(full: full)
            let bytes = StatusRowCodec.encode(row)
            #expect(StatusRowCodec.decode(bytes) == row)
        }
        for visibility in Visibility.allCases {
            var row = Self.row(full: true)
            row.visibility = visibility
            row.text = String(repeating: "long text ", count: 100)  // multi-byte varint length
            #expect(StatusRowCodec.decode(StatusRowCodec.encode(row)) == row)
        }
    }

    /// A row is decoded once while its bytes stay the same; changed bytes (an edit) are decoded
    /// afresh, bytes that hold no row give none, and a full memo starts over without losing a row.
    @Test func decodedRowsFollowTheirBytes() {
        let memo = DecodedRows(capacity: 2)
        let row = Self.row(full: true)
        var edited = row
        edited.text = "edited"
        edited.editedAt = Date(timeIntervalSinceReferenceDate: 597_470_000)
        let bytes = RESPBytes(StatusRowCodec.encode(row)), editedBytes = RESPBytes(StatusRowCodec.encode(edited))
        #expect(memo.row(row.id, from: bytes) == row)
        #expect(memo.row(row.id, from: bytes) == row)
        #expect(memo.row(row.id, from: editedBytes) == edited)
        #expect(memo.row(row.id, from: bytes) == row)
        #expect(memo.row(row.id, from: RESPBytes(Array("deleted".utf8))) == nil)
        #expect(memo.row(row.id, from: RESPBytes([])) == nil)
        var others: [StatusRow] = []
        for id in Int64(1)...5 {
            var other = Self.row(full: false)
            other.id = id
            other.text = "status \(id)"
            others.append(other)
            #expect(memo.row(id, from: RESPBytes(StatusRowCodec.encode(other))) == other)
        }
        for other in others { #expect(memo.row(other.id, from: RESPBytes(StatusRowCodec.encode(other))) == other) }
        #expect(memo.row(row.id, from: editedBytes) == edited)
    }

    /// A row is a value though its fields sit in a shared box: a write changes that copy only,
    /// and rows compare by their fields, whether or not they share a box.
    @Test func rowsAreValuesWhoseBoxIsShared() {
        let row = Self.row(full: true)
        var copy = row
        #expect(copy == row)
        copy.text = "changed"
        copy.mentions = []
        #expect(copy != row && row.text != "changed" && !row.mentions.isEmpty)
        #expect(StatusRow(fields: row.fields) == row)
        copy.fields = row.fields
        #expect(copy == row)
    }

    @Test func everyStoredFieldIsCoded() {
        // A field added to StatusRow must be added to the codec too (decoded rows start from a
        // default row and would silently keep its value).
        // The row keeps its fields in one box (`StatusRow.Fields`): those are what is stored.
        let labels = Mirror(reflecting: Self.row(full: true).fields).children.compactMap(\.label)
        #expect(Mirror(reflecting: Self.row(full: true).fields).children.count == labels.count)
        let coded: Set<String> = ["id", "accountId", "text", "spoilerText", "sensitive", "visibility", "language", "inReplyToId",
                                  "inReplyToAccountId", "createdAt", "mentions", "tags", "reblogOfId", "editedAt", "pollId"]
        // `media` is coded too (MediaStore's attachments), when the row carries it.
        #expect(Set(labels) == coded || Set(labels) == coded.union(["media"]))
    }

    @Test func tombstoneAndGarbageAreNotRows() {
        #expect(StatusRowCodec.decode(Array(RedisKeys.tombstone.utf8)) == nil)
        #expect(StatusRowCodec.decode([]) == nil)
        #expect(StatusRowCodec.decode([0xC2, 1, 2, 3]) == nil)  // unknown version
        #expect(StatusRowCodec.decode(Array("{not json".utf8)) == nil)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let garbage = (0..<Int.random(in: 0...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = StatusRowCodec.decode(garbage)  // must not trap
            _ = StatusRowCodec.decode([0xC1] + garbage)
        }
    }

    @Test func truncatedOrExtendedValuesAreNotRows() {
        for full in [false, true] {
            let bytes = StatusRowCodec.encode(Self.row(full: full))
            for length in 0..<bytes.count {
                #expect(StatusRowCodec.decode(Array(bytes.prefix(length))) == nil, "length \(length)")
            }
            #expect(StatusRowCodec.decode(bytes + [0]) == nil)
        }
    }

    @Test func corruptedValuesAreNotRowsOrAreStillValid() {
        let row = Self.row(full: true)
        let bytes = StatusRowCodec.encode(row)
        // Unknown flag bits.
        var flagged = bytes
        flagged[17] |= 0x80
        #expect(StatusRowCodec.decode(flagged) == nil)
        // Invalid UTF-8 inside the text (its first byte after the length).
        var broken = bytes
        broken[27] = 0xFF
        #expect(StatusRowCodec.decode(broken) == nil)
        // An unknown visibility.
        var hidden = row
        hidden.visibility = .public
        var unknown = StatusRowCodec.encode(hidden)
        if let range = unknown.firstRange(of: Array("public".utf8)) { unknown.replaceSubrange(range, with: Array("secret".utf8)) }
        #expect(StatusRowCodec.decode(unknown) == nil)
        // Any single flipped byte either fails or yields some row: never a trap.
        for index in bytes.indices {
            var flipped = bytes
            flipped[index] ^= 0x5A
            _ = StatusRowCodec.decode(flipped)
        }
    }

    @Test func valuesCachedAsJSONAreStillRead() throws {
        let row = Self.row(full: true)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let legacy = try StatusRowCodec.decode(Array(encoder.encode(row)))
        var expected = row
        expected.createdAt = legacy?.createdAt ?? row.createdAt
        #expect(legacy == expected)
        #expect(abs((legacy?.createdAt.timeIntervalSince(row.createdAt) ?? 1)) < 0.000_01)
    }

    @Test func timingJSONVersusCodec() throws {
        let rows = (0..<1000).map { i -> StatusRow in
            var row = Self.row(full: i % 2 == 0)
            row.id = Int64(i)
            return row
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        let json = try rows.map { try encoder.encode($0) }
        let binary = rows.map(StatusRowCodec.encode)
        let clock = ContinuousClock()
        let jsonDecode = try clock.measure { for data in json { _ = try decoder.decode(StatusRow.self, from: data) } }
        let binaryDecode = clock.measure { for bytes in binary { _ = StatusRowCodec.decode(bytes) } }
        let jsonEncode = try clock.measure { for row in rows { _ = try encoder.encode(row) } }
        let binaryEncode = clock.measure { for row in rows { _ = StatusRowCodec.encode(row) } }
        print("1000 status rows: decode JSONDecoder \(jsonDecode) vs codec \(binaryDecode); encode JSONEncoder \(jsonEncode) vs codec \(binaryEncode); size \(json.map(\.count).reduce(0, +)) B vs \(binary.map(\.count).reduce(0, +)) B")
    }
}

/// A list's `LRANGE` reply read into ids (`TimelineCache.ids(in:)`). Needs no Redis.
@Suite struct TimelineListReplyTests {
    static func reply(_ ids: [Int64]) -> [RESPValue] { ids.map { .bulk(RESPBytes(Array(String($0).utf8))) } }

    @Test func aListInFanOutOrderIsReadAsItIs() {
        #expect(TimelineCache.ids(in: Self.reply([9, 7, 5, 0])) == [9, 7, 5], "the sentinel left out")
        #expect(TimelineCache.ids(in: []) == [])
        #expect(TimelineCache.ids(in: Self.reply([0])) == [])
    }

    @Test func aListOutOfOrderOrWithDuplicatesIsSortedAndDeduplicated() {
        #expect(TimelineCache.ids(in: Self.reply([7, 9, 5])) == [9, 7, 5])
        #expect(TimelineCache.ids(in: Self.reply([9, 7, 7, 5, 9])) == [9, 7, 5])
        #expect(TimelineCache.ids(in: Self.reply([9, 0, 8])) == [9, 8], "a redelivered id after the sentinel")
        #expect(TimelineCache.ids(in: [.bulk(RESPBytes(Array("x".utf8))), .null] + Self.reply([3])) == [3], "what is no id is skipped")
    }
}
