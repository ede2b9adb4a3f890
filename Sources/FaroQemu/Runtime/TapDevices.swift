import Foundation
import FaroModel
import FaroSupport

/// The host side of a VM's bridged NICs: a persistent tap `tap<vmid>i<n>` per NIC, enslaved
/// to the NIC's bridge before QEMU opens it, and deleted when the VM has stopped.
public struct TapDevices: Sendable {
    public let runner: any CommandRunner
    /// `/sys/class/net`, where bridges show up with a `bridge` directory.
    public let netClass: String

    public init(runner: any CommandRunner, netClass: String = "/sys/class/net") {
        self.runner = runner
        self.netClass = netClass
    }

    /// Creates and attaches the taps of every bridged NIC; on failure removes what it made.
    public func create(vmid: VMID, nets: [NetDevice]) async throws(QemuRuntimeError) {
        var made: [String] = []
        for net in nets {
            guard let bridge = net.bridge else { continue }
            guard FileIO.isDirectory("\(netClass)/\(bridge)/bridge") else {
                await remove(made)
                throw .missingBridge(vmid: vmid, nic: net.key, bridge: bridge)
            }
            let tap = net.tapName(vmid: vmid)
            await remove([tap])
            var steps = [["tuntap", "add", "dev", tap, "mode", "tap"], ["link", "set", tap, "master", bridge], ["link", "set", tap, "up"]]
            if let mtu = net.values["mtu"], mtu != "1" { steps.insert(["link", "set", tap, "mtu", mtu], at: 1) }
            for (number, step) in steps.enumerated() {
                do {
                    try await runner.run(Command("ip", step, timeout: .seconds(10))).checked()
                } catch {
                    await remove(made + (number > 0 ? [tap] : []))
                    throw .networkSetup(vmid: vmid, nic: net.key, reason: error.description)
                }
                if number == 0 { made.append(tap) }
            }
        }
    }

    /// Deletes taps that exist; missing ones are fine.
    public func remove(_ names: [String]) async {
        for name in names where FileIO.exists("\(netClass)/\(name)") {
            _ = try? await runner.run(Command("ip", ["link", "delete", name], timeout: .seconds(10)))
        }
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
