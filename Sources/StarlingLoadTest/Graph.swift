import Foundation

/// A follower graph over users `0..<userCount`: `follower[i]` follows `followee[i]`.
///
/// Edges are unique and never self-loops. Users are dense indexes; the seeder maps them to account ids.
public struct SocialGraph: Sendable {
    public let userCount: Int
    public let follower: [Int32]
    public let followee: [Int32]
    /// Followers of each user (in-degree).
    public let followersCount: [Int32]
    /// Accounts each user follows (out-degree).
    public let followingCount: [Int32]
    /// Where the graph came from, for reports.
    public var source: String

    public init(userCount: Int, follower: [Int32], followee: [Int32], source: String) {
        precondition(follower.count == followee.count)
        self.userCount = userCount
        self.follower = follower
        self.followee = followee
        self.source = source
        var inDegree = [Int32](repeating: 0, count: userCount)
        var outDegree = [Int32](repeating: 0, count: userCount)
        for i in 0..<follower.count {
            outDegree[Int(follower[i])] += 1
            inDegree[Int(followee[i])] += 1
        }
        self.followersCount = inDegree
        self.followingCount = outDegree
    }

    public var edgeCount: Int { follower.count }

    /// Followers of every user as compressed rows: `followers(of: u)`.
    public func followerIndex() -> FollowerIndex { FollowerIndex(self) }

    /// The follower count at a percentile (0...100) over all users.
    public func followersPercentile(_ p: Double) -> Int {
        let sorted = followersCount.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return Int(sorted[rank])
    }

    public var summary: String {
        let maxIn = followersCount.max() ?? 0
        let mean = userCount == 0 ? 0 : Double(edgeCount) / Double(userCount)
        return "\(source): \(userCount) users, \(edgeCount) follows, mean \(String(format: "%.1f", mean)) follows/user, "
            + "followers median \(followersPercentile(50)), p99 \(followersPercentile(99)), max \(maxIn)"
    }
}

/// Compressed follower lists (CSR), for picking followers of an author.
public struct FollowerIndex: Sendable {
    let offsets: [Int]
    let items: [Int32]

    init(_ graph: SocialGraph) {
        var offsets = [Int](repeating: 0, count: graph.userCount + 1)
        for f in graph.followee { offsets[Int(f) + 1] += 1 }
        for i in 0..<graph.userCount { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var items = [Int32](repeating: 0, count: graph.edgeCount)
        for i in 0..<graph.edgeCount {
            let f = Int(graph.followee[i])
            items[fill[f]] = graph.follower[i]
            fill[f] += 1
        }
        self.offsets = offsets
        self.items = items
    }

    public func followers(of user: Int) -> ArraySlice<Int32> { items[offsets[user]..<offsets[user + 1]] }
}

/// A small, fast, seedable RNG (SplitMix64): the same seed gives the same graph and workload everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }
}

