import Foundation
import StarlingDomain

/// Mastodon's Status entity.
///
/// The fields that are the same for every viewer and change only with an edit (id to url, content,
/// attachments to card) live in one immutable box: a page's statuses are copied as they pass from
/// hydration through the visibility rules and filters, and a copy is then one retain, not a dozen.
/// The box may also hold those fields' JSON, written once per status per node (`prewritten`, set by
/// the renderer's cache): a page copies those bytes instead of writing and escaping every field
/// again. Changing any of the fields makes a new box without JSON, so it never disagrees with them.
struct StatusEntity: Encodable, Sendable {
    /// The viewer-independent fields.
    struct Fixed: Sendable {
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
        var content: String
        var mediaAttachments: [MediaAttachmentEntity] = []
        var mentions: [MentionEntity]
        var tags: [TagEntity]
        var emojis: [String] = []
        var card = Nullable<String>(nil)
        /// Written among the viewer's fields (not in `prewritten`), but the same for every viewer.
        var editedAt = Nullable<String>(nil)
    }

    /// What few statuses carry: the source text (only to its author), a poll, an application,
    /// matched filters. In one box, absent for most statuses, so that a copy of a status (one for
    /// every status of every page, from the renderer's template) does not retain each of them.
    private struct Extras: Sendable {
        var text = Nullable<String>(nil)
        var application = Nullable<ApplicationEntity>(nil)
        /// The viewer's filters that matched (filters v2, DirectFilterRoutes.swift); absent when none did.
        var filtered: [FilterResultEntity]? = nil
        var poll = Nullable<PollEntity>(nil)
    }

    private final class ExtrasBox: Sendable {
        let extras: Extras
        init(_ extras: Extras) { self.extras = extras }
    }

    /// The viewer-independent fields' JSON in the three runs `writeJSON` places between the others.
    final class Prewritten: Sendable {
        /// `id` to `url`.
        let head: [UInt8]
        let content: [UInt8]
        /// `media_attachments` to `card`.
        let tail: [UInt8]
        /// The three runs' bytes together.
        let size: Int
        init(head: [UInt8], content: [UInt8], tail: [UInt8]) {
            (self.head, self.content, self.tail) = (head, content, tail)
            size = head.count + content.count + tail.count
        }
    }

    private final class FixedBox: Sendable {
        let fields: Fixed
        let json: Prewritten?
        /// What the audience rules read, taken from the row the fields were rendered from.
        let audience: Audience.Status?
        init(_ fields: Fixed, json: Prewritten?, audience: Audience.Status? = nil) {
            (self.fields, self.json, self.audience) = (fields, json, audience)
        }
    }

    private var fixedBox: FixedBox

    private var extrasBox: ExtrasBox?

    var repliesCount: Int64 = 0
    var reblogsCount: Int64 = 0
    var favouritesCount: Int64 = 0
    var favourited = false
    var reblogged = false
    var muted = false
    var bookmarked = false
    var pinned = false
    var reblog = Nullable<ReblogBox>(nil)
    @Shared var account: AccountEntity

    /// A status whose author is a shared box (`Renderer.sharedAccount`).
    init(id: String, createdAt: Date, inReplyToId: Nullable<String>, inReplyToAccountId: Nullable<String>, sensitive: Bool,
         spoilerText: String, visibility: String, language: Nullable<String>, uri: String, url: String, content: String,
         text: Nullable<String>, author: Shared<AccountEntity>, mentions: [MentionEntity], tags: [TagEntity]) {
        fixedBox = FixedBox(Fixed(id: id, createdAt: createdAt, inReplyToId: inReplyToId, inReplyToAccountId: inReplyToAccountId,
                                  sensitive: sensitive, spoilerText: spoilerText, visibility: visibility, language: language,
                                  uri: uri, url: url, content: content, mentions: mentions, tags: tags), json: nil)
        self._account = author
        if text.value != nil { self.text = text }
    }

    init(id: String, createdAt: Date, inReplyToId: Nullable<String>, inReplyToAccountId: Nullable<String>, sensitive: Bool,
         spoilerText: String, visibility: String, language: Nullable<String>, uri: String, url: String, content: String,
         text: Nullable<String>, account: AccountEntity, mentions: [MentionEntity], tags: [TagEntity]) {
        self.init(id: id, createdAt: createdAt, inReplyToId: inReplyToId, inReplyToAccountId: inReplyToAccountId, sensitive: sensitive,
                  spoilerText: spoilerText, visibility: visibility, language: language, uri: uri, url: url, content: content,
                  text: text, author: Shared(wrappedValue: account), mentions: mentions, tags: tags)
    }

