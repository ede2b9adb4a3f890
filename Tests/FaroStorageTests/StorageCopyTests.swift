import FaroConfig
import FaroModel
import FaroStorage
import FaroStore
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// Full image copies between storages and the choices around them: the target format and the
/// bandwidth limit.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/qemu-img"), "qemu-img is not installed (qemu-utils)"))
struct StorageCopyTests {
    func withService(_ body: (StorageService, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "faro-copy")
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.file("config.db"))
        try await store.write("storage.cfg", text: """
            dir: fast
            \tpath \(directory.file("fast"))
            \tcontent images
            \tbwlimit clone=2048,default=512

            dir: slow
            \tpath \(directory.file("slow"))
            \tcontent images
            \tformat qcow2
            \tbwlimit default=100

            dir: plain
            \tpath \(directory.file("plain"))
            \tcontent images

            """)
        let context = StorageContext(runner: SubprocessRunner(), nodeName: "test", paths: NodePaths(root: directory.path))
        try await body(StorageService(store: store, context: context, types: StorageTypes.builtIn), directory)
    }

    @Test func formatsFollowRequestSourceAndStorage() async throws {
        try await withService { service, _ in
            let fast = try await service.plugin("fast"), slow = try await service.plugin("slow")
            #expect(try service.copyFormat(on: fast, requested: nil, source: "vmdk") == .vmdk)
            #expect(try service.copyFormat(on: fast, requested: .qcow2, source: "raw") == .qcow2)
            #expect(try service.copyFormat(on: slow, requested: nil, source: "subvol") == .qcow2, "the storage's format")
            #expect(throws: StorageError.self) { try service.copyFormat(on: fast, requested: .subvol, source: "raw") }
        }
    }

    @Test func theLowestLimitOfTheStoragesWinsUnlessOverridden() async throws {
        try await withService { service, _ in
            let fast = try await service.plugin("fast"), slow = try await service.plugin("slow")
            #expect(service.bandwidthLimit("clone", storages: [fast], override: nil) == 2048 * 1024)
            #expect(service.bandwidthLimit("move", storages: [fast], override: nil) == 512 * 1024)
            #expect(service.bandwidthLimit("clone", storages: [fast, slow], override: nil) == 100 * 1024)
            #expect(service.bandwidthLimit("clone", storages: [fast, slow], override: 0) == nil)
            #expect(service.bandwidthLimit("clone", storages: [fast], override: 10) == 10 * 1024)
        }
    }

    @Test func theDatacenterLimitCountsWhereAStorageSetsNone() async throws {
        try await withService { service, _ in
            let fast = try await service.plugin("fast"), plain = try await service.plugin("plain")
            let datacenter = DatacenterConfig(options: ["bwlimit": "clone=50,default=4096"])
            #expect(service.bandwidthLimit("clone", storages: [plain], override: nil) == nil)
            #expect(service.bandwidthLimit("clone", storages: [plain], override: nil, datacenter: datacenter) == 50 * 1024)
            #expect(service.bandwidthLimit("move", storages: [plain], override: nil, datacenter: datacenter) == 4096 * 1024)
            #expect(service.bandwidthLimit("clone", storages: [fast], override: nil, datacenter: datacenter) == 2048 * 1024)
            #expect(service.bandwidthLimit("clone", storages: [fast, plain], override: nil, datacenter: datacenter) == 50 * 1024)
            #expect(service.bandwidthLimit("clone", storages: [plain], override: 0, datacenter: datacenter) == nil)
        }
    }

    @Test func copiesAnImageAtASnapshotIntoAnotherFormat() async throws {
        try await withService { service, _ in
            let fast = try await service.plugin("fast"), slow = try await service.plugin("slow")
            let volname = try await fast.allocate(vmid: VMID(100)!, name: nil, format: .qcow2, sizeKiB: 2048)
            try await DiskPattern.write(0x61, into: try fast.path(volname))
            try await fast.snapshot(volname, name: "first")
            try await DiskPattern.write(0x62, into: try fast.path(volname))

            let copy = try await service.copyImage(
                from: fast, volname, snapshot: "first", to: slow, vmid: VMID(101)!, format: .raw, bytesPerSecond: 64 << 20)
            #expect(copy == "101/vm-101-disk-0.raw")
            #expect(try await slow.info(copy).size == 2048 * 1024)
            #expect(try await DiskPattern.holds(0x61, try slow.path(copy)))
            await #expect(throws: StorageError.self) {
                try await service.copyImage(from: fast, volname, snapshot: "missing", to: slow, vmid: VMID(101)!, format: .raw)
            }
            #expect(try await slow.listVolumes(content: .images, vmid: VMID(101)!).map(\.volid.name) == [copy], "a failed copy leaves nothing")
        }
    }

    @Test func linkedClonesOfRawBasesOnDirectories() async throws {
        try await withService { service, _ in
            let fast = try await service.plugin("fast")
            let volname = try await fast.allocate(vmid: VMID(100)!, name: nil, format: .raw, sizeKiB: 1024)
            try await DiskPattern.write(0x63, into: try fast.path(volname))
            let base = try await fast.createBase(volname)
            let clone = try await fast.linkedClone(base, vmid: VMID(200)!)
            #expect(clone == "100/base-100-disk-0.raw/200/vm-200-disk-0.qcow2")
            #expect(try await fast.info(clone).parent == "fast:100/base-100-disk-0.raw")
            #expect(try await DiskPattern.holds(0x63, try fast.path(clone)))
        }
    }
}
