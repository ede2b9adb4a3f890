import Crypto
import FaroStore
import Foundation
import SwiftASN1
import X509

/// The cluster's certificate authority: a P-256 key and a self-signed CA certificate, kept in
/// the store under Proxmox's names (`pve-root-ca.pem`, `priv/pve-root-ca.key`) so that every
/// member can issue node certificates. It signs the certificates the etcd members use for
/// their peer and client mutual TLS, and node certificates for HTTPS.
public struct ClusterCA: Sendable {
    public static let certificatePath = StoreLayout.clusterCA
    public static let keyPath = StoreLayout.clusterCAKey

    public let certificatePEM: String
    let certificate: Certificate
    let key: P256.Signing.PrivateKey

    public init(certificatePEM: String, keyPEM: String) throws(ClusterError) {
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
            key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        } catch {
            throw .invalidCertificate(path: Self.certificatePath, reason: "\(error)")
        }
        guard certificate.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw .invalidCertificate(path: Self.certificatePath, reason: "the key does not belong to the certificate")
        }
        self.certificatePEM = certificatePEM
    }

    public var keyPEM: String { key.pemRepresentation }

    /// A new CA, valid for 10 years like Proxmox's.
    public static func create(now: Date = Date()) throws -> ClusterCA {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName("Faro Cluster Manager CA")
            OrganizationName("Faro")
            OrganizationalUnitName(UUID().uuidString.lowercased())
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        return try ClusterCA(certificatePEM: certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
    }

    /// The CA from the store, or a new one written there. Two nodes racing to create it end up
    /// with the same CA: the loser's exclusive create fails and it reads the winner's.
    public static func loadOrCreate(in store: any ConfigStore) async throws -> ClusterCA {
        if let existing = try await load(from: store) { return existing }
        let fresh = try create()
        do {
            try await store.create(keyPath, data: Array(fresh.keyPEM.utf8))
        } catch StoreError.alreadyExists {
            if let existing = try await load(from: store) { return existing }
            throw ClusterError.invalidCertificate(path: certificatePath, reason: "the CA key exists without its certificate")
        }
        try await store.write(certificatePath, data: Array(fresh.certificatePEM.utf8), ifRevision: 0)
        return fresh
    }

    /// The CA kept in the store, or nil when there is none yet.
    public static func load(from store: any ConfigStore) async throws -> ClusterCA? {
        guard let certificate = try await store.read(certificatePath), let key = try await store.read(keyPath) else { return nil }
        return try ClusterCA(
            certificatePEM: String(decoding: certificate.data, as: UTF8.self), keyPEM: String(decoding: key.data, as: UTF8.self))
    }

    /// A certificate for `node`, valid for its name, `localhost` and `addresses` (IP addresses or
    /// host names), for TLS servers and clients both: etcd peers authenticate each other with it.
    public func issue(node: String, addresses: [String], now: Date = Date()) throws -> NodeCertificate {
        let key = P256.Signing.PrivateKey()
        var names: [GeneralName] = [.dnsName(node), .dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))]
        for address in addresses {
            let name = try Self.generalName(address)
            if !names.contains(name) { names.append(name) }
        }
        let subject = try DistinguishedName {
            CommonName(node)
            OrganizationName("Faro")
            OrganizationalUnitName("Faro cluster node")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(2 * 365 * 86_400),
            issuer: self.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
                AuthorityKeyIdentifier(keyIdentifier: try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: .init(self.key))
        return try NodeCertificate(certificatePEM: certificate.serializeAsPEM().pemString, keyPEM: key.pemRepresentation)
    }

    /// Whether the PEM certificate was issued by this CA (its signature verifies).
    public func signed(_ pem: String) -> Bool {
        guard let issued = try? Certificate(pemEncoded: pem) else { return false }
        return certificate.publicKey.isValidSignature(issued.signature, for: issued)
    }

    /// An IP address (v4 or v6) as an address entry, anything else as a DNS name.
    static func generalName(_ address: String) throws(ClusterError) -> GeneralName {
        if let bytes = IPAddressBytes.parse(address) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))) }
        guard !address.isEmpty, address.count <= 253,
            address.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
        else { throw .invalidAddress(address) }
        return .dnsName(address)
    }
}
