import Synchronization

/// Time-ordered 64-bit ids: `timestamp(ms since epoch 2020) << 22 | node << 12 | sequence`.
///
/// Every API node has its own node number (0...1023), so nodes never coordinate per request;
/// ids sort by creation time across the whole cluster, which is what timeline paging relies on.
public final class SnowflakeGenerator: Sendable {
    public static let epochMilliseconds: Int64 = 1_577_836_800_000  // 2020-01-01T00:00:00Z
    public static let nodeBits: Int64 = 10
    public static let sequenceBits: Int64 = 12
    public static let maxNode: Int = (1 << 10) - 1

    public let node: Int64
    private let clock: @Sendable () -> Int64
    private let state = Mutex<(lastMillis: Int64, sequence: Int64)>((0, 0))

    /// - Parameters:
    ///   - node: this process's node number, 0...1023, unique among the processes that create ids.
    ///   - clock: milliseconds since the Unix epoch; injectable for tests.
    public init(node: Int, clock: @escaping @Sendable () -> Int64 = SnowflakeGenerator.systemMillis) throws(DomainError) {
        guard (0...Self.maxNode).contains(node) else {
            throw DomainError.invalidSetting("node id must be within 0...\(Self.maxNode), got \(node)")
        }
        self.node = Int64(node)
        self.clock = clock
    }

    public static let systemMillis: @Sendable () -> Int64 = {
        Int64((ContinuousClockEpoch.now()) * 1000)
    }

    /// The next id. If the clock goes backwards, the generator keeps using the last timestamp
    /// (borrowing from the future) so ids stay strictly increasing within this node.
    public func next() -> Int64 {
        state.withLock { state in
            var now = clock()
            if now < state.lastMillis { now = state.lastMillis }
            if now == state.lastMillis {
                state.sequence += 1
                if state.sequence >= (1 << Self.sequenceBits) {
                    // Sequence exhausted within this millisecond: move to the next one.
                    now += 1
                    state.sequence = 0
                }
            } else {
                state.sequence = 0
            }
            state.lastMillis = now
            return Self.compose(millis: now, node: node, sequence: state.sequence)
        }
    }

    public static func compose(millis: Int64, node: Int64, sequence: Int64) -> Int64 {
        ((millis - epochMilliseconds) << (nodeBits + sequenceBits)) | (node << sequenceBits) | sequence
    }

    /// The smallest id that could have been created at `millis`; used to page by time.
    public static func floor(millis: Int64) -> Int64 {
        compose(millis: max(millis, epochMilliseconds), node: 0, sequence: 0)
    }

    /// When an id was created, in milliseconds since the Unix epoch.
    public static func millis(of id: Int64) -> Int64 {
        (id >> (nodeBits + sequenceBits)) + epochMilliseconds
    }
}

/// Wall-clock seconds since the Unix epoch without Foundation (the domain module stays dependency free).
enum ContinuousClockEpoch {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
