/// A Redis Cluster as one of its nodes sees it: the reply to `CLUSTER NODES`, parsed.
///
/// This is the one reader of a cluster's topology. The client learns its slot map from it
/// (`ShardedRedis.refreshTopology`), `starling status` shows it, and `starling topology` prints it
/// for the launcher (`cluster/starling-cluster`) and the end-to-end tests, which ask the binary
/// instead of parsing Redis' replies themselves.
///
/// `CLUSTER NODES` has one line per node:
///
///     <id> <ip:port@cport[,hostname]> <flags> <master id|-> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>…
///
/// where a slot is `N`, `N-M`, or, while a slot moves, `[N->-target id]` (migrating) or
/// `[N-<-source id]` (importing).
public struct ClusterTopology: Sendable, Equatable {
    public var nodes: [Node]

    public init(nodes: [Node]) { self.nodes = nodes }

    /// A node of the cluster.
    public struct Node: Sendable, Equatable {
        public var id: String
        /// The IP the node announces (empty for a node with no address yet).
        public var ip: String
        public var port: Int
        public var busPort: Int
        /// The hostname the node announces (`cluster-announce-hostname`), if any.
        public var hostname: String?
        /// `myself`, `master`, `slave`, `fail?`, `fail`, `handshake`, `noaddr`, `nofailover`, `noflags`.
        public var flags: Set<String>
        /// The master this node replicates (replicas only).
        public var masterId: String?
        public var configEpoch: Int
        /// `connected` or `disconnected`: the cluster bus link to the node.
        public var linkState: String
        /// The slots the node serves, in the order listed.
        public var slots: [ClosedRange<Int>]
        /// Slots leaving this node: (slot, id of the node they move to).
        public var migrating: [(slot: Int, to: String)]
        /// Slots arriving at this node: (slot, id of the node they come from).
        public var importing: [(slot: Int, from: String)]

        public init(id: String, ip: String, port: Int, busPort: Int = 0, hostname: String? = nil, flags: Set<String>,
                    masterId: String? = nil, configEpoch: Int = 0, linkState: String = "connected",
                    slots: [ClosedRange<Int>] = [], migrating: [(slot: Int, to: String)] = [],
                    importing: [(slot: Int, from: String)] = []) {
            self.id = id
            self.ip = ip
            self.port = port
            self.busPort = busPort
            self.hostname = hostname
            self.flags = flags
            self.masterId = masterId
            self.configEpoch = configEpoch
            self.linkState = linkState
            self.slots = slots
            self.migrating = migrating
            self.importing = importing
        }

        public var isMaster: Bool { flags.contains("master") }
        public var isReplica: Bool { flags.contains("slave") }
        public var isMyself: Bool { flags.contains("myself") }
        /// Failed (`fail`), or suspected of failing by the node asked (`fail?`).
        public var isFailing: Bool { flags.contains("fail") || flags.contains("fail?") }
        /// The node has no address (`noaddr`): it cannot be reached.
        public var hasNoAddress: Bool { flags.contains("noaddr") }
        /// A master that is not failing, has an address and serves at least one slot.
        public var isServingMaster: Bool { isMaster && !isFailing && !hasNoAddress && slotCount > 0 }
        public var slotCount: Int { slots.reduce(0) { $0 + $1.count } }

        /// The one-word state of the node: `fail`, `pfail` (`fail?`), `noaddr`, `handshake` or `ok`.
        public var health: String {
            if flags.contains("fail") { return "fail" }
            if flags.contains("fail?") { return "pfail" }
            if hasNoAddress { return "noaddr" }
            if flags.contains("handshake") { return "handshake" }
            return "ok"
        }

        /// The role in one word: `master`, `replica` or `unknown` (a node in handshake, say).
        public var role: String { isMaster ? "master" : isReplica ? "replica" : "unknown" }

        /// `ip:port` as announced (`:port` if the node has no IP yet).
        public var address: String { "\(ip):\(port)" }

        /// Where clients connect: the announced hostname if there is one (a cluster that announces
        /// hostnames also sends them in redirects, `cluster-preferred-endpoint-type hostname`), else
        /// the IP; a node that does not know its own IP yet is on the asker's host (`127.0.0.1`).
        public var endpoint: ShardAddress {
            ShardAddress(host: hostname ?? (ip.isEmpty ? "127.0.0.1" : ip), port: port)
        }

        public static func == (a: Node, b: Node) -> Bool {
            a.id == b.id && a.ip == b.ip && a.port == b.port && a.busPort == b.busPort && a.hostname == b.hostname
                && a.flags == b.flags && a.masterId == b.masterId && a.configEpoch == b.configEpoch
                && a.linkState == b.linkState && a.slots == b.slots
                && a.migrating.map(\.slot) == b.migrating.map(\.slot) && a.migrating.map(\.to) == b.migrating.map(\.to)
                && a.importing.map(\.slot) == b.importing.map(\.slot) && a.importing.map(\.from) == b.importing.map(\.from)
        }
    }

