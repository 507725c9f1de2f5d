import Foundation
import Hummingbird
import StarlingDomain
import StarlingRedis
import StarlingStore
import StarlingTimelines

extension APIServices {
    var editPolls: EditPollStore { EditPollStore(database: database) }
    var pollCache: PollCache { PollCache(redis: redis, ttlSeconds: cache.settings.statusTTLSeconds) }
}

extension MastodonRoutes {
    func registerEditsAndPolls(on routes: APIRoutes) {
        routes.authenticated(.writeStatuses).put("/api/v1/statuses/:id") { _, context in
            try await editStatus(context, id: context.parameters.get("id"))
        }
        routes.authenticated(.readStatuses).get("/api/v1/statuses/:id/history") { _, context in
            try await statusHistory(context, id: context.parameters.get("id"))
        }
        routes.authenticated(.readStatuses).get("/api/v1/statuses/:id/source") { _, context in
            try await statusSource(context, id: context.parameters.get("id"))
        }
        routes.authenticated(.readStatuses).get("/api/v1/polls/:id") { _, context in
            try await getPoll(context, id: context.parameters.get("id"))
        }
        routes.authenticated(.writeStatuses).post("/api/v1/polls/:id/votes") { _, context in
            try await vote(context, id: context.parameters.get("id"))
        }
    }

    // MARK: Poll parameters

