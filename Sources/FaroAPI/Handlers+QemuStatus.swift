import FaroModel
import FaroQemu
import FaroSchema
import FaroStorage
import FaroTasks
import Foundation

extension Handlers {
    static func registerQemuStatus(_ table: inout HandlerTable, _ services: NodeServices) {
        let vms = services.vms
        table.on(.get, "/nodes/{node}/qemu/{vmid}/status") { request in
            _ = try await vms.read(vmid(request))
            let actions = ["current", "reboot", "reset", "resume", "shutdown", "start", "stop", "suspend"]
            return .json(.array(actions.map { .object(["subdir": .string($0)]) }))
        }
        table.on(.get, "/nodes/{node}/qemu/{vmid}/status/current") { request in
            let id = try vmid(request)
            await vms.reapIfGone(id)
            let config = try await vms.read(id).config
            var entry = await vmStatusEntry(id, config, services, full: true)
            entry["ha"] = ["managed": 0]
            entry["agent"] = .int(config.agentEnabled ? 1 : 0)
            return .json(.object(entry))
        }
        power(&table, services, "start", type: "qmstart") { request in
            let id = try vmid(request)
            let skiplock = try skiplockParameter(request)
            try await vms.checkStart(id, skiplock: skiplock)
            let timeout = request.int("timeout").map { Duration.seconds($0) }
            return { log in try await vms.start(id, skiplock: skiplock, timeout: timeout) { log.log($0) } }
        }
        power(&table, services, "stop", type: "qmstop") { request in
            let id = try vmid(request), skiplock = try skiplockParameter(request)
            _ = try await vms.read(id)
            let timeout = Duration.seconds(request.int("timeout") ?? 60)
            let overrule = try await ShutdownOverrule(request, services, shutdownType: "qmshutdown", vmid: "\(id)")
            return { log in
                try await overrule.abort { log.log($0) }
                try await vms.stop(id, skiplock: skiplock, timeout: timeout)
            }
        }
        power(&table, services, "shutdown", type: "qmshutdown") { request in
            let id = try vmid(request), skiplock = try skiplockParameter(request)
            _ = try await vms.read(id)
            guard await vms.isRunning(id) else { throw QemuRuntimeError.notRunning(vmid: id) }
            let timeout = request.int("timeout"), force = request.bool("forceStop") ?? false
            return { _ in try await vms.shutdown(id, skiplock: skiplock, timeout: timeout, forceStop: force) }
        }
        power(&table, services, "reboot", type: "qmreboot") { request in
            let id = try vmid(request)
            _ = try await vms.read(id)
            guard await vms.isRunning(id) else { throw QemuRuntimeError.notRunning(vmid: id) }
            let timeout = request.int("timeout")
            return { log in try await vms.reboot(id, timeout: timeout) { log.log($0) } }
        }
        let actions: [(String, String, MonitorAction)] = [("reset", "qmreset", .reset), ("suspend", "qmsuspend", .suspend),
                                                          ("resume", "qmresume", .resume)]
        for (path, type, action) in actions {
            power(&table, services, path, type: type) { request in
                if request.bool("todisk") == true { throw APIError.parameter("todisk", "hibernation is not supported by Faro yet") }
                let id = try vmid(request), skiplock = try skiplockParameter(request)
                _ = try await vms.read(id)
                guard await vms.isRunning(id) else { throw QemuRuntimeError.notRunning(vmid: id) }
                return { _ in try await vms.monitorAction(id, skiplock: skiplock, action) }
            }
        }
    }

    /// A power action: `prepare` checks synchronously (errors answer the request) and returns
    /// the work that runs as the task.
    static func power(
        _ table: inout HandlerTable, _ services: NodeServices, _ path: String, type: String,
        _ prepare: @escaping @Sendable (APIRequest) async throws -> TaskManager.Worker
    ) {
        table.on(.post, "/nodes/{node}/qemu/{vmid}/status/\(path)") { request in
            let work = try await prepare(request)
            let upid = try await services.tasks.start(type: type, id: "\(vmid(request))", user: request.identity.user.description, work)
            return .json(.string(upid.description))
        }
    }

    static func skiplockParameter(_ request: APIRequest) throws -> Bool {
        let skiplock = request.bool("skiplock") ?? false
        if skiplock, !request.identity.isSuperuser { throw APIError.parameter("skiplock", "Only root may use this option.") }
        return skiplock
    }

    /// The list and status fields of one VM, from its config and its process.
    static func vmStatusEntry(_ vmid: VMID, _ config: VMConfig, _ services: NodeServices, full: Bool) async -> [String: JSONValue] {
        let maxMemory = config.memoryMiB * 1_048_576
        let status = await services.vms.runtime.status(vmid: vmid, maxMemory: maxMemory, detailed: full)
        let cpu = await services.metrics.cpuShare(vmid, pid: status.pid.map(Int.init))
        var entry: [String: JSONValue] = [
            "vmid": .int(vmid.rawValue), "name": .string(config.name(vmid: vmid)), "status": .string(status.running ? "running" : "stopped"),
            "cpus": .int(config.vcpus), "maxmem": .int(maxMemory), "mem": .int(status.memoryBytes),
            "cpu": .double(cpu), "uptime": .int(status.uptime), "disk": 0, "maxdisk": .int(bootDiskBytes(config)),
            "netin": .int(status.netIn), "netout": .int(status.netOut), "diskread": .int(status.diskRead),
            "diskwrite": .int(status.diskWrite),
        ]
        if full || status.running { entry["qmpstatus"] = .string(status.qmpStatus) }
        if let pid = status.pid { entry["pid"] = .int(Int(pid)) }
        if status.running { entry["memhost"] = .int(status.hostMemoryBytes) }
        if full, let free = status.freeMemoryBytes { entry["freemem"] = .int(free) }
        if let version = status.qemuVersion { entry["running-qemu"] = .string(version) }
        if let machine = status.machine { entry["running-machine"] = .string(machine) }
        if let lock = config.lock { entry["lock"] = .string(lock) }
        if let tags = config["tags"] { entry["tags"] = .string(tags) }
        if config.isTemplate { entry["template"] = 1 }
        return entry
    }

    static func bootDiskBytes(_ config: VMConfig) -> Int {
        guard let drives = try? config.drives(), let disk = drives.first(where: { !$0.isCDROM && !$0.isNone }),
            let size = disk.values["size"]
        else { return 0 }
        return SizeFormat.parse(size) ?? 0
    }
}
