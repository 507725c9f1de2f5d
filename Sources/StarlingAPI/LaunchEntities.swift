import Foundation
import StarlingDomain
import StarlingMedia
import StarlingStore

// The entities of the launch calls (LaunchRoutes.swift). Cold routes: `Encodable`, written by
// `JSON.encoder` (snake_case keys), except nodeinfo and WebFinger, whose keys are written as declared.

/// What a status may carry on this server (polls: `APISettings.polls`, media: `MediaLimits`); accounts feature no tags.
enum InstanceLimits {
    static let maxMediaAttachments = MediaLimits.standard.maxAttachments
    static let maxFeaturedTags = 0
}

/// `/api/v2/instance` (Mastodon 4.2's Instance entity).
struct InstanceV2Entity: Encodable, Sendable {
    static let about = "A Starling microblogging cluster"

    var domain: String
    var title: String
    var version: String
    var sourceUrl = "https://github.com/starling"
    var description = InstanceV2Entity.about
    var usage: Usage
    var thumbnail: Thumbnail
    var languages = ["en"]
    var configuration: InstanceConfiguration
    var registrations = Registrations()
    var contact: Contact
    var rules: [RuleEntity]

    struct Usage: Encodable, Sendable {
        var users: Users
        struct Users: Encodable, Sendable { var activeMonth: Int64 }
    }
    struct Thumbnail: Encodable, Sendable { var url: String }
    struct Registrations: Encodable, Sendable {
        var enabled = true
        var approvalRequired = false
        var message = Nullable<String>(nil)
    }
    struct Contact: Encodable, Sendable {
        var email: String
        var account = Nullable<String>(nil)
    }
}

/// The `configuration` of both instance entities: the limits Starling enforces.
struct InstanceConfiguration: Encodable, Sendable {
    /// `urls.streaming` (v2 only; v1 has `urls.streaming_api` at the top level).
    var urls: URLs?
    var accounts = Accounts()
    var statuses: Statuses
    var mediaAttachments = MediaAttachments()
    var polls = Polls()
    var translation = Translation()
    /// The server's VAPID public key (set by `instanceV2`; v1 has none).
    var vapid: Vapid?

    init(settings: APISettings, streaming: String?) {
        urls = streaming.map { URLs(streaming: $0) }
        statuses = Statuses(maxCharacters: settings.maxCharacters)
        polls = Polls(limits: settings.polls)
    }

    struct URLs: Encodable, Sendable { var streaming: String }
    struct Vapid: Encodable, Sendable { var publicKey: String }
    struct Accounts: Encodable, Sendable {
        var maxFeaturedTags = InstanceLimits.maxFeaturedTags
    }
    struct Statuses: Encodable, Sendable {
        /// `STARLING_MAX_CHARACTERS`, counted as Mastodon counts (`StatusTextRules`).
        var maxCharacters: Int
        var maxMediaAttachments = InstanceLimits.maxMediaAttachments
        /// Every URL counts as this many characters (`StatusTextRules.urlLength`).
        var charactersReservedPerUrl = StatusTextRules.urlLength
    }
    /// Images only (MediaRoutes.swift): what the sniffer accepts, the upload limit, the pixel limit.
    struct MediaAttachments: Encodable, Sendable {
        var supportedMimeTypes: [String] = MediaFormat.allCases.map(\.mimeType)
        var imageSizeLimit = MediaComponents.shared.settings.maxBytes
        var imageMatrixLimit = MediaLimits.standard.maxInputPixels
        var videoSizeLimit = 0
        var videoFrameRateLimit = 0
        var videoMatrixLimit = 0
    }
    /// The poll limits posts and edits are held to (`PollRules`, `APISettings.polls`).
    struct Polls: Encodable, Sendable {
        var maxOptions: Int
        var maxCharactersPerOption: Int
        var minExpiration: Int
        var maxExpiration: Int

        init(limits: PollLimits = PollLimits()) {
            maxOptions = limits.maxOptions
            maxCharactersPerOption = limits.maxCharactersPerOption
            minExpiration = limits.minExpiration
            maxExpiration = limits.maxExpiration
        }
    }
    struct Translation: Encodable, Sendable { var enabled = false }
}

