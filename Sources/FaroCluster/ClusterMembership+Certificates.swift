import FaroStore
import FaroSupport

extension ClusterMembership {
    /// `pvecm updatecerts`: makes sure the store has this node's HTTPS certificate
    /// (`nodes/<node>/pve-ssl.pem`, which the other nodes pin). With `force`, or when the
    /// certificate is not the cluster CA's, a new one is issued and installed. Returns whether
    /// the daemon must restart to serve a new certificate.
    public func updateCertificates(force: Bool, log: @Sendable (String) -> Void) async throws -> Bool {
        let (_, config, _) = try await requireCluster()
        guard let ca = try await ClusterCA.load(from: store) else {
            throw ClusterError.refused("the cluster has no CA (\(StoreLayout.clusterCA))")
        }
        let current = try FileIO.readTextIfExists(paths.sslCertificate)
        let signedByCA = current.map { ca.signed($0) } ?? false
        guard force || !signedByCA else {
            let published = try await store.read(StoreLayout.nodeCertificate(nodeName)).map { String(decoding: $0.data, as: UTF8.self) }
            if let current, published != current {
                try await store.write(StoreLayout.nodeCertificate(nodeName), data: Array(current.utf8), ifRevision: nil)
                log("published this node's certificate as \(StoreLayout.nodeCertificate(nodeName))")
            }
            return false
        }
        let ring = config.node(named: nodeName)?.ring0
        let api = await apiAddress()
        let addresses = Array(Set([ring, ["0.0.0.0", "::", ""].contains(api.host) ? nil : api.host].compactMap { $0 }))
        let certificate = try ca.issue(node: nodeName, addresses: addresses)
        try await store.write(StoreLayout.nodeCertificate(nodeName), data: Array(certificate.certificatePEM.utf8), ifRevision: nil)
        try installHTTPSCertificate(certificate)
        log("generated a new node certificate (fingerprint \(certificate.fingerprint)); the daemon restarts to use it")
        return true
    }
}
