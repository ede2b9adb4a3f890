import FaroLXC
import FaroMetrics
import FaroModel
import FaroQemu
import FaroStorage
import FaroStore
import FaroSupport
import Logging

/// Samples the node, every guest of this node and every storage it can use, as Proxmox's
/// pvestatd does every 10 s: the daemon's status loop calls `collect()`. Each round is
/// published on the `StatusBoard` (what `/cluster/resources` and `status/current` show) and
/// recorded in the `MetricsHistory` (what `rrddata` reads), so both show the same figures,
/// and handed to the `MetricExporter` for the external metric servers.
public actor MetricsCollector {
    let nodeName: String
    let paths: NodePaths
    let store: any ConfigStore
    let host: HostFacts
    let cpu: CPUUsageMonitor
    let storage: StorageService
    let runtime: QemuRuntime
    let containers: ContainerManager
    let interfaces: HostInterfaces
    public nonisolated let board: StatusBoard
    public nonisolated let history: MetricsHistory
    /// The metric servers of `status.cfg` and the sender of each round to them.
    public nonisolated let metricServers: MetricServers
    public nonisolated let exporter: MetricExporter
    let clock: @Sendable () -> Double
    let logger: Logger
    /// This node's guest configs as of `configRevision`, parsed once per change of its files.
    /// The newest rounds, oldest first, for `/cluster/metrics/export?history=1` (Proxmox keeps
    /// about ten minutes of samples for it).
    private(set) var recentRounds: [MetricsRound] = []
    static let keptRounds = 60
    private(set) var configs: [GuestConfigEntry] = []
    private(set) var configRevision: Int64 = -1
    /// Moves when a file under this node's directory of the store changes.
    let configScope: ChangeScope
    /// The VMIDs with a config file on this node, parsable or not: a guest's history goes only
    /// when its file does.
    private(set) var configuredVMIDs: Set<Int> = []

    init(
        nodeName: String, paths: NodePaths, store: any ConfigStore, host: HostFacts, cpu: CPUUsageMonitor,
        storage: StorageService, runtime: QemuRuntime, containers: ContainerManager, interfaces: HostInterfaces,
        clock: @escaping @Sendable () -> Double, logger: Logger
    ) {
        self.nodeName = nodeName
        self.paths = paths
        self.store = store
        self.configScope = ChangeScope(files: [], prefixes: [StoreLayout.nodesPrefix + nodeName + "/"])
        self.host = host
        self.cpu = cpu
        self.storage = storage
        self.runtime = runtime
        self.containers = containers
        self.interfaces = interfaces
        self.board = StatusBoard()
        self.history = MetricsHistory(directory: paths.metricsDirectory)
        self.metricServers = MetricServers(store: store)
        self.exporter = MetricExporter(servers: metricServers, logger: logger)
        self.clock = clock
        self.logger = logger
    }

    /// One round: sample everything, publish it, record it. Returns what was published.
    @discardableResult
    public func collect() async -> (node: NodeFigures, guests: [GuestFigures], storages: [StorageFigures], round: MetricsRound) {
        await cpu.sample()
        let powerChanges = await powerChangeCount()
        let node = await nodeFigures()
        var guests: [GuestFigures] = []
        let entries = (try? await guestConfigs()) ?? configs
        let hostCPUs = node.cpus
        for entry in entries {
            guests.append(await sample(entry, previous: await board.guest(entry.vmid.rawValue), hostCPUs: hostCPUs))
        }
        let storages = await storageFigures()
        let vanished = Set(await board.allGuests().map(\.vmid)).subtracting(configuredVMIDs)
        await board.publish(node: node, guests: guests, storages: storages, powerChanges: powerChanges)
        await record(node: node, guests: guests, storages: storages, vanished: vanished)
        let round = MetricsRound(node: nodeName, time: Int(node.time), figures: node, guests: guests, storages: storages)
        recentRounds.append(round)
        if recentRounds.count > Self.keptRounds { recentRounds.removeFirst(recentRounds.count - Self.keptRounds) }
        await exporter.send(round)
        return (node, guests, storages, round)
    }

    /// Writes the round into the history; a series that cannot be written is logged and the
    /// others are still written.
    private func record(node: NodeFigures, guests: [GuestFigures], storages: [StorageFigures], vanished: Set<Int>) async {
        let time = Int(node.time)
        var samples: [(SeriesKey, [Double])] = [(.node(nodeName), node.seriesValues)]
        samples += guests.map { (.guest($0.vmid), $0.seriesValues) }
        samples += storages.filter(\.active).map { (.storage(node: nodeName, id: $0.id), $0.seriesValues) }
        for (key, values) in samples {
            do {
                try await history.record(key, at: time, values: values)
            } catch {
                logger.warning("metrics history of \(key): \(error)")
            }
        }
        for vmid in vanished { await history.remove(.guest(vmid)) }
    }

    /// The node's newest figures: the last round's, or a sample taken now before the first.
    public func latestNode() async -> NodeFigures {
        if let node = await board.node { return node }
        return await nodeFigures()
    }

    /// A fresh sample of one guest (for `status/current`): live counters, the CPU share of the
    /// last round. It replaces the guest's figures on the board.
    public func refresh(_ vmid: VMID) async throws -> GuestFigures? {
        let powerChanges = await powerChangeCount()
        guard let entry = try await guestConfigs().first(where: { $0.vmid == vmid }) else { return nil }
        let previous = await board.guest(vmid.rawValue)
        var figures = await sample(entry, previous: nil, hostCPUs: host.cpuInfo().cpus)
        if let previous, previous.running, previous.pid == figures.pid { figures.cpu = previous.cpu }
        await board.update(figures, powerChanges: powerChanges)
        return figures
    }

    /// The guest's figures from the board, or a fresh sample when a guest started or stopped
    /// since the board's were taken (a list read right after a start shows it running).
    public func current(_ vmid: VMID) async throws -> GuestFigures? {
        if let figures = await board.guest(vmid.rawValue, takenAt: await powerChangeCount()) { return figures }
        return try await refresh(vmid)
    }

    /// The CPU share the last round measured for this run of the guest (0 before its first).
    public func cpuShare(_ vmid: VMID, pid: Int?) async -> Double {
        guard let figures = await board.guest(vmid.rawValue), figures.running, figures.pid == pid else { return 0 }
        return figures.cpu
    }

    /// The points of a series' time frame up to now.
    public func history(_ key: SeriesKey, frame: TimeFrame, consolidation: Consolidation) async throws -> [MetricsPoint] {
        try await history.read(key, frame: frame, consolidation: consolidation, now: Int(clock()))
    }

    /// The last round (a round taken now before the first), for `/metrics`.
    public func latestRound() async -> MetricsRound {
        if let round = recentRounds.last { return round }
        return await collect().round
    }

    /// Starts and stops of VMs and containers through this node so far.
    func powerChangeCount() async -> Int {
        await runtime.generation + containers.powerChanges.generation
    }

    func nodeFigures() async -> NodeFigures {
        let usage = await cpu.usage
        let memory = host.memory()
        let root = host.fileSystem(at: paths.root) ?? FileSystemUsage(total: 0, free: 0, avail: 0)
        var nics: [String: NICCounters] = [:]
        for nic in interfaces.list() where nic.kind == .eth {
            let counters = interfaces.counters(nic.name)
            nics[nic.name] = NICCounters(received: counters.received, sent: counters.sent)
        }
        return NodeFigures(
            time: clock(), cpu: usage.cpu, iowait: usage.wait, idle: usage.idle, cpus: host.cpuInfo().cpus,
            loadAverage: host.loadAverage(), memoryTotal: memory.total, memoryUsed: memory.used, memoryFree: memory.free,
            memoryAvailable: memory.available, swapTotal: memory.swapTotal, swapUsed: memory.swapTotal - memory.swapFree,
            rootTotal: root.total, rootUsed: root.used, rootFree: root.free, rootAvailable: root.avail, uptime: host.uptime(),
            nics: nics)
    }

    func setConfigs(_ entries: [GuestConfigEntry], configured: Set<Int>, revision: Int64) {
        configs = entries
        configuredVMIDs = configured
        configRevision = revision
    }
}
