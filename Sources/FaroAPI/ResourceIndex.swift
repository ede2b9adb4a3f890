import FaroConfig
import FaroModel
import FaroQemu
import FaroStore
import FaroSupport

/// One entry of `/cluster/resources` with the ACL path and privilege that make it visible.
struct ResourceEntry: Sendable {
    let value: JSONValue
    let kind: String
    let aclPath: String
    let privilege: String
}

/// Builds `/cluster/resources` from the store and the status figures. The list is rebuilt
/// only when the store revision or the status sample changes; a caller who may see
/// everything gets the cached, already encoded bytes, so the hot path does no JSON work.
public actor ResourceIndex {
    let nodeName: String
    let paths: NodePaths
    let store: any ConfigStore
    let host: HostFacts
    let cpu: CPUUsageMonitor
    let runtime: QemuRuntime
    private var cacheKey: (revision: Int64, generation: Int, runs: Int)?
    private var entries: [ResourceEntry] = []
    private var encoded: [String: [UInt8]] = [:]

    init(nodeName: String, paths: NodePaths, store: any ConfigStore, host: HostFacts, cpu: CPUUsageMonitor, runtime: QemuRuntime) {
        self.runtime = runtime
        self.nodeName = nodeName
        self.paths = paths
        self.store = store
        self.host = host
        self.cpu = cpu
    }

    /// The resources of `type` (vm, storage, node; nil for all) that `identity` may see.
    func resources(type: String?, identity: Identity, authorizer: any Authorizer) async throws -> APIResult {
        try await refreshIfNeeded()
        let key = type ?? "all"
        let matching = entries.filter { Self.matches($0.kind, type) }
        if identity.isSuperuser {
            if let cached = encoded[key] { return .encoded(cached) }
            let bytes = JSONWriter.bytes(.array(matching.map(\.value)))
            encoded[key] = bytes
            return .encoded(bytes)
        }
        var visible: [JSONValue] = []
        for entry in matching where await authorizer.has(identity, entry.privilege, on: entry.aclPath) {
            visible.append(entry.value)
        }
        return .json(.array(visible))
    }

    static func matches(_ kind: String, _ type: String?) -> Bool {
        switch type {
        case nil: return true
        case "vm": return kind == "qemu" || kind == "lxc"
        default: return kind == type
        }
    }

    private func refreshIfNeeded() async throws {
        let revision = try await store.currentRevision()
        let generation = await cpu.generation
        let runs = await runtime.generation
        if let cacheKey, cacheKey.revision == revision, cacheKey.generation == generation, cacheKey.runs == runs { return }
        entries = [try await nodeEntry()] + (try await guestEntries())
        encoded = [:]
        cacheKey = (revision, generation, runs)
    }

    private func nodeEntry() async throws -> ResourceEntry {
        let usage = await cpu.usage
        let memory = host.memory()
        let rootfs = host.fileSystem(at: paths.root)
        let value: JSONValue = [
            "id": .string("node/\(nodeName)"), "type": "node", "node": .string(nodeName), "status": "online",
            "cpu": .double(usage.cpu), "maxcpu": .int(host.cpuInfo().cpus),
            "mem": .int(memory.used), "maxmem": .int(memory.total),
            "disk": .int(rootfs?.used ?? 0), "maxdisk": .int(rootfs?.total ?? 0),
            "uptime": .int(host.uptime()), "level": "", "cgroup-mode": .int(host.cgroupMode()),
        ]
        return ResourceEntry(value: value, kind: "node", aclPath: "/nodes/\(nodeName)", privilege: "Sys.Audit")
    }

    private func guestEntries() async throws -> [ResourceEntry] {
        var result: [ResourceEntry] = []
        for file in try await store.readTree(prefix: "nodes/") {
            guard let vmid = StorePath.guestVMID(file.path) else { continue }
            let parts = file.path.split(separator: "/")
            let kind = parts[2] == "qemu-server" ? "qemu" : String(parts[2])
            guard let config = try? GuestConfigFile.parse(file.text) else { continue }
            let summary = GuestSummary(kind: kind, vmid: vmid, options: config.main.options, hostCPUs: host.cpuInfo().cpus)
            var value: [String: JSONValue] = [
                "id": .string("\(kind)/\(vmid)"), "type": .string(kind), "vmid": .int(vmid),
                "node": .string(String(parts[1])), "name": .string(summary.name),
                "status": "stopped", "template": .int(summary.isTemplate ? 1 : 0),
                "maxcpu": .int(summary.cpus), "maxmem": .int(summary.memoryBytes), "maxdisk": .int(summary.diskBytes),
                "cpu": 0, "mem": 0, "disk": 0, "uptime": 0, "netin": 0, "netout": 0, "diskread": 0, "diskwrite": 0,
            ]
            if kind == "qemu", String(parts[1]) == nodeName {
                let status = await runtime.status(vmid: vmid, vcpus: summary.cpus)
                if status.running {
                    value["status"] = "running"
                    value["mem"] = .int(status.memoryBytes)
                    value["cpu"] = .double(status.cpu)
                    value["uptime"] = .int(status.uptime)
                }
            }
            if let tags = summary.tags { value["tags"] = .string(tags) }
            if let lock = summary.lock { value["lock"] = .string(lock) }
            result.append(ResourceEntry(value: .object(value), kind: kind, aclPath: "/vms/\(vmid)", privilege: "VM.Audit"))
        }
        return result
    }
}
