#if canImport(Glibc)
import Glibc
#endif
import Crypto
import FaroSupport
import SwiftASN1
import X509

/// A node's certificate issued by the cluster CA, with its key.
public struct NodeCertificate: Sendable {
    public let certificatePEM: String
    public let keyPEM: String
    /// SHA-256 of the DER certificate as `AA:BB:...`, the form Proxmox shows and pins.
    public let fingerprint: String

    public init(certificatePEM: String, keyPEM: String) throws {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        fingerprint = try Self.fingerprint(ofPEM: certificatePEM)
    }

    /// SHA-256 fingerprint of a PEM certificate.
    public static func fingerprint(ofPEM pem: String) throws -> String {
        let certificate = try Certificate(pemEncoded: pem)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return fingerprint(ofDER: serializer.serializedBytes)
    }

    /// SHA-256 fingerprint of DER bytes, upper-case hex pairs joined by colons.
    public static func fingerprint(ofDER der: [UInt8]) -> String {
        SHA256.hash(data: der).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    /// Writes the CA certificate, this certificate and its key (0600) to the node's cluster
    /// directory, where etcd and the daemon read them.
    public func install(caCertificatePEM: String, paths: NodePaths) throws {
        try FileIO.makeDirectory(paths.clusterDir, mode: 0o700)
        try FileIO.writeAtomically(paths.clusterCACertificate, Array(caCertificatePEM.utf8), mode: 0o644)
        try FileIO.writeAtomically(paths.clusterNodeKey, Array(keyPEM.utf8), mode: 0o600)
        try FileIO.writeAtomically(paths.clusterNodeCertificate, Array(certificatePEM.utf8), mode: 0o644)
    }
}

/// Parses textual IPv4 and IPv6 addresses into their network bytes.
enum IPAddressBytes {
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