    /// The viewer-independent fields, read from the box; a write replaces the box (without JSON).
    var fixed: Fixed {
        _read { yield fixedBox.fields }
        set { fixedBox = FixedBox(newValue, json: nil) }
    }

    /// The viewer-independent fields' JSON, or nil (then they are written one by one).
    var prewritten: Prewritten? {
        get { fixedBox.json }
        set { fixedBox = FixedBox(fixedBox.fields, json: newValue, audience: fixedBox.audience) }
    }

    /// The facts the audience rules read, as the renderer took them from the status's row; nil
    /// when it did not (`TimelineReader.audience(of:)` then parses them from the fields). Kept
    /// with the fields, so a change to any field drops them with the JSON.
    var audienceFacts: Audience.Status? { fixedBox.audience }

    /// Sets the JSON and the audience facts of the fields as they are now, in one new box.
    mutating func seal(_ json: Prewritten, audience: Audience.Status) {
        fixedBox = FixedBox(fixedBox.fields, json: json, audience: audience)
    }

    var id: String { get { fixed.id } set { fixed.id = newValue } }
    var createdAt: Date { get { fixed.createdAt } set { fixed.createdAt = newValue } }
    var inReplyToId: Nullable<String> { get { fixed.inReplyToId } set { fixed.inReplyToId = newValue } }
    var inReplyToAccountId: Nullable<String> { get { fixed.inReplyToAccountId } set { fixed.inReplyToAccountId = newValue } }
    var sensitive: Bool { get { fixed.sensitive } set { fixed.sensitive = newValue } }
    var spoilerText: String { get { fixed.spoilerText } set { fixed.spoilerText = newValue } }
    var visibility: String { get { fixed.visibility } set { fixed.visibility = newValue } }
    var language: Nullable<String> { get { fixed.language } set { fixed.language = newValue } }
    var uri: String { get { fixed.uri } set { fixed.uri = newValue } }
    var url: String { get { fixed.url } set { fixed.url = newValue } }
    var content: String { get { fixed.content } set { fixed.content = newValue } }
    var mediaAttachments: [MediaAttachmentEntity] { get { fixed.mediaAttachments } set { fixed.mediaAttachments = newValue } }
    var mentions: [MentionEntity] { get { fixed.mentions } set { fixed.mentions = newValue } }
    var tags: [TagEntity] { get { fixed.tags } set { fixed.tags = newValue } }
    var emojis: [String] { get { fixed.emojis } set { fixed.emojis = newValue } }
    var card: Nullable<String> { get { fixed.card } set { fixed.card = newValue } }
    var editedAt: Nullable<String> { get { fixed.editedAt } set { fixed.editedAt = newValue } }

    /// The extras, read from their box (or the defaults); a write replaces the box.
    private var extras: Extras {
        get { extrasBox?.extras ?? Extras() }
        set { extrasBox = ExtrasBox(newValue) }
    }

    var text: Nullable<String> { get { extras.text } set { extras.text = newValue } }
    var application: Nullable<ApplicationEntity> { get { extras.application } set { extras.application = newValue } }
    var filtered: [FilterResultEntity]? { get { extras.filtered } set { extras.filtered = newValue } }
    var poll: Nullable<PollEntity> { get { extras.poll } set { extras.poll = newValue } }

    /// Changing the author alone keeps `prewritten` (the account is written apart from it).
    mutating func setAuthor(_ author: Shared<AccountEntity>) {
        _account = author
    }

    /// Every field, in Mastodon's order.
    enum CodingKeys: String, CodingKey {
        case id, createdAt, inReplyToId, inReplyToAccountId, sensitive, spoilerText, visibility, language, uri, url
        case repliesCount, reblogsCount, favouritesCount, editedAt, favourited, reblogged, muted, bookmarked, pinned
        case content, text, reblog, application, account, mediaAttachments, mentions, tags, emojis, card, poll, filtered
    }

