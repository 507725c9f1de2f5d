import Foundation
import Hummingbird
import StarlingDomain
import StarlingStore

/// An optional that encodes as JSON `null` instead of being left out: Mastodon clients expect every key.
struct Nullable<T: Encodable & Sendable>: Encodable, Sendable {
    var value: T?
    init(_ value: T?) { self.value = value }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value { try container.encode(value) } else { try container.encodeNil() }
    }
}

/// Mastodon's Account entity.
struct AccountEntity: Encodable, Sendable {
    var id: String
    var username: String
    var acct: String
    var displayName: String
    var locked = false
    var bot = false
    var discoverable = true
    var group = false
    var createdAt: Date
    var note: String
    var url: String
    var uri: String
    var avatar: String
    var avatarStatic: String
    var header: String
    var headerStatic: String
    var followersCount: Int64
    var followingCount: Int64
    var statusesCount: Int64
    var lastStatusAt: Nullable<String>
    var emojis: [String] = []
    var fields: [String] = []
}

/// Mastodon's CredentialAccount: an Account plus `source`.
struct CredentialAccountEntity: Encodable, Sendable {
    var account: AccountEntity
    var source: Source

    struct Source: Encodable, Sendable {
        var privacy = Visibility.default.rawValue
        var sensitive = false
        var language = Nullable<String>(nil)
        var note: String
        var fields: [String] = []
        var followRequestsCount = 0
    }

    func encode(to encoder: any Encoder) throws {
        try account.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(source, forKey: Key(stringValue: "source"))
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// An account in GET /api/v1/mutes: Mastodon adds when the mute ends (null: until unmuted).
struct MutedAccountEntity: Encodable, Sendable {
    var account: AccountEntity
    var muteExpiresAt: Nullable<Date>

    func encode(to encoder: any Encoder) throws {
        try account.encode(to: encoder)
        var container = encoder.container(keyedBy: CredentialAccountEntity.Key.self)
        try container.encode(muteExpiresAt, forKey: .init(stringValue: "mute_expires_at"))
    }
}

struct MentionEntity: Encodable, Sendable {
    var id: String
    var username: String
    var url: String
    var acct: String
}

struct TagEntity: Encodable, Sendable {
    var name: String
    var url: String
}

struct ApplicationEntity: Encodable, Sendable {
    var name: String
    var website: Nullable<String>
}

/// A value held in an immutable shared box. Why: a page's statuses are copied as they pass from
/// hydration through the visibility rules and filters, and the author's account was the half of each
/// copy (a dozen strings retained and released); boxed, it is one retain. Reads borrow the value
/// (`_read`); a write replaces the box, so no copy ever sees another's change. Encodes as the value.
///
/// A box made with `init(prewritten:)` also holds the value's JSON, written once: the renderer
/// shares one such box per author among all their statuses (`Renderer.sharedAccount`), so a page
/// copies each author's JSON instead of writing it again for every status.
@propertyWrapper
struct Shared<Value: Encodable & Sendable>: Encodable, Sendable {
    private final class Box: Sendable {
        let value: Value
        /// The value's JSON text (nil: written when needed). Never stale: the box is immutable.
        let json: [UInt8]?
        init(_ value: Value, json: [UInt8]?) {
            self.value = value
            self.json = json
        }
    }

    private var box: Box

    init(wrappedValue: Value) { box = Box(wrappedValue, json: nil) }

    var wrappedValue: Value {
        _read { yield box.value }
        set { box = Box(newValue, json: nil) }
    }

    func encode(to encoder: any Encoder) throws { try box.value.encode(to: encoder) }
}

extension Shared: JSONWritable where Value: JSONWritable {
    init(prewritten value: Value) {
        box = Box(value, json: JSON.bytes(value, capacity: 1024))
    }

    func writeJSON(to writer: inout JSONWriter) {
        if let json = box.json {
            writer.prewritten(json)
        } else {
            box.value.writeJSON(to: &writer)
        }
    }
}

/// A reblog's wrapped status: a class, since a struct cannot contain itself.
final class ReblogBox: Encodable, Sendable {
    let status: StatusEntity
    init(_ status: StatusEntity) { self.status = status }
    func encode(to encoder: any Encoder) throws { try status.encode(to: encoder) }
}

struct NotificationEntity: Encodable, Sendable {
    var id: String
    var type: String
    var createdAt: Date
    var account: Shared<AccountEntity>  // the renderer's, its JSON written once per account row
    var status: Nullable<StatusEntity>
}

struct ContextEntity: Encodable, Sendable {
    var ancestors: [StatusEntity]
    var descendants: [StatusEntity]
}

struct TagHistoryEntity: Encodable, Sendable {
    var day: String
    var uses: String
    var accounts: String
}

struct TagEntityWithHistory: Encodable, Sendable {
    var name: String
    var url: String
    var history: [TagHistoryEntity]
}

struct SearchEntity: Encodable, Sendable {
    var accounts: [Shared<AccountEntity>]
    var statuses: [StatusEntity]
    var hashtags: [TagEntityWithHistory]
}

struct RelationshipEntity: Encodable, Sendable {
    var id: String
    var following: Bool
    var showingReblogs: Bool
    var notifying = false
    var languages = Nullable<[String]>(nil)
    var followedBy: Bool
    var blocking = false
    var blockedBy = false
    var muting = false
    var mutingNotifications = false
    var requested = false
    var requestedBy = false
    var domainBlocking = false
    var endorsed = false
    var note = ""
}

struct AppEntity: Encodable, Sendable {
    var id: String
    var name: String
    var website: Nullable<String>
    var redirectUri: String
    var clientId: String
    var clientSecret: String
    var vapidKey = ""
    var scopes: [String]
    var redirectUris: [String]
}

struct TokenEntity: Encodable, Sendable {
    var accessToken: String
    var tokenType = "Bearer"
    var scope: String
    var createdAt: Int64
}

enum JSON {
    /// For the types that are not ``JSONWritable`` (cold routes: apps, tokens, trends, empty objects).
    static let encoder: JSONEncoder = makeEncoder(timestamp: timestamp)

    /// The encoder every response used before ``JSONWriter``, with Foundation's ISO 8601 formatter:
    /// the reference the writer's output is tested against.
    static let referenceEncoder: JSONEncoder = makeEncoder { date in
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func makeEncoder(timestamp: @escaping @Sendable (Date) -> String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }

    /// `2019-12-08T03:48:33.901Z`, as Mastodon writes times.
    static func timestamp(_ date: Date) -> String {
        JSONDate.timestamp(date)
    }

    /// `2019-12-08`, as Mastodon writes `last_status_at`.
    static func day(_ date: Date) -> String {
        JSONDate.day(date)
    }

    /// The JSON text of a hot-path entity (or an array of them), written without `JSONEncoder`.
    static func bytes(_ value: some JSONWritable, capacity: Int = 2048) -> [UInt8] {
        var writer = JSONWriter(capacity: capacity)
        value.writeJSON(to: &writer)
        return writer.bytes
    }

    static func string(_ value: some JSONWritable) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        return response(bytes: ByteBuffer(bytes: data), status: status, headers: headers)
    }

    /// Preferred over the `Encodable` overload for the entities (and arrays of them) on hot paths.
    /// (`throws` only so that call sites written for the `Encodable` overload keep their `try`.)
    static func response(_ value: some JSONWritable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        response(bytes: ByteBuffer(bytes: bytes(value, capacity: value.jsonSizeEstimate)), status: status, headers: headers)
    }

    private static func response(bytes: ByteBuffer, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: bytes))
    }
}

