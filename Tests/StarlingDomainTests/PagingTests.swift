import Testing
import StarlingDomain

@Suite("PageRequest")
struct PageRequestTests {
    static func parse(maxId: String? = nil, sinceId: String? = nil, minId: String? = nil, limit: String? = nil) throws(DomainError) -> PageRequest {
        try PageRequest.parse(maxId: maxId, sinceId: sinceId, minId: minId, limit: limit)
    }

    /// 100, 90, ..., 10: newest first.
    static let ids: [Int64] = stride(from: 100, through: 10, by: -10).map { Int64($0) }

    // MARK: parse

    @Test func defaults() throws {
        let request = try Self.parse()
        #expect(request == PageRequest(maxId: nil, sinceId: nil, minId: nil, limit: 20))
        #expect(PageRequest.defaultLimit == 20)
        #expect(PageRequest.maximumLimit == 40)
        #expect(PageRequest().limit == 20)
    }

    @Test func emptyValuesTakeDefaults() throws {
        let request = try Self.parse(maxId: "", sinceId: "", minId: "", limit: "")
        #expect(request == PageRequest())
    }

    @Test func idsAreParsed() throws {
        let request = try Self.parse(maxId: "300", sinceId: "100", minId: "200", limit: "5")
        #expect(request == PageRequest(maxId: 300, sinceId: 100, minId: 200, limit: 5))
        #expect(try Self.parse(maxId: "0").maxId == 0)
        #expect(try Self.parse(minId: "9223372036854775807").minId == Int64.max)
    }

    @Test(arguments: [("1", 1), ("20", 20), ("39", 39), ("40", 40), ("41", 40), ("1000", 40), ("9223372036854775807", 40)])
    func limitIsClampedTo40(text: String, expected: Int) throws {
        #expect(try Self.parse(limit: text).limit == expected)
    }

    @Test(arguments: ["0", "-1", "-40", "abc", "1.5", " 5", "5 ", "20x", "0x10", "99999999999999999999999"])
    func badLimitThrows(text: String) {
        let error = domainError { () throws(DomainError) in try Self.parse(limit: text) }
        #expect(error?.code == "bad_parameter")
        #expect(error?.description.contains("limit") == true)
    }

    @Test(arguments: ["abc", "-1", "1e5", "12.0", " 12", "12 ", "0x1F", "9223372036854775808", "99999999999999999999"])
    func badIdsThrowNamingTheParameter(text: String) {
        let cases: [(String, () throws(DomainError) -> PageRequest)] = [
            ("max_id", { () throws(DomainError) in try Self.parse(maxId: text) }),
            ("since_id", { () throws(DomainError) in try Self.parse(sinceId: text) }),
            ("min_id", { () throws(DomainError) in try Self.parse(minId: text) }),
        ]
        for (name, call) in cases {
            let error = domainError(call)
            #expect(error?.code == "bad_parameter", "\(name)")
            #expect(error?.description.contains(name) == true, "\(name)")
        }
    }

    @Test func longBadValuesAreTruncatedInTheMessage() {
        let junk = String(repeating: "z", count: 500)
        let error = domainError { () throws(DomainError) in try Self.parse(maxId: junk) }
        let message = error?.description ?? ""
        #expect(message.contains(String(repeating: "z", count: 40)))
        #expect(!message.contains(String(repeating: "z", count: 41)))
    }

    // MARK: select

    @Test func noBoundsReturnsTheNewestPage() {
        #expect(PageRequest().select(fromDescending: Self.ids) == Self.ids)
        #expect(PageRequest(limit: 3).select(fromDescending: Self.ids) == [100, 90, 80])
    }

    @Test func maxIdIsExclusive() {
        #expect(PageRequest(maxId: 80, limit: 3).select(fromDescending: Self.ids) == [70, 60, 50])
        #expect(PageRequest(maxId: 85, limit: 3).select(fromDescending: Self.ids) == [80, 70, 60])
        #expect(PageRequest(maxId: 10).select(fromDescending: Self.ids) == [])
        #expect(PageRequest(maxId: 1_000, limit: 2).select(fromDescending: Self.ids) == [100, 90])
    }

