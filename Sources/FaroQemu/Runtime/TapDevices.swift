import FaroGuest
import Foundation
import FaroModel
import FaroSupport

/// The host side of a VM's bridged NICs: a persistent tap `tap<vmid>i<n>` per NIC, put on the
/// NIC's bridge (or behind its firewall bridge, with its VLANs and `rate` limit: `BridgePort`)
/// before QEMU opens it, and deleted with what belongs to it when the VM has stopped.
public struct TapDevices: Sendable {
    public let runner: any CommandRunner
    /// `/sys/class/net`, where bridges show up with a `bridge` directory.
    public let netClass: String
    var ports: BridgePort { BridgePort(runner: runner, netClass: netClass) }

    public init(runner: any CommandRunner, netClass: String = "/sys/class/net") {
        self.runner = runner
        self.netClass = netClass
    }

    /// Creates and attaches the taps of every bridged NIC; on failure removes what it made.
    public func create(vmid: VMID, nets: [NetDevice]) async throws(QemuRuntimeError) {
        var made: [NetDevice] = []
        for net in nets {
            guard let bridge = net.bridge else { continue }
            guard ports.isBridge(bridge) else {
                await remove(vmid: vmid, made)
                throw .missingBridge(vmid: vmid, nic: net.key, bridge: bridge)
            }
            if let problem = ports.vlanProblem(bridge: bridge, net.values) {
                await remove(vmid: vmid, made)
                throw .networkSetup(vmid: vmid, nic: net.key, reason: problem)
            }
            let tap = net.tapName(vmid: vmid)
            await remove(vmid: vmid, [net])
            made.append(net)
            do {
                try await runner.checked(["ip", "tuntap", "add", "dev", tap, "mode", "tap"])
                // `mtu=1`: the bridge's MTU.
                if let mtu = net.values["mtu"] == "1" ? ports.mtu(of: bridge).map(String.init) : net.values["mtu"] {
                    try await runner.checked(["ip", "link", "set", tap, "mtu", mtu])
                }
                try await ports.attach(tap, vmid: vmid, index: net.index, net.values, bridge: bridge)
                try await runner.checked(["ip", "link", "set", tap, "up"])
                try await ports.shape(tap, rate: net.values["rate"])
            } catch {
                await remove(vmid: vmid, made)
                throw .networkSetup(vmid: vmid, nic: net.key, reason: error.description)
            }
        }
    }

    /// Deletes the NICs' taps, firewall bridges and IFB devices that exist; missing ones are fine.
    func remove(vmid: VMID, _ nets: [NetDevice]) async {
        await remove(nets.map { $0.tapName(vmid: vmid) })
        for net in nets { await ports.unplugFirewallBridge(vmid: vmid, index: net.index) }
    }

    /// Deletes taps that exist, with their IFB devices; missing ones are fine.
    public func remove(_ names: [String]) async {
        for name in names {
            if ports.exists(name) { _ = try? await runner.run(Command("ip", ["link", "delete", name], timeout: .seconds(10))) }
            await ports.removeIngressMirror(of: name)
        }
    }

    /// The firewall bridges of `vmid` that exist now (`fwbr<vmid>i<n>`), whatever the config says.
    public func firewallBridges(vmid: VMID) -> [Int] {
        let prefix = "fwbr\(vmid)i"
        return FileIO.listDirectory(netClass).compactMap { name in name.hasPrefix(prefix) ? Int(name.dropFirst(prefix.count)) : nil }
    }

    /// The taps of `vmid` that exist now (`tap<vmid>i<n>`), whatever the config says today.
    public func existing(vmid: VMID) -> [String] {
        let prefix = "tap\(vmid)i"
        return FileIO.listDirectory(netClass).filter { name in
            name.hasPrefix(prefix) && !name.dropFirst(prefix.count).isEmpty && name.dropFirst(prefix.count).allSatisfy(\.isNumber)
        }
    }

    /// Bytes through the VM's taps: what the host sent on them reached the guest, and the
    /// other way round (Proxmox's `netin` is the tap's transmit counter).
    public func traffic(vmid: VMID) -> (toGuest: Int, fromGuest: Int) {
        var toGuest = 0, fromGuest = 0
        for tap in existing(vmid: vmid) {
            toGuest += counter("\(netClass)/\(tap)/statistics/tx_bytes")
            fromGuest += counter("\(netClass)/\(tap)/statistics/rx_bytes")
        }
        return (toGuest, fromGuest)
    }

    private func counter(_ path: String) -> Int {
        (try? FileIO.readText(path)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    }
}
