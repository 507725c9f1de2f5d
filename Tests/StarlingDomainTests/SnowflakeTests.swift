import Testing
import StarlingDomain

@Suite("SnowflakeGenerator")
struct SnowflakeTests {
    /// 2024-05-01T12:00:00Z in Unix milliseconds.
    static let t0: Int64 = 1_714_564_800_000

    @Test func constantsMatchTheDocumentedLayout() {
        #expect(SnowflakeGenerator.epochMilliseconds == 1_577_836_800_000)
        #expect(SnowflakeGenerator.nodeBits == 10)
        #expect(SnowflakeGenerator.sequenceBits == 12)
        #expect(SnowflakeGenerator.maxNode == 1023)
    }

    @Test func composeUsesTimestampNodeSequenceLayout() {
        let epoch = SnowflakeGenerator.epochMilliseconds
        #expect(SnowflakeGenerator.compose(millis: epoch, node: 0, sequence: 0) == 0)
        #expect(SnowflakeGenerator.compose(millis: epoch + 1, node: 0, sequence: 0) == 1 << 22)
        #expect(SnowflakeGenerator.compose(millis: epoch, node: 1, sequence: 0) == 1 << 12)
        #expect(SnowflakeGenerator.compose(millis: epoch, node: 0, sequence: 1) == 1)
        #expect(SnowflakeGenerator.compose(millis: epoch + 3, node: 1023, sequence: 4095) == (3 << 22) | (1023 << 12) | 4095)
    }

    @Test func manyIdsInTheSameMillisecondStrictlyIncrease() throws {
        let clock = ManualClock(Self.t0)
        let generator = try SnowflakeGenerator(node: 7, clock: clock.read)
        var previous = generator.next()
        // 10 000 calls with a frozen clock: crosses the 4096-per-ms sequence limit twice.
        for _ in 0..<10_000 {
            let id = generator.next()
            #expect(id > previous)
            previous = id
        }
    }

    @Test func idsStrictlyIncreaseAsTheClockAdvances() throws {
        let clock = ManualClock(Self.t0)
        let generator = try SnowflakeGenerator(node: 3, clock: clock.read)
        var previous = generator.next()
        for step in 0..<2_000 {
            if step % 3 == 0 { clock.advance(Int64(step % 7)) }
            let id = generator.next()
            #expect(id > previous)
            previous = id
        }
    }

    @Test func firstIdsOfAMillisecondCountTheSequenceFromZero() throws {
        let clock = ManualClock(Self.t0)
        let generator = try SnowflakeGenerator(node: 5, clock: clock.read)
        let a = fields(of: generator.next())
        let b = fields(of: generator.next())
        clock.advance()
        let c = fields(of: generator.next())
        #expect(a.millis == Self.t0 && a.sequence == 0)
        #expect(b.millis == Self.t0 && b.sequence == 1)
        #expect(c.millis == Self.t0 + 1 && c.sequence == 0)
    }

    @Test(arguments: [0, 1, 2, 511, 512, 1000, 1023])
    func nodeBitsRoundTrip(node: Int) throws {
        let clock = ManualClock(Self.t0)
        let generator = try SnowflakeGenerator(node: node, clock: clock.read)
        #expect(generator.node == Int64(node))
        for _ in 0..<5 {
            let id = generator.next()
            #expect(fields(of: id).node == Int64(node))
            #expect(id >= 0)
        }
    }

    @Test(arguments: [
        SnowflakeGenerator.epochMilliseconds,
        SnowflakeGenerator.epochMilliseconds + 1,
        1_714_564_800_000,
        1_714_564_800_123,
        // The last representable millisecond: 41 timestamp bits after the epoch (2089-09-06).
        SnowflakeGenerator.epochMilliseconds + (1 << 41) - 1,
    ])
    func millisOfRoundTrips(millis: Int64) throws {
        let clock = ManualClock(millis)
        let generator = try SnowflakeGenerator(node: 1023, clock: clock.read)
        let first = generator.next()
        let second = generator.next()
        #expect(SnowflakeGenerator.millis(of: first) == millis)
        #expect(SnowflakeGenerator.millis(of: second) == millis)
        for node in [Int64(0), 1023] {
            for sequence in [Int64(0), 4095] {
                let id = SnowflakeGenerator.compose(millis: millis, node: node, sequence: sequence)
                #expect(SnowflakeGenerator.millis(of: id) == millis)
            }
        }
    }

    @Test func clockGoingBackwardsKeepsIdsIncreasing() throws {
        let clock = ManualClock(Self.t0)
        let generator = try SnowflakeGenerator(node: 9, clock: clock.read)
        let first = generator.next()
        clock.set(Self.t0 - 5)
        let second = generator.next()
        #expect(second > first)
        // Borrows the last timestamp instead of going back in time.
        #expect(SnowflakeGenerator.millis(of: second) == Self.t0)
        #expect(fields(of: second).sequence == 1)

        // A long stall in the past: still increasing, even across a sequence overflow.
        clock.set(Self.t0 - 60_000)
        var previous = second
        for _ in 0..<5_000 {
            let id = generator.next()
            #expect(id > previous)
            previous = id
        }
        #expect(SnowflakeGenerator.millis(of: previous) == Self.t0 + 1)

        // When the clock catches up and passes, it is used again.
        clock.set(Self.t0 + 10)
        let caughtUp = generator.next()
        #expect(caughtUp > previous)
        #expect(SnowflakeGenerator.millis(of: caughtUp) == Self.t0 + 10)
        #expect(fields(of: caughtUp).sequence == 0)
    }

