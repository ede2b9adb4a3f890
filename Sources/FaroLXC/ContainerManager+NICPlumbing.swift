import FaroModel
import FaroSupport

/// The host side of `netN` options beyond the bridge, laid out as Proxmox does:
/// - `tag`/`trunks`: VLAN membership of the port on a VLAN-aware bridge (lxc sets it for the
///   veth itself; a firewalled NIC carries it on its `fwpr` link). A bridge without VLAN
///   filtering is refused, where Proxmox would build a `vmbrXvY` bridge.
/// - `firewall=1`: the veth sits on its own bridge `fwbr<vmid>i<N>`, linked to the real bridge by
///   the veth pair `fwln<vmid>i<N>` / `fwpr<vmid>p<N>`, so bridge netfilter rules can see the
///   NIC's traffic. Faro plugs the bridge; it has no firewall rules of its own yet.
/// - `rate` (MB/s): tc htb on the host veth, 1 MiB burst, for what the container receives; what
///   it sends enters the veth and is redirected to the IFB device `ifb<vmid>i<N>`, shaped the
///   same way. Proxmox polices that direction instead (drops above the rate); Faro queues, and
///   needs only u32 and mirred, which kernels without the police action have too.
extension ContainerManager {
    /// Before `lxc-start`: checks the bridges' VLAN support and plugs the firewall bridges.
    func plugNetworks(_ vmid: VMID, config: ContainerConfig) async throws {
        for (index, net) in config.networks {
            guard let bridge = net["bridge"] else { continue }
            if net["tag"] != nil || net["trunks"] != nil {
                let filtering = (try? FileIO.readTextIfExists("\(sysRoot)/class/net/\(bridge)/bridge/vlan_filtering")) ?? nil
                guard filtering?.hasPrefix("1") == true else {
                    throw LXCError.invalidOption(
                        "net\(index)", "bridge '\(bridge)' is not VLAN aware - 'tag' and 'trunks' need a bridge with bridge-vlan-aware")
                }
            }
            if net["firewall"] == "1" { try await plugFirewallBridge(vmid, index: index, net, bridge: bridge) }
        }
    }

    func plugFirewallBridge(_ vmid: VMID, index: Int, _ net: [String: String], bridge: String) async throws {
        let firewallBridge = LXCConfig.firewallBridge(vmid: vmid, index: index)
        let (link, peer) = ("fwln\(vmid)i\(index)", "fwpr\(vmid)p\(index)")
        await unplugFirewallBridge(vmid, index: index)
        let mtu = net["mtu"] ?? ((try? FileIO.readTextIfExists("\(sysRoot)/class/net/\(bridge)/mtu")) ?? nil)?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let mtuArguments = mtu.map { ["mtu", $0] } ?? []
        do {
            try await runner.checked(["ip", "link", "add", "name", firewallBridge] + mtuArguments + ["type", "bridge"])
            try await runner.checked(["ip", "link", "add", "name", link] + mtuArguments + ["type", "veth", "peer", "name", peer])
            try await runner.checked(["ip", "link", "set", "dev", peer, "master", bridge])
            try await runner.checked(["ip", "link", "set", "dev", link, "master", firewallBridge])
            for device in [firewallBridge, link, peer] { try await runner.checked(["ip", "link", "set", "dev", device, "up"]) }
            try await setVLANs(peer, net)
        } catch {
            await unplugFirewallBridge(vmid, index: index)
            throw error
        }
    }

    /// The port's VLANs on the bridge: `tag` untagged as its PVID instead of VLAN 1, `trunks` tagged.
    func setVLANs(_ port: String, _ net: [String: String]) async throws {
        guard let tag = net["tag"] else { return }
        try await runner.checked(["bridge", "vlan", "del", "dev", port, "vid", "1"])
        try await runner.checked(["bridge", "vlan", "add", "dev", port, "vid", tag, "pvid", "untagged"])
        for vid in LXCConfig.trunkIDs(net["trunks"]) {
            try await runner.checked(["bridge", "vlan", "add", "dev", port, "vid", String(vid)])
        }
    }

    /// Removes a NIC's firewall bridge and its link (the peer goes with it); gone already is fine.
    func unplugFirewallBridge(_ vmid: VMID, index: Int) async {
        for device in ["fwln\(vmid)i\(index)", LXCConfig.firewallBridge(vmid: vmid, index: index)]
        where FileIO.exists("\(sysRoot)/class/net/\(device)") {
            _ = try? await runner.run(["ip", "link", "del", device])
        }
    }

    /// After a stop: the firewall bridges and IFB devices of every NIC the config names.
    func unplugNetworks(_ vmid: VMID, config: ContainerConfig) async {
        for (index, _) in config.networks {
            await unplugFirewallBridge(vmid, index: index)
            let mirror = Self.ingressMirror(of: "veth\(vmid)i\(index)")
            if FileIO.exists("\(sysRoot)/class/net/\(mirror)") { _ = try? await runner.run(["ip", "link", "del", mirror]) }
        }
    }

    /// Once the veths exist: the `rate` limits.
    func shapeNetworks(_ vmid: VMID, config: ContainerConfig) async throws {
        for (index, net) in config.networks { try await shape("veth\(vmid)i\(index)", rate: net["rate"]) }
    }

    /// Replaces the device's limits by `rate` MB/s (none for nil or 0).
    func shape(_ device: String, rate: String?) async throws {
        let mirror = Self.ingressMirror(of: device)
        // Removing limits that are not there fails; that is fine.
        _ = try? await runner.run(["tc", "qdisc", "del", "dev", device, "ingress"])
        _ = try? await runner.run(["tc", "qdisc", "del", "dev", device, "root"])
        if FileIO.exists("\(sysRoot)/class/net/\(mirror)") { _ = try? await runner.run(["ip", "link", "del", mirror]) }
        guard let megabytes = rate.flatMap(Double.init), megabytes > 0 else { return }
        // tc takes at most 2^64-1 bytes per second; a rate beyond that is no limit at all.
        guard let perSecond = UInt64(exactly: (megabytes * 1_048_576).rounded(.down)) else { return }
        let bytes = String(perSecond) + "bps"
        try await limit(device, bytes)
        try await runner.checked(["ip", "link", "add", "name", mirror, "type", "ifb"])
        try await runner.checked(["ip", "link", "set", "dev", mirror, "up"])
        try await limit(mirror, bytes)
        try await runner.checked(["tc", "qdisc", "add", "dev", device, "handle", "ffff:", "ingress"])
        try await runner.checked([
            "tc", "filter", "add", "dev", device, "parent", "ffff:", "prio", "50", "u32", "match", "u32", "0", "0",
            "action", "mirred", "egress", "redirect", "dev", mirror,
        ])
    }

    /// An htb root qdisc whose one class sends at most `rate` with a 1 MiB burst.
    func limit(_ device: String, _ rate: String) async throws {
        try await runner.checked(["tc", "qdisc", "add", "dev", device, "root", "handle", "1:", "htb", "default", "1"])
        try await runner.checked([
            "tc", "class", "add", "dev", device, "parent", "1:", "classid", "1:1", "htb", "rate", rate, "burst", String(1 << 20) + "b",
        ])
    }

    /// The IFB device that carries what a container sends through `veth<vmid>i<N>`: `ifb<vmid>i<N>`.
    static func ingressMirror(of device: String) -> String { "ifb" + device.dropFirst(4) }
}
