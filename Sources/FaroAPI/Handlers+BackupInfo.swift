import FaroModel
import FaroStore
import FaroVZDump

extension Handlers {
    static func registerBackupInfo(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/cluster/backup-info") { _ in .json([["subdir": "not-backed-up"]]) }
        table.on(.get, "/cluster/backup-info/not-backed-up") { request in
            var guests: [BackupJobCoverage.Guest] = []
            for vmid in try await services.vms.list() {
                let name = try? await services.vms.read(vmid).config["name"]
                guests.append(.init(vmid: vmid, type: "qemu", name: name ?? nil, node: services.nodeName))
            }
            for vmid in try await services.containers.list() {
                let name = try? await services.containers.read(vmid).config["hostname"]
                guests.append(.init(vmid: vmid, type: "lxc", name: name ?? nil, node: services.nodeName))
            }
            let jobs = try await services.store.read(StoreLayout.jobs).map { String(decoding: $0.data, as: UTF8.self) } ?? ""
            let pools = try await services.access.configuration().pools.mapValues(\.vms)
            var result: [JSONValue] = []
            for guest in BackupJobCoverage.uncovered(guests, jobs: jobs, pools: pools) {
                guard await services.authorizer.has(request.identity, "VM.Audit", on: "/vms/\(guest.vmid)") else { continue }
                var entry: [String: JSONValue] = ["vmid": .int(guest.vmid.rawValue), "type": .string(guest.type)]
                if let name = guest.name { entry["name"] = .string(name) }
                result.append(.object(entry))
            }
            return .json(.array(result))
        }
    }
}
