import FaroModel
import FaroSupport

extension Handlers {
    /// `GET /nodes/{node}/network`: the host's bridges and Ethernet devices, in Proxmox's shape.
    static func registerNetwork(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/nodes/{node}/network") { request in
            let wanted = request.string("type")
            let interfaces = services.hostInterfaces.list().filter { interface in
                switch wanted {
                case nil, "include_sdn": return true
                case "bridge", "any_bridge", "any_local_bridge": return interface.kind == .bridge
                default: return wanted == interface.kind.rawValue
                }
            }
            return .json(
                .array(interfaces.enumerated().map { index, interface in networkEntry(interface, priority: index + 1) })
            )
        }
    }

    static func networkEntry(_ interface: HostInterfaces.Interface, priority: Int) -> JSONValue {
        var entry: [String: JSONValue] = [
            "iface": .string(interface.name), "type": .string(interface.kind.rawValue), "exists": .int(1),
            "active": .int(interface.isUp ? 1 : 0), "autostart": .int(interface.isUp ? 1 : 0),
            "method": "manual", "method6": "manual", "families": .array(["inet"]), "priority": .int(priority),
        ]
        if interface.kind == .bridge { entry["bridge_ports"] = .string(interface.ports.joined(separator: " ")) }
        return .object(entry)
    }
}
