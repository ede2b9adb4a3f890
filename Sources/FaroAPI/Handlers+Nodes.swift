import FaroAPISpec
import FaroModel
import FaroSupport

extension Handlers {
    static func registerNodes(_ table: inout HandlerTable, _ services: NodeServices) {
        table.on(.get, "/nodes") { request in .json(.array(await nodeList(services, request.identity))) }
        table.on(.get, "/nodes/{node}/status") { _ in .json(await nodeStatus(services)) }
        table.on(.get, "/nodes/{node}/version") { _ in
            .json([
                "version": .string(FaroVersion.compatibleVersion), "release": .string(FaroVersion.compatibleRelease),
                "repoid": .string(FaroVersion.repoID),
            ])
        }
    }

    /// Every member: this node with its own figures, the others with what they published
    /// (`offline` once their status lease ran out); figures only with `Sys.Audit` on the node.
    static func nodeList(_ services: NodeServices, _ identity: Identity) async -> [JSONValue] {
        let published = await services.clusterStatus.published()
        var list: [JSONValue] = []
        for name in await services.clusterStatus.memberNames() {
            var entry: [String: JSONValue] = [
                "node": .string(name), "status": "offline", "id": .string("node/\(name)"), "type": "node", "level": "",
            ]
            var figures: [String: JSONValue] = [:]
            if name == services.nodeName {
                let node = await services.metrics.latestNode()
                entry["status"] = "online"
                entry["ssl_fingerprint"] = .string(services.certificateFingerprint)
                figures = [
                    "cpu": .double(node.cpu), "maxcpu": .int(node.cpus), "mem": .int(node.memoryUsed), "maxmem": .int(node.memoryTotal),
                    "disk": .int(node.rootUsed), "maxdisk": .int(node.rootTotal), "uptime": .int(node.uptime),
                ]
            } else {
                let status = published[name]
                let pinned = await services.cluster.node(named: name)?.fingerprint
                if let fingerprint = status?.node["ssl_fingerprint"]?.stringValue ?? pinned {
                    entry["ssl_fingerprint"] = .string(fingerprint)
                }
                if let status, status.isOnline {
                    entry["status"] = "online"
                    for key in ["cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "uptime"] { figures[key] = status.node[key] }
                    entry["level"] = status.node["level"] ?? ""
                }
            }
            if await services.authorizer.has(identity, "Sys.Audit", on: "/nodes/\(name)") { entry.merge(figures) { _, new in new } }
            list.append(.object(entry))
        }
        return list
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
