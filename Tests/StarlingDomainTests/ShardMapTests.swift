import Testing
import StarlingDomain

@Suite("ShardMap")
struct ShardMapTests {
    static let a = ShardAddress(host: "127.0.0.1", port: 7001)
    static let b = ShardAddress(host: "127.0.0.1", port: 7002)
    static let c = ShardAddress(host: "127.0.0.1", port: 7003)

    /// Owner of every slot, in slot order.
    static func owners(_ map: ShardMap) -> [Int] {
        (0..<KeySlot.slotCount).map { map.shardIndex(forSlot: $0) }
    }

    /// Contiguous runs of the owner array: (first slot, last slot, owner).
    static func runs(_ map: ShardMap) -> [(Int, Int, Int)] {
        var result: [(Int, Int, Int)] = []
        for (slot, owner) in owners(map).enumerated() {
            if let last = result.last, last.2 == owner, last.1 == slot - 1 {
                result[result.count - 1].1 = slot
            } else {
                result.append((slot, slot, owner))
            }
        }
        return result
    }

    static func expectRuns(_ map: ShardMap, _ expected: [(Int, Int, Int)], sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = runs(map)
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (x, y) in zip(actual, expected) {
            #expect(x == y, sourceLocation: sourceLocation)
        }
    }

    // MARK: plain address lists

    @Test func plainListSplitsEvenlyInOrder() throws {
        let map = try ShardMap.parse("127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003")
        #expect(map.shards == [Self.a, Self.b, Self.c])
        Self.expectRuns(map, [(0, 5460, 0), (5461, 10921, 1), (10922, 16383, 2)])
    }

    @Test(arguments: 1...7)
    func plainListCoversEverySlotWithNearEqualShares(count: Int) throws {
        let addresses = (0..<count).map { ShardAddress(host: "10.0.0.\($0 + 1)", port: 6379) }
        let map = try ShardMap.parse(addresses.map(\.description).joined(separator: ","))
        #expect(map.shards == addresses)
        let owners = Self.owners(map)
        #expect(owners.count == 16384)
        var counts = [Int](repeating: 0, count: count)
        for owner in owners {
            try #require((0..<count).contains(owner))
            counts[owner] += 1
        }
        #expect(counts.reduce(0, +) == 16384)
        let per = 16384 / count
        #expect(counts.dropLast().allSatisfy { $0 == per })
        #expect(counts.last == 16384 - per * (count - 1))
        // Each shard owns one contiguous range, in address order.
        #expect(Self.runs(map).map(\.2) == Array(0..<count))
        let even = try ShardMap.evenly(addresses)
        #expect(map == even)
    }

    @Test func plainListToleratesSpacesAndEmptyItems() throws {
        let map = try ShardMap.parse(" 127.0.0.1:7001 ,  127.0.0.1:7002,")
        let reference = try ShardMap.parse("127.0.0.1:7001,127.0.0.1:7002")
        #expect(map == reference)
        #expect(map.shards == [Self.a, Self.b])
    }

    @Test func singleAddressOwnsEverything() throws {
        let map = try ShardMap.parse("redis.internal:6379")
        #expect(map.shards == [ShardAddress(host: "redis.internal", port: 6379)])
        #expect(Self.owners(map).allSatisfy { $0 == 0 })
    }

