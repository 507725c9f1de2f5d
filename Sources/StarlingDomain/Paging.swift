/// Mastodon's timeline paging: `max_id`, `since_id`, `min_id`, `limit`.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 20
    public static let maximumLimit = 40

    /// Only ids strictly below this.
    public var maxId: Int64?
    /// Only ids strictly above this; the newest such page.
    public var sinceId: Int64?
    /// Only ids strictly above this; the page immediately above it (oldest first, then reversed).
    public var minId: Int64?
    public var limit: Int

    public init(maxId: Int64? = nil, sinceId: Int64? = nil, minId: Int64? = nil, limit: Int = PageRequest.defaultLimit) {
        self.maxId = maxId
        self.sinceId = sinceId
        self.minId = minId
        self.limit = limit
    }

    /// Parses query parameters. Missing values take defaults; a limit above 40 is clamped as Mastodon does.
    /// - Throws: `DomainError.badParameter` for ids or limits that are not numbers.
    public static func parse(maxId: String?, sinceId: String?, minId: String?, limit: String?) throws(DomainError) -> PageRequest {
        func id(_ name: String, _ value: String?) throws(DomainError) -> Int64? {
            guard let value, !value.isEmpty else { return nil }
            guard let id = Int64(value), id >= 0 else {
                throw .badParameter("\(name) must be a numeric id, got '\(value.prefix(40))'")
            }
            return id
        }
        var request = PageRequest(maxId: try id("max_id", maxId), sinceId: try id("since_id", sinceId), minId: try id("min_id", minId))
        if let limit, !limit.isEmpty {
            guard let n = Int(limit), n > 0 else {
                throw .badParameter("limit must be a positive integer, got '\(limit.prefix(40))'")
            }
            request.limit = min(n, maximumLimit)
        }
        return request
    }

    /// Which end of the admitted ids a page is taken from.
    public var direction: PageDirection { minId != nil ? .justAboveLowerBound : .newest }

    /// True for a page at the top of the timeline (no `max_id` or `min_id` moves it down): it is
    /// within the newest entries of every list, so a bounded read of each list finds it.
    public var isTopOfTimeline: Bool { maxId == nil && minId == nil }

    /// The lower bound (exclusive) that applies: `min_id` wins over `since_id`.
    public var lowerBound: Int64? { minId ?? sinceId }

    public func admits(_ id: Int64) -> Bool {
        if let maxId, id >= maxId { return false }
        if let lower = lowerBound, id <= lower { return false }
        return true
    }

    /// Selects the page from ids sorted newest first (duplicates already removed). Returns newest first.
    public func select(fromDescending ids: [Int64]) -> [Int64] {
        let admitted = ids.lazy.filter { self.admits($0) }
        if direction == .justAboveLowerBound {
            // The `limit` ids just above min_id: the oldest of the admitted ones.
            return Array(Array(admitted).suffix(limit))
        }
        return Array(admitted.prefix(limit))
    }
}

/// Which end of the admitted range (`PageRequest.admits`) a page is taken from. Pages are always
/// returned newest first; a `justAboveLowerBound` page is read oldest first and then reversed.
public enum PageDirection: Sendable, Equatable {
    /// The newest admitted ids (`max_id`, `since_id`, or no cursor).
    case newest
    /// The admitted ids just above the lower bound (`min_id`: the page right after it).
    case justAboveLowerBound
}

/// Merging timelines: each input sorted newest first; output sorted newest first without duplicates.
public enum TimelineMerge {
    public static func merge(_ lists: [[Int64]]) -> [Int64] {
        // One list (the usual home read: no followed celebrity) is returned as it is when it has no
        // duplicate, not copied.
        if lists.count == 1, !zip(lists[0], lists[0].dropFirst()).contains(where: { $0 == $1 }) { return lists[0] }
        let nonEmpty = lists.filter { !$0.isEmpty }
        if nonEmpty.count == 1 { return dedupeSorted(nonEmpty[0]) }
        // k-way merge with a small heap of (head value, list index, position).
        var heap = MaxHeap()
        for (i, list) in nonEmpty.enumerated() { heap.push((list[0], i, 0)) }
        var out: [Int64] = []
        out.reserveCapacity(nonEmpty.reduce(0) { $0 + $1.count })
        while let (value, i, position) = heap.pop() {
            if out.last != value { out.append(value) }
            let next = position + 1
            if next < nonEmpty[i].count { heap.push((nonEmpty[i][next], i, next)) }
        }
        return out
    }

    /// Redis lists are newest first as written, but a retried or rebuilt delivery can leave an id
    /// out of order or twice; sort and dedupe so a reader never sees either.
    public static func normalise(_ ids: [Int64]) -> [Int64] {
        dedupeSorted(ids.sorted(by: >))
    }

    static func dedupeSorted(_ ids: [Int64]) -> [Int64] {
        var out: [Int64] = []
        out.reserveCapacity(ids.count)
        for id in ids where out.last != id { out.append(id) }
        return out
    }

    struct MaxHeap {
        var items: [(Int64, Int, Int)] = []
        mutating func push(_ item: (Int64, Int, Int)) {
            items.append(item)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard items[child].0 > items[parent].0 else { break }
                items.swapAt(child, parent)
                child = parent
            }
        }
        mutating func pop() -> (Int64, Int, Int)? {
            guard !items.isEmpty else { return nil }
            items.swapAt(0, items.count - 1)
            let top = items.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var largest = parent
                if left < items.count, items[left].0 > items[largest].0 { largest = left }
                if right < items.count, items[right].0 > items[largest].0 { largest = right }
                if largest == parent { break }
                items.swapAt(parent, largest)
                parent = largest
            }
            return top
        }
    }
}

/// Builds Mastodon's `Link` header for a page of results.
public enum LinkHeader {
    /// `<base?max_id=OLDEST>; rel="next", <base?min_id=NEWEST>; rel="prev"`; nil for an empty page.
    /// `extraQuery` carries the request's other parameters (such as `limit=40`) into both links.
    public static func make(baseURL: String, newestId: Int64?, oldestId: Int64?, extraQuery: [(String, String)] = []) -> String? {
        guard let newestId, let oldestId else { return nil }
        func url(_ key: String, _ id: Int64) -> String {
            let items = extraQuery.map { "\($0.0)=\($0.1)" } + ["\(key)=\(id)"]
            return "<\(baseURL)?\(items.joined(separator: "&"))>"
        }
        return "\(url("max_id", oldestId)); rel=\"next\", \(url("min_id", newestId)); rel=\"prev\""
    }
}
