import FaroGuest
import FaroModel
import FaroSupport

/// The host side of `netN` options beyond the bridge (`tag`, `trunks`, `firewall`, `rate`), laid
/// out by `BridgePort` as for a VM's taps. lxc itself gives a veth without a firewall bridge its
/// VLANs (`lxc.net.N.veth.vlan.*`).
extension ContainerManager {
    var ports: BridgePort { BridgePort(runner: runner, netClass: "\(sysRoot)/class/net") }

    /// Before `lxc-start`: checks the bridges' VLAN support and plugs the firewall bridges.
    func plugNetworks(_ vmid: VMID, config: ContainerConfig) async throws {
        for (index, net) in config.networks {
            guard let bridge = net["bridge"] else { continue }
            if let problem = ports.vlanProblem(bridge: bridge, net) { throw LXCError.invalidOption("net\(index)", problem) }
            if net["firewall"] == "1" { try await ports.plugFirewallBridge(vmid: vmid, index: index, net, bridge: bridge) }
        }
    }

    /// After a stop: the firewall bridges and IFB devices of every NIC the config names.
    func unplugNetworks(_ vmid: VMID, config: ContainerConfig) async {
        for (index, _) in config.networks {
            await ports.unplugFirewallBridge(vmid: vmid, index: index)
            await ports.removeIngressMirror(of: "veth\(vmid)i\(index)")
        }
    }

    /// Once the veths exist: the `rate` limits.
    func shapeNetworks(_ vmid: VMID, config: ContainerConfig) async throws {
        for (index, net) in config.networks { try await ports.shape("veth\(vmid)i\(index)", rate: net["rate"]) }
    }
}