    @Test func sinceIdGivesTheNewestPageAbove() {
        #expect(PageRequest(sinceId: 30, limit: 3).select(fromDescending: Self.ids) == [100, 90, 80])
        #expect(PageRequest(sinceId: 30).select(fromDescending: Self.ids) == [100, 90, 80, 70, 60, 50, 40])
        #expect(PageRequest(sinceId: 100).select(fromDescending: Self.ids) == [])
        #expect(PageRequest(sinceId: 95, limit: 3).select(fromDescending: Self.ids) == [100])
    }

    @Test func minIdGivesThePageImmediatelyAboveNewestFirst() {
        #expect(PageRequest(minId: 30, limit: 3).select(fromDescending: Self.ids) == [60, 50, 40])
        #expect(PageRequest(minId: 35, limit: 3).select(fromDescending: Self.ids) == [60, 50, 40])
        #expect(PageRequest(minId: 30).select(fromDescending: Self.ids) == [100, 90, 80, 70, 60, 50, 40])
        #expect(PageRequest(minId: 0, limit: 2).select(fromDescending: Self.ids) == [20, 10])
        #expect(PageRequest(minId: 100).select(fromDescending: Self.ids) == [])
    }

    @Test func combinedBounds() {
        #expect(PageRequest(maxId: 70, sinceId: 20, limit: 2).select(fromDescending: Self.ids) == [60, 50])
        #expect(PageRequest(maxId: 70, minId: 20, limit: 2).select(fromDescending: Self.ids) == [40, 30])
        #expect(PageRequest(maxId: 70, minId: 20).select(fromDescending: Self.ids) == [60, 50, 40, 30])
        #expect(PageRequest(maxId: 50, sinceId: 40).select(fromDescending: Self.ids) == [])
        #expect(PageRequest(maxId: 40, sinceId: 50).select(fromDescending: Self.ids) == [])
        // min_id wins over since_id, as in Mastodon.
        #expect(PageRequest(sinceId: 50, minId: 20, limit: 2).select(fromDescending: Self.ids) == [40, 30])
        #expect(PageRequest(sinceId: 20, minId: 50, limit: 2).select(fromDescending: Self.ids) == [70, 60])
    }

    @Test func lowerBoundAndAdmits() {
        #expect(PageRequest().lowerBound == nil)
        #expect(PageRequest(sinceId: 5).lowerBound == 5)
        #expect(PageRequest(sinceId: 5, minId: 9).lowerBound == 9)
        let request = PageRequest(maxId: 50, sinceId: 20)
        #expect(!request.admits(50))
        #expect(request.admits(49))
        #expect(request.admits(21))
        #expect(!request.admits(20))
        #expect(PageRequest().admits(0))
        #expect(PageRequest().admits(Int64.max))
    }

    @Test func emptyInputGivesEmptyPage() {
        for request in [PageRequest(), PageRequest(maxId: 5), PageRequest(sinceId: 5), PageRequest(minId: 5)] {
            #expect(request.select(fromDescending: []) == [])
        }
    }

    @Test func walkingNextLinksVisitsEveryIdOnce() {
        let all: [Int64] = (1...97).reversed().map { Int64($0) * 3 }
        var seen: [Int64] = []
        var request = PageRequest(limit: 10)
        var pages = 0
        while pages < 50 {  // bounded, so a broken bound fails instead of looping forever
            let page = request.select(fromDescending: all)
            if page.isEmpty { break }
            #expect(page.count <= 10)
            seen += page
            request = PageRequest(maxId: page.last, limit: 10)
            pages += 1
        }
        #expect(seen == all)
        #expect(pages == 10)
    }