/// Weighted sampling by binary search over cumulative weights.
public struct WeightedSampler: Sendable {
    let cumulative: [Double]
    public init(weights: [Double]) {
        var total = 0.0
        var cumulative = [Double]()
        cumulative.reserveCapacity(weights.count)
        for w in weights {
            total += max(0, w)
            cumulative.append(total)
        }
        if total == 0 {  // nothing weighted: uniform
            cumulative = (0..<weights.count).map { Double($0 + 1) }
        }
        self.cumulative = cumulative
    }
    public var isEmpty: Bool { cumulative.isEmpty }
    public func sample<R: RandomNumberGenerator>(using rng: inout R) -> Int {
        let total = cumulative.last ?? 0
        let x = Double(rng.next() >> 11) * (1.0 / 9_007_199_254_740_992.0) * total
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// Generates follower graphs with a power-law in-degree.
///
/// User `i` (0-based) gets popularity weight `(i + 1)^(-1/(exponent - 1))`, so the follower counts
/// follow `P(k) ∝ k^(-exponent)`; each user follows about `meanFollows` accounts (geometric out-degree,
/// at least 1) chosen in proportion to popularity. The first `celebrities` users are additionally
/// followed by each user with probability `celebrityReach` (the "very large accounts").
public struct PowerLawGenerator: Sendable {
    public var users: Int
    public var meanFollows: Double
    public var exponent: Double
    public var celebrities: Int
    public var celebrityReach: Double
    public var seed: UInt64

    public init(users: Int, meanFollows: Double = 20, exponent: Double = 2.1, celebrities: Int = 3,
                celebrityReach: Double = 0.5, seed: UInt64 = 42) {
        self.users = users
        self.meanFollows = meanFollows
        self.exponent = exponent
        self.celebrities = celebrities
        self.celebrityReach = celebrityReach
        self.seed = seed
    }

    /// Parses `users=10000,follows=20,exponent=2.1,celebrities=3,reach=0.5,seed=42` (any subset).
    public static func parse(_ spec: String) throws -> PowerLawGenerator {
        var g = PowerLawGenerator(users: 10_000)
        for item in spec.split(separator: ",") where !item.isEmpty {
            let kv = item.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { throw LoadTestError.invalid("--generate: '\(item)' should be key=value") }
            switch kv[0] {
            case "users": g.users = try parseNumber(kv[1], "users")
            case "follows", "mean": g.meanFollows = Double(kv[1]) ?? -1
            case "exponent", "alpha": g.exponent = Double(kv[1]) ?? -1
            case "celebrities": g.celebrities = try parseNumber(kv[1], "celebrities")
            case "reach": g.celebrityReach = Double(kv[1]) ?? -1
            case "seed": g.seed = UInt64(kv[1]) ?? 42
            default: throw LoadTestError.invalid("--generate: unknown key '\(kv[0])' (users, follows, exponent, celebrities, reach, seed)")
            }
        }
        guard g.users >= 2 else { throw LoadTestError.invalid("--generate: users must be at least 2") }
        guard g.meanFollows > 0 else { throw LoadTestError.invalid("--generate: follows must be a positive number") }
        guard g.exponent > 1 else { throw LoadTestError.invalid("--generate: exponent must be above 1") }
        guard (0...1).contains(g.celebrityReach) else { throw LoadTestError.invalid("--generate: reach must be within 0...1") }
        return g
    }

    static func parseNumber(_ text: String, _ name: String) throws -> Int {
        var t = text.lowercased()
        var scale = 1
        if t.hasSuffix("k") { scale = 1_000; t.removeLast() } else if t.hasSuffix("m") { scale = 1_000_000; t.removeLast() }
        guard let n = Int(t), n >= 0 else { throw LoadTestError.invalid("--generate: \(name) must be a whole number, got '\(text)'") }
        return n * scale
    }

    public func generate() -> SocialGraph {
        var rng = SplitMix64(seed: seed)
        let n = users
        let gamma = 1.0 / (exponent - 1.0)
        let sampler = WeightedSampler(weights: (0..<n).map { pow(Double($0 + 1), -gamma) })
        let celebrityCount = min(celebrities, n)
        var follower: [Int32] = []
        var followee: [Int32] = []
        follower.reserveCapacity(Int(Double(n) * (meanFollows + Double(celebrityCount) * celebrityReach)))
        followee.reserveCapacity(follower.capacity)
        // Geometric out-degree with the requested mean (>= 1): p = 1/mean.
        let p = min(1, 1 / meanFollows)
        var chosen = Set<Int32>()
        for u in 0..<n {
            chosen.removeAll(keepingCapacity: true)
            for c in 0..<celebrityCount where c != u && rng.unit() < celebrityReach { chosen.insert(Int32(c)) }
            var degree = 1
            if p < 1 {
                let x = max(rng.unit(), 1e-12)
                degree = 1 + Int(log(x) / log(1 - p))
            }
            degree = min(degree + chosen.count, n - 1)
            var attempts = 0
            while chosen.count < degree && attempts < degree * 20 {
                attempts += 1
                let v = sampler.sample(using: &rng)
                if v != u { chosen.insert(Int32(v)) }
            }
            for v in chosen.sorted() {
                follower.append(Int32(u))
                followee.append(v)
            }
        }
        let label = "generated(users=\(n),follows=\(meanFollows),exponent=\(exponent),celebrities=\(celebrityCount),reach=\(celebrityReach),seed=\(seed))"
        return SocialGraph(userCount: n, follower: follower, followee: followee, source: label)
    }
}

public enum LoadTestError: Error, CustomStringConvertible {
    case invalid(String)
    case failed(String)
    public var description: String {
        switch self {
        case .invalid(let m), .failed(let m): m
        }
    }
}

/// Reads SNAP-style edge lists: one `a b` pair per line (extra columns ignored), `#` and `%` comment
/// lines, and optionally one header line of three numbers (`962 962 18812`, as in MatrixMarket
/// `.mtx` files without banner). Ids may be 0- or 1-based or sparse: they are remapped densely in
/// ascending order, so the same graph numbered from 0 or from 1 loads identically.
public struct EdgeListLoader: Sendable {
    public enum Header: String, Sendable { case auto, yes, no }
    /// A line `a b` means "a follows b" (directed) or "a and b follow each other" (mutual).
    public var mutual: Bool
    public var header: Header

    public init(mutual: Bool, header: Header = .auto) {
        self.mutual = mutual
        self.header = header
    }

    public func load(path: String) throws -> SocialGraph {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadTestError.invalid("cannot read the edge list \(path)")
        }
        var graph = try parse(data, name: (path as NSString).lastPathComponent)
        graph.source = "\((path as NSString).lastPathComponent) (\(mutual ? "mutual" : "directed"))"
        return graph
    }

    public func parse(_ text: String) throws -> SocialGraph { try parse(Data(text.utf8), name: "edges") }

    public func parse(_ data: Data, name: String) throws -> SocialGraph {
        var pairs: [(Int64, Int64)] = []
        var lineNumber = 0
        var dataLines = 0
        var firstLine: [Int64]? = nil
        var secondFieldCount = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0
            let end = bytes.count
            while i < end {
                var j = i
                while j < end && bytes[j] != 10 { j += 1 }
                lineNumber += 1
                // Fields of this line.
                var fields: [Int64] = []
                var k = i
                var first: UInt8 = 0
                while k < j && (bytes[k] == 32 || bytes[k] == 9 || bytes[k] == 13) { k += 1 }
                if k < j { first = bytes[k] }
                if k < j && first != UInt8(ascii: "#") && first != UInt8(ascii: "%") {
                    func isSeparator(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 44 }
                    while k < j {
                        while k < j && isSeparator(bytes[k]) { k += 1 }
                        if k >= j { break }
                        let tokenStart = k
                        while k < j && !isSeparator(bytes[k]) { k += 1 }
                        if fields.count >= 2 {
                            fields.append(0)  // an extra column (a weight, a timestamp): counted, not used
                            continue
                        }
                        var value: Int64 = 0
                        var t = tokenStart
                        let negative = bytes[t] == UInt8(ascii: "-")
                        if negative { t += 1 }
                        guard t < k else { throw LoadTestError.invalid("\(name) line \(lineNumber): expected an integer id") }
                        while t < k {
                            let b = bytes[t]
                            guard b >= 48 && b <= 57 else {
                                throw LoadTestError.invalid("\(name) line \(lineNumber): '\(String(decoding: UnsafeBufferPointer(rebasing: bytes[tokenStart..<k]), as: UTF8.self))' is not an integer id")
                            }
                            value = value &* 10 &+ Int64(b - 48)
                            t += 1
                        }
                        fields.append(negative ? -value : value)
                    }
                    if fields.count < 2 {
                        throw LoadTestError.invalid("\(name) line \(lineNumber): expected two ids, found \(fields.count)")
                    }
                    dataLines += 1
                    if dataLines == 1 {
                        firstLine = fields
                    } else {
                        if dataLines == 2 { secondFieldCount = fields.count }
                        pairs.append((fields[0], fields[1]))
                    }
                }
                i = j + 1
            }
        }
        if let first = firstLine {
            let isHeader: Bool
            switch header {
            case .yes: isHeader = true
            case .no: isHeader = false
            // A lone 3-number first line above plain pairs is a header (`rows cols nnz`).
            case .auto: isHeader = first.count == 3 && secondFieldCount == 2
            }
            if !isHeader { pairs.insert((first[0], first[1]), at: 0) }
        }
        if pairs.isEmpty { throw LoadTestError.invalid("\(name): no edges") }
        // Dense remapping in ascending id order.
        var ids = [Int64]()
        ids.reserveCapacity(pairs.count * 2)
        for (a, b) in pairs { ids.append(a); ids.append(b) }
        ids.sort()
        var unique = [Int64]()
        unique.reserveCapacity(ids.count / 4)
        for id in ids where unique.last != id { unique.append(id) }
        var index = [Int64: Int32](minimumCapacity: unique.count)
        for (i, id) in unique.enumerated() { index[id] = Int32(i) }
        // Unique directed edges, no self-loops.
        var keys = [UInt64]()
        keys.reserveCapacity(pairs.count * (mutual ? 2 : 1))
        for (a, b) in pairs where a != b {
            let x = UInt64(UInt32(index[a]!)), y = UInt64(UInt32(index[b]!))
            keys.append(x << 32 | y)
            if mutual { keys.append(y << 32 | x) }
        }
        keys.sort()
        var follower = [Int32](), followee = [Int32]()
        follower.reserveCapacity(keys.count)
        followee.reserveCapacity(keys.count)
        var last: UInt64? = nil
        for key in keys where key != last {
            follower.append(Int32(truncatingIfNeeded: key >> 32))
            followee.append(Int32(truncatingIfNeeded: key & 0xFFFF_FFFF))
            last = key
        }
        return SocialGraph(userCount: unique.count, follower: follower, followee: followee, source: name)
    }
}
