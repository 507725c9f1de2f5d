import Foundation
import Logging
import StarlingDomain
import StarlingRedis
import StarlingStore
import StarlingTimelines

/// Reads timelines: Redis lists first, PostgreSQL when a list is missing; then hydrates statuses.
struct TimelineReader: Sendable {
    let services: APIServices
    /// Extra list entries read for a first page, beyond twice its size: room for duplicates from
    /// redelivery and for statuses the visibility rules hide.
    static let firstPageSlack = 40

    /// One page of a user's home timeline, newest first.
    ///
    /// The home list (pushed statuses) and the own lists of the pulled authors the user follows
    /// (celebrities, in the hybrid model) are read concurrently and merged by id. A list that is not
    /// built yet is served from PostgreSQL and rebuilt in the background.
    func home(user: Int64, idleSeconds: Double?, page: PageRequest) async throws -> [Int64] {
        do {
            return try await homeFromLists(user: user, idleSeconds: idleSeconds, page: page)
        } catch let error as RedisError {
            // A shard is down or failing over: PostgreSQL has everything, so read from it instead.
            services.database.logger.warning("home read falls back to PostgreSQL", metadata: ["error": "\(error)"])
            return try await services.statuses.homeByPull(user: user, page: page)
        }
    }

    private func homeFromLists(user: Int64, idleSeconds: Double?, page: PageRequest) async throws -> [Int64] {
        let cache = services.cache
        if let idle = idleSeconds, idle > services.settings.inactiveAfterSeconds {
            // Fan-out skipped this user while inactive: their list is stale even if it still exists.
            try await cache.invalidate(.home(user))
        }
        var lists: [TimelineCache.List] = []
        if services.settings.policy.model != .pull { lists.append(.home(user)) }
        lists += try await pulledAuthors(of: user).map { .authored($0) }
        // A first page (no cursor, or only since_id) is the top of every list: read just that much.
        // Deeper pages (max_id, min_id) may lie anywhere in a list, so they read it whole.
        let depth: Int? = page.isTopOfTimeline ? page.limit * 2 + Self.firstPageSlack : nil
        let cached = try await cache.read(lists, depth: depth)

        var sources: [[Int64]] = []
        var missingAuthors: [Int64] = []
        for list in lists {
            if let ids = cached[list] ?? nil {
                sources.append(ids)
                continue
            }
            services.rebuilds.enqueue(list)
            switch list {
            case .home:
                // The whole home by pull, celebrities included: nothing else is needed.
                return try await services.statuses.homeByPull(user: user, page: page)
            case .authored(let author):
                missingAuthors.append(author)
            case .list:
                continue  // not read here (ListRoutes.swift reads lists)
            }
        }
        if !missingAuthors.isEmpty {
            sources.append(try await services.statuses.page(authors: missingAuthors, page: page))
        }
        return page.select(fromDescending: TimelineMerge.merge(sources))
    }

    /// The pulled authors (celebrities, in the hybrid model) the user follows: from the node's
    /// cache in steady state, with no suspension; PostgreSQL fills it.
    private func pulledAuthors(of user: Int64) async throws -> [Int64] {
        guard let threshold = services.settings.policy.pulledFrom else { return [] }
        if let cached = services.pulledAuthors.get(user) { return cached }
        let ticket = services.pulledAuthors.fillTicket()
        let authors = try await services.follows.pulledAuthors(for: user, threshold: threshold)
        services.pulledAuthors.set(user, authors, readSince: ticket)
        return authors
    }