    @Test func walkingPrevLinksVisitsEveryIdOnce() {
        let all: [Int64] = (1...97).reversed().map { Int64($0) * 3 }
        var seen: [Int64] = []
        var request = PageRequest(minId: 0, limit: 10)
        for _ in 0..<50 {  // bounded, so a broken bound fails instead of looping forever
            let page = request.select(fromDescending: all)
            if page.isEmpty { break }
            #expect(zip(page, page.dropFirst()).allSatisfy { $0 > $1 })
            seen = page + seen
            request = PageRequest(minId: page.first, limit: 10)
        }
        #expect(seen == all)
    }
}

@Suite("TimelineMerge")
struct TimelineMergeTests {
    static func reference(_ lists: [[Int64]]) -> [Int64] {
        Set(lists.joined()).sorted(by: >)
    }

    @Test func mergesOverlappingDescendingLists() {
        let merged = TimelineMerge.merge([[9, 7, 5], [8, 7, 3], [10, 5, 1]])
        #expect(merged == [10, 9, 8, 7, 5, 3, 1])
    }

    @Test func identicalListsCollapse() {
        #expect(TimelineMerge.merge([[5, 4, 3], [5, 4, 3], [5, 4, 3]]) == [5, 4, 3])
    }

    @Test func emptyInputs() {
        #expect(TimelineMerge.merge([]) == [])
        #expect(TimelineMerge.merge([[]]) == [])
        #expect(TimelineMerge.merge([[], [], []]) == [])
        #expect(TimelineMerge.merge([[], [3, 2], []]) == [3, 2])
        #expect(TimelineMerge.merge([[], [3, 2], [], [4]]) == [4, 3, 2])
    }

    @Test func singleListIsDeduped() {
        #expect(TimelineMerge.merge([[5, 5, 3, 3, 3, 1]]) == [5, 3, 1])
        #expect(TimelineMerge.merge([[5, 3, 1]]) == [5, 3, 1], "one list without duplicates, as it is")
        #expect(TimelineMerge.merge([[], [5, 5, 3]]) == [5, 3])
    }

    @Test func duplicatesInsideAndAcrossLists() {
        #expect(TimelineMerge.merge([[9, 9, 7], [9, 8, 8], [7, 7]]) == [9, 8, 7])
    }

    @Test func extremeValues() {
        #expect(TimelineMerge.merge([[Int64.max, 0], [Int64.max - 1, 1]]) == [Int64.max, Int64.max - 1, 1, 0])
    }

    @Test func disjointInterleavedLists() {
        let evens: [Int64] = stride(from: 100, through: 0, by: -2).map { Int64($0) }
        let odds: [Int64] = stride(from: 99, through: 1, by: -2).map { Int64($0) }
        #expect(TimelineMerge.merge([evens, odds]) == (0...100).reversed().map { Int64($0) })
    }

    @Test(arguments: [UInt64(1), 2, 3, 42, 2024])
    func mergeMatchesSetReference(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let listCount = Int.random(in: 0...12, using: &rng)
            let range: ClosedRange<Int64> = 0...Int64.random(in: 1...500, using: &rng)
            let lists: [[Int64]] = (0..<listCount).map { _ in
                let n = Int.random(in: 0...60, using: &rng)
                // Descending, possibly with repeats, with overlap between lists.
                return (0..<n).map { _ in Int64.random(in: range, using: &rng) }.sorted(by: >)
            }
            let merged = TimelineMerge.merge(lists)
            #expect(merged == Self.reference(lists))
            #expect(zip(merged, merged.dropFirst()).allSatisfy { $0 > $1 })
        }
    }

    @Test func normaliseSortsAndDedupes() {
        #expect(TimelineMerge.normalise([3, 9, 3, 1, 9, 7]) == [9, 7, 3, 1])
        #expect(TimelineMerge.normalise([]) == [])
        #expect(TimelineMerge.normalise([4]) == [4])
        #expect(TimelineMerge.normalise([1, 2, 3]) == [3, 2, 1])
        #expect(TimelineMerge.normalise([3, 2, 1]) == [3, 2, 1])
    }

    @Test(arguments: [UInt64(7), 8, 9])
    func normaliseMatchesSetReference(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let n = Int.random(in: 0...100, using: &rng)
            let list = (0..<n).map { _ in Int64.random(in: 0...80, using: &rng) }
            #expect(TimelineMerge.normalise(list) == Self.reference([list]))
        }
    }
}

