import FaroQemu
import Testing

@Suite struct VMConfigTests {
    static let text = """
        #first line
        #100%25 sure
        cores: 2
        net0: virtio=bc:24:11:5e:7a:01,bridge=vmbr0,firewall=1
        scsi0: local:100/vm-100-disk-0.qcow2,size=4G
        x-future-option: whatever

        [PENDING]
        delete: net1,!scsi1
        memory: 4096

        [snap1]
        cores: 1
        snaptime: 1737500000

        """

    @Test func parsesAndWritesBackTheSameText() throws {
        let config = try VMConfig(parsing: Self.text)
        #expect(config.description == "first line\n100% sure")
        #expect(config["x-future-option"] == "whatever")
        #expect(config.pending == ["memory": "4096"])
        #expect(config.pendingDeletes == ["net1": false, "scsi1": true])
        #expect(config.snapshotNames == ["snap1"])
        #expect(try VMConfig(parsing: config.render()) == config)
    }

    @Test func netWritesModelAndMACFirst() throws {
        let net = try NetDevice(key: "net0", text: "bridge=vmbr0,firewall=1,virtio=bc:24:11:5e:7a:01,tag=10")
        #expect(net.model == "virtio")
        #expect(net.text == "virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=1,tag=10")
        #expect(try NetDevice(key: "net3", text: "model=e1000,macaddr=BC:24:11:00:00:01").text == "e1000=BC:24:11:00:00:01")
        #expect(throws: VMConfigError.self) { try NetDevice(key: "net0", text: "virtio=BC:24:11:00:00:01,bridge=bad bridge") }
        #expect(throws: VMConfigError.self) { try NetDevice(key: "net32", text: "virtio") }
    }

    @Test func drivesKnowAllocationRequestsVolumesAndCDROMs() throws {
        #expect(try Drive(key: "scsi0", text: "local:4").allocationRequest! == ("local", 4))
        #expect(try Drive(key: "scsi0", text: "local:4").volumeID == nil)
        #expect(try Drive(key: "ide2", text: "local:iso/x.iso,media=cdrom").volumeID == "local:iso/x.iso")
        #expect(try Drive(key: "ide2", text: "none,media=cdrom").isNone)
        #expect(throws: VMConfigError.self) { try Drive(key: "ide4", text: "local:4") }
        #expect(throws: VMConfigError.self) { try Drive(key: "virtio0", text: "none,media=cdrom") }
        #expect(throws: VMConfigError.self) { try Drive(key: "scsi0", text: "local:4,cache=fast") }
    }

    @Test func applyingPendingMovesDeletedDisksToUnusedAndFreesForcedOnes() throws {
        var config = try VMConfig(parsing: """
            scsi0: local:100/vm-100-disk-0.qcow2,size=4G
            scsi1: local:100/vm-100-disk-1.qcow2,size=4G

            [PENDING]
            delete: scsi0,!scsi1
            memory: 1024

            """)
        let freed = config.applyPending()
        #expect(freed == ["local:100/vm-100-disk-1.qcow2"])
        #expect(config["unused0"] == "local:100/vm-100-disk-0.qcow2")
        #expect(config["scsi0"] == nil && config["scsi1"] == nil)
        #expect(config.memoryMiB == 1024)
        #expect(!config.hasPending)
        #expect(try !config.render().contains("[PENDING]"))
    }

    @Test func reattachedUnusedEntriesAreDropped() throws {
        var config = try VMConfig(parsing: "unused0: local:100/vm-100-disk-0.qcow2\nscsi0: local:100/vm-100-disk-0.qcow2\n")
        config.dropReattachedUnused()
        #expect(config["unused0"] == nil)
    }
}
