import Crypto
import FaroSupport
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// The node's TLS key and self-signed certificate under `etc/faro/ssl`, created at first start.
struct TLSIdentity {
    let certificatePEM: String
    let keyPEM: String
    /// SHA-256 of the DER certificate as `AA:BB:...`, the form Proxmox shows.
    let fingerprint: String

    static func loadOrCreate(paths: NodePaths, nodeName: String) throws -> TLSIdentity {
        if let cert = try FileIO.readTextIfExists(paths.sslCertificate),
            let key = try FileIO.readTextIfExists(paths.sslKey)
        {
            return try TLSIdentity(certificatePEM: cert, keyPEM: key)
        }
        try FileIO.makeDirectory(paths.sslDir, mode: 0o700)
        let identity = try create(nodeName: nodeName)
        try FileIO.writeAtomically(paths.sslKey, Array(identity.keyPEM.utf8), mode: 0o600)
        try FileIO.writeAtomically(paths.sslCertificate, Array(identity.certificatePEM.utf8), mode: 0o644)
        return identity
    }

    init(certificatePEM: String, keyPEM: String) throws {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        let certificate = try Certificate(pemEncoded: certificatePEM)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let digest = SHA256.hash(data: serializer.serializedBytes)
        fingerprint = digest.map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    static func create(nodeName: String) throws -> TLSIdentity {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName(nodeName)
            OrganizationName("Faro")
            OrganizationalUnitName("Faro node certificate")
        }
        let now = Date()
        var names: [GeneralName] = [.dnsName(nodeName), .dnsName("localhost")]
        names.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400),
            notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                KeyUsage(digitalSignature: true, keyEncipherment: true)
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(key)
        )
        return try TLSIdentity(certificatePEM: try certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
    }

    /// Server configuration: TLS 1.2 and 1.3 only.
    func serverConfiguration() throws -> TLSConfiguration {
        let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        return configuration
    }
}
