import FaroModel
import FaroQemu

extension Handlers {
    static func createVM(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        if request.string("archive") != nil { return try await restoreVM(request, services) }
        let vmid = try vmid(request)
        let options = configOptions(request)
        try await requireConfigPrivileges(request, services, set: options, deleted: [])
        let pool = request.string("pool")
        if let pool, try await services.access.configuration().pools[pool] == nil {
            throw APIError.parameter("pool", "pool '\(pool)' does not exist")
        }
        let vms = services.vms
        let config = try await vms.prepareCreate(
            vmid: vmid, options: options, description: request.string("description"), isRoot: request.identity.isSuperuser)
        let start = request.bool("start") ?? false
        do {
            let upid = try await services.tasks.start(type: "qmcreate", id: "\(vmid)", user: request.identity.user.description) { log in
                try await vms.finishCreate(vmid: vmid, config: config) { log.log($0) }
                if let pool {
                    try await services.access.updateConfig { access in access.pools[pool]?.vms.insert(vmid) }
                }
                if start { try await vms.start(vmid, skiplock: false) { log.log($0) } }
            }
            return .json(.string(upid.description))
        } catch {
            await vms.abandonCreate(vmid: vmid)
            throw error
        }
    }

    static func destroyVM(_ request: APIRequest, _ services: NodeServices) async throws -> APIResult {
        let vmid = try vmid(request)
        let skiplock = request.bool("skiplock") ?? false
        if skiplock, !request.identity.isSuperuser { throw APIError.parameter("skiplock", "Only root may use this option.") }
        let vms = services.vms
        try await vms.checkDestroy(vmid, skiplock: skiplock)
        let purge = request.bool("purge") ?? false
        let unreferenced = request.bool("destroy-unreferenced-disks") ?? false
        let upid = try await services.tasks.start(type: "qmdestroy", id: "\(vmid)", user: request.identity.user.description) { log in
            try await vms.destroy(vmid, skiplock: skiplock, unreferencedDisks: unreferenced) { log.log($0) }
            try await services.access.updateConfig { access in
                for name in access.pools.keys { access.pools[name]?.vms.remove(vmid) }
                if purge { access.acl.removeValue(forKey: "/vms/\(vmid)") }
            }
        }
        return .json(.string(upid.description))
    }
}

/// `qm showcmd` output: one line with shell quoting, or `--pretty` with one option per line.
enum ShowCommand {
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func render(_ argv: [String], pretty: Bool) -> String {
        guard pretty else { return argv.map(quoted).joined(separator: " ") }
        var lines = [quoted(argv.first ?? "")]
        var index = 1
        while index < argv.count {
            var line = quoted(argv[index])
            if argv[index].hasPrefix("-"), index + 1 < argv.count, !argv[index + 1].hasPrefix("-") {
                line += " " + quoted(argv[index + 1])
                index += 1
            }
            lines.append("  " + line)
            index += 1
        }
        return lines.joined(separator: " \\\n")
    }
}

import Foundation
