import FaroAccess
import FaroCluster
import Foundation
import FaroQemu
import FaroLXC
import FaroStorage
import FaroStore
import FaroSupport
import FaroTasks
import FaroVZDump
import Logging

/// What the handlers of one node work with; built once at the composition root.
public struct NodeServices: Sendable {
    public let nodeName: String
    public let paths: NodePaths
    public let store: any ConfigStore
    public let tasks: TaskManager
    public let host: HostFacts
    public let cpu: CPUUsageMonitor
    public let authorizer: any Authorizer
    public let access: AccessService
    public let resources: ResourceIndex
    /// Where the other nodes are, and what they published.
    public let cluster: any ClusterDirectory
    public let clusterStatus: ClusterStatus
    /// Publishes this node's status for the others after every collection round.
    public let statusPublisher: StatusPublisher
    /// The status loop's sampler, with the newest samples and the metrics history.
    public let metrics: MetricsCollector
    public let runner: any CommandRunner
    public let storage: StorageService
    /// File work on the storages: uploads, downloads, backup attributes, copies.
    public let files: StorageFiles
    public let vms: VMService
    public let containers: ContainerManager
    public let vzdump: VZDumpService
    public let backupJobs: BackupJobs
    /// The node's resolv.conf, hosts file and time zone, under its root.
    public let systemFiles: NodeSystemFiles
    /// The host's bridges and Ethernet devices, for `GET /nodes/{node}/network`.
    public let hostInterfaces: HostInterfaces
    /// VNC consoles prepared by `vncproxy`, waiting for or bridged to their websocket.
    public let consoles = ConsoleSessions()
    /// The datacenter.cfg `console` viewer, for `/version`.
    public let consoleViewer = StoreDerived<String?>(files: [StoreLayout.datacenterConfig])
    public let logger: Logger
    /// How long a failed login waits before it answers (Proxmox: 3 s).
    public let authFailureDelay: Duration
    /// SHA-256 of the node's TLS certificate, `AA:BB:...`.
    public let certificateFingerprint: String
    public let clock: @Sendable () -> Int
    /// Creating and joining a cluster and changing its membership; nil where no daemon runs
    /// (API tests without a node root of their own).
    public var membership: ClusterMembership?
    /// Restarts the daemon in-process (after `pvecm create` or a join).
    public var restartDaemon: (@Sendable () async -> Void)?

    public init(
        nodeName: String, paths: NodePaths, store: any ConfigStore, tasks: TaskManager, host: HostFacts,
        cpu: CPUUsageMonitor, access: AccessService, authorizer: any Authorizer, certificateFingerprint: String,
        logger: Logger, authFailureDelay: Duration = .seconds(3), clock: @escaping @Sendable () -> Int,
        runner: any CommandRunner = SubprocessRunner(), storageTypes: [StoragePluginType] = StorageTypes.builtIn,
        kvm: KVMStatus = KVMStatus(fixed: .unavailable(.noDevice(path: "/dev/kvm"))),
        qemuExecutable: String = "/usr/bin/qemu-system-x86_64",
        cgroupRoot: String = "/sys/fs/cgroup", lxcConfigDirectory: String = "/usr/share/lxc/config",
        zoneinfoDirectory: String = "/usr/share/zoneinfo", sysClassNet: String = "/sys/class/net",
        metricsClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        cluster: any ClusterDirectory = StaticClusterDirectory(), statusLease: Duration = .seconds(10),
        address: String = HostFacts.primaryIPv4()
    ) {
        self.cluster = cluster
        self.clusterStatus = ClusterStatus(nodeName: nodeName, store: store, directory: cluster)
        self.nodeName = nodeName
        self.paths = paths
        self.store = store
        self.tasks = tasks
        self.host = host
        self.cpu = cpu
        self.authorizer = authorizer
        self.access = access
        self.logger = logger
        self.authFailureDelay = authFailureDelay
        self.certificateFingerprint = certificateFingerprint
        self.clock = clock
        self.runner = runner
        self.systemFiles = NodeSystemFiles(paths: paths, zoneinfoDirectory: zoneinfoDirectory)
        self.hostInterfaces = HostInterfaces(directory: sysClassNet)
        self.storage = StorageService(
            store: store, context: StorageContext(runner: runner, nodeName: nodeName, paths: paths), types: storageTypes)
        self.files = StorageFiles(storage: storage, runner: runner)
        self.containers = ContainerManager(
            nodeName: nodeName, store: store, storage: storage, runner: runner,
            host: .probe(lxcPath: paths.lxcPath, configDirectory: lxcConfigDirectory, cgroupRoot: cgroupRoot), cgroupRoot: cgroupRoot)
        self.vms = VMService(
            nodeName: nodeName, store: store, storage: storage, runtime: QemuRuntime(runDir: paths.qemuRunDir, runner: runner),
            kvm: kvm, qemuExecutable: qemuExecutable, clock: clock)
        self.vzdump = VZDumpService(
            nodeName: nodeName, vms: vms, containers: containers, storage: storage, runner: runner, clock: clock)
        self.backupJobs = BackupJobs(store: store, stateDirectory: paths.stateDir + "/jobs")
        self.metrics = MetricsCollector(
            nodeName: nodeName, paths: paths, store: store, host: host, cpu: cpu, storage: storage, runtime: vms.runtime,
            containers: containers, interfaces: hostInterfaces, clock: metricsClock, logger: logger)
        self.resources = ResourceIndex(
            nodeName: nodeName, paths: paths, store: store, host: host, access: access, storage: storage,
            vms: vms, containers: containers, metrics: metrics, cluster: clusterStatus)
        self.statusPublisher = StatusPublisher(
            nodeName: nodeName, store: store, metrics: metrics, tasks: tasks, ttl: statusLease, address: address,
            fingerprint: certificateFingerprint, cgroupMode: host.cgroupMode())
    }
}
