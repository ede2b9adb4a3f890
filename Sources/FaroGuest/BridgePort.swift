import FaroModel
import FaroSupport

/// The host side of a guest NIC on a Linux bridge, laid out as Proxmox does, the same for a
/// VM's tap (`tap<vmid>i<N>`) and a container's veth (`veth<vmid>i<N>`):
/// - `tag`/`trunks`: the port's VLAN membership on a VLAN-aware bridge (`tag` untagged as the
///   port's PVID instead of VLAN 1, `trunks` tagged). A bridge without VLAN filtering is refused,
///   where Proxmox would build a `vmbrXvY` bridge.
/// - `firewall=1`: the port sits on its own bridge `fwbr<vmid>i<N>`, linked to the real bridge by
///   the veth pair `fwln<vmid>i<N>` / `fwpr<vmid>p<N>`; the VLAN membership then sits on `fwpr`.
/// - `rate` (MB/s): tc htb on the port for what the guest receives; what it sends enters the
///   port and is redirected to the IFB device `ifb<vmid>i<N>`, shaped the same way. Proxmox
///   polices that direction instead (drops above the rate); Faro queues, and needs only u32 and
///   mirred, which kernels without the police action have too.
public struct BridgePort: Sendable {
    public let runner: any CommandRunner
    /// `/sys/class/net`.
    public let netClass: String

    public init(runner: any CommandRunner, netClass: String = "/sys/class/net") {
        self.runner = runner
        self.netClass = netClass
    }

    /// The firewall bridge of NIC `index`, Proxmox's `fwbr<vmid>i<N>`.
    public static func firewallBridge(vmid: VMID, index: Int) -> String { "fwbr\(vmid)i\(index)" }

    /// The IFB device that carries what the guest sends through `port`: `tap100i0` and
    /// `veth100i0` both give `ifb100i0`.
    public static func ingressMirror(of port: String) -> String {
        "ifb" + port.drop { !$0.isNumber }
    }

    /// `trunks=10;20-22` as single VLAN ids (10, 20, 21, 22).
    public static func trunkIDs(_ trunks: String?) -> [Int] {
        (trunks ?? "").split(separator: ";").flatMap { part -> [Int] in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            guard let low = bounds.first, (1...4094).contains(low) else { return [] }
            let high = bounds.count == 2 ? min(bounds[1], 4094) : low
            return low <= high ? Array(low...high) : []
        }
    }

    public func exists(_ device: String) -> Bool { FileIO.exists("\(netClass)/\(device)") }

    public func isBridge(_ name: String) -> Bool { FileIO.isDirectory("\(netClass)/\(name)/bridge") }

