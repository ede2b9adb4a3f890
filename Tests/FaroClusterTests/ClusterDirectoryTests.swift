import FaroCluster
import FaroSupport
import FaroTesting
import Testing

@Suite struct ClusterDirectoryTests {
    static let fingerprint = (0..<32).map { _ in "ab" }.joined(separator: ":")

    @Test func theStaticDirectoryNamesNodesWithAddressPortAndPin() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-dir")
        defer { directory.remove() }
        let path = directory.file("nodes.json")
        #expect(await (try StaticClusterDirectory.load(path)).nodes().isEmpty, "no file: no other nodes")
        try FileIO.writeAtomically(path, Array("""
            {"nodes": [{"name": "n2", "address": "fd00::2", "fingerprint": "\(Self.fingerprint)"},
                       {"name": "n3", "address": "10.0.0.3", "port": 8443, "fingerprint": "\(Self.fingerprint)"}]}
            """.utf8))
        let loaded = try StaticClusterDirectory.load(path)
        let n2 = try #require(await loaded.node(named: "n2"))
        #expect(n2.port == 8006 && n2.fingerprint == Self.fingerprint.uppercased())
        #expect(n2.baseURL == "https://[fd00::2]:8006")
        #expect(await loaded.node(named: "n3")?.baseURL == "https://10.0.0.3:8443")
        #expect(await loaded.node(named: "n4") == nil)
        #expect(await loaded.nodes().map(\.name) == ["n2", "n3"])
    }

    @Test(arguments: [
        ("[]", "expected an object with a 'nodes' list"),
        (#"{"nodes": [{"name": "bad_name", "address": "a", "fingerprint": "x"}]}"#, "node 0: invalid or missing 'name'"),
        (#"{"nodes": [{"name": "n2", "fingerprint": "x"}]}"#, "node 0: invalid or missing 'address'"),
        (#"{"nodes": [{"name": "n2", "address": "a", "port": 70000, "fingerprint": "x"}]}"#, "node 0: invalid 'port' 70000"),
        (#"{"nodes": [{"name": "n2", "address": "a", "fingerprint": "AB:CD"}]}"#, "node 0: invalid or missing 'fingerprint'"),
    ])
    func badDirectoriesAreRefusedWithTheReason(text: String, reason: String) throws {
        let directory = try TemporaryDirectory(prefix: "faro-dir")
        defer { directory.remove() }
        let path = directory.file("nodes.json")
        try FileIO.writeAtomically(path, Array(text.utf8))
        do {
            _ = try StaticClusterDirectory.load(path)
            Issue.record("accepted \(text)")
        } catch let error as ClusterError {
            #expect(error.description.contains(reason), "\(error)")
        }
    }
}
