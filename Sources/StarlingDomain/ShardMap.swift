/// Redis Cluster's key-slot function and a slot-range map of shards.
///
/// Every key Starling writes carries its owner as a hash tag (`home:{42}`), so all of one user's
/// keys land in one slot, and the same slot function serves both `shards` and `cluster` modes.
public enum KeySlot {
    public static let slotCount = 16384

    /// CRC16-CCITT (XMODEM), as Redis Cluster uses it; a byte per table lookup (fan-out computes
    /// one per recipient).
    public static func crc16<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        var crc: UInt16 = 0
        crcTable.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
            }
        }
        return crc
    }

    private static let crcTable: [UInt16] = (0..<256).map { (index: Int) -> UInt16 in
        var crc = UInt16(index) << 8
        for _ in 0..<8 { crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    /// The slot of a key, honouring the first non-empty `{…}` hash tag as Redis does.
    public static func slot(of key: String) -> Int {
        let bytes = Array(key.utf8)
        var hashed = bytes[...]
        if let open = bytes.firstIndex(of: UInt8(ascii: "{")),
           let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: "}")),
           close > open + 1 {
            hashed = bytes[(open + 1)..<close]
        }
        return Int(crc16(hashed)) % slotCount
    }
}

/// One shard: a Redis address owning some slot ranges.
public struct ShardAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
    public var description: String { "\(host):\(port)" }
}

/// Maps slots to shards. Parsed from `STARLING_REDIS_SHARDS`:
/// `0-5460=127.0.0.1:7001,5461-10922=127.0.0.1:7002,10923-16383=127.0.0.1:7003`,
/// or a plain address list `127.0.0.1:7001,127.0.0.1:7002`, which splits the slots evenly.
public struct ShardMap: Sendable, Equatable {
    public let shards: [ShardAddress]
    /// `slotOwner[slot]` is an index into `shards`.
    private let slotOwner: [UInt16]

    public init(ranges: [(ClosedRange<Int>, ShardAddress)]) throws(DomainError) {
        var shards: [ShardAddress] = []
        var owner = [Int](repeating: -1, count: KeySlot.slotCount)
        for (range, address) in ranges {
            guard range.lowerBound >= 0, range.upperBound < KeySlot.slotCount else {
                throw .invalidSetting("STARLING_REDIS_SHARDS: slot range \(range.lowerBound)-\(range.upperBound) is outside 0-16383")
            }
            let index: Int
            if let existing = shards.firstIndex(of: address) {
                index = existing
            } else {
                index = shards.count
                shards.append(address)
            }
            for slot in range {
                guard owner[slot] == -1 else {
                    throw .invalidSetting("STARLING_REDIS_SHARDS: slot \(slot) is assigned twice")
                }
                owner[slot] = index
            }
        }
        if let gap = owner.firstIndex(of: -1) {
            throw .invalidSetting("STARLING_REDIS_SHARDS: slot \(gap) has no shard; the ranges must cover 0-16383")
        }
        self.shards = shards
        self.slotOwner = owner.map { UInt16($0) }
    }

    /// Even split of all slots over the given addresses, in order.
    public static func evenly(_ addresses: [ShardAddress]) throws(DomainError) -> ShardMap {
        guard !addresses.isEmpty else { throw .invalidSetting("STARLING_REDIS_SHARDS: no shard given") }
        let per = KeySlot.slotCount / addresses.count
        var ranges: [(ClosedRange<Int>, ShardAddress)] = []
        for (i, address) in addresses.enumerated() {
            let low = i * per
            let high = i == addresses.count - 1 ? KeySlot.slotCount - 1 : (i + 1) * per - 1
            ranges.append((low...high, address))
        }
        return try ShardMap(ranges: ranges)
    }

    public static func parse(_ text: String) throws(DomainError) -> ShardMap {
        let items = text.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw .invalidSetting("STARLING_REDIS_SHARDS is empty") }
        if items.allSatisfy({ !$0.contains("=") }) {
            return try evenly(try items.map { item throws(DomainError) in try parseAddress(item) })
        }
        var ranges: [(ClosedRange<Int>, ShardAddress)] = []
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw .invalidSetting("STARLING_REDIS_SHARDS: '\(item)' should look like 0-5460=host:port")
            }
            let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low <= high else {
                throw .invalidSetting("STARLING_REDIS_SHARDS: '\(parts[0])' is not a slot range like 0-5460")
            }
            ranges.append((low...high, try parseAddress(parts[1])))
        }
        return try ShardMap(ranges: ranges)
    }

    public static func parseAddress(_ text: String) throws(DomainError) -> ShardAddress {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (1...65535).contains(port), colon != text.startIndex else {
            throw .invalidSetting("STARLING_REDIS_SHARDS: '\(text)' is not a host:port address")
        }
        return ShardAddress(host: String(text[..<colon]), port: port)
    }

    public func shardIndex(forSlot slot: Int) -> Int { Int(slotOwner[slot]) }
    public func shardIndex(forKey key: String) -> Int { shardIndex(forSlot: KeySlot.slot(of: key)) }

    public static func == (a: ShardMap, b: ShardMap) -> Bool { a.shards == b.shards && a.slotOwner == b.slotOwner }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
