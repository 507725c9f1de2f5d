/// Web Push subscription rules, as Mastodon applies them: which notifications a subscription
/// wants (its alerts and policy), which endpoints it may name, and what the pushed payload says.

/// Who may trigger a push, relative to the subscriber (Mastodon's `data[policy]`).
public enum PushPolicy: String, Sendable, CaseIterable {
    /// Anyone.
    case all
    /// Only accounts the subscriber follows.
    case followed
    /// Only accounts that follow the subscriber.
    case follower
    /// Nobody: the subscription stays, pushes stop.
    case none

    /// - Throws: 422 naming the bad value.
    public static func parse(_ text: String?) throws(DomainError) -> PushPolicy {
        guard let text, !text.isEmpty else { return .all }
        guard let policy = PushPolicy(rawValue: text) else {
            throw .validation("Validation failed: Policy must be one of all, followed, follower, none")
        }
        return policy
    }

    /// Whether a notification from an account the subscriber does or does not follow (and that
    /// does or does not follow the subscriber) is pushed. The delivery query applies the same
    /// rule in SQL; this is its statement, tested.
    public func allows(subscriberFollowsSender: Bool, senderFollowsSubscriber: Bool) -> Bool {
        switch self {
        case .all: true
        case .followed: subscriberFollowsSender
        case .follower: senderFollowsSubscriber
        case .none: false
        }
    }
}

/// The notification types a subscription receives. Mastodon pushes a type only when its alert is
/// explicitly on: a subscription made without alerts receives nothing until it is updated.
public struct PushAlerts: Equatable, Sendable {
    public private(set) var enabled: Set<NotificationKind>

    public init(enabled: Set<NotificationKind> = []) {
        self.enabled = enabled
    }

    /// From `data[alerts][<type>]` values ("true", "1", …). Unknown types are ignored, as
    /// Mastodon's strong parameters drop them; a value that is not a boolean is a 422.
    /// - Parameter current: the alerts kept for types the request does not name (an update).
    public static func parse(_ values: [String: String], current: PushAlerts = PushAlerts()) throws(DomainError) -> PushAlerts {
        var alerts = current
        for (type, value) in values {
            guard let kind = NotificationKind(rawValue: type) else { continue }
            switch value.lowercased() {
            case "true", "1", "on", "yes", "t": alerts.enabled.insert(kind)
            case "false", "0", "off", "no", "f", "": alerts.enabled.remove(kind)
            default: throw .validation("Validation failed: alerts[\(type)] must be true or false")
            }
        }
        return alerts
    }

    /// Stored and queried as the raw type names, sorted.
    public var rawValues: [String] { enabled.map(\.rawValue).sorted() }

    public init(rawValues: [String]) {
        enabled = Set(rawValues.compactMap(NotificationKind.init(rawValue:)))
    }
}

/// A push endpoint a subscription may name.
public enum PushEndpoint {
    public static let maxLength = 2048

    /// An `https` URL, or `http` to a loopback host (a push service on the same machine, as in
    /// tests), or any `http` URL when the operator allows it. Everything else is a 422: the
    /// worker must never be made to send requests to arbitrary schemes.
    public static func validate(_ text: String, allowInsecure: Bool = false) throws(DomainError) {
        guard !text.isEmpty else { throw .validation("Validation failed: Endpoint can't be blank") }
        guard text.utf8.count <= maxLength else { throw .validation("Validation failed: Endpoint is too long") }
        guard !text.contains(where: { $0.isWhitespace || !$0.isASCII }) else { throw .validation("Validation failed: Endpoint is invalid") }
        let lower = text.lowercased()
        let secure = lower.hasPrefix("https://")
        guard secure || lower.hasPrefix("http://") else { throw .validation("Validation failed: Endpoint must be an https URL") }
        let rest = lower.dropFirst(secure ? 8 : 7)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@"), let host = host(of: authority), !host.isEmpty else {
            throw .validation("Validation failed: Endpoint is invalid")
        }
        if !secure && !allowInsecure && !isLoopback(host) {
            throw .validation("Validation failed: Endpoint must be an https URL")
        }
    }

    /// The host of `host[:port]` or `[v6][:port]`; nil if the port is not a number.
    static func host(of authority: Substring) -> Substring? {
        var host = authority, port: Substring = ""
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            port = authority[authority.index(after: close)...]
            if !port.isEmpty { guard port.hasPrefix(":") else { return nil }; port = port.dropFirst() }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber), port.count <= 5 else { return nil }
        return host
    }

    static func isLoopback(_ host: Substring) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// What Mastodon pushes for a notification (`Web::NotificationSerializer`): the app finds the
