import Foundation

/// What Starling says about itself (nodeinfo, the instance entities).
public enum StarlingRelease {
    /// Starling's own version, as nodeinfo's `software.version` reports it.
    public static let version = "0.5.0"
    /// The Mastodon API level Starling implements, as the instance entities' `version` reports it
    /// (clients read it to decide which calls to make).
    public static let mastodonAPIVersion = "4.2.0"
    /// nodeinfo's `software.name`: lower case letters, digits and `-` only (the schema's pattern).
    public static let softwareName = "starling"
}

// MARK: Markers

/// The timelines a marker may be set for: Mastodon's `Marker::TIMELINES`.
public enum MarkerTimeline: String, Sendable, CaseIterable, Comparable {
    case home, notifications

    public static func < (a: MarkerTimeline, b: MarkerTimeline) -> Bool { a.rawValue < b.rawValue }
}

/// Reading and writing markers' parameters with Mastodon's names. Mastodon silently drops what it
/// does not know; Starling refuses it instead (a typo would otherwise look like a saved position).
public enum MarkerParameters {
    /// `POST /api/v1/markers`: `home[last_read_id]=…`, `notifications[last_read_id]=…` (form, or
    /// JSON objects flattened to these names). Keys without brackets (`access_token`, …) are not
    /// markers and are left alone.
    /// - Throws: `.validation` for a timeline Mastodon does not know, an unknown field of a known
    ///   timeline, or a `last_read_id` that is not a positive whole number.
    public static func updates(from values: [String: String]) throws(DomainError) -> [MarkerTimeline: Int64] {
        var out: [MarkerTimeline: Int64] = [:]
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let open = key.firstIndex(of: "["), key.hasSuffix("]"), !key.hasSuffix("[]") else { continue }
            let name = String(key[..<open]), field = String(key[key.index(after: open)..<key.index(before: key.endIndex)])
            guard let timeline = MarkerTimeline(rawValue: name) else {
                throw .validation("Validation failed: Timeline is not included in the list (\(name.prefix(40)))")
            }
            guard field == "last_read_id" else {
                throw .validation("Validation failed: \(timeline.rawValue)[\(field.prefix(40))] is not a marker field")
            }
            guard !value.isEmpty else { throw .validation("Validation failed: Last read can't be blank") }
            guard let id = Int64(value), id > 0 else {
                throw .validation("Validation failed: Last read is not a number")
            }
            out[timeline] = id
        }
        return out
    }

    /// `GET /api/v1/markers?timeline[]=…`.
    /// - Throws: `.badParameter` naming an unknown timeline.
    public static func timelines(_ names: [String]) throws(DomainError) -> [MarkerTimeline] {
        var out: [MarkerTimeline] = []
        for name in names {
            guard let timeline = MarkerTimeline(rawValue: name) else {
                throw .badParameter("timeline must be home or notifications, got '\(name.prefix(40))'")
            }
            if !out.contains(timeline) { out.append(timeline) }
        }
        return out.sorted()
    }
}

// MARK: Instance rules

/// The server's rules, set by the operator (`STARLING_RULES`): one rule per line.
public struct InstanceRule: Sendable, Equatable {
    /// Its position, from 1, as a string (Mastodon's rule ids are strings).
    public var id: String
    public var text: String
    /// Mastodon 4.3's longer explanation; Starling's rules have none.
    public var hint: String

    /// Mastodon's limit on a rule's text.
    public static let maxLength = 300
    public static let maxCount = 100

    /// Parses the setting: lines of text, blank lines skipped, each trimmed.
    /// - Throws: `.invalidSetting` naming `setting` for a rule too long or too many rules.
    public static func parse(_ text: String, setting: String = "STARLING_RULES") throws(DomainError) -> [InstanceRule] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count <= maxCount else {
            throw .invalidSetting("\(setting) holds \(lines.count) rules; at most \(maxCount)")
        }
        var rules: [InstanceRule] = []
        for (index, line) in lines.enumerated() {
            guard line.count <= maxLength else {
                throw .invalidSetting("\(setting): rule \(index + 1) is \(line.count) characters long; at most \(maxLength)")
            }
            guard !line.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .invalidSetting("\(setting): rule \(index + 1) contains a control character")
            }
            rules.append(InstanceRule(id: String(index + 1), text: line, hint: ""))
        }
        return rules
    }

    public init(id: String, text: String, hint: String) {
        self.id = id
        self.text = text
        self.hint = hint
    }
}

// MARK: Instance activity

/// `GET /api/v1/instance/activity`: 12 weekly buckets, newest first, each starting on a Monday at
/// 00:00 UTC (Mastodon's commercial weeks; PostgreSQL's `date_trunc('week', …)` agrees).
public enum InstanceActivity {
    public static let weeks = 12

    /// The start of each bucket in Unix seconds, newest (the current week) first.
    public static func weekStarts(now: Date) -> [Int64] {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        // 1970-01-01 was a Thursday: days since the last Monday.
        let sinceMonday = ((day + 3) % 7 + 7) % 7
        let monday = (day - sinceMonday) * 86_400
        return (0..<weeks).map { monday - Int64($0) * 7 * 86_400 }
    }
}

// MARK: WebFinger

/// `GET /.well-known/webfinger?resource=…` (RFC 7033) for local accounts.
public enum WebfingerResource {
    /// The local username a resource names: `acct:name@domain`, `name@domain`, or the account's
    /// profile URL (`<base>/@name`, `<base>/users/name`). `domains` are the names this server
    /// answers to (its host, and host:port when the public URL has a port).
    /// - Throws: `.badParameter` for a missing or malformed resource (400), `.notFound` for another
    ///   server's account (404: Starling does not federate).
    public static func username(of resource: String?, domains: [String], baseURL: String) throws(DomainError) -> String {
        guard let resource, !resource.isEmpty else { throw .badParameter("resource parameter is required") }
        guard resource.count <= 500 else { throw .badParameter("resource is too long") }
        let lowered = resource.lowercased()
        let base = baseURL.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            guard lowered.hasPrefix(base + "/") else { throw .notFound }
            let path = resource.dropFirst(base.count + 1)
            let name: Substring
            if path.hasPrefix("@") {
                name = path.dropFirst()
            } else if path.hasPrefix("users/") {
                name = path.dropFirst("users/".count)
            } else {
                throw .notFound
            }
            return try validName(name)
        }
        var acct = Substring(resource)
        if lowered.hasPrefix("acct:") { acct = acct.dropFirst(5) }
        if acct.hasPrefix("@") { acct = acct.dropFirst() }
        let parts = acct.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .badParameter("resource must be acct:username@domain")
        }
        guard domains.contains(where: { $0.lowercased() == parts[1].lowercased() }) else { throw .notFound }
        return try validName(parts[0])
    }

    private static func validName(_ name: Substring) throws(DomainError) -> String {
        guard !name.isEmpty, name.count <= 30, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw .notFound
        }
        return String(name)
    }
}
