import FaroStore
import FaroSupport
import FaroTasks

/// What the handlers of one node work with; built once at the composition root.
public struct NodeServices: Sendable {
    public let nodeName: String
    public let paths: NodePaths
    public let store: any ConfigStore
    public let tasks: TaskManager
    public let host: HostFacts
    public let cpu: CPUUsageMonitor
    public let authorizer: any Authorizer
    public let resources: ResourceIndex
    /// SHA-256 of the node's TLS certificate, `AA:BB:...`.
    public let certificateFingerprint: String
    public let clock: @Sendable () -> Int

    public init(
        nodeName: String, paths: NodePaths, store: any ConfigStore, tasks: TaskManager, host: HostFacts,
        cpu: CPUUsageMonitor, authorizer: any Authorizer, certificateFingerprint: String,
        clock: @escaping @Sendable () -> Int
    ) {
        self.nodeName = nodeName
        self.paths = paths
        self.store = store
        self.tasks = tasks
        self.host = host
        self.cpu = cpu
        self.authorizer = authorizer
        self.certificateFingerprint = certificateFingerprint
        self.clock = clock
        self.resources = ResourceIndex(nodeName: nodeName, paths: paths, store: store, host: host, cpu: cpu)
    }
}
