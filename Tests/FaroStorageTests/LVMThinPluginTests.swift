import FaroModel
import FaroStorage
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// The LVM plugins' command lines and their reading of recorded `lvs`/`vgs` output.
@Suite struct LVMThinPluginTests {
    static let lvs = """
          pve:data:118575284224:twi-aotz--::10.00:1700000000
          pve:root:29628563456:-wi-ao----:::1700000000
          pve:vm-100-disk-0:34359738368:Vwi-aotz--:data:20.00:1700000100
          pve:snap_vm-100-disk-0_before:34359738368:Vri---tz-k:data:20.00:1700000300

        """

    func plugin(_ runner: RecordingCommandRunner) throws -> LVMThinPlugin {
        try LVMThinPlugin(
            definition: StorageDefinition(type: "lvmthin", id: "local-lvm", options: [("thinpool", "data"), ("vgname", "pve")]),
            context: StorageContext(runner: runner, nodeName: "test", paths: NodePaths(root: "/")))
    }

    @Test func statusAndListingComeFromLvs() async throws {
        let runner = RecordingCommandRunner([.init(["lvs"], stdout: Self.lvs)])
        let plugin = try plugin(runner)
        try await plugin.activate()
        let status = try await plugin.status()
        #expect(status == StorageStatus(total: 118_575_284_224, used: 11_857_528_422, available: 106_717_755_802, active: true))
        let volumes = try await plugin.listVolumes(content: nil, vmid: nil)
        #expect(volumes.map(\.volid.description) == ["local-lvm:vm-100-disk-0"])
        #expect(volumes.first?.used == 6_871_947_673)
        #expect(try plugin.path("vm-100-disk-0") == "/dev/pve/vm-100-disk-0")
        #expect(throws: StorageError.self) { try plugin.path("../../etc/passwd") }
    }

