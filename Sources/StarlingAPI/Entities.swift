import Foundation
import Hummingbird
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
        var privacy = "public"
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

/// Mastodon's Status entity.
struct StatusEntity: Encodable, Sendable {
    var id: String
    var createdAt: Date
    var inReplyToId: Nullable<String>
    var inReplyToAccountId: Nullable<String>
    var sensitive: Bool
    var spoilerText: String
    var visibility: String
    var language: Nullable<String>
    var uri: String
    var url: String
    var repliesCount: Int64 = 0
    var reblogsCount: Int64 = 0
    var favouritesCount: Int64 = 0
    var editedAt = Nullable<String>(nil)
    var favourited = false
    var reblogged = false
    var muted = false
    var bookmarked = false
    var pinned = false
    var content: String
    var text: Nullable<String>
    var reblog = Nullable<ReblogBox>(nil)
    var application = Nullable<ApplicationEntity>(nil)
    var account: AccountEntity
    var mediaAttachments: [String] = []
    var mentions: [MentionEntity]
    var tags: [TagEntity]
    var emojis: [String] = []
    var card = Nullable<String>(nil)
    var poll = Nullable<String>(nil)
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
    var account: AccountEntity
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
    var accounts: [AccountEntity]
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
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return encoder
    }()

    /// `2019-12-08T03:48:33.901Z`, as Mastodon writes times.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `2019-12-08`, as Mastodon writes `last_status_at`.
    static func day(_ date: Date) -> String {
        String(timestamp(date).prefix(10))
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
