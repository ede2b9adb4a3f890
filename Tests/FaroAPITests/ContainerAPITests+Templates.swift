import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Hostile templates through `POST /nodes/{node}/lxc` (issue 23).
extension ContainerAPITests {
    /// Device nodes below /dev, however spelled, are left out and the container is made;
    /// one elsewhere fails the creation and leaves nothing behind. No device node appears
    /// anywhere under the node's root either way.
    @Test(.enabled(unlessMissing: Self.missing), arguments: [false, true])
    func templatesPlantNoDeviceNode(unprivileged: Bool) async throws {
        try await withNode(template: false) { node, client in
            let cache = node.services.paths.localStorage + "/template/cache"
            try FileIO.makeDirectory(cache)
            var below = TarArchive()
            for directory in ["./", "./etc/", "./dev/"] { below.addDirectory(directory) }
            for name in ["dev/mem", "./dev/kmem", ".//dev/port", "dev//sda"] { below.addCharacterDevice(name) }
            try await below.writeGzipped(to: cache + "/devnodes_1.0_amd64.tar.gz")
            var elsewhere = TarArchive()
            for directory in ["./", "./etc/"] { elsewhere.addDirectory(directory) }
            elsewhere.addCharacterDevice("etc/mem")
            try await elsewhere.writeGzipped(to: cache + "/planted_1.0_amd64.tar.gz")

            let vmid = unprivileged ? 271 : 270
            let created = try await runTask(
                node, client, .post, "/nodes/testnode/lxc",
                "vmid=\(vmid)&ostemplate=local:vztmpl/devnodes_1.0_amd64.tar.gz&rootfs=local:0&hostname=dn&ostype=alpine"
                    + "&unprivileged=\(unprivileged ? 1 : 0)")
            #expect(created == "OK")
            let volume = node.services.paths.localStorage + "/images/\(vmid)/subvol-\(vmid)-disk-0.subvol"
            #expect(try FileIO.readText(volume + "/etc/hostname") == "dn\n")
            var info = stat()
            #expect(lstat(volume + "/dev", &info) == 0 && info.st_uid == (unprivileged ? 100_000 : 0))
            #expect(DeviceNodes.find(under: node.directory.path) == [])

            let refused = try await runTask(
                node, client, .post, "/nodes/testnode/lxc",
                "vmid=\(vmid + 10)&ostemplate=local:vztmpl/planted_1.0_amd64.tar.gz&rootfs=local:0&ostype=alpine"
                    + "&unprivileged=\(unprivileged ? 1 : 0)")
            #expect(refused.contains("device node 'etc/mem' outside /dev"))
            #expect(try await node.store.read("nodes/testnode/lxc/\(vmid + 10).conf") == nil)
            #expect(
                !FileIO.exists(
                    node.services.paths.localStorage + "/images/\(vmid + 10)/subvol-\(vmid + 10)-disk-0.subvol"))
            #expect(DeviceNodes.find(under: node.directory.path) == [])
            #expect(try await runTask(node, client, .delete, "/nodes/testnode/lxc/\(vmid)") == "OK")
        }
    }
}
