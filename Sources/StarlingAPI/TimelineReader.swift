import Foundation
import Logging
import StarlingDomain
import StarlingStore
import StarlingTimelines

/// Reads timelines: Redis lists first, PostgreSQL when a list is missing; then hydrates statuses.
struct TimelineReader: Sendable {
    let services: APIServices

    /// One page of a user's home timeline, newest first.
    ///
    /// The home list (pushed statuses) and the own lists of the pulled authors the user follows
    /// (celebrities, in the hybrid model) are read concurrently and merged by id. A list that is not
    /// built yet is served from PostgreSQL and rebuilt in the background.
    func home(user: Int64, idleSeconds: Double?, page: PageRequest) async throws -> [Int64] {
        let cache = services.cache
        if let idle = idleSeconds, idle > services.settings.inactiveAfterSeconds {
            // Fan-out skipped this user while inactive: their list is stale even if it still exists.
            try await cache.invalidate(.home(user))
        }
        async let pulledAuthors: [Int64] = {
            guard let threshold = services.pullThreshold else { return [] }
            return try await services.follows.pulledAuthors(for: user, threshold: threshold)
        }()
        var lists: [TimelineCache.List] = []
        if services.settings.policy.model != .pull { lists.append(.home(user)) }
        let authors = try await pulledAuthors
        lists += authors.map { .authored($0) }
        let cached = try await cache.read(lists)

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
            }
        }
        if !missingAuthors.isEmpty {
            sources.append(try await services.statuses.page(authors: missingAuthors, page: page))
        }
        return page.select(fromDescending: TimelineMerge.merge(sources))
    }

    /// Statuses for ids, in the given order, skipping deleted ones. Status rows come from the Redis
    /// cache (one MGET per shard), misses from PostgreSQL in one query, which then fills the cache.
    func hydrate(_ ids: [Int64], viewer: Int64?) async throws -> [StatusEntity] {
        if ids.isEmpty { return [] }
        var rows: [Int64: StatusRow] = [:]
        var deleted = Set<Int64>()
        do {
            for (id, entry) in try await services.cache.cachedStatuses(ids) {
                switch entry {
                case .row(let row): rows[id] = row
                case .deleted: deleted.insert(id)
                }
            }
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
        let authors = try await services.accounts.accounts(ids: Array(Set(rows.values.map(\.accountId))))
        let byId = Dictionary(authors.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return ids.compactMap { id in
            guard let row = rows[id], let author = byId[row.accountId] else { return nil }
            return services.renderer.status(row, author: author)
        }
    }
}
