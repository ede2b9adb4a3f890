import FaroModel
import FaroQemu

extension Handlers {
    static func registerQemuCloudInit(_ table: inout HandlerTable, _ services: NodeServices) {
        let vms = services.vms
        table.on(.get, "/nodes/{node}/qemu/{vmid}/cloudinit") { request in
            let entries = try await vms.cloudInitPending(vmid(request)).map { entry -> JSONValue in
                var object: [String: JSONValue] = ["key": .string(entry.key)]
                if let value = entry.value { object["value"] = .string(entry.key == "cipassword" ? "**********" : value) }
                if let pending = entry.pending { object["pending"] = .string(entry.key == "cipassword" ? "**********" : pending) }
                if entry.delete { object["delete"] = 1 }
                return .object(object)
            }
            return .json(.array(entries))
        }
        table.on(.put, "/nodes/{node}/qemu/{vmid}/cloudinit") { request in
            let id = try vmid(request)
            guard try await vms.regenerateCloudInit(id) else { throw APIError.failed("VM \(id) has no cloud-init drive") }
            return .null
        }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/cloudinit/dump") { request in
            let id = try vmid(request)
            var config = try await vms.read(id).config
            config.applyPending()
            let data = try await vms.cloudInitData(id, config)
            switch request.required("type") {
            case "user": return .json(.string(data.userData))
            case "network": return .json(.string(data.networkConfig))
            default: return .json(.string(data.metaData))
            }
        }
    }
}