// MARK: JSONWritable conformances (keys exactly as `.convertToSnakeCase` spells the properties)

extension AccountEntity: JSONWritable {
    func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writeFields(to: &writer)
        writer.endObject()
    }

    /// The fields without the braces: a CredentialAccount adds `source` to them.
    func writeFields(to w: inout JSONWriter) {
        w.field("id", id)
        w.field("username", username)
        w.field("acct", acct)
        w.field("display_name", displayName)
        w.field("locked", locked)
        w.field("bot", bot)
        w.field("discoverable", discoverable)
        w.field("group", group)
        w.field("created_at", createdAt)
        w.field("note", note)
        w.field("url", url)
        w.field("uri", uri)
        w.field("avatar", avatar)
        w.field("avatar_static", avatarStatic)
        w.field("header", header)
        w.field("header_static", headerStatic)
        w.field("followers_count", followersCount)
        w.field("following_count", followingCount)
        w.field("statuses_count", statusesCount)
        w.field("last_status_at", lastStatusAt)
        w.field("emojis", emojis)
        w.field("fields", fields)
    }
}

extension CredentialAccountEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        account.writeFields(to: &w)
        w.field("source", source)
        w.endObject()
    }
}

extension CredentialAccountEntity.Source: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("privacy", privacy)
        w.field("sensitive", sensitive)
        w.field("language", language)
        w.field("note", note)
        w.field("fields", fields)
        w.field("follow_requests_count", followRequestsCount)
        w.endObject()
    }
}

extension MentionEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("username", username)
        w.field("url", url)
        w.field("acct", acct)
        w.endObject()
    }
}

extension TagEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("name", name)
        w.field("url", url)
        w.endObject()
    }
}

extension ApplicationEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("name", name)
        w.field("website", website)
        w.endObject()
    }
}

extension ReblogBox: JSONWritable {
    func writeJSON(to writer: inout JSONWriter) { status.writeJSON(to: &writer) }
}

extension NotificationEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("type", type)
        w.field("created_at", createdAt)
        w.key("account")
        account.writeJSON(to: &w)
        w.field("status", status)
        w.endObject()
    }
}

extension ContextEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("ancestors", ancestors)
        w.field("descendants", descendants)
        w.endObject()
    }
}

extension TagHistoryEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("day", day)
        w.field("uses", uses)
        w.field("accounts", accounts)
        w.endObject()
    }
}

extension TagEntityWithHistory: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("name", name)
        w.field("url", url)
        w.field("history", history)
        w.endObject()
    }
}

extension SearchEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("accounts", accounts)
        w.field("statuses", statuses)
        w.field("hashtags", hashtags)
        w.endObject()
    }
}

extension RelationshipEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("id", id)
        w.field("following", following)
        w.field("showing_reblogs", showingReblogs)
        w.field("notifying", notifying)
        w.field("languages", languages)
        w.field("followed_by", followedBy)
        w.field("blocking", blocking)
        w.field("blocked_by", blockedBy)
        w.field("muting", muting)
        w.field("muting_notifications", mutingNotifications)
        w.field("requested", requested)
        w.field("requested_by", requestedBy)
        w.field("domain_blocking", domainBlocking)
        w.field("endorsed", endorsed)
        w.field("note", note)
        w.endObject()
    }
}