    /// A device's MTU (a bridge's, for `mtu=1`), nil when the device is not there.
    public func mtu(of device: String) -> Int? {
        ((try? FileIO.readTextIfExists("\(netClass)/\(device)/mtu")) ?? nil).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// nil when the NIC's `tag`/`trunks` can be honoured on `bridge`, else why not.
    public func vlanProblem(bridge: String, _ net: [String: String]) -> String? {
        guard net["tag"] != nil || net["trunks"] != nil else { return nil }
        let filtering = (try? FileIO.readTextIfExists("\(netClass)/\(bridge)/bridge/vlan_filtering")) ?? nil
        guard filtering?.hasPrefix("1") != true else { return nil }
        return "bridge '\(bridge)' is not VLAN aware - 'tag' and 'trunks' need a bridge with bridge-vlan-aware"
    }

    /// Puts `port` on the NIC's bridge: straight onto it, or behind its firewall bridge (made
    /// here) for `firewall=1`; then its VLANs. Undoes what it made when a step fails.
    public func attach(_ port: String, vmid: VMID, index: Int, _ net: [String: String], bridge: String) async throws(CommandError) {
        if net["firewall"] == "1" {
            try await plugFirewallBridge(vmid: vmid, index: index, net, bridge: bridge)
            try await runner.checked(["ip", "link", "set", "dev", port, "master", Self.firewallBridge(vmid: vmid, index: index)])
        } else {
            try await runner.checked(["ip", "link", "set", "dev", port, "master", bridge])
            try await setVLANs(port, net)
        }
    }

    /// Makes `fwbr<vmid>i<N>` and links it to `bridge` through `fwln`/`fwpr`, which carries the
    /// NIC's VLANs. Removes what it made when a step fails.
    public func plugFirewallBridge(vmid: VMID, index: Int, _ net: [String: String], bridge: String) async throws(CommandError) {
        let firewallBridge = Self.firewallBridge(vmid: vmid, index: index)
        let (link, peer) = ("fwln\(vmid)i\(index)", "fwpr\(vmid)p\(index)")
        await unplugFirewallBridge(vmid: vmid, index: index)
        let mtu = net["mtu"].flatMap { $0 == "1" ? nil : $0 } ?? mtu(of: bridge).map(String.init)
        let mtuArguments = mtu.map { ["mtu", $0] } ?? []
        do {
            try await runner.checked(["ip", "link", "add", "name", firewallBridge] + mtuArguments + ["type", "bridge"])
            try await runner.checked(["ip", "link", "add", "name", link] + mtuArguments + ["type", "veth", "peer", "name", peer])
            try await runner.checked(["ip", "link", "set", "dev", peer, "master", bridge])
            try await runner.checked(["ip", "link", "set", "dev", link, "master", firewallBridge])
            for device in [firewallBridge, link, peer] { try await runner.checked(["ip", "link", "set", "dev", device, "up"]) }
            try await setVLANs(peer, net)
        } catch {
            await unplugFirewallBridge(vmid: vmid, index: index)
            throw error
        }
    }

    /// The port's VLANs on its bridge: `tag` untagged as its PVID instead of VLAN 1, `trunks` tagged.
    public func setVLANs(_ port: String, _ net: [String: String]) async throws(CommandError) {
        guard let tag = net["tag"] else { return }
        try await runner.checked(["bridge", "vlan", "del", "dev", port, "vid", "1"])
        try await runner.checked(["bridge", "vlan", "add", "dev", port, "vid", tag, "pvid", "untagged"])
        for vid in Self.trunkIDs(net["trunks"]) {
            try await runner.checked(["bridge", "vlan", "add", "dev", port, "vid", String(vid)])
        }
    }

    /// Removes a NIC's firewall bridge and its link (the peer goes with it); gone already is fine.
    public func unplugFirewallBridge(vmid: VMID, index: Int) async {
        for device in ["fwln\(vmid)i\(index)", Self.firewallBridge(vmid: vmid, index: index)] where exists(device) {
            _ = try? await runner.run(["ip", "link", "del", device])
        }
    }

    /// Removes the IFB device of `port`, if there is one.
    public func removeIngressMirror(of port: String) async {
        let mirror = Self.ingressMirror(of: port)
        if exists(mirror) { _ = try? await runner.run(["ip", "link", "del", mirror]) }
    }

    /// Replaces the port's limits by `rate` MB/s (none for nil or 0).
    public func shape(_ port: String, rate: String?) async throws(CommandError) {
        let mirror = Self.ingressMirror(of: port)
        // Removing limits that are not there fails; that is fine.
        _ = try? await runner.run(["tc", "qdisc", "del", "dev", port, "ingress"])
        _ = try? await runner.run(["tc", "qdisc", "del", "dev", port, "root"])
        await removeIngressMirror(of: port)
        guard let megabytes = rate.flatMap(Double.init), megabytes > 0 else { return }
        // tc takes at most 2^64-1 bytes per second; a rate beyond that is no limit at all.
        guard let perSecond = UInt64(exactly: (megabytes * 1_048_576).rounded(.down)) else { return }
        let bytes = String(perSecond) + "bps"
        try await limit(port, bytes)
        try await runner.checked(["ip", "link", "add", "name", mirror, "type", "ifb"])
        try await runner.checked(["ip", "link", "set", "dev", mirror, "up"])
        try await limit(mirror, bytes)
        try await runner.checked(["tc", "qdisc", "add", "dev", port, "handle", "ffff:", "ingress"])
        try await runner.checked([
            "tc", "filter", "add", "dev", port, "parent", "ffff:", "prio", "50", "u32", "match", "u32", "0", "0",
            "action", "mirred", "egress", "redirect", "dev", mirror,
        ])
    }

    /// An htb root qdisc whose one class sends at most `rate` with a 1 MiB burst.
    func limit(_ device: String, _ rate: String) async throws(CommandError) {
        try await runner.checked(["tc", "qdisc", "add", "dev", device, "root", "handle", "1:", "htb", "default", "1"])
        try await runner.checked([
            "tc", "class", "add", "dev", device, "parent", "1:", "classid", "1:1", "htb", "rate", rate, "burst", String(1 << 20) + "b",
        ])
    }
}
