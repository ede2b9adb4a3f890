import FaroSchema

extension APISpec {
    /// The node's network interfaces, read from the host (Proxmox reads its interfaces file;
    /// writing the network configuration is not implemented yet).
    static var networkMethods: [APIMethod] {
        let types = [
            "bridge", "bond", "eth", "alias", "vlan", "fabric", "OVSBridge", "OVSBond", "OVSPort", "OVSIntPort", "vnet",
            "any_bridge", "any_local_bridge", "include_sdn",
        ]
        let interface = Schema.object([
            "iface": Schema.string("Network interface name.", format: "pve-iface").with {
                $0.minLength = 2
                $0.maxLength = 20
            },
            "type": Schema.string("Interface type: `bridge` or `eth`."),
            "active": Common.field(.boolean(), "Set when the interface is up."),
            "exists": Common.field(.boolean(), "Set when the interface exists on the host (always, here)."),
            "autostart": Common.field(
                .boolean(), "Set when the interface is brought up at boot (here: when it is up)."),
            "bridge_ports": Common.field(.string(), "A bridge's ports, space separated."),
            "families": Common.field(.array(of: .enumeration(["inet", "inet6"])), "The address families configured."),
            "method": Common.field(
                .enumeration(["loopback", "dhcp", "manual", "static", "auto"]), "IPv4 configuration method."),
            "method6": Common.field(
                .enumeration(["loopback", "dhcp", "manual", "static", "auto"]), "IPv6 configuration method."),
            "priority": Common.field(.integer(), "Order of the interface in the configuration."),
        ])
        return [
            APIMethod(
                .get, "/nodes/{node}/network", name: "index",
                description:
                    "List the node's network interfaces: the Linux bridges and physical Ethernet devices the host has.",
                parameters: .object([
                    "node": Common.node,
                    "type": Schema.enumeration(
                        types, "Only list interfaces of this type (`any_bridge`: every kind of bridge)."
                    )
                    .optional(),
                ]),
                returns: .array(of: interface).with { $0.childLink = "{iface}" },
                permissions: .anyUser(filter: nil), proxyTo: "node"
            )
        ]
    }
}