/// `/api/v1/instance` (Mastodon's V1::Instance entity).
struct InstanceV1Entity: Encodable, Sendable {
    var uri: String
    var title: String
    var shortDescription: String
    var description: String
    var email: String
    var version: String
    var urls: URLs
    var stats: Stats
    var thumbnail = Nullable<String>(nil)
    var languages = ["en"]
    var registrations = true
    var approvalRequired = false
    var invitesEnabled = false
    var configuration: InstanceConfiguration
    var contactAccount = Nullable<String>(nil)
    var rules: [RuleEntity]

    struct URLs: Encodable, Sendable { var streamingApi: String }
    struct Stats: Encodable, Sendable {
        var userCount: Int64
        var statusCount: Int64
        /// Other servers known: none, Starling does not federate.
        var domainCount: Int64
    }
}

struct RuleEntity: Encodable, Sendable {
    var id: String
    var text: String
    var hint: String

    init(_ rule: InstanceRule) {
        id = rule.id
        text = rule.text
        hint = rule.hint
    }
}

/// One week of `/api/v1/instance/activity`; every value a string, as Mastodon writes them.
struct ActivityEntity: Encodable, Sendable {
    var week: String
    var statuses: String
    var logins: String
    var registrations: String
}

/// `/api/v1/preferences`: the keys are Mastodon's, colons included.
struct PreferencesEntity: Encodable, Sendable {
    var visibility = Visibility.default.rawValue
    var sensitive = false
    var language = Nullable<String>(nil)
    var expandMedia = "default"
    var expandSpoilers = false

    enum CodingKeys: String, CodingKey {
        case visibility = "posting:default:visibility", sensitive = "posting:default:sensitive"
        case language = "posting:default:language", expandMedia = "reading:expand:media"
        case expandSpoilers = "reading:expand:spoilers"
    }
}

/// `/api/v1/markers`: an object keyed by timeline name, holding only the markers that exist.
struct MarkersEntity: Encodable, Sendable {
    var markers: [MarkerStore.Marker]

    init(_ markers: [MarkerStore.Marker]) { self.markers = markers }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct Entity: Encodable, Sendable {
        var lastReadId: String
        var version: Int
        var updatedAt: Date
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for marker in markers {
            try container.encode(Entity(lastReadId: String(marker.lastReadId), version: marker.version, updatedAt: marker.updatedAt),
                                 forKey: Key(stringValue: marker.timeline.rawValue))
        }
    }
}

/// Mastodon's Tag entity; `following` only for a signed-in viewer, as Mastodon writes it.
struct FollowableTagEntity: Encodable, Sendable {
    /// The tag's id; empty for a tag no status or follow has created yet (Mastodon's `id.to_s` of an unsaved tag).
    var id: String
    var name: String
    var url: String
    var history: [TagHistoryEntity]
    var following: Bool?
}

// MARK: nodeinfo and WebFinger (keys as declared)

struct NodeinfoLinks: Encodable, Sendable {
    var links: [Link]
    struct Link: Encodable, Sendable {
        var rel: String
        var href: String
    }
}

/// nodeinfo 2.0. `protocols` is empty: Starling speaks no federation protocol (the schema asks for
/// one at least; claiming ActivityPub would send other servers to endpoints that do not exist).
struct Nodeinfo: Encodable, Sendable {
    var version = "2.0"
    var software: Software
    var protocols: [String] = []
    var services = Services()
    var usage: Usage
    var openRegistrations: Bool
    var metadata: Metadata

    struct Software: Encodable, Sendable {
        var name: String
        var version: String
    }
    struct Services: Encodable, Sendable {
        var inbound: [String] = []
        var outbound: [String] = []
    }
    struct Usage: Encodable, Sendable {
        var users: Users
        var localPosts: Int64
        struct Users: Encodable, Sendable {
            var total: Int64
            var activeMonth: Int64
            var activeHalfyear: Int64
        }
    }
    struct Metadata: Encodable, Sendable { var nodeName: String }
}

/// A JSON Resource Descriptor (RFC 7033 §4.4).
struct WebfingerEntity: Encodable, Sendable {
    var subject: String
    var aliases: [String]
    var links: [Link]
    struct Link: Encodable, Sendable {
        var rel: String
        var type: String
        var href: String
    }
}