/// notification by id with the token, and can show title, body and icon without fetching.
public struct PushNotificationPayload: Encodable, Equatable, Sendable {
    public var accessToken: String
    public var preferredLocale: String
    public var notificationId: Int64
    public var notificationType: String
    public var icon: String
    public var title: String
    public var body: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", preferredLocale = "preferred_locale", notificationId = "notification_id"
        case notificationType = "notification_type", icon, title, body
    }

    /// - Parameters:
    ///   - senderName: the sender's display name, or their username when it is empty.
    ///   - statusText: the status's spoiler text if it has one, else its text; nil for notifications
    ///     without a status, whose body is the sender's profile note.
    public init(accessToken: String, locale: String = "en", notificationId: Int64, type: NotificationKind, icon: String,
                senderName: String, statusText: String?, senderNote: String) {
        self.accessToken = accessToken
        self.preferredLocale = locale
        self.notificationId = notificationId
        self.notificationType = type.rawValue
        self.icon = icon
        self.title = Self.title(type, name: senderName)
        self.body = Self.truncate(Self.plainText(statusText ?? senderNote), length: 140)
    }

    /// Mastodon's English notification subjects.
    public static func title(_ type: NotificationKind, name: String) -> String {
        switch type {
        case .mention: "You were mentioned by \(name)"
        case .status: "\(name) just posted"
        case .reblog: "\(name) boosted your post"
        case .follow: "\(name) is now following you"
        case .followRequest: "Pending follower: \(name)"
        case .favourite: "\(name) favorited your post"
        case .poll: "A poll by \(name) has ended"
        case .update: "\(name) edited a post"
        case .adminSignUp: "New sign-up: \(name)"
        case .adminReport: "New report by \(name)"
        }
    }

    /// Text without HTML tags, with the common entities decoded (the payload is not HTML).
    public static func plainText(_ html: String) -> String {
        var out = "", inTag = false
        for character in html {
            if character == "<" { inTag = true; continue }
            if character == ">" && inTag { inTag = false; continue }
            if !inTag { out.append(character) }
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&amp;", "&")] {
            out = out.replacing(entity, with: character)
        }
        return out
    }

    /// Rails' `truncate`: at most `length` characters, the last three "..." when cut.
    public static func truncate(_ text: String, length: Int) -> String {
        guard text.count > length else { return text }
        return String(text.prefix(length - 3)) + "..."
    }
}

/// What a push service's answer means for a delivery (RFC 8030 §5-§7, as Mastodon treats them).
public enum PushOutcome: Equatable, Sendable {
    /// Accepted (2xx): delete the delivery.
    case delivered
    /// 404 or 410: the subscription has expired or was removed; delete it.
    case subscriptionGone
    /// Try again after this many seconds.
    case retry(after: Double)
    /// Will not succeed (another 4xx, or out of attempts): delete the delivery.
    case drop

    /// - Parameters:
    ///   - status: the HTTP status, nil for a network error or timeout.
    ///   - attempts: attempts made so far, this one included.
    ///   - retryAfter: the `Retry-After` header's seconds, if any (429 and 503 send one).
    ///   - baseDelay: the first retry's delay; each further one doubles it, up to an hour.
    public static func classify(status: Int?, attempts: Int, maxAttempts: Int, retryAfter: Double? = nil, baseDelay: Double = 1) -> PushOutcome {
        let transient: Bool
        switch status {
        case .some(200..<300): return .delivered
        case .some(404), .some(410): return .subscriptionGone
        case .none, .some(408), .some(429), .some(500..<600): transient = true
        default: transient = false
        }
        guard transient, attempts < maxAttempts else { return .drop }
        let backoff = baseDelay * Double(1 << min(max(attempts - 1, 0), 20))
        return .retry(after: min(3600, max(backoff, min(retryAfter ?? 0, 3600))))
    }
}
