import FaroEtcd
import FaroServer
import FaroStore
import FaroSupport
import FaroTesting
import Testing

/// The daemon's one construction point for its store.
@Suite struct StoreBackendTests {
    @Test func sqliteIsTheSingleNodeStore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = NodePaths(root: directory.path)
        try FileIO.makeDirectory(paths.stateDir)
        let opened = try await StoreBackend.open(.sqlite, paths: paths, nodeName: "n1")
        #expect(opened.store is SQLiteConfigStore)
        try await opened.store.write("user.cfg", text: "x\n")
        #expect(try await SQLiteConfigStore(path: paths.configDatabase).read("user.cfg")?.text == "x\n")
        await opened.close()
    }

    @Test(.enabled(if: EtcdCluster.isInstalled, "etcd-server not installed"))
    func etcdKeepsItsReplicaUnderTheNodeRoot() async throws {
        let cluster = try await EtcdCluster(members: 1)
        defer { cluster.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = NodePaths(root: directory.path)
        try FileIO.makeDirectory(paths.stateDir)
        let configuration = EtcdClient.Configuration(
            endpoints: cluster.clientURLs, caFile: cluster.caFile, certificateFile: cluster.clientCertificate, keyFile: cluster.clientKey)
        let opened = try await StoreBackend.open(.etcd(configuration, prefix: "/faro-backend-test/"), paths: paths, nodeName: "n1")
        let revision = try await opened.store.write("user.cfg", data: Array("x\n".utf8), ifRevision: nil)
        #expect(try await opened.store.read("user.cfg")?.revision == revision)
        #expect(try await SQLiteTree(path: paths.storeReplica).read("user.cfg")?.text == "x\n", "the replica is a file under the root")
        await opened.close()
    }
}
