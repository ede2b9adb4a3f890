import FaroModel
import FaroStorage
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// The dir plugin against a real directory and the real `qemu-img`.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/qemu-img"), "qemu-img is not installed (qemu-utils)"))
struct DirPluginTests {
    func withPlugin(options: [(String, String)] = [], _ body: (DirPlugin, String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "faro-dir")
        defer { directory.remove() }
        let base = directory.file("store")
        let definition = StorageDefinition(
            type: "dir", id: "store", options: [("path", base), ("content", "images,rootdir,iso,vztmpl,backup,snippets")] + options)
        let plugin = try DirPlugin(
            definition: definition,
            context: StorageContext(runner: SubprocessRunner(), nodeName: "test", paths: NodePaths(root: directory.path)))
        try await plugin.activate()
        try await body(plugin, base)
    }

    let vm = VMID(100)!

    @Test func activationCreatesTheLayout() async throws {
        try await withPlugin { plugin, base in
            for subdir in ["images", "template/iso", "template/cache", "dump", "snippets"] {
                #expect(FileIO.isDirectory(base + "/" + subdir), "\(subdir)")
            }
            let status = try await plugin.status()
            #expect(status.active && status.total > 0 && status.available <= status.total)
        }
    }

    @Test func imagesGetTheNextFreeNameAndReportTheirSize() async throws {
        try await withPlugin { plugin, base in
            #expect(try await plugin.allocate(vmid: vm, name: nil, format: .qcow2, sizeKiB: 1024) == "100/vm-100-disk-0.qcow2")
            #expect(try await plugin.allocate(vmid: vm, name: nil, format: .raw, sizeKiB: 2048) == "100/vm-100-disk-1.raw")
            #expect(try await plugin.allocate(vmid: vm, name: nil, format: .subvol, sizeKiB: 0) == "100/subvol-100-disk-2.subvol")
            #expect(try await plugin.allocate(vmid: VMID(101)!, name: nil, format: .raw, sizeKiB: 64) == "101/vm-101-disk-0.raw")
            let raw = try await plugin.info("100/vm-100-disk-1.raw")
            #expect(raw.size == 2048 * 1024 && raw.format == "raw" && raw.vmid == vm)
            #expect((raw.used ?? 0) < raw.size, "a new raw image is sparse")
            #expect(try await plugin.info("100/vm-100-disk-0.qcow2").size == 1024 * 1024)
            let mine = try await plugin.listVolumes(content: nil, vmid: vm).map(\.volid.name)
            #expect(mine == ["100/subvol-100-disk-2.subvol", "100/vm-100-disk-0.qcow2", "100/vm-100-disk-1.raw"])
            #expect(try await plugin.listVolumes(content: .images, vmid: nil).count == 4)
            #expect(try plugin.path("100/vm-100-disk-1.raw") == base + "/images/100/vm-100-disk-1.raw")

            try await plugin.resize("100/vm-100-disk-0.qcow2", bytes: 4 << 20)
            #expect(try await plugin.info("100/vm-100-disk-0.qcow2").size == 4 << 20)
            try await plugin.free("100/vm-100-disk-0.qcow2")
            #expect(try await plugin.allocate(vmid: vm, name: nil, format: .raw, sizeKiB: 64) == "100/vm-100-disk-0.raw")
            await #expect(throws: StorageError.noSuchVolume("store:100/vm-100-disk-7.raw")) { try await plugin.free("100/vm-100-disk-7.raw") }
        }
    }

