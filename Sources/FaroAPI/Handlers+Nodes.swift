import FaroAPISpec
import FaroModel
import FaroSupport

extension Handlers {
    static func registerNodes(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/nodes") { request in
            var entry: [String: JSONValue] = [
                "node": .string(services.nodeName), "status": "online", "id": .string("node/\(services.nodeName)"),
                "type": "node", "level": "", "ssl_fingerprint": .string(services.certificateFingerprint),
            ]
            if await services.authorizer.has(request.identity, "Sys.Audit", on: "/nodes/\(services.nodeName)") {
                let memory = services.host.memory()
                let rootfs = services.host.fileSystem(at: services.paths.root)
                entry["cpu"] = .double(await services.cpu.usage.cpu)
                entry["maxcpu"] = .int(services.host.cpuInfo().cpus)
                entry["mem"] = .int(memory.used)
                entry["maxmem"] = .int(memory.total)
                entry["disk"] = .int(rootfs?.used ?? 0)
                entry["maxdisk"] = .int(rootfs?.total ?? 0)
                entry["uptime"] = .int(services.host.uptime())
            }
            return .json([.object(entry)])
        }
        table.on(.get, "/nodes/{node}/status") { _ in .json(await nodeStatus(services)) }
        table.on(.get, "/nodes/{node}/version") { _ in
            .json([
                "version": .string(FaroVersion.compatibleVersion), "release": .string(FaroVersion.compatibleRelease),
                "repoid": .string(FaroVersion.repoID),
            ])
        }
    }

    static func nodeStatus(_ services: NodeServices) async -> JSONValue {
        let host = services.host
        let usage = await services.cpu.usage
        let memory = host.memory()
        let info = host.cpuInfo()
        let kernel = host.kernel()
        let rootfs = host.fileSystem(at: services.paths.root) ?? FileSystemUsage(total: 0, free: 0, avail: 0)
        let kvm: JSONValue
        switch await services.vms.kvm.settled {
        case nil: kvm = ["available": 0, "state": "probing"]
        case .available?: kvm = ["available": 1, "state": "available"]
        case .unavailable(let reason)?: kvm = ["available": 0, "state": "unavailable", "reason": .string(reason.description)]
        }
        var status: [String: JSONValue] = [
            "cpu": .double(usage.cpu), "wait": .double(usage.wait),
            "cpuinfo": [
                "model": .string(info.model), "cpus": .int(info.cpus), "cores": .int(info.cores),
                "sockets": .int(info.sockets), "mhz": .string(info.mhz), "flags": .string(info.flags),
                "hvm": .string(info.hvm ? "1" : "0"), "user_hz": .int(HostFacts.clockTicksPerSecond),
            ],
            "memory": [
                "total": .int(memory.total), "used": .int(memory.used), "free": .int(memory.total - memory.used),
                "available": .int(memory.available),
            ],
            "swap": [
                "total": .int(memory.swapTotal), "used": .int(memory.swapTotal - memory.swapFree),
                "free": .int(memory.swapFree),
            ],
            "rootfs": [
                "total": .int(rootfs.total), "used": .int(rootfs.used), "free": .int(rootfs.free),
                "avail": .int(rootfs.avail),
            ],
            "loadavg": .array(host.loadAverage().map(JSONValue.string)),
            "uptime": .int(host.uptime()),
            "idle": .double(usage.idle),
            "kversion": .string("\(kernel.sysname) \(kernel.release) \(kernel.version)"),
            "current-kernel": [
                "sysname": .string(kernel.sysname), "release": .string(kernel.release),
                "version": .string(kernel.version), "machine": .string(kernel.machine),
            ],
            "boot-info": ["mode": host.bootsWithEFI() ? "efi" : "legacy-bios"],
            "pveversion": .string(FaroVersion.managerString),
            "ksm": ["shared": .int(host.ksmShared())],
        ]
        status["kvm"] = kvm
        return .object(status)
    }
}
