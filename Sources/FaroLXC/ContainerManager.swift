import FaroGuest
import FaroModel
import FaroStorage
import FaroStore
import FaroSupport
import Foundation

/// The node's containers: their configs in the store, their volumes on the storage plugins,
/// and their lxc state under the node's lxc path. Each operation is one method; the API
/// runs the long ones as tasks.
public struct ContainerManager: Sendable {
    public let nodeName: String
    public let store: any ConfigStore
    public let storage: StorageService
    public let runner: any CommandRunner
    public let host: LXCHost
    /// The cgroup file system (`/sys/fs/cgroup`) and proc (`/proc`), injected for tests.
    public let cgroupRoot: String
    public let procRoot: String
    public let sysRoot: String
    /// Seconds since the epoch, for snapshot times.
    public let clock: @Sendable () -> Int
    /// The CT configs of this node, under the lock containers share with VMs.
    public let configs: GuestConfigStore<ContainerConfig>
    /// Counts starts and stops, so cached status lists know when to look again.
    public let powerChanges = PowerChanges()

    public init(
        nodeName: String, store: any ConfigStore, storage: StorageService, runner: any CommandRunner, host: LXCHost,
        cgroupRoot: String, procRoot: String = "/proc", sysRoot: String = "/sys",
        clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }
    ) {
        self.nodeName = nodeName
        self.store = store
        self.storage = storage
        self.runner = runner
        self.host = host
        self.cgroupRoot = cgroupRoot
        self.procRoot = procRoot
        self.sysRoot = sysRoot
        self.clock = clock
        configs = GuestConfigStore(store: store, directory: StoreLayout.guestDirectory(node: nodeName, kind: .lxc))
    }

    public func configPath(_ vmid: VMID) -> String { configs.path(vmid) }

    /// The CT configs of any node of the cluster (the resource list shows every node's guests).
    public func configs(onNode node: String) -> GuestConfigStore<ContainerConfig> {
        GuestConfigStore(store: store, directory: StoreLayout.guestDirectory(node: node, kind: .lxc))
    }
    public func containerDirectory(_ vmid: VMID) -> String { "\(host.lxcPath)/\(vmid)" }
    public func rootfsMountPoint(_ vmid: VMID) -> String { "\(host.lxcPath)/\(vmid)/rootfs" }

    /// The config and the file it came from (for the digest and compare-and-swap writes).
    public func read(_ vmid: VMID) async throws -> (config: ContainerConfig, file: StoreFile) { try await configs.read(vmid) }

    /// Writes the config only if the file is unchanged since `file` was read.
    public func write(_ vmid: VMID, _ config: ContainerConfig, replacing file: StoreFile) async throws {
        try await configs.write(vmid, config, replacing: file)
    }

    /// VMIDs of the containers configured on this node.
    public func list() async throws -> [VMID] { try await configs.list() }

    /// The plugin and volume name of a `storage:volname` value.
    func volume(_ text: String) async throws -> (any StoragePlugin, String) {
        let volid = try VolumeID(parsing: text)
        return (try await storage.plugin(volid.storage), volid.name)
    }

    /// Updates options under the VMID's lock; `change` may throw to abort.
    public func update(_ vmid: VMID, digest: String? = nil, _ change: (inout ContainerConfig) throws -> Void) async throws {
        try await configs.update(vmid, digest: digest) { config in try change(&config) }
    }
}

/// A counter of power changes (start, stop, suspend, resume) made through this node.
public actor PowerChanges {
    public private(set) var generation = 0
    func record() { generation += 1 }
}
