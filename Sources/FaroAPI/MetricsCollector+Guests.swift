import FaroLXC
import FaroMetrics
import FaroModel
import FaroQemu
import FaroStorage
import FaroStore

/// A guest config of this node, parsed once per store change, with the figures a sample
/// takes from it.
struct GuestConfigEntry: Sendable {
    enum Config: Sendable {
        case vm(VMConfig)
        case container(ContainerConfig)
    }

    let vmid: VMID
    let config: Config
    let name: String
    let maxMemory: Int
    /// A VM's boot disk size (a container's comes with its status).
    let maxDisk: Int
    let template: Bool
    let tags: String

    init(vmid: VMID, config: Config) {
        self.vmid = vmid
        self.config = config
        switch config {
        case .vm(let vm):
            (name, maxMemory, maxDisk) = (vm.name(vmid: vmid), vm.memoryMiB << 20, Handlers.bootDiskBytes(vm))
            (template, tags) = (vm.isTemplate, vm["tags"] ?? "")
        case .container(let ct):
            (name, maxMemory, maxDisk) = (ct.hostname(vmid: vmid), ct.memoryMiB << 20, 0)
            (template, tags) = (ct.isTemplate, ct["tags"] ?? "")
        }
    }
}

extension MetricsCollector {
    /// This node's VM and CT configs, read again only when a file of this node changed (not
    /// when another node publishes its status).
    func guestConfigs() async throws -> [GuestConfigEntry] {
        let revision = try await configScope.revision(in: store)
        if revision == configRevision { return configs }
        var entries: [GuestConfigEntry] = []
        var configured: Set<Int> = []
        for file in try await store.readTree(prefix: "nodes/\(nodeName)/") {
            guard let number = StorePath.guestVMID(file.path), let vmid = VMID(number) else { continue }
            configured.insert(number)
            if file.path.contains("/qemu-server/"), let config = try? VMConfig(parsing: file.text) {
                entries.append(GuestConfigEntry(vmid: vmid, config: .vm(config)))
            } else if file.path.contains("/lxc/"), let config = try? ContainerConfig(parsing: file.text) {
                entries.append(GuestConfigEntry(vmid: vmid, config: .container(config)))
            }
        }
        setConfigs(entries.sorted { $0.vmid.rawValue < $1.vmid.rawValue }, configured: configured, revision: revision)
        return configs
    }

    /// One guest's figures now; the CPU share is taken against `previous` (the last round).
    /// `hostCPUs` is a container's CPU count without `cores` (asked once per round).
    func sample(_ entry: GuestConfigEntry, previous: GuestFigures?, hostCPUs: Int) async -> GuestFigures {
        let time = clock()
        var figures: GuestFigures
        switch entry.config {
        case .vm(let config):
            let status = await runtime.status(vmid: entry.vmid, maxMemory: entry.maxMemory)
            figures = GuestFigures(
                kind: .qemu, vmid: entry.vmid.rawValue, name: entry.name, time: time, running: status.running,
                cpus: config.vcpus, maxMemory: entry.maxMemory, maxDisk: entry.maxDisk)
            if status.running {
                figures.pid = status.pid.map(Int.init)
                figures.cpuSeconds = status.cpuSeconds
                figures.memory = status.memoryBytes
                figures.netIn = status.netIn
                figures.netOut = status.netOut
                figures.diskRead = status.diskRead
                figures.diskWrite = status.diskWrite
                figures.uptime = status.uptime
            }
        case .container(let config):
            let status = try? await containers.status(entry.vmid, config: config, hostCPUs: hostCPUs)
            figures = GuestFigures(
                kind: .lxc, vmid: entry.vmid.rawValue, name: entry.name, time: time, running: status?.running ?? false,
                cpus: status?.cpus ?? hostCPUs, maxMemory: entry.maxMemory, maxDisk: Int(clamping: status?.maxDisk ?? 0))
            if let status, status.running {
                figures.pid = status.pid
                figures.cpuSeconds = status.cpuSeconds
                figures.memory = Int(clamping: status.memory)
                figures.disk = Int(clamping: status.disk)
                figures.netIn = Int(clamping: status.netIn)
                figures.netOut = Int(clamping: status.netOut)
                figures.diskRead = Int(clamping: status.diskRead)
                figures.diskWrite = Int(clamping: status.diskWrite)
                figures.uptime = status.uptime
            }
        }
        figures.template = entry.template
        figures.tags = entry.tags
        figures.cpu = figures.cpuShare(since: previous)
        return figures
    }

    /// The space of every enabled storage this node can use.
    func storageFigures() async -> [StorageFigures] {
        guard let definitions = try? await storage.configuration().definitions else { return [] }
        var result: [StorageFigures] = []
        for definition in definitions where definition.isAvailable(on: nodeName) && !definition.isDisabled {
            let status = try? await storage.plugin(for: definition).status()
            var figures = StorageFigures(
                id: definition.id, time: clock(), active: status?.active ?? false, total: Int(clamping: status?.total ?? 0),
                used: Int(clamping: status?.used ?? 0), available: Int(clamping: status?.available ?? 0))
            figures.type = definition.type
            figures.content = ContentType.listText(storage.content(of: definition))
            figures.shared = definition.isShared
            result.append(figures)
        }
        return result
    }
}
