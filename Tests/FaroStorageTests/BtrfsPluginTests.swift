import FaroModel
import FaroStorage
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// The btrfs plugin on a real btrfs file system on a loop device.
@Suite(.serialized, .enabled(if: LoopFileSystem.unavailableReason(type: "btrfs") == nil, "btrfs on a loop device is not available here"))
struct BtrfsPluginTests {
    func withPlugin(_ body: (BtrfsPlugin, String) async throws -> Void) async throws {
        let fileSystem = try await LoopFileSystem(type: "btrfs")
        defer { fileSystem.unmount() }
        let definition = StorageDefinition(type: "btrfs", id: "bt", options: [("path", fileSystem.mountPoint + "/pve"), ("content", "images,rootdir,iso")])
        let plugin = try BtrfsPlugin(
            definition: definition, context: StorageContext(runner: SubprocessRunner(), nodeName: "test", paths: NodePaths(root: "/")))
        try await plugin.activate()
        try await body(plugin, fileSystem.mountPoint + "/pve")
    }

    let vm = VMID(100)!

    @Test func rawImagesLiveInTheirOwnSubvolume() async throws {
        try await withPlugin { plugin, base in
            let volname = try await plugin.allocate(vmid: vm, name: nil, format: .raw, sizeKiB: 4096)
            #expect(volname == "100/vm-100-disk-0.raw")
            let path = try plugin.path(volname)
            #expect(path == base + "/images/100/vm-100-disk-0/disk.raw")
            let show = try await SubprocessRunner().run(["btrfs", "subvolume", "show", base + "/images/100/vm-100-disk-0"])
            #expect(show.succeeded)
            #expect(try await plugin.info(volname).size == 4096 * 1024)
            #expect(try await plugin.listVolumes(content: .images, vmid: vm).map(\.volid.name) == [volname])
            #expect(try await plugin.status().active)

            try await DiskPattern.write(0x41, into: path)
            try await plugin.snapshot(volname, name: "first")
            #expect(FileIO.isDirectory(base + "/images/100/vm-100-disk-0@first"))
            try await DiskPattern.write(0x42, into: path)
            try await plugin.rollback(volname, to: "first")
            #expect(try await DiskPattern.holds(0x41, try plugin.path(volname)))
            #expect(try await plugin.listVolumes(content: nil, vmid: vm).count == 1, "snapshots are not volumes")

            try await plugin.resize(volname, bytes: 8 << 20)
            #expect(try await plugin.info(volname).size == 8 << 20)
            try await plugin.free(volname)
            #expect(!FileIO.exists(base + "/images/100/vm-100-disk-0"))
            #expect(!FileIO.exists(base + "/images/100/vm-100-disk-0@first"))
        }
    }

    @Test func containerSubvolumesSnapshotAndClone() async throws {
        try await withPlugin { plugin, base in
            let volname = try await plugin.allocate(vmid: vm, name: nil, format: .subvol, sizeKiB: 0)
            #expect(volname == "100/subvol-100-disk-0.subvol")
            let root = try plugin.path(volname)
            try Data("hello".utf8).write(to: URL(fileURLWithPath: root + "/etc-hostname"))
            try await plugin.snapshot(volname, name: "s1")
            try Data("changed".utf8).write(to: URL(fileURLWithPath: root + "/etc-hostname"))
            try await plugin.rollback(volname, to: "s1")
            #expect(try String(contentsOfFile: root + "/etc-hostname", encoding: .utf8) == "hello")
            try await plugin.deleteSnapshot(volname, name: "s1")
            await #expect(throws: StorageError.self) { try await plugin.deleteSnapshot(volname, name: "s1") }

            let base100 = try await plugin.createBase(volname)
            #expect(base100 == "100/basevol-100-disk-0.subvol")
            let clone = try await plugin.linkedClone(base100, vmid: VMID(101)!)
            #expect(clone == "100/basevol-100-disk-0.subvol/101/subvol-101-disk-0.subvol")
            #expect(try String(contentsOfFile: try plugin.path(clone) + "/etc-hostname", encoding: .utf8) == "hello")
            #expect(FileIO.isDirectory(base + "/images/101/subvol-101-disk-0"))
        }
    }

    @Test func subvolumeSizesAreQuotaLimits() async throws {
        try await withPlugin { plugin, _ in
            let volname = try await plugin.allocate(vmid: vm, name: nil, format: .subvol, sizeKiB: 65536)
            #expect(try await plugin.info(volname).size == 65536 * 1024)
            try await plugin.resize(volname, bytes: 128 << 20)
            #expect(try await plugin.info(volname).size == 128 << 20)
        }
    }
}