    /// Statuses for ids, in the given order, skipping deleted ones (and reblogs of deleted ones).
    /// Status rows, counters and the viewer's flags come from Redis in one wave (one pipeline per
    /// shard); only misses go to PostgreSQL (one query each), and fill the caches.
    func hydrate(_ ids: [Int64], viewer: Int64?, includeSource: Bool = false) async throws -> [StatusEntity] {
        if ids.isEmpty { return [] }
        var (rows, lookup) = try await cachedWave(ids, viewer: viewer)
        let originals = Array(Set(rows.values.compactMap(\.reblogOfId)).subtracting(rows.keys))
        if !originals.isEmpty {
            let (originalRows, more) = try await cachedWave(originals, viewer: viewer)
            rows.merge(originalRows) { a, _ in a }
            lookup.counts.merge(more.counts) { a, _ in a }
            lookup.flags.merge(more.flags) { a, _ in a }
            lookup.marks.merge(more.marks) { a, _ in a }
            if lookup.rebuildGeneration == nil { lookup.rebuildGeneration = more.rebuildGeneration }
        }
        let authorIds = Set(rows.values.map(\.accountId)), statusIds = Array(rows.keys)
        // Polls on the page: from Redis (one more wave, only when there are any), misses from PostgreSQL.
        let pollIds = rows.values.compactMap(\.pollId)
        // In steady state every author is in the node's cache and the page has no poll: then no child
        // task is started (each one costs a thread hop; this path runs on every timeline read).
        let cachedAuthors = services.cachedAccountRows(authorIds)
        let interactions: [Int64: StatusInteractions], byId: [Int64: AccountRow], pollById: [Int64: PollEntity]
        if let cachedAuthors, pollIds.isEmpty {
            (interactions, byId, pollById) = (try await completeInteractions(statusIds, viewer: viewer, lookup: lookup), cachedAuthors, [:])
        } else {
            async let accounts = services.accountRows(authorIds)
            async let polls = PollReader(services: services).polls(pollIds, viewer: viewer)
            interactions = try await completeInteractions(statusIds, viewer: viewer, lookup: lookup)
            byId = try await accounts
            pollById = try await polls
        }

        func render(_ id: Int64) -> StatusEntity? {
            guard let row = rows[id], let author = byId[row.accountId] else { return nil }
            var reblog: StatusEntity?
            if let original = row.reblogOfId {
                guard let inner = render(original) else { return nil }  // the original was deleted
                reblog = inner
            }
            var entity = services.renderer.status(row, author: author, includeSource: includeSource && row.accountId == viewer,
                                                  interactions: interactions[id] ?? StatusInteractions(), reblog: reblog)
            if let poll = row.pollId.flatMap({ pollById[$0] }) { entity.poll = Nullable(poll) }
            return entity
        }
        var statuses: [StatusEntity] = []
        statuses.reserveCapacity(ids.count)  // not grown (and moved) as it fills
        for id in ids {
            if let status = render(id) { statuses.append(status) }
        }
        return statuses
    }

