import Foundation
import StarlingDomain

public struct AccountRow: Sendable, Equatable, Codable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var note: String
    public var createdAt: Date
    public var lastStatusAt: Date?
    public var followersCount: Int64
    public var followingCount: Int64
    public var statusesCount: Int64
    /// Followers need approval (follow requests).
    public var locked: Bool = false
    /// Found by an exact e-mail search (`GET /api/v1/accounts/search`).
    public var discoverable: Bool = false
}

/// The immutable part of a status: what the Redis status cache holds (counts are read fresh).
///
/// Its fields live in one immutable class box. A page's rows are copied as they pass from the
/// cache through hydration and rendering, and a copy is one retain, not one per string and array
/// (those copies were a tenth of a home read's reference counting). Two rows sharing a box compare
/// equal without reading their fields: the node's decoded-row cache hands back the same box while
/// a status's cached bytes are unchanged, so the renderer's check that its template is current
/// costs a pointer comparison. A change to any field makes a new box.
public struct StatusRow: Sendable, Equatable, Codable {
    /// The stored fields (and the keys of the legacy JSON form, which `Codable` reads and writes).
    public struct Fields: Sendable, Equatable, Codable {
        public var id: Int64
        public var accountId: Int64
        public var text: String
        public var spoilerText: String
        public var sensitive: Bool
        /// Cached as its raw value (`"public"`, …), the same JSON as before it was typed.
        public var visibility: Visibility
        public var language: String?
        public var inReplyToId: Int64?
        public var inReplyToAccountId: Int64?
        public var createdAt: Date
        /// Mentioned local accounts: (id, username).
        public var mentions: [MentionRef]
        public var tags: [String]
        /// Its media attachments in order (MediaStore.swift); nil or empty when it has none.
        public var media: [MediaRef]? = nil
        /// Set for a reblog: the status it wraps (its own text is empty).
        public var reblogOfId: Int64?
        /// When the status was last edited (nil if never): the cached row is rewritten by every edit.
        public var editedAt: Date?
        /// Its poll, if it has one (the poll's counts live in their own cache, `PollCache`).
        public var pollId: Int64?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    /// Every field at once, read in place; writing it (or any one field) makes a new box.
    public var fields: Fields {
        _read { yield box.fields }
        set { box = Box(newValue) }
    }

    public var id: Int64 { get { box.fields.id } set { fields.id = newValue } }
    public var accountId: Int64 { get { box.fields.accountId } set { fields.accountId = newValue } }
    public var text: String { get { box.fields.text } set { fields.text = newValue } }
    public var spoilerText: String { get { box.fields.spoilerText } set { fields.spoilerText = newValue } }
    public var sensitive: Bool { get { box.fields.sensitive } set { fields.sensitive = newValue } }
    public var visibility: Visibility { get { box.fields.visibility } set { fields.visibility = newValue } }
    public var language: String? { get { box.fields.language } set { fields.language = newValue } }
    public var inReplyToId: Int64? { get { box.fields.inReplyToId } set { fields.inReplyToId = newValue } }
    public var inReplyToAccountId: Int64? { get { box.fields.inReplyToAccountId } set { fields.inReplyToAccountId = newValue } }
    public var createdAt: Date { get { box.fields.createdAt } set { fields.createdAt = newValue } }
    public var mentions: [MentionRef] { get { box.fields.mentions } set { fields.mentions = newValue } }
    public var tags: [String] { get { box.fields.tags } set { fields.tags = newValue } }
    public var media: [MediaRef]? { get { box.fields.media } set { fields.media = newValue } }
    public var reblogOfId: Int64? { get { box.fields.reblogOfId } set { fields.reblogOfId = newValue } }
    public var editedAt: Date? { get { box.fields.editedAt } set { fields.editedAt = newValue } }
    public var pollId: Int64? { get { box.fields.pollId } set { fields.pollId = newValue } }