    @Test func addressParsingKeepsHostAndPort() throws {
        let map = try ShardMap.parse("[::1]:7001,cache-2.example.org:65535,h:1")
        #expect(map.shards == [
            ShardAddress(host: "[::1]", port: 7001),
            ShardAddress(host: "cache-2.example.org", port: 65535),
            ShardAddress(host: "h", port: 1),
        ])
        #expect(map.shards[0].description == "[::1]:7001")
    }

    // MARK: explicit ranges

    @Test func explicitRanges() throws {
        let map = try ShardMap.parse("0-5460=127.0.0.1:7001,5461-10922=127.0.0.1:7002,10923-16383=127.0.0.1:7003")
        #expect(map.shards == [Self.a, Self.b, Self.c])
        Self.expectRuns(map, [(0, 5460, 0), (5461, 10922, 1), (10923, 16383, 2)])
    }

    @Test func explicitRangesInAnyOrderNumberShardsByFirstAppearance() throws {
        let map = try ShardMap.parse("10923-16383=127.0.0.1:7003, 0-5460=127.0.0.1:7001 ,5461-10922=127.0.0.1:7002")
        #expect(map.shards == [Self.c, Self.a, Self.b])
        Self.expectRuns(map, [(0, 5460, 1), (5461, 10922, 2), (10923, 16383, 0)])
    }

    @Test func oneAddressMayOwnSeveralRanges() throws {
        let map = try ShardMap.parse("0-99=127.0.0.1:7001,100-199=127.0.0.1:7002,200-16383=127.0.0.1:7001")
        #expect(map.shards == [Self.a, Self.b])
        Self.expectRuns(map, [(0, 99, 0), (100, 199, 1), (200, 16383, 0)])
    }

    @Test func singleSlotRanges() throws {
        let map = try ShardMap.parse("0-0=127.0.0.1:7001,1-16382=127.0.0.1:7002,16383-16383=127.0.0.1:7003")
        Self.expectRuns(map, [(0, 0, 0), (1, 16382, 1), (16383, 16383, 2)])
    }

    @Test func explicitRangesEqualToAnEvenSplitCompareEqual() throws {
        let explicit = try ShardMap.parse("0-8191=127.0.0.1:7001,8192-16383=127.0.0.1:7002")
        let plain = try ShardMap.parse("127.0.0.1:7001,127.0.0.1:7002")
        #expect(explicit == plain)
        let other = try ShardMap.parse("0-8190=127.0.0.1:7001,8191-16383=127.0.0.1:7002")
        #expect(explicit != other)
    }

    @Test func initFromRanges() throws {
        let map = try ShardMap(ranges: [(0...16000, Self.b), (16001...16383, Self.a)])
        #expect(map.shards == [Self.b, Self.a])
        Self.expectRuns(map, [(0, 16000, 0), (16001, 16383, 1)])
    }

    // MARK: errors

    @Test(arguments: [
        // empty
        "", " ", ",", " , ,",
        // gaps
        "0-100=127.0.0.1:7001,102-16383=127.0.0.1:7002",
        "1-16383=127.0.0.1:7001",
        "0-16382=127.0.0.1:7001",
        "0-5460=127.0.0.1:7001,10923-16383=127.0.0.1:7003",
        // overlaps
        "0-8192=127.0.0.1:7001,8192-16383=127.0.0.1:7002",
        "0-16383=127.0.0.1:7001,5-6=127.0.0.1:7002",
        "0-16383=127.0.0.1:7001,0-16383=127.0.0.1:7001",
        // out of range
        "0-16384=127.0.0.1:7001",
        "0-5460=127.0.0.1:7001,5461-20000=127.0.0.1:7002",
        "-1-16383=127.0.0.1:7001",
        "0-5460=127.0.0.1:7001,-5461-16383=127.0.0.1:7002",
        // malformed ranges
        "16383-0=127.0.0.1:7001",
        "a-b=127.0.0.1:7001",
        "0=127.0.0.1:7001",
        "0-1-2=127.0.0.1:7001",
        "0--16383=127.0.0.1:7001",
        "-16383=127.0.0.1:7001",
        "0-=127.0.0.1:7001",
        "=127.0.0.1:7001",
        "0 - 16383=127.0.0.1:7001",
        // mixed forms
        "127.0.0.1:7001,0-16383=127.0.0.1:7002",
        // bad addresses
        "127.0.0.1",
        "127.0.0.1:",
        ":6379",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:-1",
        "127.0.0.1:port",
        "127.0.0.1:7001,localhost",
        "0-16383=127.0.0.1",
        "0-16383=",
        "0-16383=:7001",
    ])
    func invalidSettingsThrowNamingTheVariable(text: String) {
        let error = domainError { () throws(DomainError) in try ShardMap.parse(text) }
        #expect(error?.code == "invalid_setting")
        #expect(error?.description.contains("STARLING_REDIS_SHARDS") == true)
    }

    @Test func errorMessagesNameTheProblem() {
        let gap = domainError { () throws(DomainError) in try ShardMap.parse("0-100=127.0.0.1:7001,102-16383=127.0.0.1:7002") }
        #expect(gap?.description.contains("slot 101") == true)
        let overlap = domainError { () throws(DomainError) in try ShardMap.parse("0-8192=127.0.0.1:7001,8192-16383=127.0.0.1:7002") }
        #expect(overlap?.description.contains("slot 8192") == true)
        let address = domainError { () throws(DomainError) in try ShardMap.parse("localhost") }
        #expect(address?.description.contains("'localhost'") == true)
    }

    @Test func evenlyWithNoAddressesThrows() {
        let error = domainError { () throws(DomainError) in try ShardMap.evenly([]) }
        #expect(error?.code == "invalid_setting")
        #expect(error?.description.contains("STARLING_REDIS_SHARDS") == true)
    }

    @Test func initFromIncompleteRangesThrows() {
        #expect(domainError { () throws(DomainError) in try ShardMap(ranges: []) }?.code == "invalid_setting")
        #expect(domainError { () throws(DomainError) in try ShardMap(ranges: [(0...16383, Self.a), (16383...16383, Self.b)]) }?.code == "invalid_setting")
        #expect(domainError { () throws(DomainError) in try ShardMap(ranges: [(-5...16383, Self.a)]) }?.code == "invalid_setting")
    }

    // MARK: key lookup

    @Test func shardIndexForKeyFollowsKeySlot() throws {
        let maps = [
            try ShardMap.parse("127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003"),
            try ShardMap.parse("0-99=127.0.0.1:7001,100-199=127.0.0.1:7002,200-16383=127.0.0.1:7001"),
        ]
        var rng = SeededGenerator(seed: 99)
        for map in maps {
            for _ in 0..<500 {
                let user = Int64.random(in: 0...Int64.max, using: &rng)
                for key in [RedisKeys.home(user), RedisKeys.authored(user), "plain\(user)"] {
                    #expect(map.shardIndex(forKey: key) == map.shardIndex(forSlot: KeySlot.slot(of: key)))
                }
            }
        }
    }

    @Test func shardIndexForKnownKeys() throws {
        let map = try ShardMap.parse("127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003")
        #expect(map.shardIndex(forKey: "bar") == 0)  // slot 5061
        #expect(map.shardIndex(forKey: "home:{42}") == 1)  // slot 8000
        #expect(map.shardIndex(forKey: "foo") == 2)  // slot 12182
        #expect(map.shardIndex(forKey: "{user1000}.following") == 0)  // slot 3443
        #expect(map.shardIndex(forKey: "home:{42}") == map.shardIndex(forKey: "user:{42}"))
    }
}
