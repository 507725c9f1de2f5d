import Synchronization
import StarlingDomain

/// Runs `body` and returns the `DomainError` it threw, or nil if it returned normally.
func domainError<T>(_ body: () throws(DomainError) -> T) -> DomainError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A clock the test moves by hand; safe to read from the generator's lock.
final class ManualClock: Sendable {
    private let value: Atomic<Int64>
    init(_ start: Int64) { value = Atomic(start) }
    var now: Int64 { value.load(ordering: .relaxed) }
    func set(_ millis: Int64) { value.store(millis, ordering: .relaxed) }
    func advance(_ by: Int64 = 1) { value.add(by, ordering: .relaxed) }
    var read: @Sendable () -> Int64 { { self.now } }
}

/// Deterministic generator for property-style tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Splits an id into its fields, independently of the code under test.
func fields(of id: Int64) -> (millis: Int64, node: Int64, sequence: Int64) {
    (
        millis: (id >> 22) + 1_577_836_800_000,
        node: (id >> 12) & 0x3FF,
        sequence: id & 0xFFF
    )
}
