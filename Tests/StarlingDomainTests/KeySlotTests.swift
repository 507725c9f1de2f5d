import Testing
import StarlingDomain

@Suite("KeySlot and RedisKeys")
struct KeySlotTests {
    @Test func crc16KnownVector() {
        // CRC-16/XMODEM check value, as in the Redis Cluster specification.
        #expect(KeySlot.crc16(Array("123456789".utf8)) == 0x31C3)
        #expect(KeySlot.crc16("123456789".utf8) == 0x31C3)
        #expect(KeySlot.crc16(Array("123456789".utf8)[...]) == 0x31C3)
    }

    /// Fan-out's byte-built home key is the `home(_:)` key, in the same slot.
    @Test(arguments: [Int64(0), 7, 42, 99_999, 915_969_120_644_625_062, .max, -3, .min])
    func homeKeyBytesMatchTheStringKey(_ user: Int64) {
        let (key, slot) = RedisKeys.homeKeyAndSlot(user)
        #expect(key == Array(RedisKeys.home(user).utf8))
        #expect(slot == KeySlot.slot(of: RedisKeys.home(user)))
    }

    /// Hydration's byte-built status and counters keys are the String keys, in one slot.
    @Test(arguments: [Int64(0), 7, 42, 99_999, 915_969_120_644_625_062, .max, -3, .min])
    func statusAndCountsKeyBytesMatchTheStringKeys(_ status: Int64) {
        let keys = RedisKeys.statusAndCountsKeys(status)
        #expect(keys.status == Array(RedisKeys.status(status).utf8))
        #expect(keys.counts == Array(RedisKeys.counts(status).utf8))
        #expect(keys.slot == KeySlot.slot(of: RedisKeys.status(status)))
        #expect(keys.slot == KeySlot.slot(of: RedisKeys.counts(status)))
        var digits: [UInt8] = [UInt8(ascii: "f")]
        RedisKeys.appendDecimal(status, to: &digits)
        #expect(digits == Array("f\(status)".utf8))
        // Written into a packed command's buffer, after what it holds; the slot from the id alone.
        var packed: [UInt8] = Array("MGET".utf8)
        RedisKeys.appendStatusKey(status, to: &packed)
        RedisKeys.appendCountsKey(status, to: &packed)
        #expect(packed == Array("MGET\(RedisKeys.status(status))\(RedisKeys.counts(status))".utf8))
        #expect(RedisKeys.slot(ofTag: status) == keys.slot)
    }

    @Test func crc16OfEmptyInputIsZero() {
        #expect(KeySlot.crc16([UInt8]()) == 0)
    }

    @Test func crc16DistinguishesInputs() {
        #expect(KeySlot.crc16("A".utf8) == 0x58E5)
        #expect(KeySlot.crc16("123456789".utf8) != KeySlot.crc16("123456788".utf8))
    }

    /// Reference slots, checked with `redis-cli CLUSTER KEYSLOT` against redis-server in cluster mode.
    @Test(arguments: [
        ("foo", 12182),
        ("bar", 5061),
        ("{user1000}.following", 3443),
        ("{user1000}.followers", 3443),
        ("foo{}{bar}", 8363),
        ("foo{{bar}}zap", 4015),
        ("{bar", 4015),
        ("foo{bar}{zap}", 5061),
        ("home:{42}", 8000),
        ("user:{42}", 8000),
        ("status:{1234567890123}", 7745),
        ("", 0),
        ("{", 4092),
        ("}", 12090),
        ("{}", 15257),
        ("a{b", 13340),
        ("a}b{c}", 7365),
        ("café", 5735),
        ("日本語", 12788),
    ])
    func slotMatchesRedisCluster(key: String, slot: Int) {
        #expect(KeySlot.slot(of: key) == slot)
    }

    @Test func hashTagRules() {
        // Keys sharing a hash tag share a slot.
        #expect(KeySlot.slot(of: "{user1000}.following") == KeySlot.slot(of: "{user1000}.followers"))
        // Empty first tag: the whole key is hashed.
        #expect(KeySlot.slot(of: "foo{}{bar}") == Int(KeySlot.crc16("foo{}{bar}".utf8)) % 16384)
        #expect(KeySlot.slot(of: "foo{}{bar}") != KeySlot.slot(of: "bar"))
        // Tag runs from the first `{` to the first `}` after it.
        #expect(KeySlot.slot(of: "foo{{bar}}zap") == KeySlot.slot(of: "{bar"))
        #expect(KeySlot.slot(of: "foo{bar}{zap}") == KeySlot.slot(of: "bar"))
        #expect(KeySlot.slot(of: "foo{bar}{zap}") != KeySlot.slot(of: "zap"))
        // A `}` before the first `{` does not close anything.
        #expect(KeySlot.slot(of: "x}{y}") == KeySlot.slot(of: "y"))
        // Unclosed tag: the whole key.
        #expect(KeySlot.slot(of: "abc{def") == Int(KeySlot.crc16("abc{def".utf8)) % 16384)
    }

    @Test func slotsStayInRange() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let key = "k\(UInt64.random(in: 0...UInt64.max, using: &rng))"
            #expect((0..<KeySlot.slotCount).contains(KeySlot.slot(of: key)))
        }
        #expect(KeySlot.slotCount == 16384)
    }

    @Test func redisKeyNames() {
        #expect(RedisKeys.home(42) == "home:{42}")
        #expect(RedisKeys.homeReady(42) == "homeok:{42}")
        #expect(RedisKeys.authored(42) == "user:{42}")
        #expect(RedisKeys.status(1234567890123) == "status:{1234567890123}")
        #expect(RedisKeys.tombstone == "deleted")
    }

    @Test(arguments: [Int64(0), 1, 42, 7, 1_000_003, 123_456_789_012_345_678, Int64.max])
    func allOfOneUsersKeysShareASlot(user: Int64) {
        let slot = KeySlot.slot(of: "\(user)")
        #expect(KeySlot.slot(of: RedisKeys.home(user)) == slot)
        #expect(KeySlot.slot(of: RedisKeys.homeReady(user)) == slot)
        #expect(KeySlot.slot(of: RedisKeys.authored(user)) == slot)
        #expect(KeySlot.slot(of: RedisKeys.status(user)) == slot)
    }
}
