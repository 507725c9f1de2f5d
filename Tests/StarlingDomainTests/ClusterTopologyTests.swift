import Testing
import StarlingDomain

/// `CLUSTER NODES` replies copied from redis-server 7.0 (the launcher's and the test run's clusters)
/// and 7.2 (compose: announced hostnames), then edited into the states a cluster goes through.
@Suite("ClusterTopology")
struct ClusterTopologyTests {
    /// Three masters with a replica each, as `cluster/starling-cluster up --redis-cluster` forms them.
    static let formed = """
        8c3f4e5a 127.0.0.1:7001@17001 myself,master - 0 1796230226000 1 connected 0-5460
        9d4a5b6c 127.0.0.1:7002@17002 master - 0 1796230228423 2 connected 5461-10922
        ae5b6c7d 127.0.0.1:7003@17003 master - 0 1796230228423 3 connected 10923-16383
        bf6c7d8e 127.0.0.1:7004@17004 slave 9d4a5b6c 0 1796230228000 2 connected
        c07d8e9f 127.0.0.1:7005@17005 slave ae5b6c7d 0 1796230228000 3 connected
        d18e9fa0 127.0.0.1:7006@17006 slave 8c3f4e5a 0 1796230228000 1 connected

        """

    @Test func formedCluster() throws {
        let topology = try ClusterTopology.parse(clusterNodes: Self.formed)
        #expect(topology.nodes.count == 6)
        #expect(topology.masters.map(\.port) == [7001, 7002, 7003])
        #expect(topology.replicas.map(\.port) == [7004, 7005, 7006])
        #expect(topology.servingMasters.map(\.slotCount) == [5461, 5462, 5461])
        #expect(topology.coveredSlots == 16384)
        #expect(topology.myself?.port == 7001)
        #expect(topology.replicas(of: "8c3f4e5a").map(\.port) == [7006])
        #expect(topology.node(port: 7004)?.masterId == "9d4a5b6c")
        #expect(topology.node(port: 7004)?.role == "replica")
        #expect(topology.node(port: 7001)?.masterId == nil)
        #expect(topology.owner(ofSlot: 5461)?.port == 7002)
        #expect(topology.owner(ofSlot: 16383)?.port == 7003)

        let first = try #require(topology.node(id: "8c3f4e5a"))
        #expect(first == ClusterTopology.Node(
            id: "8c3f4e5a", ip: "127.0.0.1", port: 7001, busPort: 17001, flags: ["myself", "master"],
            configEpoch: 1, linkState: "connected", slots: [0...5460]))
        #expect(first.health == "ok" && first.isServingMaster && first.isMyself)
        #expect(first.endpoint == ShardAddress(host: "127.0.0.1", port: 7001))
    }

    @Test func shardMapMatchesTheSlots() throws {
        let map = try ClusterTopology.parse(clusterNodes: Self.formed).shardMap()
        #expect(map.shards.map(\.port) == [7001, 7002, 7003])
        #expect(map.shardIndex(forSlot: 0) == 0)
        #expect(map.shardIndex(forSlot: 5460) == 0)
        #expect(map.shardIndex(forSlot: 5461) == 1)
        #expect(map.shardIndex(forSlot: 10923) == 2)
        #expect(map.shardIndex(forKey: "home:{42}") == map.shardIndex(forSlot: KeySlot.slot(of: "42")))
    }

    /// After a resharding masters serve scattered slots, single slots among them (the test run's cluster).
    @Test func scatteredSlotsAndSingleSlots() throws {
        let text = """
            dd09ba43 127.0.0.1:20199@30199 master - 0 1796230228423 3 connected 10923-11997 11999-12302 12304-16383
            13058766 127.0.0.1:20975@30975 master - 0 1796230228423 8 connected 2420 5461-10922
            934da16e 127.0.0.1:21980@31980 myself,master - 0 1796230226000 9 connected 0-2419 2421-5460 11998 12303
            """
        let topology = try ClusterTopology.parse(clusterNodes: text)
        #expect(topology.node(port: 20975)?.slots == [2420...2420, 5461...10922])
        #expect(topology.node(port: 20975)?.slotCount == 1 + 5462)
        #expect(topology.coveredSlots == 16384)
        #expect(topology.owner(ofSlot: 2420)?.port == 20975)
        #expect(topology.owner(ofSlot: 11998)?.port == 21980)
        let map = try topology.shardMap()
        #expect(map.shards[map.shardIndex(forSlot: 12303)].port == 21980)
        #expect(map.shards[map.shardIndex(forSlot: 12304)].port == 20199)
    }

    /// A slot moving from 7001 to 7004 (`redis-cli --cluster reshard` in progress).
    @Test func migratingAndImportingSlots() throws {
        let text = """
            8c3f4e5a 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460 [5460->-e29fa0b1]
            e29fa0b1 127.0.0.1:7004@17004 master - 0 1796230228423 7 connected [5460-<-8c3f4e5a]
            """
        let topology = try ClusterTopology.parse(clusterNodes: text)
        let source = try #require(topology.node(port: 7001))
        let target = try #require(topology.node(port: 7004))
        #expect(source.slots == [0...5460] && source.slotCount == 5461)
        #expect(source.migrating.map(\.slot) == [5460] && source.migrating.map(\.to) == ["e29fa0b1"])
        #expect(target.slots.isEmpty && target.slotCount == 0 && !target.isServingMaster)
        #expect(target.importing.map(\.slot) == [5460] && target.importing.map(\.from) == ["8c3f4e5a"])
        #expect(topology.servingMasters.map(\.port) == [7001])
    }

    /// A master killed: first suspected (`fail?`), then failed and replaced by its replica; it
    /// comes back as a replica of the new master.
    @Test(arguments: [
        ("master,fail?", "pfail", true),
        ("master,fail", "fail", true),
        ("master", "ok", false),
        ("master,noaddr", "noaddr", false),
        ("handshake", "handshake", false),
    ])
    func failureFlags(flags: String, health: String, failing: Bool) throws {
        let topology = try ClusterTopology.parse(clusterNodes:
            "9d4a5b6c 127.0.0.1:7002@17002 \(flags) - 1796230228000 1796230227000 2 disconnected 5461-10922")
        let node = try #require(topology.nodes.first)
        #expect(node.health == health)
        #expect(node.isFailing == failing)
        #expect(node.linkState == "disconnected")
        #expect(node.isServingMaster == (health == "ok"))
        // A failing master still owns its slots until a replica takes them: clients keep routing there.
        #expect(topology.slotRanges.count == (flags.contains("master") ? 1 : 0))
    }

    @Test func afterAFailover() throws {
        let text = """
            8c3f4e5a 127.0.0.1:7001@17001 master,fail - 1796230228000 1796230227000 1 disconnected
            d18e9fa0 127.0.0.1:7006@17006 myself,master - 0 0 10 connected 0-5460
            9d4a5b6c 127.0.0.1:7002@17002 master - 0 1796230228423 2 connected 5461-16383
            """
        let topology = try ClusterTopology.parse(clusterNodes: text)
        #expect(topology.masters.count == 3)
        #expect(topology.servingMasters.map(\.port) == [7006, 7002])
        #expect(topology.node(port: 7001)?.health == "fail")
        #expect(topology.owner(ofSlot: 0)?.port == 7006)
        #expect(try topology.shardMap().shards.map(\.port) == [7006, 7002])
    }

    /// Compose announces hostnames (`cluster-announce-hostname redis-1`, preferred endpoint type
    /// hostname): clients connect by name, since a recreated container gets a new IP.
    @Test func announcedHostnames() throws {
        let text = """
            8c3f4e5a 172.18.0.3:6379@16379,redis-1 myself,master - 0 0 1 connected 0-16383
            bf6c7d8e 172.18.0.4:6379@16379,redis-4,shard-id=3f1e slave 8c3f4e5a 0 0 1 connected
            c07d8e9f 172.18.0.5:6379@16379, slave 8c3f4e5a 0 0 1 connected
            """
        let topology = try ClusterTopology.parse(clusterNodes: text)
        #expect(topology.nodes.map(\.hostname) == ["redis-1", "redis-4", nil])
        #expect(topology.nodes.map(\.endpoint.host) == ["redis-1", "redis-4", "172.18.0.5"])
        #expect(topology.nodes[0].address == "172.18.0.3:6379")
        #expect(try topology.shardMap().shards == [ShardAddress(host: "redis-1", port: 6379)])
    }

    /// A node that has not met the others yet does not know its own IP; one that was forgotten has none.
    @Test func nodesWithoutAnIP() throws {
        let topology = try ClusterTopology.parse(clusterNodes: """
            8c3f4e5a :7001@17001 myself,master - 0 0 0 connected 0-16383
            9d4a5b6c :0@0 master,fail,noaddr - 1 1 3 disconnected
            """)
        #expect(topology.nodes[0].endpoint == ShardAddress(host: "127.0.0.1", port: 7001))
        #expect(topology.nodes[1].port == 0 && topology.nodes[1].health == "fail" && topology.nodes[1].hasNoAddress)
    }

    @Test func crlfAndBlankLines() throws {
        let text = Self.formed.split(separator: "\n").joined(separator: "\r\n") + "\r\n\r\n"
        #expect(try ClusterTopology.parse(clusterNodes: text) == ClusterTopology.parse(clusterNodes: Self.formed))
        #expect(try ClusterTopology.parse(clusterNodes: "").nodes.isEmpty)
    }

    @Test(arguments: [
        "8c3f4e5a 127.0.0.1:7001@17001 master - 0 0 1",  // 7 fields
        "8c3f4e5a 127.0.0.1@17001 master - 0 0 1 connected",  // no port
        "8c3f4e5a 127.0.0.1:7001@x master - 0 0 1 connected",  // bad bus port
        "8c3f4e5a 127.0.0.1:7001@17001 master - 0 0 e connected",  // bad epoch
        "8c3f4e5a 127.0.0.1:7001@17001 master - 0 0 1 connected 10-5",  // reversed range
        "8c3f4e5a 127.0.0.1:7001@17001 master - 0 0 1 connected 0-16384",  // past the last slot
        "8c3f4e5a 127.0.0.1:7001@17001 master - 0 0 1 connected a-b",
        "8c3f4e5a 127.0.0.1:7001@17001 master - 0 0 1 connected [5460]",
        "8c3f4e5a 127.0.0.1:7001@17001 master - 0 0 1 connected [5460->-x",
    ])
    func malformedLinesAreRejected(line: String) {
        #expect(throws: ClusterTopology.ParseError.self) { try ClusterTopology.parse(clusterNodes: line) }
    }

    @Test func uncoveredSlotsGiveNoShardMap() throws {
        let topology = try ClusterTopology.parse(clusterNodes: "8c3f4e5a 127.0.0.1:7001@17001 master - 0 0 1 connected 0-100")
        #expect(topology.coveredSlots == 101)
        #expect(throws: DomainError.self) { try topology.shardMap() }
    }
}