    /// A `CLUSTER NODES` reply that cannot be read.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let line: String
        public let reason: String
        public var description: String { "CLUSTER NODES: \(reason) in '\(line)'" }
    }

    /// Parses the text of a `CLUSTER NODES` reply (`\n` or `\r\n` line ends; blank lines ignored).
    public static func parse(clusterNodes text: String) throws(ParseError) -> ClusterTopology {
        var nodes: [Node] = []
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingSpaces()
            if line.isEmpty { continue }
            nodes.append(try parseLine(String(line)))
        }
        return ClusterTopology(nodes: nodes)
    }

    static func parseLine(_ line: String) throws(ParseError) -> Node {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count >= 8 else { throw ParseError(line: line, reason: "fewer than 8 fields") }
        // ip:port@cport[,hostname[,aux…]]
        let addressParts = fields[1].split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let endpoint = addressParts[0].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let colon = endpoint[0].lastIndex(of: ":"), let port = Int(endpoint[0][endpoint[0].index(after: colon)...]) else {
            throw ParseError(line: line, reason: "bad address '\(fields[1])'")
        }
        let busPort = endpoint.count > 1 ? Int(endpoint[1]) : 0
        guard let busPort else { throw ParseError(line: line, reason: "bad bus port in '\(fields[1])'") }
        var hostname: String?
        if addressParts.count > 1 {
            // Redis 7.2+ may follow the hostname with `key=value` auxiliary fields.
            let name = addressParts[1].split(separator: ",").first.map(String.init) ?? ""
            if !name.isEmpty, !name.contains("=") { hostname = name }
        }
        guard let configEpoch = Int(fields[6]) else { throw ParseError(line: line, reason: "bad config epoch '\(fields[6])'") }
        var slots: [ClosedRange<Int>] = []
        var migrating: [(slot: Int, to: String)] = []
        var importing: [(slot: Int, from: String)] = []
        for item in fields.dropFirst(8) {
            if item.hasPrefix("[") {
                guard item.hasSuffix("]") else { throw ParseError(line: line, reason: "bad slot '\(item)'") }
                let body = item.dropFirst().dropLast()
                let dash = body.firstIndex(of: "-") ?? body.endIndex
                let slot = Int(body[..<dash]), rest = body[dash...]
                if let slot, rest.hasPrefix("->-"), rest.count > 3 {
                    migrating.append((slot, String(rest.dropFirst(3))))
                } else if let slot, rest.hasPrefix("-<-"), rest.count > 3 {
                    importing.append((slot, String(rest.dropFirst(3))))
                } else {
                    throw ParseError(line: line, reason: "bad slot '\(item)'")
                }
                continue
            }
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!,
                  0 <= low, low <= high, high < KeySlot.slotCount else {
                throw ParseError(line: line, reason: "bad slot range '\(item)'")
            }
            slots.append(low...high)
        }
        return Node(id: fields[0], ip: String(endpoint[0][..<colon]), port: port, busPort: busPort, hostname: hostname,
                    flags: Set(fields[2].split(separator: ",").map(String.init)),
                    masterId: fields[3] == "-" ? nil : fields[3], configEpoch: configEpoch, linkState: fields[7],
                    slots: slots, migrating: migrating, importing: importing)
    }

    /// Masters, in the order listed.
    public var masters: [Node] { nodes.filter(\.isMaster) }
    /// Replicas, in the order listed.
    public var replicas: [Node] { nodes.filter(\.isReplica) }
    /// Masters that are not failing, have an address and serve slots.
    public var servingMasters: [Node] { nodes.filter(\.isServingMaster) }
    /// The node that answered `CLUSTER NODES`.
    public var myself: Node? { nodes.first(where: \.isMyself) }

    public func node(id: String) -> Node? { nodes.first { $0.id == id } }
    /// The node listening on `port` (any IP): the launcher's nodes all run on one host.
    public func node(port: Int) -> Node? { nodes.first { $0.port == port } }
    /// The replicas of the master `id`.
    public func replicas(of id: String) -> [Node] { nodes.filter { $0.isReplica && $0.masterId == id } }
    /// The master serving `slot`, if any.
    public func owner(ofSlot slot: Int) -> Node? {
        nodes.first { $0.isMaster && $0.slots.contains { $0.contains(slot) } }
    }

    /// Slots served by some master.
    public var coveredSlots: Int { masters.reduce(0) { $0 + $1.slotCount } }

    /// Every slot range with the endpoint of the master serving it, as `CLUSTER SLOTS` gives them
    /// (failing masters included: they own their slots until a replica takes them over).
    public var slotRanges: [(ClosedRange<Int>, ShardAddress)] {
        masters.flatMap { master in master.slots.map { ($0, master.endpoint) } }
    }

    /// The slot map a client routes by (masters' endpoints, indexed in the order first seen).
    /// Throws if some slot has no master or two masters claim one.
    public func shardMap() throws(DomainError) -> ShardMap {
        try ShardMap(ranges: slotRanges)
    }
}