@Suite("LinkHeader")
struct LinkHeaderTests {
    static let base = "https://starling.example/api/v1/timelines/home"

    @Test func mastodonFormat() {
        let header = LinkHeader.make(baseURL: Self.base, newestId: 110, oldestId: 101)
        #expect(header == "<https://starling.example/api/v1/timelines/home?max_id=101>; rel=\"next\", <https://starling.example/api/v1/timelines/home?min_id=110>; rel=\"prev\"")
    }

    @Test func extraQueryIsCarriedIntoBothLinksInOrder() {
        let header = LinkHeader.make(baseURL: Self.base, newestId: 110, oldestId: 101, extraQuery: [("limit", "40")])
        #expect(header == "<https://starling.example/api/v1/timelines/home?limit=40&max_id=101>; rel=\"next\", <https://starling.example/api/v1/timelines/home?limit=40&min_id=110>; rel=\"prev\"")
        let two = LinkHeader.make(baseURL: "/tags/swift", newestId: 9, oldestId: 3, extraQuery: [("local", "true"), ("limit", "5")])
        #expect(two == "</tags/swift?local=true&limit=5&max_id=3>; rel=\"next\", </tags/swift?local=true&limit=5&min_id=9>; rel=\"prev\"")
    }

    @Test func singleItemPage() {
        let header = LinkHeader.make(baseURL: "/x", newestId: 7, oldestId: 7)
        #expect(header == "</x?max_id=7>; rel=\"next\", </x?min_id=7>; rel=\"prev\"")
    }

    @Test func emptyPageHasNoHeader() {
        #expect(LinkHeader.make(baseURL: Self.base, newestId: nil, oldestId: nil) == nil)
        #expect(LinkHeader.make(baseURL: Self.base, newestId: nil, oldestId: nil, extraQuery: [("limit", "40")]) == nil)
        #expect(LinkHeader.make(baseURL: Self.base, newestId: 5, oldestId: nil) == nil)
        #expect(LinkHeader.make(baseURL: Self.base, newestId: nil, oldestId: 5) == nil)
    }

    @Test func headerFromASelectedPage() {
        let ids: [Int64] = [50, 40, 30, 20, 10]
        let page = PageRequest(maxId: 45, limit: 2).select(fromDescending: ids)
        let header = LinkHeader.make(baseURL: "/h", newestId: page.first, oldestId: page.last)
        #expect(header == "</h?max_id=30>; rel=\"next\", </h?min_id=40>; rel=\"prev\"")
    }
}

@Suite("PageDirection")
struct PageDirectionTests {
    @Test(arguments: [
        (PageRequest(), PageDirection.newest, true),
        (PageRequest(sinceId: 5), PageDirection.newest, true),
        (PageRequest(maxId: 9), PageDirection.newest, false),
        (PageRequest(minId: 5), PageDirection.justAboveLowerBound, false),
        (PageRequest(maxId: 9, minId: 5), PageDirection.justAboveLowerBound, false),
    ])
    func directionAndTop(_ page: PageRequest, _ direction: PageDirection, _ top: Bool) {
        #expect(page.direction == direction)
        #expect(page.isTopOfTimeline == top)
    }

    @Test func aTopPageIsWithinTheNewestEntries() {
        // What a bounded read of a list relies on: a top-of-timeline page never needs more than
        // its size from the front of a descending list.
        let ids = (1...500).map { Int64($0) }.reversed().map { $0 }
        for page in [PageRequest(limit: 20), PageRequest(sinceId: 480, limit: 20), PageRequest(sinceId: 100, limit: 40)] {
            #expect(page.select(fromDescending: ids) == page.select(fromDescending: Array(ids.prefix(page.limit))))
        }
    }
}