    /// `poll[options][]`, `poll[expires_in]`, `poll[multiple]`, `poll[hide_totals]`, validated by the
    /// domain's rules; nil when the request names no poll.
    static func pollSpec(_ params: Params, limits: PollLimits) throws -> PollSpec? {
        guard params.values.keys.contains(where: { $0.hasPrefix("poll[") }) else { return nil }
        let options = params.list("poll[options]")
        guard let text = params["poll[expires_in]"], let expiresIn = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw MastodonError(.unprocessableContent, "Validation failed: Poll expires_in must be a whole number of seconds")
        }
        let spec = PollSpec(options: options, expiresIn: expiresIn, multiple: params.bool("poll[multiple]"),
                            hideTotals: params.bool("poll[hide_totals]"))
        try PollRules.validate(spec, limits: limits)
        return spec
    }

    /// A post with a poll (`postStatus` hands over when the request has one).
    func createWithPoll(_ new: StatusStore.NewStatus, poll: PollSpec, viewer: Int64) async throws -> (StatusRow, AccountRow, PollEntity?) {
        let (row, author, pollRow) = try await services.editPolls.create(new, poll: poll, pollId: services.ids.next())
        try? await services.pollCache.store([pollRow])
        return (row, author, services.renderer.poll(pollRow, viewer: viewer, ownVotes: []))
    }

    // MARK: Edits

    /// The status `viewer` edits: 404 if they may not see it, 403 if it is someone else's.
    private func ownStatus(_ id: String?, viewer: Int64) async throws -> (Int64, StatusEntity) {
        let status = try await visibleStatus(id, viewer: viewer)
        guard status.account.id == String(viewer), let statusId = Int64(status.id) else { throw MastodonError.forbidden }
        return (statusId, status)
    }

    func editStatus(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        let (statusId, current) = try await ownStatus(id, viewer: user.id)
        if current.reblog.value != nil { throw MastodonError(.unprocessableContent, "Validation failed: A reblog cannot be edited") }
        let params = context.params
        let text = params["status"] ?? ""
        let spoiler = params["spoiler_text"] ?? ""
        try services.textRules.validate(text: text, spoilerText: spoiler)
        let poll = try Self.pollSpec(params, limits: services.settings.polls)
        let language = params["language"].map { $0.isEmpty ? nil : String($0.prefix(16)) } ?? current.language.value
        let sensitive = params["sensitive"] != nil ? params.bool("sensitive") : current.sensitive
        let mediaIds = try await mediaIdsForEdit(params, status: statusId, account: user.id)  // MediaRoutes.swift
        let result = try await services.editPolls.edit(.init(
            statusId: statusId, editor: user.id, text: text, spoilerText: spoiler, sensitive: sensitive, language: language,
            mentionedUsernames: StatusTextParser.mentions(in: text), tags: StatusTextParser.hashtags(in: text),
            poll: poll, newPollId: services.ids.next()))
        if let mediaIds { try await mediaStore.replaceAttachments(status: statusId, account: user.id, ids: mediaIds) }  // before the cache is rewritten
        await afterEdit(statusId, author: user.id, result: result, oldPoll: current.poll.value.flatMap { Int64($0.id) })
        guard let status = try await reader.hydrate([statusId], viewer: user.id).first else { throw MastodonError.notFound }
        return try JSON.response(status)
    }

    /// Makes the edit seen everywhere at once: the cached row rewritten (every node reads it from
    /// Redis; node-local HTML is keyed by edit time), the poll's cache replaced, then a
    /// `status.update` to the streams that showed it and the reblogger's notifications.
    private func afterEdit(_ statusId: Int64, author: Int64, result: EditPollStore.EditResult, oldPoll: Int64?) async {
        let logger = services.database.logger
        do {
            if let row = try await services.statuses.statuses(ids: [statusId]).first {
                try await services.pollCache.rewrite(row, version: result.version, statusTTLSeconds: services.cache.settings.statusTTLSeconds)
                var channels = [StreamChannels.user(author), StreamChannels.pulled]
                if row.visibility.isListedPublicly {
                    channels.append(StreamChannels.publicTimeline)
                    channels += Set(row.tags + result.previousTags).sorted().map(StreamChannels.hashtag)
                }
                try await services.cache.publish(StreamEvent(event: .statusUpdate, status: statusId, author: author,
                                                             replyTo: row.inReplyToAccountId), on: channels)
            }
            // A removed poll's cache goes; a reset one keeps its entries, whose old epoch readers ignore.
            if let oldPoll, result.poll?.id != oldPoll { try await services.pollCache.forget(polls: [oldPoll]) }
            if let poll = result.poll { try await services.pollCache.store([poll]) }
            for notification in result.notifications {
                try await services.cache.publish(StreamEvent(event: .notification, notification: notification.id),
                                                 on: [StreamChannels.user(notification.recipient)])
            }
        } catch {
            // The edit is committed; a cache that could not be rewritten shows the old text until its TTL.
            logger.warning("could not publish an edit to the caches", metadata: ["status": "\(statusId)", "error": "\(error)"])
            try? await services.cache.tombstoneIfCached(statusId)
        }
    }

    func statusHistory(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let status = try await visibleStatus(id, viewer: context.viewer)
        guard let statusId = Int64(status.id), let row = try await services.statuses.statuses(ids: [statusId]).first,
              let author = try await services.accountRows([row.accountId])[row.accountId] else { throw MastodonError.notFound }
        let versions = try await services.editPolls.history(statusId: statusId)
        return try JSON.response(versions.map { services.renderer.statusEdit($0, of: row, author: author) })
    }

    func statusSource(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let status = try await visibleStatus(id, viewer: context.viewer)
        guard let statusId = Int64(status.id), let row = try await services.statuses.statuses(ids: [statusId]).first else {
            throw MastodonError.notFound
        }
        return try JSON.response(StatusSourceEntity(id: status.id, text: row.text, spoilerText: row.spoilerText))
    }

    // MARK: Polls

    /// The poll if the viewer may see its status; 404 otherwise.
    private func visiblePoll(_ id: String?, viewer: Int64?) async throws -> PollRow {
        guard let pollId = id.flatMap({ Int64($0) }), let poll = try await services.editPolls.polls(ids: [pollId]).first else {
            throw MastodonError.notFound
        }
        _ = try await visibleStatus(String(poll.statusId), viewer: viewer)
        return poll
    }

    func getPoll(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let poll = try await visiblePoll(id, viewer: context.viewer)
        guard let entity = try await PollReader(services: services).polls([poll.id], viewer: context.viewer)[poll.id] else {
            throw MastodonError.notFound
        }
        return try JSON.response(entity)
    }

    func vote(_ context: StarlingRequestContext, id: String?) async throws -> Response {
        let user = try context.requireUser()
        let poll = try await visiblePoll(id, viewer: user.id)
        let raw = context.params.list("choices")
        var choices: [Int] = []
        for item in raw {
            guard let choice = Int(item) else {
                throw MastodonError(.unprocessableContent, "Validation failed: The chosen vote option does not exist")
            }
            choices.append(choice)
        }
        let updated = try await services.editPolls.vote(poll: poll.id, account: user.id, choices: choices)
        do {
            try await services.pollCache.store([updated])
            try await services.pollCache.storeVotes(viewer: user.id, [(updated.id, updated.epoch, choices.sorted())], authoritative: true)
        } catch {
            // The vote stands; drop what may now be stale so readers go to PostgreSQL.
            services.database.logger.warning("could not cache a vote", metadata: ["error": "\(error)"])
            try? await services.pollCache.forget(polls: [updated.id])
        }
        return try JSON.response(services.renderer.poll(updated, viewer: user.id, ownVotes: choices.sorted()))
    }
}

