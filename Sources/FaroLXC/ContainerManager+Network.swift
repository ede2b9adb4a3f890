import FaroGuest
import FaroGuestSchema
import FaroModel
import FaroSupport

/// NIC changes on a running container. The host side of each veth is `veth<vmid>i<N>`; a new
/// pair is made on the host, its peer moved into the container's network namespace, renamed
/// and addressed there with the host's `ip` (run through `nsenter`). A change of `firewall`,
/// `tag` or `trunks` makes the pair anew; `rate` is reshaped in place.
extension ContainerManager {
    func hotplugNetwork(_ vmid: VMID, index: Int, old: [String: String]?, new: [String: String]?, pid: Int) async throws {
        let hostSide = "veth\(vmid)i\(index)"
        guard let new else {
            if FileIO.exists("\(sysRoot)/class/net/\(hostSide)") { try await runner.checked(["ip", "link", "del", hostSide]) }
            await ports.unplugFirewallBridge(vmid: vmid, index: index)
            return
        }
        guard let old, ["name", "hwaddr", "mtu", "type", "firewall", "tag", "trunks"].allSatisfy({ old[$0] == new[$0] }) else {
            if old != nil { try await runner.checked(["ip", "link", "del", hostSide]) }
            await ports.unplugFirewallBridge(vmid: vmid, index: index)
            try await addNetwork(vmid, index: index, new, pid: pid)
            return
        }
        if old["rate"] != new["rate"] { try await ports.shape(hostSide, rate: new["rate"]) }
        if old["bridge"] != new["bridge"] {
            if new["firewall"] == "1" {
                await ports.unplugFirewallBridge(vmid: vmid, index: index)
                if let bridge = new["bridge"] { try await ports.plugFirewallBridge(vmid: vmid, index: index, new, bridge: bridge) }
            } else if let bridge = new["bridge"] {
                try await runner.checked(["ip", "link", "set", "dev", hostSide, "master", bridge])
            } else {
                try await runner.checked(["ip", "link", "set", "dev", hostSide, "nomaster"])
            }
        }
        if old["link_down"] != new["link_down"] {
            try await runner.checked(["ip", "link", "set", "dev", hostSide, new["link_down"] == "1" ? "down" : "up"])
        }
        if ["ip", "gw", "ip6", "gw6"].contains(where: { old[$0] != new[$0] }) {
            try await inside(pid, ["ip", "addr", "flush", "dev", new["name"]!, "scope", "global"])
            try await configureAddresses(new, pid: pid)
        }
    }

    func addNetwork(_ vmid: VMID, index: Int, _ net: [String: String], pid: Int) async throws {
        let hostSide = "veth\(vmid)i\(index)", peer = "veth\(vmid)p\(index)"
        guard let name = net["name"] else { throw LXCError.invalidOption("net\(index)", "missing property 'name'") }
        var link = ["ip", "link", "add", "name", hostSide]
        if let mtu = net["mtu"] { link += ["mtu", mtu] }
        try await runner.checked(link + ["type", "veth", "peer", "name", peer])
        do {
            try await runner.checked(["ip", "link", "set", "dev", peer, "netns", String(pid)])
            var rename = ["ip", "link", "set", "dev", peer, "name", name]
            if let hwaddr = net["hwaddr"] { rename += ["address", hwaddr] }
            try await inside(pid, rename)
            try await inside(pid, ["ip", "link", "set", "dev", name, "up"])
            if let bridge = net["bridge"] {
                if let problem = ports.vlanProblem(bridge: bridge, net) { throw LXCError.invalidOption("net\(index)", problem) }
                try await ports.attach(hostSide, vmid: vmid, index: index, net, bridge: bridge)
            }
            try await ports.shape(hostSide, rate: net["rate"])
            if net["link_down"] != "1" { try await runner.checked(["ip", "link", "set", "dev", hostSide, "up"]) }
            try await configureAddresses(net, pid: pid)
        } catch {
            _ = try? await runner.run(["ip", "link", "del", hostSide])
            await ports.unplugFirewallBridge(vmid: vmid, index: index)
            throw error
        }
    }

    /// Static addresses and gateways; `dhcp`, `auto` and `manual` are left to the container.
    func configureAddresses(_ net: [String: String], pid: Int) async throws {
        guard let name = net["name"] else { return }
        for (family, addressKey, gatewayKey) in [("-4", "ip", "gw"), ("-6", "ip6", "gw6")] {
            guard let address = net[addressKey], address.contains("/") else { continue }
            try await inside(pid, ["ip", family, "addr", "add", address, "dev", name])
            if let gateway = net[gatewayKey] {
                try await inside(pid, ["ip", family, "route", "replace", "default", "via", gateway, "dev", name])
            }
        }
    }

    /// Runs a host tool in the network namespace of the container's init.
    func inside(_ pid: Int, _ argv: [String]) async throws {
        try await runner.checked(["nsenter", "--target", String(pid), "--net", "--"] + argv)
    }
}
