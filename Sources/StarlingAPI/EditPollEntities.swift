import Foundation
import StarlingDomain
import StarlingStore

/// Mastodon's Poll entity. `voted` and `own_votes` only with a user token (as Mastodon).
struct PollEntity: Encodable, Sendable {
    var id: String
    var expiresAt: Date
    var expired: Bool
    var multiple: Bool
    var votesCount: Int64
    /// Only for a multiple-choice poll (null otherwise, as Mastodon).
    var votersCount: Nullable<Int64>
    var options: [PollOptionEntity]
    var emojis: [String] = []
    var voted: Bool?
    var ownVotes: [Int]?
}

struct PollOptionEntity: Encodable, Sendable {
    var title: String
    /// Null while the totals are hidden (`hide_totals`, until the poll ends).
    var votesCount: Nullable<Int64>
}

/// One version in `GET /api/v1/statuses/:id/history` (Mastodon's StatusEdit).
struct StatusEditEntity: Encodable, Sendable {
    var content: String
    var spoilerText: String
    var sensitive: Bool
    var createdAt: Date
    var account: AccountEntity
    var poll: Nullable<EditPoll>
    var mediaAttachments: [String] = []
    var emojis: [String] = []

    struct EditPoll: Encodable, Sendable {
        var options: [Option]
        struct Option: Encodable, Sendable { var title: String }
    }
}

/// `GET /api/v1/statuses/:id/source` (Mastodon's StatusSource).
struct StatusSourceEntity: Encodable, Sendable {
    var id: String
    var text: String
    var spoilerText: String
}

extension PollEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("expires_at", expiresAt)
        w.field("expired", expired)
        w.field("multiple", multiple)
        w.field("votes_count", votesCount)
        w.key("voters_count")
        if let count = votersCount.value { w.int(count) } else { w.null() }
        w.field("options", options)
        w.field("emojis", emojis)
        if let voted { w.field("voted", voted) }
        if let ownVotes {
            w.key("own_votes")
            w.beginArray()
            for choice in ownVotes { w.int(Int64(choice)) }
            w.endArray()
        }
        w.endObject()
    }
}

extension PollOptionEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("title", title)
        w.key("votes_count")
        if let count = votesCount.value { w.int(count) } else { w.null() }
        w.endObject()
    }
}

extension Renderer {
    /// A poll as `viewer` sees it: totals hidden while `hide_totals` holds (not from its author),
    /// `voted`/`own_votes` only for a signed-in viewer (the author counts as having voted, as Mastodon).
    func poll(_ row: PollRow, viewer: Int64?, ownVotes: [Int]?, now: Date = Date()) -> PollEntity {
        let expired = row.expired(at: now)
        let hidden = row.hideTotals && !expired && viewer != row.accountId
        return PollEntity(
            id: String(row.id), expiresAt: row.expiresAt, expired: expired, multiple: row.multiple, votesCount: row.votesCount,
            votersCount: Nullable(row.multiple ? row.votersCount : nil),
            options: zip(row.options, row.tallies).map { PollOptionEntity(title: $0, votesCount: Nullable(hidden ? nil : $1)) },
            voted: viewer.map { $0 == row.accountId || !(ownVotes ?? []).isEmpty },
            ownVotes: viewer.map { _ in ownVotes ?? [] })
    }

    func statusEdit(_ version: StatusVersion, of row: StatusRow, author: AccountRow) -> StatusEditEntity {
        var shown = row
        shown.text = version.text
        // Rendered directly (not through the content cache, which holds the current version).
        return StatusEditEntity(
            content: content(shown), spoilerText: version.spoilerText, sensitive: version.sensitive, createdAt: version.createdAt,
            account: account(author),
            poll: Nullable(version.pollOptions.map { StatusEditEntity.EditPoll(options: $0.map { .init(title: $0) }) }))
    }
}
