import FaroLXC
import FaroModel
import Foundation
import Testing

/// CT config → lxc config against golden files in `Golden/` (regenerate by deleting one).
@Suite struct LXCConfigTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    static let includes: Set<String> = ["common.conf", "userns.conf", "debian.common.conf", "debian.userns.conf"]

    func check(_ name: String, _ configText: String, vmid: Int, cgroupVersion: Int) throws {
        let config = try ContainerConfig.parse(configText)
        let host = LXCHost(
            lxcPath: "/var/lib/faro/lxc", configDirectory: "/usr/share/lxc/config", availableIncludes: Self.includes,
            cgroupVersion: cgroupVersion)
        let rendered = LXCConfig.render(config, vmid: VMID(vmid)!, host: host)
        let path = "\(Self.golden)/\(name).lxc"
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            try rendered.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("wrote missing golden file \(path); check it and run again")
            return
        }
        #expect(rendered == expected, "\(name): got\n\(rendered)")
    }

    @Test func unprivilegedDebianOnCgroupV2() throws {
        try check("unprivileged-debian-v2", """
            arch: amd64
            cores: 2
            cpulimit: 1.5
            cpuunits: 200
            features: nesting=1
            hostname: web
            lxc.apparmor.profile: unconfined
            memory: 1024
            net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:12:34:56,ip=dhcp,type=veth
            net1: name=eth1,bridge=vmbr1,mtu=1400,ip=manual,link_down=1
            ostype: debian
            rootfs: local:101/subvol-101-disk-0.subvol,size=8G
            swap: 256
            tty: 4
            unprivileged: 1
            """, vmid: 101, cgroupVersion: 2)
    }

    @Test func privilegedUnmanagedOnCgroupV1() throws {
        try check("privileged-unmanaged-v1", """
            memory: 256
            rootfs: local:102/vm-102-disk-0.raw,size=1G
            swap: 0
            """, vmid: 102, cgroupVersion: 1)
    }

    /// `tag` and `trunks` become lxc's VLAN options of the veth on the bridge; a firewalled NIC
    /// joins its `fwbr` bridge instead and leaves the VLANs to the start; `rate` is tc's, not lxc's.
    @Test func vlanFirewallAndRateNICs() throws {
        try check("nics-vlan-firewall", """
            memory: 128
            net0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,tag=5,trunks=7;10-12,rate=1.5
            net1: name=eth1,bridge=vmbr0,hwaddr=BC:24:11:00:00:02,firewall=1,tag=6
            net2: name=eth2,hwaddr=BC:24:11:00:00:03,tag=9
            ostype: alpine
            rootfs: local:104/subvol-104-disk-0.subvol
            """, vmid: 104, cgroupVersion: 2)
    }

    @Test func largeMemoryKeepsHighBelowMaxByOneHundredTwentyEightMiB() throws {
        let config = ContainerConfig(options: ["memory": "16384", "ostype": "alpine"])
        let host = LXCHost(lxcPath: "/l", configDirectory: "/c", availableIncludes: ["common.conf"], cgroupVersion: 2)
        let text = LXCConfig.render(config, vmid: VMID(103)!, host: host)
        #expect(text.contains("lxc.cgroup2.memory.max = 17179869184\n"))
        #expect(text.contains("lxc.cgroup2.memory.high = 17045651456\n"))
        #expect(text.contains("lxc.include = /c/common.conf\n"), "alpine falls back to the generic include")
    }
}