    @Test func allocationPicksTheNextNameAndCreatesAThinVolume() async throws {
        let runner = RecordingCommandRunner([.init(["lvs"], stdout: Self.lvs)])
        let volname = try await plugin(runner).allocate(vmid: VMID(100)!, name: nil, format: .raw, sizeKiB: 1_048_576)
        #expect(volname == "vm-100-disk-1")
        #expect(await runner.commandLines.last == "lvcreate --type thin -V 1048576k --name vm-100-disk-1 --thinpool pve/data --setautoactivation n --yes")
        await #expect(throws: StorageError.self) {
            try await self.plugin(runner).allocate(vmid: VMID(100)!, name: nil, format: .qcow2, sizeKiB: 1024)
        }
    }

    @Test func freeRemovesSnapshotsFirst() async throws {
        let runner = RecordingCommandRunner([.init(["lvs"], stdout: Self.lvs)])
        try await plugin(runner).free("vm-100-disk-0")
        #expect(await runner.commandLines.filter { $0.hasPrefix("lvremove") } == [
            "lvremove -f pve/snap_vm-100-disk-0_before", "lvremove -f pve/vm-100-disk-0",
        ])
        await #expect(throws: StorageError.noSuchVolume("local-lvm:vm-100-disk-9")) { try await self.plugin(runner).free("vm-100-disk-9") }
    }

    @Test func snapshotsTemplatesAndClones() async throws {
        let runner = RecordingCommandRunner([.init(["lvs"], stdout: Self.lvs)])
        let plugin = try plugin(runner)
        try await plugin.snapshot("vm-100-disk-0", name: "s1")
        try await plugin.rollback("vm-100-disk-0", to: "before")
        #expect(try await plugin.createBase("vm-100-disk-0") == "base-100-disk-0")
        await runner.reply(.init(["lvs"], stdout: Self.lvs.replacingOccurrences(of: "vm-100-disk-0:", with: "base-100-disk-0:")))
        #expect(try await plugin.linkedClone("base-100-disk-0", vmid: VMID(101)!) == "vm-101-disk-0")
        #expect(await runner.commandLines.filter { !$0.hasPrefix("lvs") } == [
            "lvcreate --name snap_vm-100-disk-0_s1 -pr --snapshot pve/vm-100-disk-0",
            "lvremove -f pve/vm-100-disk-0", "lvcreate -kn -n vm-100-disk-0 -s pve/snap_vm-100-disk-0_before",
            "lvrename pve vm-100-disk-0 base-100-disk-0", "lvchange -p r pve/base-100-disk-0",
            "lvcreate -n vm-101-disk-0 -prw -kn -s pve/base-100-disk-0",
        ])
    }

    @Test func missingPoolFailsActivation() async throws {
        let runner = RecordingCommandRunner([.init(["lvs"], status: 5, stderr: "  Volume group \"pve\" not found")])
        await #expect(throws: CommandError.self) { try await self.plugin(runner).activate() }
        #expect(try await plugin(runner).status() == .inactive)
    }

    @Test func thickLVMChecksFreeSpace() async throws {
        let runner = RecordingCommandRunner([
            .init(["vgs"], stdout: "  vg0:10737418240:1073741824\n"), .init(["lvs"], stdout: "  vg0:vm-100-disk-0:1073741824:-wi-a-----:::1\n"),
        ])
        let plugin = try LVMPlugin(
            definition: StorageDefinition(type: "lvm", id: "thick", options: [("vgname", "vg0")]),
            context: StorageContext(runner: runner, nodeName: "test", paths: NodePaths(root: "/")))
        #expect(try await plugin.status() == StorageStatus(total: 10_737_418_240, used: 9_663_676_416, available: 1_073_741_824, active: true))
        #expect(try await plugin.allocate(vmid: VMID(100)!, name: nil, format: .raw, sizeKiB: 1024) == "vm-100-disk-1")
        #expect(await runner.commandLines.last == "lvcreate -aly -Wy --yes --size 1024k --name vm-100-disk-1 --setautoactivation n vg0")
        await #expect(throws: StorageError.self) { try await plugin.allocate(vmid: VMID(100)!, name: nil, format: .raw, sizeKiB: 2 << 20) }
        await #expect(throws: StorageError.self) { try await plugin.snapshot("vm-100-disk-0", name: "x") }
    }

    /// What `feature` answers for LVM volumes: thin volumes snapshot and clone from a base;
    /// thick ones are only copied; a name that is no guest volume allows nothing.
    @Test func volumeFeaturesFollowWhatThePluginsDo() throws {
        let thin = try plugin(RecordingCommandRunner())
        #expect(thin.hasFeature(.snapshot, volname: "vm-100-disk-0", snapshot: nil))
        #expect(thin.hasFeature(.snapshot, volname: "vm-100-disk-0", snapshot: "before"))
        #expect(!thin.hasFeature(.copy, volname: "vm-100-disk-0", snapshot: "before"), "a thin snapshot is not read as an image")
        #expect(!thin.hasFeature(.clone, volname: "vm-100-disk-0", snapshot: nil), "linked clones need a base volume")
        #expect(thin.hasFeature(.clone, volname: "base-100-disk-0", snapshot: nil))
        #expect(thin.hasFeature(.template, volname: "vm-100-disk-0", snapshot: nil))
        #expect(!thin.hasFeature(.snapshot, volname: "data", snapshot: nil), "the thin pool is no guest volume")
        let thick = try LVMPlugin(
            definition: StorageDefinition(type: "lvm", id: "thick", options: [("vgname", "vg0")]),
            context: StorageContext(runner: RecordingCommandRunner(), nodeName: "test", paths: NodePaths(root: "/")))
        #expect(thick.hasFeature(.copy, volname: "vm-100-disk-0", snapshot: nil))
        for feature in [VolumeFeature.snapshot, .clone, .template] {
            #expect(!thick.hasFeature(feature, volname: "vm-100-disk-0", snapshot: nil), "\(feature)")
        }
    }
}
