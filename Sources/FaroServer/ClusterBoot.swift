import FaroCluster
import FaroEtcd
import FaroStore
import FaroSupport
import Foundation
import Logging

/// What a daemon start does for a node in a cluster, before anything uses the store: adopt
/// (or start) its etcd member, finish a `pvecm create` (copy the single-node tree into etcd)
/// or a join (the cluster's tree replaces this node's), and choose the etcd store. The
/// single-node database is then set aside under `var/lib/faro/backup`, as Proxmox backs up
/// `config.db` when a node joins.
enum ClusterBoot {
    static func backend(paths: NodePaths, runner: any CommandRunner, etcdExecutable: String, logger: Logger) async throws -> StoreBackend {
        guard var local = try ClusterLocalConfig.load(paths) else { return .sqlite }
        let member = EtcdMember(
            configuration: local.member, pidFile: paths.etcdPidFile, logFile: paths.etcdLog, runner: runner, executable: etcdExecutable)
        let configuration = EtcdClient.Configuration(
            endpoints: local.endpoints, caFile: paths.clusterCACertificate, certificateFile: paths.clusterNodeCertificate,
            keyFile: paths.clusterNodeKey)
        if let pending = local.pending {
            let client = try EtcdClusterClient(endpoints: [local.member.client.url], tls: EtcdTLSFiles(paths: paths))
            defer { Task { await client.shutdown() } }
            try await member.start(client: client)
            if pending == .importTree, FileIO.exists(paths.configDatabase) {
                let files = try await SQLiteConfigStore(path: paths.configDatabase).readTree(prefix: "")
                let etcd = try EtcdClient(configuration)
                defer { Task { await etcd.shutdown() } }
                let count = try await EtcdConfigStore.importTree(files, client: etcd)
                logger.info("copied \(count) files of the single-node store into etcd")
            }
            try setAside(paths)
            local.pending = nil
            try local.save(paths)
        } else {
            let process = try await member.ensureRunning()
            logger.info("etcd member '\(local.member.name)' runs as pid \(process.pid)")
        }
        return .etcd(configuration)
    }

    /// Moves the single-node database (and an old replica) into the backup directory.
    static func setAside(_ paths: NodePaths) throws {
        try FileIO.makeDirectory(paths.configBackupDir, mode: 0o700)
        let stamp = Int(Date().timeIntervalSince1970)
        for suffix in ["", "-wal", "-shm"] where FileIO.exists(paths.configDatabase + suffix) {
            try FileIO.rename(paths.configDatabase + suffix, to: "\(paths.configBackupDir)/config-\(stamp).db\(suffix)")
        }
        for suffix in ["", "-wal", "-shm"] { FileIO.remove(paths.storeReplica + suffix) }
    }
}