    /// One Redis wave for a set of statuses: their cached rows, counters and the viewer's flags,
    /// in one pipeline per shard. Rows Redis lacks come from PostgreSQL (one query), which fills
    /// the cache; deleted statuses are left out. If Redis fails, PostgreSQL answers everything.
    private func cachedWave(_ ids: [Int64], viewer: Int64?) async throws -> ([Int64: StatusRow], InteractionCache.Lookup) {
        var batch = services.redis.batch()
        let statusTickets = services.cache.queueStatusesAndCounts(ids, in: &batch)
        let lookupTickets = services.interactionCache.queueLookup(ids, viewer: viewer, in: &batch, includeCounts: false)
        var rows: [Int64: StatusRow] = [:]
        rows.reserveCapacity(ids.count)
        var deleted = Set<Int64>()
        var lookup = InteractionCache.Lookup()
        do {
            let replies = try await services.redis.send(batch)
            let (statuses, counts) = try services.cache.statusesAndCounts(statusTickets, from: replies)
            for (id, entry) in statuses {
                switch entry {
                case .row(let row): rows[id] = row
                case .deleted: deleted.insert(id)
                }
            }
            lookup = services.interactionCache.lookup(lookupTickets, from: replies)
            lookup.counts = counts
        } catch {
            // The cache is an optimisation: read everything from PostgreSQL instead.
            services.database.logger.warning("status cache unavailable", metadata: ["error": "\(error)"])
        }
        let missing = ids.filter { rows[$0] == nil && !deleted.contains($0) }
        if !missing.isEmpty {
            let fetched = try await services.statuses.statuses(ids: missing)
            for row in fetched { rows[row.id] = row }
            try? await services.cache.cache(fetched)
        }
        return (rows, lookup)
    }
    /// Counters and flags for every id: from the lookup, the rest from PostgreSQL (which fills Redis).
    private func completeInteractions(_ ids: [Int64], viewer: Int64?, lookup: InteractionCache.Lookup) async throws -> [Int64: StatusInteractions] {
        var flags = lookup.flags, marks = lookup.marks
        if let viewer, let generation = lookup.rebuildGeneration {
            // The viewer's action set is missing: rebuild it (two queries) and answer from it.
            async let recentMarks = ListStore(database: services.database).recentMarks(of: viewer, limit: InteractionCache.actionsLimit)
            let recent = try await services.interactions.recentActions(of: viewer, limit: InteractionCache.actionsLimit)
            let mine = try await recentMarks
            let floor = max(recent.floor, mine.floor)
            try? await services.interactionCache.fillActions(viewer: viewer, favourites: recent.favourites, reblogs: recent.reblogs,
                                                             bookmarks: mine.bookmarks, pins: mine.pins, floor: floor, generation: generation)
            let favourited = Set(recent.favourites), reblogged = Set(recent.reblogs)
            let bookmarked = Set(mine.bookmarks), pinned = Set(mine.pins)
            for id in ids where id >= floor {
                flags[id] = (favourited.contains(id), reblogged.contains(id))
                marks[id] = (bookmarked.contains(id), pinned.contains(id))
            }
        }
        let missing = ids.filter { lookup.counts[$0] == nil || (viewer != nil && flags[$0] == nil) }
        var fresh: [Int64: StatusInteractions] = [:]
        if !missing.isEmpty {
            let unmarked = ids.filter { viewer != nil && marks[$0] == nil }
            async let freshMarks: [Int64: (bookmarked: Bool, pinned: Bool)] = {
                guard let viewer, !unmarked.isEmpty else { return [:] }
                return try await ListStore(database: services.database).marks(ids: unmarked, viewer: viewer)
            }()
            // Generations first: a write committed while PostgreSQL is read must not be undone by the fill.
            let uncounted = missing.filter { lookup.counts[$0] == nil }
            let generations = (try? await services.interactionCache.countGenerations(uncounted)) ?? [:]
            fresh = try await services.interactions.interactions(ids: missing, viewer: viewer)
            try? await services.interactionCache.fillCounts(fresh.filter { lookup.counts[$0.key] == nil }, generations: generations)
            marks.merge(try await freshMarks) { a, _ in a }
        }
        var out: [Int64: StatusInteractions] = [:]
        out.reserveCapacity(ids.count)
        for id in ids {
            var value = lookup.counts[id] ?? fresh[id] ?? StatusInteractions()
            if let (favourited, reblogged) = flags[id] {
                value.favourited = favourited
                value.reblogged = reblogged
            } else if let known = fresh[id] {
                value.favourited = known.favourited
                value.reblogged = known.reblogged
            }
            if let (bookmarked, pinned) = marks[id] {
                value.bookmarked = bookmarked
                value.pinned = pinned
            }
            out[id] = value
        }
        return out
    }

    /// Applies who may see what, by the domain's rules (`Audience`): `mayView` everywhere, and on
    /// home timelines (`home: true`) `showsOnHome`, which adds the reply rule. A reblog is judged by
    /// the status it shows. Blocks (either way) hide statuses everywhere; mutes where `applyMutes`
    /// says (by default on the home only; listings pass true), the reblogger judged as well.
    func visible(_ statuses: consuming [StatusEntity], to viewer: Int64?, home: Bool, applyMutes: Bool? = nil) async throws -> [StatusEntity] {
        // Read through the buffer, borrowing each status (a closure over `statuses` copied them).
        let audiences = statuses.withUnsafeBufferPointer { page in
            page.indices.map { index in
                page[index].reblog.value.map { Self.audience(of: $0.status) } ?? Self.audience(of: page[index])
            }
        }
        let needsFollows = Set(audiences.flatMap { audience in
            audience.map { Audience.followsNeeded(for: $0, onHome: home) } ?? []
        })
        let follows: Set<Int64> = if let viewer, !needsFollows.isEmpty {
            try await services.interactions.followed(by: viewer, among: Array(needsFollows))
        } else { [] }
        // Followed tags exempt a public reply from the reply rule on the home: loaded only when one is on the page.
        let needsTags = Set(audiences.flatMap { audience in audience.map { Audience.followedTagsNeeded(for: $0, onHome: home) } ?? [] })
        let followedTags: Set<String> = if let viewer, !needsTags.isEmpty {
            try await services.tagFollows.followed(by: viewer, among: Array(needsTags))
        } else { [] }
        // The viewer's blocks and mutes come from a node cache (no PostgreSQL round trip in steady state).
        let base = if let viewer { try await services.viewerBlocksAndMutes(viewer).relations(at: Date()) } else { ViewerRelations.none }
        let relations = base.with(follows: follows, followedTags: followedTags)
        let mutes = applyMutes ?? home
        let shown = statuses.withUnsafeBufferPointer { page in
            page.indices.map { index -> Bool in
                guard let audience = audiences[index] else { return false }
                if let viewer, Audience.hiddenByRelations(authors: Self.authors(of: page[index]), viewer: viewer, relations: relations, applyMutes: mutes) {
                    return false
                }
                if home, let viewer { return Audience.showsOnHome(audience, viewer: viewer, relations: relations) }
                return Audience.mayView(audience, viewer: viewer, relations: relations)
            }
        }
        // Kept in place, moved rather than copied (a status is a large value).
        var kept = statuses
        var end = 0
        for index in kept.indices where shown[index] {
            if index != end { kept.swapAt(end, index) }
            end += 1
        }
        kept.removeLast(kept.count - end)
        return kept
    }

