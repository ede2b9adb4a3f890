@testable import FaroStorage
import Testing

/// `lvs`/`vgs` output recorded on a Proxmox VE node (device-mapper is missing on CI machines).
@Suite struct LVMToolTests {
    static let lvs = """
          pve:data:118575284224:twi-aotz--::12.34:1700000000
          pve:root:29628563456:-wi-ao----:::1700000000
          pve:swap:8589934592:-wi-ao----:::1700000000
          pve:vm-100-disk-0:34359738368:Vwi-aotz--:data:20,50:1700000100
          pve:base-101-disk-0:8589934592:Vri---tz-k:data:5.00:1700000200
          pve:snap_vm-100-disk-0_before:34359738368:Vri---tz-k:data:20.50:1700000300

        """

    @Test func parsesLogicalVolumes() {
        let volumes = LVMTool.parseLogicalVolumes(Self.lvs)
        #expect(volumes.count == 6)
        #expect(volumes[0] == .init(vg: "pve", name: "data", size: 118_575_284_224, attributes: "twi-aotz--", pool: "", dataPercent: 12.34, ctime: 1_700_000_000))
        #expect(volumes[3].dataPercent == 20.5)
        #expect(volumes[3].pool == "data")
        #expect(LVMTool.owner(of: "vm-100-disk-0")?.rawValue == 100)
        #expect(LVMTool.owner(of: "snap_vm-100-disk-0_before") == nil)
        #expect(LVMTool.owner(of: "root") == nil)
    }

    @Test func parsesVolumeGroups() {
        let groups = LVMTool.parseVolumeGroups("  pve:255550554112:16903045120\n  other:1000:0\n")
        #expect(groups == [.init(name: "pve", size: 255_550_554_112, free: 16_903_045_120), .init(name: "other", size: 1000, free: 0)])
    }
}
