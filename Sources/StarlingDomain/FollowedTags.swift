/// Followed hashtags, as Mastodon delivers them (`FanOutOnWriteService#deliver_to_hashtag_followers!`
/// and `FeedManager#filter_from_tags?`):
///
/// - A status reaches the followers of its tags when it is *broadcastable*: public and not a reblog
///   (the statuses that also go to the public and hashtag streams, `Audience.isPubliclyListed`).
///   Unlisted, private and direct statuses never do.
/// - Its author is not a recipient through a tag (their own home gets it as their own status).
/// - The reply rule does not apply to this path: Mastodon's tag filter has none, so a reply to a
///   stranger carrying a followed tag reaches the tag's followers, including those who follow the
///   author but were left out of the follower fan-out by the reply rule.
/// - A reader who gets the status both as a follower and through a tag gets it once (the fan-out
///   query takes the union; readers dedupe besides).
///
/// The hybrid pull model: a celebrity's statuses are not pushed to their followers, who merge the
/// celebrity's own list at read time. Their tagged statuses are still pushed to the tag followers
/// who do *not* follow the celebrity (followers would get a second copy of what they pull anyway).
/// So the cost of a post stays proportional to its tags' followers, never to the author's follower
/// count, and a reader who follows both the celebrity and the tag sees the status once, by pull.
/// Under the pure `pull` model no home list is read, so followed tags do not reach homes there
/// (`TagFanout` is not planned: see `Audience.tagFanout(of:authorPulled:model:)`).
public struct TagFanout: Sendable, Hashable {
    /// The status's tags whose followers get it (normalised names).
    public var tags: [String]
    /// The author is pulled at read time: their followers get nothing pushed through a tag either.
    public var exceptAuthorFollowers: Bool

    public init(tags: [String], exceptAuthorFollowers: Bool) {
        self.tags = tags
        self.exceptAuthorFollowers = exceptAuthorFollowers
    }

    /// Whether `account` gets the status pushed through a tag; the tag half of the SQL in
    /// `FanoutStore.recipients` is this predicate.
    public func admits(account: Int64, author: Int64, followsAuthor: Bool, followedTags: Set<String>) -> Bool {
        guard account != author, tags.contains(where: followedTags.contains) else { return false }
        return !(exceptAuthorFollowers && followsAuthor)
    }
}

extension Audience {
    /// The tags through which a status reaches its tags' followers' homes: all of them for a public
    /// status that is not a reblog, none otherwise.
    public static func followedTagReach(of status: Status) -> [String] {
        isPubliclyListed(status) ? status.tags : []
    }

    /// The tag fan-out of a status, or nil when there is none: no tag reaches anyone, or the model is
    /// `pull` (nobody's home list is read there).
    public static func tagFanout(of status: Status, authorPulled: Bool, model: FanoutModel) -> TagFanout? {
        let tags = followedTagReach(of: status)
        guard !tags.isEmpty, model != .pull else { return nil }
        return TagFanout(tags: tags, exceptAuthorFollowers: authorPulled)
    }

    /// Whether the status may be on `viewer`'s home because the viewer follows one of its tags
    /// (and so is exempt from the reply rule there). The author's own statuses do not count: they
    /// are on their home as their own.
    public static func arrivesThroughFollowedTag(_ status: Status, viewer: Int64, relations: ViewerRelations) -> Bool {
        viewer != status.author && followedTagReach(of: status).contains(where: relations.followedTags.contains)
    }

    /// The tags whose follow edge (viewer → tag) the home rules read for this status: only a public
    /// reply to someone else needs them (anything else passes or fails without them), so the reader
    /// loads the viewer's followed tags only for such statuses.
    public static func followedTagsNeeded(for status: Status, onHome: Bool) -> [String] {
        guard onHome, status.repliesToOther != nil else { return [] }
        return followedTagReach(of: status)
    }
}

/// A hashtag name as a path segment (`/api/v1/tags/:name`): what Mastodon's `HASHTAG_NAME_RE`
/// accepts in the form the status parser finds tags in — letters, digits and `_`, at least one
/// letter, at most `maxLength` characters — normalised to lower case.
public enum TagName {
    /// The longest tag the status parser records (`StatusTextParser.hashtags`).
    public static let maxLength = 100

    /// - Throws: `.notFound` for a name that is not a hashtag (as Mastodon answers 404), `.validation`
    ///   for one longer than `maxLength`.
    public static func parse(_ raw: String) throws(DomainError) -> String {
        let name = raw.hasPrefix("#") ? String(raw.dropFirst()) : raw
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
              name.contains(where: \.isLetter) else {
            throw .notFound
        }
        guard name.count <= maxLength else {
            throw .validation("Validation failed: Name is too long (maximum is \(maxLength) characters)")
        }
        return StatusTextParser.normaliseTag(name)
    }
}
