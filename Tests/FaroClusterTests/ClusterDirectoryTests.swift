import FaroCluster
import FaroConfig
import FaroStore
import FaroSupport
import FaroTesting
import Testing

@Suite struct ClusterDirectoryTests {
    @Test func theStoreDirectoryNamesMembersWithAddressPortAndTheirCertificatesFingerprint() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-dir")
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.file("config.db"))
        let cluster = StoreClusterDirectory(store: store)
        #expect(await cluster.nodes().isEmpty, "a single node knows no cluster nodes")

        let ca = try ClusterCA.create()
        let certificate = try ca.issue(node: "n2", addresses: ["fd00::2"])
        let config = CorosyncConfig(clusterName: "lab", nodes: [.init(name: "n1", nodeid: 1, ring0: "10.0.0.1"), .init(name: "n2", nodeid: 2, ring0: "fd00::2")])
        try await store.create(StoreLayout.corosyncConfig, data: Array(try config.render().utf8))
        let record = ClusterMemberRecord(
            address: "fd00::2", port: 8443, etcdClientURL: "https://[fd00::2]:2379", etcdPeerURL: "https://[fd00::2]:2380", etcdID: "42")
        try await store.create(StoreLayout.clusterMember("n2"), data: record.bytes)
        try await store.create(StoreLayout.nodeCertificate("n2"), data: Array(certificate.certificatePEM.utf8))

        let n2 = try #require(await cluster.node(named: "n2"))
        #expect(n2.fingerprint == certificate.fingerprint)
        #expect(n2.baseURL == "https://[fd00::2]:8443")
        // n1 has no record and certificate yet: it cannot be reached, so it is not listed.
        #expect(await cluster.node(named: "n1") == nil)
        #expect(await cluster.nodes().map(\.name) == ["n2"])
        #expect(await cluster.node(named: "n3") == nil)

        // A new certificate is pinned as soon as the store has it.
        let renewed = try ca.issue(node: "n2", addresses: ["fd00::2"])
        try await store.write(StoreLayout.nodeCertificate("n2"), data: Array(renewed.certificatePEM.utf8), ifRevision: nil)
        #expect(await cluster.node(named: "n2")?.fingerprint == renewed.fingerprint)
    }

    @Test func corosyncConfigRoundTripsAndPicksTheLowestFreeNodeID() throws {
        var config = CorosyncConfig(
            clusterName: "prod", configVersion: 3, nodes: [.init(name: "a", nodeid: 1, ring0: "10.0.0.1"), .init(name: "c", nodeid: 3, ring0: "10.0.0.3")])
        let text = try config.render()
        #expect(text.contains("  cluster_name: prod\n  config_version: 3\n"))
        #expect(text.contains("  node {\n    name: c\n    nodeid: 3\n    quorum_votes: 1\n    ring0_addr: 10.0.0.3\n  }\n"))
        #expect(try CorosyncConfig.parse(text) == config)
        #expect(config.lowestFreeNodeID == 2)
        config.clusterName = "bad\nname"
        #expect(throws: ConfigLineError.self) { try config.render() }
        #expect(throws: CorosyncConfigError.missing("totem.cluster_name")) { try CorosyncConfig.parse("nodelist {\n}\n") }
        #expect(throws: CorosyncConfigError.self) { try CorosyncConfig.parse("totem {\n cluster_name: x\n") }
    }
}
