import FaroEtcd
import FaroStore
import FaroTesting
import Foundation
import Testing

/// `EtcdConfigStore` on real etcd members (Debian's `etcd-server`), started by each test on
/// free loopback ports with mutual TLS and stopped afterwards.
@Suite(.enabled(if: EtcdCluster.isInstalled, "etcd-server not installed"), .timeLimit(.minutes(3)))
struct EtcdConfigStoreTests {
    /// Every contract case with one store, and with two stores on one prefix.
    static func runContract(_ cluster: EtcdCluster, secondEndpoints: [String]? = nil) async throws {
        for contract in ConfigStoreContract.cases {
            do {
                try await EtcdStores.with(cluster) { stores in
                    let store = try await stores.open()
                    try await contract.run(store, store)
                }
            } catch {
                Issue.record("\(contract.name), one instance: \(error)")
            }
            do {
                try await EtcdStores.with(cluster) { stores in
                    try await contract.run(try await stores.open(), try await stores.open(endpoints: secondEndpoints))
                }
            } catch {
                Issue.record("\(contract.name), two instances: \(error)")
            }
        }
    }

    @Test func theContractHoldsOnOneMember() async throws {
        try await EtcdCluster.with(members: 1) { cluster in try await Self.runContract(cluster) }
    }

    /// Two instances that talk to different members, as two nodes do.
    @Test func theContractHoldsOnThreeMembers() async throws {
        try await EtcdCluster.with(members: 3) { cluster in
            try await Self.runContract(cluster, secondEndpoints: Array(cluster.clientURLs.reversed()))
        }
    }

    /// Without etcd the replica still answers reads, and writes fail as Proxmox's do without
    /// quorum.
    @Test func readsOutliveEtcdAndWritesFailWithoutQuorum() async throws {
        try await EtcdCluster.with(members: 1) { cluster in
            try await EtcdStores.with(cluster) { stores in
                let store = try await stores.open()
                let revision = try await store.write("storage.cfg", data: Array("dir: local\n".utf8), ifRevision: nil)
                cluster.stop(member: 0)
                let file = try await store.read("storage.cfg")
                #expect(file?.text == "dir: local\n" && file?.revision == revision)
                #expect(try await store.keys(prefix: "").map(\.path) == ["storage.cfg"])
                await #expect(throws: StoreError.noQuorum) { try await store.write("user.cfg", text: "x\n") }
                #expect(await store.isQuorate() == false, "a store whose writes fail for lack of quorum says so")
                #expect(StoreError.noQuorum.description == "cluster not ready - no quorum?")
                await #expect(throws: StoreError.noQuorum) {
                    _ = try await store.acquireLock("guest-100", lease: .seconds(10), timeout: .seconds(1))
                }
                #expect(!store.isConnected)
            }
        }
    }

    /// With two of three members gone the last one has no leader; the
    /// `Grpc-Metadata-hasleader` header makes writes fail at once instead of after etcd's 7 s.
    @Test func aMemberWithoutLeaderRefusesWritesQuickly() async throws {
        try await EtcdCluster.with(members: 3) { cluster in
            try await EtcdStores.with(cluster) { stores in
                let store = try await stores.open(endpoints: [cluster.members[2].clientURL])
                try await store.write("datacenter.cfg", text: "keyboard: de\n")
                cluster.stop(member: 0)
                cluster.stop(member: 1)
                // The survivor notices the lost leader within an election timeout or two.
                try await Task.sleep(for: .seconds(3))
                let started = ContinuousClock.now
                await #expect(throws: StoreError.noQuorum) { try await store.write("datacenter.cfg", text: "keyboard: fr\n") }
                let took = ContinuousClock.now - started
                #expect(took < .seconds(2), "a write without a leader failed after \(took)")
                #expect(try await store.read("datacenter.cfg")?.text == "keyboard: de\n")
            }
        }
    }

    /// A replica that was away while etcd compacted the history it needed copies everything
    /// again, and its watchers see the difference.
    @Test func aReplicaBehindACompactionResyncs() async throws {
        try await EtcdCluster.with(members: 1) { cluster in
            try await EtcdStores.with(cluster) { stores in
                let writer = try await stores.open()
                let replicaFile = cluster.directory.file("behind.db")
                let reader = try await stores.open(replica: replicaFile)
                try await writer.write("nodes/a/qemu-server/100.conf", text: "name: old\n")
                try await writer.write("user.cfg", text: "one\n")
                _ = try await eventually { try await reader.read("user.cfg") }
                await stores.close(reader)

                try await writer.delete("nodes/a/qemu-server/100.conf", ifRevision: nil)
                let last = try await writer.write("user.cfg", data: Array("two\n".utf8), ifRevision: nil)
                try await writer.client.compact(revision: last)

                let back = try await stores.open(replica: replicaFile)
                let changes = back.watch(prefix: "")
                let fresh = try await eventually { () -> StoreFile? in
                    let file = try await back.read("user.cfg")
                    return file?.text == "two\n" ? file : nil
                }
                #expect(fresh?.revision == last)
                #expect(try await back.read("nodes/a/qemu-server/100.conf") == nil)
                var seen: Set<String> = []
                for await change in changes {
                    if case .deleted = change { seen.insert("-" + change.path) } else { seen.insert("+" + change.path) }
                    if seen.isSuperset(of: ["-nodes/a/qemu-server/100.conf", "+user.cfg"]) { break }
                }
            }
        }
    }

    @Test func aSingleNodeTreeIsImportedWithMtimesAndVMIDsAndAnInterruptedImportContinues() async throws {
        try await EtcdCluster.with(members: 1) { cluster in
            try await EtcdStores.with(cluster) { stores in
                let files = [
                    StoreFile(path: "user.cfg", data: Array("user:root@pam:1:0::::::\n".utf8), revision: 7, mtime: 1_600_000_000),
                    StoreFile(path: "nodes/n1/qemu-server/100.conf", data: Array("memory: 512\n".utf8), revision: 9, mtime: 1_600_000_100),
                ] + (0..<120).map { StoreFile(path: "nodes/n1/lxc/\(200 + $0).conf", data: Array("hostname: ct\n".utf8), revision: 1, mtime: 1) }
                let client = try stores.client()
                // Half copied before an interruption: the second run copies only the rest.
                #expect(try await EtcdConfigStore.importTree(Array(files.prefix(60)), client: client, prefix: stores.prefix) == 60)
                #expect(try await EtcdConfigStore.importTree(files, client: client, prefix: stores.prefix) == files.count - 60)
                let store = try await stores.open()
                let user = try #require(try await store.read("user.cfg"))
                #expect(user.data == files[0].data && user.mtime == 1_600_000_000)
                #expect(try await store.keys(prefix: "nodes/n1/lxc/").count == 120)
                // The VMID index came along: VMID 100 is taken for every node and kind.
                await #expect(throws: StoreError.vmidInUse(vmid: 100, existing: "nodes/n1/qemu-server/100.conf")) {
                    try await store.create("nodes/n2/lxc/100.conf", data: [])
                }
            }
        }
    }
}