extension TimelineCache {
    /// Drops a status's cached row unless it is a tombstone (readers then fill it from PostgreSQL).
    func tombstoneIfCached(_ statusId: Int64) async throws {
        let key = RedisKeys.status(statusId)
        _ = try await redis.send(key: key, RedisCommand("EVAL", "if redis.call('GET', KEYS[1]) ~= ARGV[1] then redis.call('DEL', KEYS[1]) end return 1",
                                                        "1", key, RedisKeys.tombstone))
    }
}

/// Polls as a page shows them: states and the viewer's votes from Redis in one wave (one pipeline
/// per shard), what Redis lacks from PostgreSQL (which fills it).
struct PollReader: Sendable {
    let services: APIServices

    func polls(_ ids: [Int64], viewer: Int64?) async throws -> [Int64: PollEntity] {
        if ids.isEmpty { return [:] }
        let cache = services.pollCache
        var batch = services.redis.batch()
        let tickets = cache.queue(ids, viewer: viewer, in: &batch)
        var polls: [Int64: PollRow] = [:]
        var votes: [Int64: PollCache.CachedVote] = [:]
        do {
            (polls, votes) = cache.read(tickets, from: try await services.redis.send(batch))
        } catch {
            services.database.logger.warning("poll cache unavailable", metadata: ["error": "\(error)"])
        }
        let missing = ids.filter { polls[$0] == nil }
        if !missing.isEmpty {
            let fetched = try await services.editPolls.polls(ids: missing)
            for poll in fetched { polls[poll.id] = poll }
            try? await cache.store(fetched)
        }
        var own: [Int64: [Int]] = [:]
        if let viewer {
            var unknown: [Int64] = []
            for (id, poll) in polls {
                if let vote = votes[id], vote.epoch == poll.epoch {
                    own[id] = vote.choices
                } else if poll.accountId == viewer {
                    own[id] = []  // the author cannot vote
                } else {
                    unknown.append(id)
                }
            }
            if !unknown.isEmpty {
                let fetched = try await services.editPolls.votes(of: viewer, polls: unknown)
                for id in unknown { own[id] = fetched[id] ?? [] }
                try? await cache.storeVotes(viewer: viewer, unknown.compactMap { id in polls[id].map { (id, $0.epoch, own[id] ?? []) } },
                                            authoritative: false)
            }
        }
        let now = Date()
        return polls.mapValues { services.renderer.poll($0, viewer: viewer, ownVotes: own[$0.id], now: now) }
    }
}
