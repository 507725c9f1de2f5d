import Foundation
import StarlingDomain

/// Mastodon's Conversation.
struct ConversationEntity: Encodable, Sendable, JSONWritable {
    var id: String
    var unread: Bool
    var accounts: [AccountEntity]
    var lastStatus: Nullable<StatusEntity>

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("unread", unread)
        w.key("accounts")
        w.beginArray()
        for account in accounts { account.writeJSON(to: &w) }
        w.endArray()
        w.field("last_status", lastStatus)
        w.endObject()
    }
}

/// Mastodon's FilterKeyword.
struct FilterKeywordEntity: Encodable, Sendable, JSONWritable {
    var id: String
    var keyword: String
    var wholeWord: Bool

    init(_ keyword: ContentFilter.Keyword) {
        id = String(keyword.id)
        self.keyword = keyword.keyword
        wholeWord = keyword.wholeWord
    }

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("keyword", keyword)
        w.field("whole_word", wholeWord)
        w.endObject()
    }
}

/// Mastodon's FilterStatus.
struct FilterStatusEntity: Encodable, Sendable, JSONWritable {
    var id: String
    var statusId: String

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("status_id", statusId)
        w.endObject()
    }
}

/// Mastodon's Filter (v2).
struct FilterEntity: Encodable, Sendable, JSONWritable {
    var id: String
    var title: String
    var context: [String]
    var expiresAt: Nullable<String>
    var filterAction: String
    var keywords: [FilterKeywordEntity]
    var statuses: [FilterStatusEntity]

    init(_ filter: ContentFilter) {
        id = String(filter.id)
        title = filter.title
        context = filter.contexts.map(\.rawValue)
        expiresAt = Nullable(filter.expiresAt.map(JSONDate.timestamp))
        filterAction = filter.action.rawValue
        keywords = filter.keywords.map(FilterKeywordEntity.init)
        statuses = filter.statuses.map { FilterStatusEntity(id: String($0.id), statusId: String($0.statusId)) }
    }

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("title", title)
        w.field("context", context)
        w.field("expires_at", expiresAt)
        w.field("filter_action", filterAction)
        w.key("keywords")
        w.beginArray()
        for keyword in keywords { keyword.writeJSON(to: &w) }
        w.endArray()
        w.key("statuses")
        w.beginArray()
        for status in statuses { status.writeJSON(to: &w) }
        w.endArray()
        w.endObject()
    }
}

/// Mastodon's FilterResult, on a status's `filtered`.
struct FilterResultEntity: Encodable, Sendable, JSONWritable {
    var filter: FilterEntity
    var keywordMatches: Nullable<[String]>
    var statusMatches: Nullable<[String]>

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.key("filter")
        filter.writeJSON(to: &w)
        w.field("keyword_matches", keywordMatches)
        w.field("status_matches", statusMatches)
        w.endObject()
    }
}

/// A follow import's progress (Starling's own entity; Mastodon's web import has no API entity).
struct FollowImportEntity: Encodable, Sendable, JSONWritable {
    var id: String
    var type: String
    var mode: String
    var state: String
    var total: Int
    var processed: Int
    var failed: Int
    var createdAt: Date
    var finishedAt: Nullable<String>

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("type", type)
        w.field("mode", mode)
        w.field("state", state)
        w.field("total", total)
        w.field("processed", processed)
        w.field("failed", failed)
        w.field("created_at", createdAt)
        w.field("finished_at", finishedAt)
        w.endObject()
    }
}
