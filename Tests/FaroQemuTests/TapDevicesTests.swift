import FaroModel
import FaroQemu
import FaroSupport
import FaroTesting
import Testing

/// The host side of a VM's NICs as commands: VLANs on a VLAN-aware bridge, the firewall
/// bridge, the rate limit and `mtu=1` (the bridge's MTU). The same `BridgePort` steps run
/// against the kernel in the container network tests.
@Suite struct TapDevicesTests {
    /// A `/sys/class/net` with `vmbr0` (VLAN filtering on, MTU 9000) and `vmbr1` (no filtering).
    static func netClass() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for (bridge, filtering) in [("vmbr0", "1"), ("vmbr1", "0")] {
            try FileIO.makeDirectory(directory.file("\(bridge)/bridge"))
            try FileIO.writeAtomically(directory.file("\(bridge)/bridge/vlan_filtering"), Array((filtering + "\n").utf8))
            try FileIO.writeAtomically(directory.file("\(bridge)/mtu"), Array("9000\n".utf8))
        }
        return directory
    }

    @Test func vlansRateAndTheBridgesMTUAreSetOnTheTap() async throws {
        let net = try Self.netClass()
        defer { net.remove() }
        let runner = RecordingCommandRunner()
        let nic = try NetDevice(key: "net0", text: "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=10,trunks=20-21,rate=5,mtu=1")
        try await TapDevices(runner: runner, netClass: net.path).create(vmid: VMID(100)!, nets: [nic])
        let lines = await runner.commandLines
        #expect(Array(lines.prefix(8)) == [
            "ip tuntap add dev tap100i0 mode tap", "ip link set tap100i0 mtu 9000", "ip link set dev tap100i0 master vmbr0",
            "bridge vlan del dev tap100i0 vid 1", "bridge vlan add dev tap100i0 vid 10 pvid untagged",
            "bridge vlan add dev tap100i0 vid 20", "bridge vlan add dev tap100i0 vid 21", "ip link set tap100i0 up",
        ])
        #expect(lines.contains("tc class add dev tap100i0 parent 1: classid 1:1 htb rate 5242880bps burst 1048576b"))
        #expect(lines.contains("ip link add name ifb100i0 type ifb"))
    }

    @Test func aFirewalledNICSitsBehindItsOwnBridgeWhichCarriesTheVLAN() async throws {
        let net = try Self.netClass()
        defer { net.remove() }
        let runner = RecordingCommandRunner()
        let nic = try NetDevice(key: "net1", text: "e1000=BC:24:11:00:00:02,bridge=vmbr0,firewall=1,tag=7")
        try await TapDevices(runner: runner, netClass: net.path).create(vmid: VMID(100)!, nets: [nic])
        let lines = await runner.commandLines
        #expect(lines.contains("ip link add name fwbr100i1 mtu 9000 type bridge"))
        #expect(lines.contains("ip link set dev fwpr100p1 master vmbr0"))
        #expect(lines.contains("bridge vlan add dev fwpr100p1 vid 7 pvid untagged"))
        #expect(lines.contains("ip link set dev tap100i1 master fwbr100i1"))
        #expect(!lines.contains { $0.contains("dev tap100i1 vid") }, "the tap itself carries no VLAN")
    }

    @Test func aTagOnABridgeWithoutVLANFilteringIsRefusedBeforeAnythingIsMade() async throws {
        let net = try Self.netClass()
        defer { net.remove() }
        let runner = RecordingCommandRunner()
        let nic = try NetDevice(key: "net0", text: "virtio=BC:24:11:00:00:01,bridge=vmbr1,tag=10")
        await #expect(throws: QemuRuntimeError.self) {
            try await TapDevices(runner: runner, netClass: net.path).create(vmid: VMID(100)!, nets: [nic])
        }
        #expect(await runner.commandLines.allSatisfy { !$0.hasPrefix("ip tuntap add") })
    }
}
