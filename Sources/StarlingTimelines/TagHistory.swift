import Foundation
import StarlingDomain
import StarlingRedis

extension TrendStore {
    /// The daily history of each tag (`TrendStore.days` days, newest first: day start, uses,
    /// distinct accounts), from the same counters trends are ranked by: public statuses only, as
    /// Mastodon's tag history counts them. One pipeline for every tag.
    public func history(of tags: [String], now: Date = Date()) async throws -> [String: [(day: Date, uses: Int64, accounts: Int64)]] {
        if tags.isEmpty { return [:] }
        let today = Self.dayNumber(now)
        let days = (0..<Self.days).map { today - $0 }
        var commands: [RedisCommand] = []
        for tag in tags {
            for day in days {
                commands.append(RedisCommand("ZSCORE", Self.usesKey(day), tag))
                commands.append(RedisCommand("PFCOUNT", Self.accountsKey(day, tag)))
            }
        }
        let replies = try await redis.pipeline(key: Self.usesKey(today), commands).throwingFirstError()
        var out: [String: [(day: Date, uses: Int64, accounts: Int64)]] = [:]
        var index = 0
        for tag in tags {
            var history: [(day: Date, uses: Int64, accounts: Int64)] = []
            for day in days {
                let uses = replies[index].string.flatMap(Double.init).map { Int64($0) } ?? 0
                let accounts = replies[index + 1].int64 ?? 0
                history.append((Date(timeIntervalSince1970: Double(day) * 86_400), uses, accounts))
                index += 2
            }
            out[tag] = history
        }
        return out
    }
}
