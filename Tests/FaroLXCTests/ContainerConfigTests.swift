import FaroConfig
import FaroGuestSchema
import FaroLXC
import FaroModel
import Testing

@Suite struct ContainerConfigTests {
    static let text = """
        #web%20server
        arch: amd64
        cores: 2
        features: nesting=1
        hostname: ct100
        lxc.apparmor.profile: unconfined
        lxc.cgroup2.devices.allow = c 10:200 rwm
        lxc.mount.entry: /dev/net dev/net none bind,create=dir
        lxc.mount.entry: /srv/a srv/a none bind,create=dir
        memory: 1024
        net0: name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:12:34:56,ip=dhcp,type=veth
        net1: name=eth1,bridge=vmbr1,ip=10.0.0.5/24,gw=10.0.0.1
        ostype: debian
        rootfs: local:100/subvol-100-disk-0.subvol,size=8G
        swap: 256
        unprivileged: 1
        x-custom: kept

        [pve:pending]
        memory: 2048

        [before-upgrade]
        memory: 512
        snaptime: 1700000000

        """

    @Test func parsesOptionsPendingSnapshotsAndRawKeys() throws {
        let config = try ContainerConfig.parse(Self.text)
        #expect(config.description == "web server")
        #expect(config.memoryMiB == 1024)
        #expect(config.swapMiB == 256)
        #expect(config.cores == 2)
        #expect(config.isUnprivileged)
        #expect(config.pending == ["memory": "2048"])
        #expect(config.snapshotNames == ["before-upgrade"])
        #expect(config["x-custom"] == "kept")
        #expect(config.rawLXC.map(\.key) == ["lxc.apparmor.profile", "lxc.cgroup2.devices.allow", "lxc.mount.entry", "lxc.mount.entry"])
        #expect(config.rawLXC[1].value == "c 10:200 rwm")
        #expect(config.rawLXC.last?.value == "/srv/a srv/a none bind,create=dir", "a repeated raw key keeps every value")
        #expect(config["lxc.apparmor.profile"] == nil, "raw lxc keys are not options")
        #expect(config.rootfs?["volume"] == "local:100/subvol-100-disk-0.subvol")
        #expect(config.rootfs?["size"] == "8G")
        #expect(config.features == ["nesting": "1"])
        #expect(config.networks.map(\.index) == [0, 1])
        #expect(config.networks[1].values["gw"] == "10.0.0.1")
    }

    @Test func roundTripsThroughRender() throws {
        let config = try ContainerConfig.parse(Self.text)
        let again = try ContainerConfig.parse(config.render())
        #expect(again == config)
        #expect(try config.render().contains("lxc.cgroup2.devices.allow: c 10:200 rwm\n"))
    }

    @Test func defaultsFollowProxmox() {
        let config = ContainerConfig(options: [:])
        #expect(config.memoryMiB == 512)
        #expect(config.swapMiB == 512)
        #expect(config.hostname(vmid: VMID(105)!) == "CT105")
        #expect(config.tty == 2)
        #expect(config.console)
        #expect(!config.isUnprivileged)
    }

    @Test func propertyStringsAreChecked() {
        #expect(throws: (any Error).self) { try ContainerSchema.parse("net0", "bridge=vmbr0") }
        #expect(throws: (any Error).self) { try ContainerSchema.parse("net0", "name=eth0,ip=10.0.0.300/24") }
        #expect(throws: (any Error).self) { try ContainerSchema.parse("mp0", "local:1") }
        #expect((try? ContainerSchema.parse("mp0", "local:1,mp=/data"))?["mp"] == "/data")
        #expect(ContainerSchema.options["net31"] != nil && ContainerSchema.options["net32"] == nil)
    }
}
