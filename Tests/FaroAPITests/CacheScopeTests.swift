@testable import FaroAPI
import FaroAccess
import FaroModel
import FaroStore
import Testing

/// The access configuration and the resource list are kept until a file they are built from
/// changes. In a cluster other nodes write their status every second; those writes must not
/// throw either cache away. The tests count the builds.
@Suite struct CacheScopeTests {
    /// Writes like a status broadcast: other nodes' files, none the caches read.
    static func statusWrites(_ store: any ConfigStore, rounds: Int) async throws {
        for round in 0..<rounds {
            for node in ["n2", "n3"] {
                try await store.write("nodes/\(node)/status", text: "cpu: 0.\(round)\n")
                try await store.write("nodes/\(node)/lrm_status", text: "\(round)\n")
            }
        }
    }

    @Test func statusWritesKeepTheResourceListAndAChangedConfigRebuildsIt() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let index = node.services.resources
        let authorizer = node.services.authorizer
        _ = try await index.resources(type: nil, identity: .localRoot, authorizer: authorizer)
        let built = await index.builds
        try await Self.statusWrites(node.store, rounds: 10)
        for _ in 0..<5 { _ = try await index.resources(type: nil, identity: .localRoot, authorizer: authorizer) }
        #expect(await index.builds == built, "40 status writes rebuilt the resource list")

        try await node.store.create("nodes/n2/qemu-server/700.conf", data: Array("name: elsewhere\n".utf8))
        let list = try await index.visibleEntries(type: "vm", identity: .localRoot, authorizer: authorizer).entries
        #expect(list.map(\.id) == ["qemu/700"], "a guest of another node shows at once")
        #expect(await index.builds == built + 1)
        try await node.store.write(StoreLayout.storageConfig, text: "dir: local\n\tpath /var/lib/vz\n\tcontent images\n")
        _ = try await index.resources(type: nil, identity: .localRoot, authorizer: authorizer)
        #expect(await index.builds == built + 2, "storage.cfg is a source of the list")
    }

    @Test func statusWritesKeepTheAccessConfigurationAndUserChangesReloadIt() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let root = UserID("root@pam")!
        _ = await node.access.privileges(of: root, on: "/")
        let loads = await node.access.loads
        try await Self.statusWrites(node.store, rounds: 10)
        try await node.store.create("nodes/n2/qemu-server/701.conf", data: Array("name: elsewhere\n".utf8))
        _ = await node.access.privileges(of: root, on: "/")
        #expect(await node.access.loads == loads, "writes to other files reloaded user.cfg")

        try await node.access.updateConfig { config in config.users["carol@pve"] = UserConfig.User() }
        let carol = UserID("carol@pve")!
        _ = await node.access.privileges(of: carol, on: "/")
        #expect(await node.access.loads == loads + 1, "a user.cfg change is seen at once")
        try await node.store.write(StoreLayout.tokenSecrets, text: "")
        _ = await node.access.privileges(of: carol, on: "/")
        #expect(await node.access.loads == loads + 2, "priv/ files are sources too")
    }

    /// Guest entries come from the VM and CT config types (one place reads a config), for
    /// guests of any node.
    @Test func guestEntriesShowWhatTheConfigsSay() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.store.create(
            "nodes/n2/qemu-server/710.conf",
            data: Array("boot: order=virtio1\ncores: 2\nsockets: 2\nmemory: 2048\nvirtio0: local:710/a.qcow2,size=4G\nvirtio1: local:710/b.qcow2,size=8G\ntags: web\n".utf8))
        try await node.store.create(
            "nodes/n3/lxc/711.conf", data: Array("hostname: box\nmemory: 256\nrootfs: local:711/vm-711-disk-0.raw,size=2G\nlock: backup\n".utf8))
        let list = try await node.services.resources.entries(ids: ["qemu/710", "lxc/711"])
        let vm = try #require(list["qemu/710"])
        #expect(vm["name"] == "VM 710" && vm["node"] == "n2" && vm["maxcpu"] == 4 && vm["tags"] == "web")
        #expect(vm["maxmem"]?.intValue == 2048 << 20 && vm["maxdisk"]?.intValue == 8 << 30, "the boot disk's size: \(vm)")
        let ct = try #require(list["lxc/711"])
        #expect(ct["name"] == "box" && ct["node"] == "n3" && ct["lock"] == "backup" && ct["template"] == 0)
        #expect(ct["maxmem"]?.intValue == 256 << 20 && ct["maxdisk"]?.intValue == 2 << 30, "\(ct)")
    }
}