    @Test func sequenceOverflowMovesToTheNextMillisecond() throws {
        let clock = ManualClock(Self.t0)
        let generator = try SnowflakeGenerator(node: 42, clock: clock.read)
        var ids: [Int64] = []
        for _ in 0..<4096 { ids.append(generator.next()) }
        for (i, id) in ids.enumerated() {
            let f = fields(of: id)
            #expect(f.millis == Self.t0)
            #expect(f.sequence == Int64(i))
            #expect(f.node == 42)
        }
        let overflow = fields(of: generator.next())
        #expect(overflow.millis == Self.t0 + 1)
        #expect(overflow.sequence == 0)
        #expect(overflow.node == 42)

        // The real clock then reaches that millisecond: continue its sequence, don't restart it.
        clock.set(Self.t0 + 1)
        let next = fields(of: generator.next())
        #expect(next.millis == Self.t0 + 1)
        #expect(next.sequence == 1)
    }

    @Test(arguments: [-1, 1024, 1025, -1024, Int.min, Int.max])
    func invalidNodeThrows(node: Int) {
        let error = domainError { () throws(DomainError) in try SnowflakeGenerator(node: node) }
        #expect(error?.code == "invalid_setting")
        #expect(error?.description.contains("\(node)") == true)
    }

    @Test(arguments: [0, 1023])
    func boundaryNodesAreAccepted(node: Int) {
        #expect(domainError { () throws(DomainError) in try SnowflakeGenerator(node: node) } == nil)
    }

    @Test func generatorsWithDifferentNodesNeverCollideOnTheSameClock() throws {
        let clock = ManualClock(Self.t0)
        let nodes = [0, 1, 2, 512, 1023]
        let generators = try nodes.map { try SnowflakeGenerator(node: $0, clock: clock.read) }
        var seen = Set<Int64>()
        var total = 0
        for round in 0..<6_000 {
            // Mostly a frozen clock (forces sequence reuse across nodes and overflow), sometimes a tick.
            if round % 1_000 == 999 { clock.advance() }
            for (generator, node) in zip(generators, nodes) {
                let id = generator.next()
                #expect(fields(of: id).node == Int64(node))
                seen.insert(id)
                total += 1
            }
        }
        #expect(seen.count == total)
    }

    @Test func idsAreNonNegativeUntilTheTimestampBitsRunOut() {
        let last = SnowflakeGenerator.epochMilliseconds + (1 << 41) - 1
        #expect(SnowflakeGenerator.compose(millis: last, node: 1023, sequence: 4095) == Int64.max)
        #expect(SnowflakeGenerator.compose(millis: 1_714_564_800_000, node: 1023, sequence: 4095) > 0)
    }

    @Test func floorOrdersBeforeEveryIdOfItsMillisecondAndAfterEarlierOnes() throws {
        let t = Self.t0
        let floorT = SnowflakeGenerator.floor(millis: t)
        #expect(SnowflakeGenerator.millis(of: floorT) == t)
        // Not above any id created at t...
        #expect(floorT <= SnowflakeGenerator.compose(millis: t, node: 0, sequence: 0))
        let clock = ManualClock(t)
        let generator = try SnowflakeGenerator(node: 1023, clock: clock.read)
        for _ in 0..<10 { #expect(floorT <= generator.next()) }
        // ...and above every id created before t.
        #expect(floorT > SnowflakeGenerator.compose(millis: t - 1, node: 1023, sequence: 4095))
        // Monotonic in time.
        #expect(SnowflakeGenerator.floor(millis: t + 1) > SnowflakeGenerator.compose(millis: t, node: 1023, sequence: 4095))
        #expect(SnowflakeGenerator.floor(millis: t) < SnowflakeGenerator.floor(millis: t + 1))
    }

    @Test func floorClampsTimesBeforeTheEpochToZero() {
        let epoch = SnowflakeGenerator.epochMilliseconds
        #expect(SnowflakeGenerator.floor(millis: epoch) == 0)
        #expect(SnowflakeGenerator.floor(millis: epoch - 1) == 0)
        #expect(SnowflakeGenerator.floor(millis: 0) == 0)
        #expect(SnowflakeGenerator.floor(millis: epoch + 1) == 1 << 22)
    }

    @Test func systemClockIsPlausibleUnixMilliseconds() {
        let now = SnowflakeGenerator.systemMillis()
        #expect(now > 1_700_000_000_000)  // after 2023-11
        #expect(now < 4_102_444_800_000)  // before 2100
        let later = SnowflakeGenerator.systemMillis()
        #expect(later >= now)
        #expect(later - now < 10_000)
    }

    @Test func concurrentCallersGetUniqueIncreasingIds() async throws {
        let generator = try SnowflakeGenerator(node: 77)
        let perTask = 2_000
        let batches = await withTaskGroup(of: [Int64].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<perTask).map { _ in generator.next() } }
            }
            var all: [[Int64]] = []
            for await batch in group { all.append(batch) }
            return all
        }
        var seen = Set<Int64>()
        for batch in batches {
            #expect(zip(batch, batch.dropFirst()).allSatisfy { $0 < $1 })
            seen.formUnion(batch)
        }
        #expect(seen.count == 8 * perTask)
    }
}