    public init(id: Int64, accountId: Int64, text: String, spoilerText: String, sensitive: Bool, visibility: Visibility,
                language: String? = nil, inReplyToId: Int64? = nil, inReplyToAccountId: Int64? = nil, createdAt: Date,
                mentions: [MentionRef] = [], tags: [String] = [], media: [MediaRef]? = nil, reblogOfId: Int64? = nil,
                editedAt: Date? = nil, pollId: Int64? = nil) {
        box = Box(Fields(id: id, accountId: accountId, text: text, spoilerText: spoilerText, sensitive: sensitive, visibility: visibility,
                         language: language, inReplyToId: inReplyToId, inReplyToAccountId: inReplyToAccountId, createdAt: createdAt,
                         mentions: mentions, tags: tags, media: media, reblogOfId: reblogOfId, editedAt: editedAt, pollId: pollId))
    }

    public init(fields: Fields) {
        box = Box(fields)
    }

    public init(from decoder: any Decoder) throws {
        box = Box(try Fields(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try box.fields.encode(to: encoder)
    }

    public static func == (lhs: StatusRow, rhs: StatusRow) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    /// What the audience rules read (`Audience`). For a reblog, judge the original's row.
    public var audience: Audience.Status {
        Audience.Status(author: accountId, visibility: visibility, inReplyToAccount: inReplyToAccountId,
                        mentioned: mentions.map(\.id), reblogOf: reblogOfId, tags: tags)
    }
}

/// Counters and the viewer's own actions on a status: read fresh, never cached.
public struct StatusInteractions: Sendable, Equatable {
    public var repliesCount: Int64 = 0
    public var reblogsCount: Int64 = 0
    public var favouritesCount: Int64 = 0
    public var favourited = false
    public var reblogged = false
    /// The viewer bookmarked it; pinned: the viewer is its author and pinned it (ListStore).
    public var bookmarked = false
    public var pinned = false

    public init() {}
}

public struct NotificationRow: Sendable, Equatable {
    public var id: Int64
    public var type: NotificationKind
    public var fromAccountId: Int64
    public var statusId: Int64?
    public var createdAt: Date
}

public struct MentionRef: Sendable, Equatable, Codable {
    public var id: Int64
    public var username: String

    public init(id: Int64, username: String) {
        self.id = id
        self.username = username
    }
}

/// Who made an authenticated request.
public struct TokenOwner: Sendable, Equatable {
    public var accountId: Int64?
    public var appId: Int64
    public var scopes: String
    /// Seconds since the account was last active before this request (nil for app-only tokens).
    public var idleSeconds: Double?
}

public struct OAuthApp: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var website: String?
    public var redirectURI: String
    public var scopes: String
    public var clientId: String
}

public struct Relationship: Sendable, Equatable {
    public var id: Int64
    public var following: Bool
    public var followedBy: Bool
}

/// A unit of fan-out work claimed from the outbox.
public struct OutboxJob: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case post, delete, follow, unfollow, favourite }
    public var id: Int64
    public var kind: Kind
    public var statusId: Int64
    /// The author (post, delete) or the follower (follow, unfollow).
    public var accountId: Int64
    /// The followee (follow, unfollow).
    public var targetId: Int64
    /// Followers after this id are this chunk's.
    public var cursor: Int64
    public var attempts: Int
    /// True when this row was claimed before (by a worker that died or failed): the work may be
    /// partly done, so deliveries must not add a second copy.
    public var isRedo = false
    /// The follower count of `accountId` when the job was leased (for a post: its author's, which
    /// decides push or pull).
    public var accountFollowers: Int64 = 0
    /// A post job's status as the lease read it (`OutboxStore.lease`), nil if it was deleted (or
    /// the job is of another kind).
    public var status: LeasedStatus?
}

/// A status read with the job that delivers it: its row without attachments, whether it has any,
/// and whether its author is in any list (if not, no list gets it and none is read).
public struct LeasedStatus: Sendable, Equatable {
    public var row: StatusRow
    public var hasMedia: Bool
    public var authorListed: Bool
}

enum Tokens {
    /// 32 random bytes, base64url without padding: 43 characters.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
