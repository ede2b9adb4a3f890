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
                let node = await services.metrics.latestNode()
                entry["cpu"] = .double(node.cpu)
                entry["maxcpu"] = .int(node.cpus)
                entry["mem"] = .int(node.memoryUsed)
                entry["maxmem"] = .int(node.memoryTotal)
                entry["disk"] = .int(node.rootUsed)
                entry["maxdisk"] = .int(node.rootTotal)
                entry["uptime"] = .int(node.uptime)
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
        let node = await services.metrics.latestNode()
        let info = host.cpuInfo()
        let kernel = host.kernel()
        let kvm: JSONValue
        switch await services.vms.kvm.settled {
        case nil: kvm = ["available": 0, "state": "probing"]
        case .available?: kvm = ["available": 1, "state": "available"]
        case .unavailable(let reason)?: kvm = ["available": 0, "state": "unavailable", "reason": .string(reason.description)]
        }
        var status: [String: JSONValue] = [
            "cpu": .double(node.cpu), "wait": .double(node.iowait),
            "cpuinfo": [
                "model": .string(info.model), "cpus": .int(info.cpus), "cores": .int(info.cores),
                "sockets": .int(info.sockets), "mhz": .string(info.mhz), "flags": .string(info.flags),
                "hvm": .string(info.hvm ? "1" : "0"), "user_hz": .int(HostFacts.clockTicksPerSecond),
            ],
            "memory": [
                "total": .int(node.memoryTotal), "used": .int(node.memoryUsed), "free": .int(node.memoryTotal - node.memoryUsed),
                "available": .int(node.memoryAvailable),
            ],
            "swap": [
                "total": .int(node.swapTotal), "used": .int(node.swapUsed), "free": .int(node.swapTotal - node.swapUsed),
            ],
            "rootfs": [
                "total": .int(node.rootTotal), "used": .int(node.rootUsed), "free": .int(node.rootFree),
                "avail": .int(node.rootAvailable),
            ],
            "loadavg": .array(node.loadAverage.map(JSONValue.string)),
            "uptime": .int(node.uptime),
            "idle": .double(node.idle),
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
