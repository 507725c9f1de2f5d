import StarlingRedis
import StarlingStore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Status rows decoded from the status cache, kept with the bytes they were decoded from.
///
/// Every page read fetches its statuses' cached bytes from Redis; decoding them made each row's
/// strings afresh (a tenth of a home read's allocations) and the renderer then compared those
/// strings with its cached template's. Here a row is decoded once per node while its bytes stay
/// the same, and the row handed back shares its strings with the one before, which the renderer
/// compares at once. The bytes are the truth: an edited status, new media or a changed counter of
/// its poll are new bytes, decoded afresh, so nothing needs invalidating. Bounded: when full it is
/// cleared (one decode per row afterwards).
final class DecodedRows: Sendable {
    /// A class: read under the lock for every status of every page, it is one retain.
    private final class Entry: Sendable {
        let bytes: [UInt8]
        let row: StatusRow
        init(bytes: [UInt8], row: StatusRow) {
            (self.bytes, self.row) = (bytes, row)
        }
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// The row the bytes hold (nil if they hold none), decoded only if `id`'s bytes changed.
    func row(_ id: Int64, from bytes: RESPBytes) -> StatusRow? {
        if let entry = entries.withLock({ $0[id] }), Self.same(bytes, entry.bytes) { return entry.row }
        guard let row = StatusRowCodec.decode(bytes) else { return nil }
        let entry = Entry(bytes: bytes.array, row: row)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = entry
        }
        return row
    }

    private static func same(_ bytes: RESPBytes, _ known: [UInt8]) -> Bool {
        guard bytes.count == known.count else { return false }
        return bytes.withUnsafeBufferPointer { a in
            known.withUnsafeBufferPointer { b in
                a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
            }
        }
    }
}