    /// Every account a shown status is by: its author, and for a reblog the original's author too.
    /// A sequence of at most two held inline: the visibility rules ask it of every status on a
    /// page, and as an array it was two allocations each.
    static func authors(of status: StatusEntity) -> Authors {
        Authors(first: author(of: status), second: status.reblog.value.flatMap { author(of: $0.status) })
    }

    private static func author(of status: StatusEntity) -> Int64? {
        status.audienceFacts?.author ?? Int64(status.account.id)
    }

    struct Authors: Sequence, IteratorProtocol {
        var first: Int64?
        var second: Int64?

        mutating func next() -> Int64? {
            if let value = first {
                first = nil
                return value
            }
            defer { second = nil }
            return second
        }
    }

    /// Drops what blocks and mutes hide from a signed-in viewer (public and tag timelines, which
    /// need no other rule).
    func withoutBlockedAndMuted(_ statuses: [StatusEntity], viewer: Int64?) async throws -> [StatusEntity] {
        guard let viewer else { return statuses }
        let stored = try await services.viewerBlocksAndMutes(viewer)
        if stored.isEmpty { return statuses }
        let relations = stored.relations(at: Date())
        return statuses.filter { !Audience.hiddenByRelations(authors: Self.authors(of: $0), viewer: viewer, relations: relations, applyMutes: true) }
    }

    /// The facts `Audience` reads, from a rendered status; nil (shown to nobody) if they do not parse.
    /// The renderer records them from the row (`audienceFacts`); other entities are parsed.
    static func audience(of status: StatusEntity) -> Audience.Status? {
        if let known = status.audienceFacts { return known }  // recorded by the renderer: nothing to parse
        guard let author = Int64(status.account.id), let visibility = Visibility(rawValue: status.visibility) else { return nil }
        return Audience.Status(author: author, visibility: visibility,
                               inReplyToAccount: status.inReplyToAccountId.value.flatMap { Int64($0) },
                               mentioned: status.mentions.compactMap { Int64($0.id) },
                               reblogOf: status.reblog.value.flatMap { Int64($0.status.id) }, tags: status.tags.map(\.name))
    }
}

/// Renders notifications with their accounts and statuses.
struct NotificationRenderer: Sendable {
    let services: APIServices

    func render(_ rows: [NotificationRow], viewer: Int64) async throws -> [NotificationEntity] {
        let byId = try await services.accountRows(Set(rows.map(\.fromAccountId)))
        let reader = TimelineReader(services: services)
        // Filters v2 (DirectFilterRoutes.swift): a notification whose status a `hide` filter drops is left out with it.
        let statuses = try await reader.applyFilters(try await reader.hydrate(Array(Set(rows.compactMap(\.statusId))), viewer: viewer),
                                                     viewer: viewer, context: .notifications)
        let statusById = Dictionary(statuses.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return rows.compactMap { row in
            guard let account = byId[row.fromAccountId] else { return nil }
            let status = row.statusId.flatMap { statusById[String($0)] }
            if row.statusId != nil && status == nil { return nil }  // its status was deleted
            return NotificationEntity(id: String(row.id), type: row.type.rawValue, createdAt: row.createdAt,
                                      account: services.renderer.sharedAccount(account), status: Nullable(status))
        }
    }
}
