import FaroLXC
import FaroMetrics
import FaroModel
import FaroQemu
import FaroStorage
import FaroStore

/// A guest config of this node, parsed once per store change.
struct GuestConfigEntry: Sendable {
    enum Config: Sendable {
        case vm(VMConfig)
        case container(ContainerConfig)
    }

    let vmid: VMID
    let config: Config
}

extension MetricsCollector {
    /// This node's VM and CT configs, read again only when the store changed.
    func guestConfigs() async throws -> [GuestConfigEntry] {
        let revision = try await store.currentRevision()
        if revision == configRevision { return configs }
        var entries: [GuestConfigEntry] = []
        for file in try await store.readTree(prefix: "nodes/\(nodeName)/") {
            guard let number = StorePath.guestVMID(file.path), let vmid = VMID(number) else { continue }
            if file.path.contains("/qemu-server/"), let config = try? VMConfig(parsing: file.text) {
                entries.append(GuestConfigEntry(vmid: vmid, config: .vm(config)))
            } else if file.path.contains("/lxc/"), let config = try? ContainerConfig(parsing: file.text) {
                entries.append(GuestConfigEntry(vmid: vmid, config: .container(config)))
            }
        }
        setConfigs(entries.sorted { $0.vmid.rawValue < $1.vmid.rawValue }, revision: revision)
        return configs
    }

    /// One guest's figures now; the CPU share is taken against `previous` (the last round).
    func sample(_ entry: GuestConfigEntry, previous: GuestFigures?) async -> GuestFigures {
        let time = clock()
        var figures: GuestFigures
        switch entry.config {
        case .vm(let config):
            let maxMemory = config.memoryMiB << 20
            let status = await runtime.status(vmid: entry.vmid, maxMemory: maxMemory)
            figures = GuestFigures(
                kind: .qemu, vmid: entry.vmid.rawValue, name: config.name(vmid: entry.vmid), time: time, running: status.running,
                cpus: config.vcpus, maxMemory: maxMemory, maxDisk: Handlers.bootDiskBytes(config))
            figures.template = config.isTemplate
            figures.tags = config["tags"] ?? ""
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
            let cpus = host.cpuInfo().cpus
            let status = try? await containers.status(entry.vmid, config: config, hostCPUs: cpus)
            figures = GuestFigures(
                kind: .lxc, vmid: entry.vmid.rawValue, name: config.hostname(vmid: entry.vmid), time: time,
                running: status?.running ?? false, cpus: status?.cpus ?? cpus, maxMemory: config.memoryMiB << 20,
                maxDisk: Int(clamping: status?.maxDisk ?? 0))
            figures.template = config.isTemplate
            figures.tags = config["tags"] ?? ""
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
