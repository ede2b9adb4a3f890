import FaroCluster
import FaroSupport
import FaroTesting
import Foundation
import Testing

@Suite(.serialized, .enabled(if: EtcdTestCluster.etcdMissing == nil, "needs etcd-server"))
struct EtcdMemberTests {
    @Test func aClusterGrowsByLearnersThatArePromotedAndShrinksByRemoval() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.removeAll() }
        try cluster.installClientIdentity()
        let first = try cluster.member("n1")
        let client = try cluster.client(first)
        defer { Task { await client.shutdown() } }
        try await first.start(client: client)
        #expect(try await client.list().map(\.name) == ["n1"])

        var joined = [first]
        for name in ["n2", "n3"] {
            let member = try cluster.member(name, joining: joined)
            let added = try await client.add(peerURLs: [member.configuration.peer.url], isLearner: true)
            #expect(added.isLearner)
            try await member.start(client: client)
            #expect(try await client.status(endpoint: member.configuration.client.url).isLearner)
            try await client.promote(id: added.id)
            joined.append(member)
        }
        let members = try await client.list()
        #expect(Set(members.map(\.name)) == ["n1", "n2", "n3"])
        #expect(members.allSatisfy { !$0.isLearner })

        // A member that is killed comes back with its data and rejoins.
        let second = try #require(cluster.members["n2"])
        let killed = try #require(second.process())
        killed.signal(SIGKILL)
        #expect(await killed.waitForExit(timeout: .seconds(5)))
        #expect(second.process() == nil)
        let restarted = try await second.start(client: client)
        #expect(restarted.pid != killed.pid)
        #expect(try await client.status(endpoint: second.configuration.client.url).leader != "0")

        // Removing a member shrinks the cluster; the removed etcd is stopped by its owner.
        let third = try #require(cluster.members["n3"])
        let thirdID = try #require(members.first { $0.name == "n3" }?.id)
        try await client.remove(id: thirdID)
        await third.stop()
        #expect(third.process() == nil)
        #expect(Set(try await client.list().map(\.name)) == ["n1", "n2"])
        for member in [first, second] { await member.stop() }
    }

    @Test func aNewDaemonReadoptsTheRunningMemberInsteadOfStartingAnother() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.removeAll() }
        try cluster.installClientIdentity()
        let member = try cluster.member("solo")
        let client = try cluster.client(member)
        defer { Task { await client.shutdown() } }
        let started = try await member.start(client: client)

        // What a restarted daemon does: a fresh value from the same configuration and pid file.
        let again = EtcdMember(configuration: member.configuration, paths: cluster.paths("solo"), runner: SubprocessRunner())
        let adopted = try await again.start(client: client)
        #expect(adopted == started)
        #expect(try await client.list().count == 1)

        // A pid file naming some other process is not taken for etcd.
        try FileIO.writeAtomically(member.pidFile, Array("\(getpid())\n".utf8))
        #expect(member.process() == nil)
        try FileIO.writeAtomically(member.pidFile, Array("\(started.pid)\n".utf8))

        await again.stop()
        #expect(!started.isAlive())
        #expect(!FileIO.exists(member.pidFile))
    }

    @Test func clientsWithoutACertificateFromTheCAAreRefused() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.removeAll() }
        try cluster.installClientIdentity()
        let member = try cluster.member("secure")
        let client = try cluster.client(member)
        defer { Task { await client.shutdown() } }
        try await member.start(client: client)

        let stranger = try ClusterCA.create().issue(node: "stranger", addresses: [])
        let strangerPaths = cluster.paths("stranger")
        try stranger.install(caCertificatePEM: cluster.ca.certificatePEM, paths: strangerPaths)
        let foreign = try EtcdClusterClient(endpoints: [member.configuration.client.url], tls: EtcdTLSFiles(paths: strangerPaths))
        defer { Task { await foreign.shutdown() } }
        await #expect(throws: ClusterError.self) { try await foreign.list() }
        await member.stop()
    }

    @Test func anEtcdThatCannotStartIsReportedWithItsLog() async throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.removeAll() }
        try cluster.installClientIdentity()
        let member = try cluster.member("broken")
        var configuration = member.configuration
        configuration.tls.key = cluster.directory.file("missing.key")
        let broken = EtcdMember(configuration: configuration, paths: cluster.paths("broken"), runner: SubprocessRunner())
        let client = try cluster.client(member)
        defer { Task { await client.shutdown() } }
        do {
            try await broken.start(client: client, timeout: .seconds(10))
            Issue.record("a member without its key started")
        } catch ClusterError.etcdNotStarted(let name, _, let log) {
            #expect(name == "broken")
            #expect(log.contains("missing.key"), "\(log)")
        }
    }

    @Test func argumentsCarryTheMemberTLSAndInitialCluster() throws {
        let paths = NodePaths(root: "/r")
        var configuration = EtcdMemberConfiguration(node: "n2", paths: paths, host: "10.0.0.2")
        configuration.state = .existing
        configuration.peers = [.init(name: "n1", peerURL: "https://10.0.0.1:2380")]
        let arguments = configuration.arguments()
        func value(_ flag: String) -> String? { arguments.firstIndex(of: flag).map { arguments[$0 + 1] } }
        #expect(value("--data-dir") == "/r/var/lib/faro/etcd")
        #expect(value("--listen-client-urls") == "https://10.0.0.2:2379")
        #expect(value("--initial-advertise-peer-urls") == "https://10.0.0.2:2380")
        #expect(value("--initial-cluster") == "n2=https://10.0.0.2:2380,n1=https://10.0.0.1:2380")
        #expect(value("--initial-cluster-state") == "existing")
        #expect(value("--trusted-ca-file") == "/r/etc/faro/cluster/ca.pem")
        #expect(value("--peer-key-file") == "/r/etc/faro/cluster/node.key")
        #expect(arguments.contains("--client-cert-auth") && arguments.contains("--peer-client-cert-auth"))
        #expect(!arguments.contains("--unsafe-no-fsync"))
        #expect(EtcdEndpoint(host: "fd00::1", port: 2379).url == "https://[fd00::1]:2379")
        let resolved = try EtcdMemberConfiguration(node: "n", paths: paths, host: "127.0.0.1", clientPort: 0, peerPort: 0)
            .resolvingFreePorts()
        #expect(resolved.client.port > 0 && resolved.peer.port > 0 && resolved.client.port != resolved.peer.port)
    }
}