    @Test func namedAllocationsMustBelongToTheGuest() async throws {
        try await withPlugin { plugin, _ in
            let named = try await plugin.allocate(vmid: vm, name: "vm-100-disk-5.raw", format: .raw, sizeKiB: 64)
            #expect(named == "100/vm-100-disk-5.raw")
            await #expect(throws: StorageError.self) { try await plugin.allocate(vmid: vm, name: "vm-101-disk-0.raw", format: .raw, sizeKiB: 64) }
            await #expect(throws: StorageError.volumeExists("store:100/vm-100-disk-5.raw")) {
                try await plugin.allocate(vmid: vm, name: "vm-100-disk-5.raw", format: .raw, sizeKiB: 64)
            }
            await #expect(throws: StorageError.self) { try await plugin.allocate(vmid: vm, name: "../x.raw", format: .raw, sizeKiB: 64) }
        }
    }

    @Test func qcow2SnapshotsRollBack() async throws {
        try await withPlugin { plugin, _ in
            let volname = try await plugin.allocate(vmid: vm, name: nil, format: .qcow2, sizeKiB: 1024)
            let path = try plugin.path(volname)
            try await DiskPattern.write(0x41, into: path)
            try await plugin.snapshot(volname, name: "snap1")
            try await DiskPattern.write(0x42, into: path)
            #expect(try await DiskPattern.holds(0x42, path))
            try await plugin.rollback(volname, to: "snap1")
            #expect(try await DiskPattern.holds(0x41, path))
            try await plugin.deleteSnapshot(volname, name: "snap1")
            let list = try await SubprocessRunner().checked(["qemu-img", "snapshot", "-l", path])
            #expect(!list.contains("snap1"))
            let raw = try await plugin.allocate(vmid: vm, name: nil, format: .raw, sizeKiB: 64)
            await #expect(throws: StorageError.self) { try await plugin.snapshot(raw, name: "x") }
        }
    }

    @Test func templatesAndLinkedClones() async throws {
        try await withPlugin { plugin, _ in
            let volname = try await plugin.allocate(vmid: vm, name: nil, format: .qcow2, sizeKiB: 1024)
            try await DiskPattern.write(0x54, into: try plugin.path(volname))
            let base = try await plugin.createBase(volname)
            #expect(base == "100/base-100-disk-0.qcow2")
            let clone = try await plugin.linkedClone(base, vmid: VMID(200)!)
            #expect(clone == "100/base-100-disk-0.qcow2/200/vm-200-disk-0.qcow2")
            let listed = try await plugin.listVolumes(content: .images, vmid: VMID(200)!)
            #expect(listed.map(\.volid.name) == [clone])
            #expect(listed.first?.parent == "store:100/base-100-disk-0.qcow2")
            #expect(try await DiskPattern.holds(0x54, try plugin.path(clone)))
            #expect(try await !DiskPattern.holds(0x55, try plugin.path(clone)), "the check can fail")
            await #expect(throws: StorageError.self) { try await plugin.linkedClone(clone, vmid: VMID(201)!) }
        }
    }

    @Test func filesAndBackupsAreListedWithNotesAndProtection() async throws {
        try await withPlugin { plugin, base in
            try Data("iso".utf8).write(to: URL(fileURLWithPath: base + "/template/iso/debian.iso"))
            try Data("tmpl".utf8).write(to: URL(fileURLWithPath: base + "/template/cache/alpine.tar.xz"))
            try Data("junk".utf8).write(to: URL(fileURLWithPath: base + "/template/iso/readme.txt"))
            let backup = base + "/dump/vzdump-qemu-100-2024_01_31-12_00_00.vma.zst"
            try Data("bk".utf8).write(to: URL(fileURLWithPath: backup))
            try Data("nightly\nmore".utf8).write(to: URL(fileURLWithPath: backup + ".notes"))
            try Data().write(to: URL(fileURLWithPath: backup + ".protected"))
            let all = try await plugin.listVolumes(content: nil, vmid: nil)
            #expect(all.map(\.volid.description) == [
                "store:backup/vzdump-qemu-100-2024_01_31-12_00_00.vma.zst", "store:iso/debian.iso", "store:vztmpl/alpine.tar.xz",
            ])
            let entry = try #require(all.first)
            #expect(entry.isProtected && entry.notes == "nightly\nmore" && entry.vmid == vm && entry.content == .backup)
            #expect(try await plugin.listVolumes(content: .iso, vmid: nil).count == 1)
            try await plugin.free("backup/vzdump-qemu-100-2024_01_31-12_00_00.vma.zst")
            #expect(!FileIO.exists(backup + ".notes"))
        }
    }

    @Test func symlinksCannotLeadOutOfTheStorage() async throws {
        try await withPlugin { plugin, base in
            let outside = try TemporaryDirectory(prefix: "faro-outside")
            defer { outside.remove() }
            try Data("secret".utf8).write(to: URL(fileURLWithPath: outside.file("x.iso")))
            try FileManager.default.createSymbolicLink(atPath: base + "/images/300", withDestinationPath: outside.path)
            #expect(throws: StorageError.self) { try plugin.path("300/vm-300-disk-0.raw") }
            await #expect(throws: StorageError.self) { try await plugin.allocate(vmid: VMID(300)!, name: nil, format: .raw, sizeKiB: 64) }
            try FileManager.default.createSymbolicLink(atPath: base + "/template/iso/link.iso", withDestinationPath: outside.file("x.iso"))
            #expect(try await plugin.listVolumes(content: .iso, vmid: nil).isEmpty)
            #expect(throws: StorageError.self) { try plugin.path("iso/link.iso") }
        }
    }
}
