import StarlingDomain

extension StreamingHub {
    /// The `list` streams of `client` that a pulled (celebrity) author's status reaches: the fan-out
    /// pushes only pushed authors' statuses to lists and their channels, so, as for homes, each node
    /// matches pulled statuses against its own clients (their lists from the node's list cache).
    func listTargets(_ client: StreamClient, streams: Set<StreamName>, status: Audience.Status) async -> [(StreamClient, StreamName)] {
        guard let user = client.userId else { return [] }
        let lists = streams.compactMap { stream -> Int64? in if case .list(let id) = stream { id } else { nil } }
        if lists.isEmpty { return [] }
        guard let owned = try? await MastodonRoutes(services: services).ownerLists(user) else { return [] }
        let following = client.following.withLock { $0 }
        guard Audience.mayView(status, viewer: user, relations: ViewerRelations(follows: following)) else { return [] }
        return lists.compactMap { id in
            guard let entry = owned.lists[id], entry.members.contains(status.author) else { return nil }
            let target = status.inReplyToAccount
            let delivery = ListRules.Delivery(owner: user, policy: entry.row.repliesPolicy,
                                              replyTargetIsMember: target.map(entry.members.contains) ?? false,
                                              ownerFollowsReplyTarget: target.map(following.contains) ?? false)
            return ListRules.admits(status, to: delivery) ? (client, .list(id)) : nil
        }
    }
}