    /// For the reference encoder (tests) and `Encodable` containers: the same keys and values as `writeJSON`.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let f = fixed
        try c.encode(f.id, forKey: .id)
        try c.encode(f.createdAt, forKey: .createdAt)
        try c.encode(f.inReplyToId, forKey: .inReplyToId)
        try c.encode(f.inReplyToAccountId, forKey: .inReplyToAccountId)
        try c.encode(f.sensitive, forKey: .sensitive)
        try c.encode(f.spoilerText, forKey: .spoilerText)
        try c.encode(f.visibility, forKey: .visibility)
        try c.encode(f.language, forKey: .language)
        try c.encode(f.uri, forKey: .uri)
        try c.encode(f.url, forKey: .url)
        try c.encode(repliesCount, forKey: .repliesCount)
        try c.encode(reblogsCount, forKey: .reblogsCount)
        try c.encode(favouritesCount, forKey: .favouritesCount)
        try c.encode(editedAt, forKey: .editedAt)
        try c.encode(favourited, forKey: .favourited)
        try c.encode(reblogged, forKey: .reblogged)
        try c.encode(muted, forKey: .muted)
        try c.encode(bookmarked, forKey: .bookmarked)
        try c.encode(pinned, forKey: .pinned)
        try c.encode(f.content, forKey: .content)
        try c.encode(text, forKey: .text)
        try c.encode(reblog, forKey: .reblog)
        try c.encode(application, forKey: .application)
        try c.encode(account, forKey: .account)
        try c.encode(f.mediaAttachments, forKey: .mediaAttachments)
        try c.encode(f.mentions, forKey: .mentions)
        try c.encode(f.tags, forKey: .tags)
        try c.encode(f.emojis, forKey: .emojis)
        try c.encode(f.card, forKey: .card)
        try c.encode(poll, forKey: .poll)
        try c.encodeIfPresent(filtered, forKey: .filtered)
    }
}

extension StatusEntity: JSONWritable {
    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        let json = fixedBox.json
        if let json { w.prewrittenFields(json.head) } else { writeHead(to: &w) }
        w.field("replies_count", repliesCount)
        w.field("reblogs_count", reblogsCount)
        w.field("favourites_count", favouritesCount)
        w.field("edited_at", fixedBox.fields.editedAt)
        w.field("favourited", favourited)
        w.field("reblogged", reblogged)
        w.field("muted", muted)
        w.field("bookmarked", bookmarked)
        w.field("pinned", pinned)
        if let json { w.prewrittenFields(json.content) } else { w.field("content", fixed.content) }
        let extras = extrasBox?.extras
        w.field("text", extras?.text ?? Nullable(nil))
        w.field("reblog", reblog)
        w.field("application", extras?.application ?? Nullable(nil))
        w.key("account")
        _account.writeJSON(to: &w)
        if let json { w.prewrittenFields(json.tail) } else { writeTail(to: &w) }
        w.field("poll", extras?.poll ?? Nullable(nil))
        if let filtered = extras?.filtered { w.field("filtered", filtered) }
        w.endObject()
    }

    /// The prewritten runs (or a typical size without them), plus the account, counters and flags
    /// (about 1 KB: the account is two thirds of it), plus the reblogged status.
    var jsonSizeEstimate: Int {
        let fixed = fixedBox.json?.size ?? 1024
        guard let reblog = reblog.value else { return fixed + 1024 }
        return fixed + 1024 + reblog.status.jsonSizeEstimate
    }

    /// This status's viewer-independent fields written once, for `prewritten`.
    func prewrite() -> Prewritten {
        var head = JSONWriter(capacity: 512), content = JSONWriter(capacity: 512), tail = JSONWriter(capacity: 512)
        writeHead(to: &head)
        content.field("content", fixed.content)
        writeTail(to: &tail)
        return Prewritten(head: head.bytes, content: content.bytes, tail: tail.bytes)
    }

    private func writeHead(to w: inout JSONWriter) {
        let f = fixedBox  // fields read in place, not copied out of the box
        w.field("id", f.fields.id)
        w.field("created_at", f.fields.createdAt)
        w.field("in_reply_to_id", f.fields.inReplyToId)
        w.field("in_reply_to_account_id", f.fields.inReplyToAccountId)
        w.field("sensitive", f.fields.sensitive)
        w.field("spoiler_text", f.fields.spoilerText)
        w.field("visibility", f.fields.visibility)
        w.field("language", f.fields.language)
        w.field("uri", f.fields.uri)
        w.field("url", f.fields.url)
    }

    private func writeTail(to w: inout JSONWriter) {
        let f = fixedBox
        w.field("media_attachments", f.fields.mediaAttachments)
        w.field("mentions", f.fields.mentions)
        w.field("tags", f.fields.tags)
        w.field("emojis", f.fields.emojis)
        w.field("card", f.fields.card)
    }
}
