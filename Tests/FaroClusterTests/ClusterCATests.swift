import FaroCluster
import FaroStore
import FaroSupport
import FaroTesting
import Foundation
import Testing

@Suite struct ClusterCATests {
    @Test func theCALivesInTheStoreUnderProxmoxNamesAndIsCreatedOnce() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-ca")
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.file("config.db"))
        let first = try await ClusterCA.loadOrCreate(in: store)
        let second = try await ClusterCA.loadOrCreate(in: store)
        #expect(first.certificatePEM == second.certificatePEM)
        let stored = try #require(try await store.read("pve-root-ca.pem"))
        #expect(String(decoding: stored.data, as: UTF8.self) == first.certificatePEM)
        #expect(try await store.read("priv/pve-root-ca.key") != nil)
    }

    @Test func nodeCertificatesVerifyAgainstTheCAWithTheirNamesAndAddresses() throws {
        let directory = try TemporaryDirectory(prefix: "faro-ca")
        defer { directory.remove() }
        let ca = try ClusterCA.create()
        let node = try ca.issue(node: "pve2", addresses: ["10.1.2.3", "fd00::7", "pve2.example.org"])
        let paths = NodePaths(root: directory.path)
        try node.install(caCertificatePEM: ca.certificatePEM, paths: paths)
        let verify = try openssl(["verify", "-CAfile", paths.clusterCACertificate, "-purpose", "sslserver", paths.clusterNodeCertificate])
        #expect(verify.contains(": OK"), "\(verify)")
        let client = try openssl(["verify", "-CAfile", paths.clusterCACertificate, "-purpose", "sslclient", paths.clusterNodeCertificate])
        #expect(client.contains(": OK"), "\(client)")
        let text = try openssl(["x509", "-noout", "-text", "-in", paths.clusterNodeCertificate])
        for name in ["DNS:pve2", "DNS:localhost", "IP Address:10.1.2.3", "IP Address:FD00:0:0:0:0:0:0:7", "DNS:pve2.example.org"] {
            #expect(text.contains(name), "missing \(name)")
        }
        let key = try FileManager.default.attributesOfItem(atPath: paths.clusterNodeKey)
        #expect((key[.posixPermissions] as? Int) == 0o600)
        let fingerprint = try openssl(["x509", "-noout", "-fingerprint", "-sha256", "-in", paths.clusterNodeCertificate])
        #expect(fingerprint.contains(node.fingerprint))

        // A certificate from another CA does not verify against this one.
        let other = try ClusterCA.create().issue(node: "pve2", addresses: [])
        let foreign = directory.file("foreign.pem")
        try FileIO.writeAtomically(foreign, Array(other.certificatePEM.utf8))
        #expect(try !openssl(["verify", "-CAfile", paths.clusterCACertificate, foreign]).contains(": OK"))
    }

    @Test func badAddressesAndMismatchedKeysAreRefused() throws {
        let ca = try ClusterCA.create()
        #expect(throws: ClusterError.invalidAddress("bad name!")) { try ca.issue(node: "n1", addresses: ["bad name!"]) }
        let other = try ClusterCA.create()
        #expect(throws: ClusterError.self) { try ClusterCA(certificatePEM: ca.certificatePEM, keyPEM: other.keyPEM) }
    }

    func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}
