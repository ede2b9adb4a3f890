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
    let samples = CPUSamples()
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
    }

    public func configPath(_ vmid: VMID) -> String { "nodes/\(nodeName)/lxc/\(vmid).conf" }
    public func containerDirectory(_ vmid: VMID) -> String { "\(host.lxcPath)/\(vmid)" }
    public func rootfsMountPoint(_ vmid: VMID) -> String { "\(host.lxcPath)/\(vmid)/rootfs" }

    /// The config and the file it came from (for the digest and compare-and-swap writes).
    public func read(_ vmid: VMID) async throws -> (config: ContainerConfig, file: StoreFile) {
        guard let file = try await store.read(configPath(vmid)) else { throw LXCError.notFound(configPath(vmid)) }
        return (try ContainerConfig.parse(file.text), file)
    }

    /// Writes the config only if the file is unchanged since `file` was read.
    public func write(_ vmid: VMID, _ config: ContainerConfig, replacing file: StoreFile) async throws {
        try await store.write(configPath(vmid), text: config.render(), ifRevision: file.revision)
    }

    /// VMIDs of the containers configured on this node.
    public func list() async throws -> [VMID] {
        try await store.list("nodes/\(nodeName)/lxc").compactMap { entry in
            entry.name.hasSuffix(".conf") ? VMID(String(entry.name.dropLast(5))) : nil
        }.sorted { $0.rawValue < $1.rawValue }
    }

    /// The plugin and volume name of a `storage:volname` value.
    func volume(_ text: String) async throws -> (any StoragePlugin, String) {
        let volid = try VolumeID(parsing: text)
        return (try await storage.plugin(volid.storage), volid.name)
    }

    /// Updates options under the per-guest lock; `change` may throw to abort.
    public func update(_ vmid: VMID, digest: String? = nil, _ change: (inout ContainerConfig) throws -> Void) async throws {
        try await store.withLock(lockName(vmid)) {
            let (config, file) = try await read(vmid)
            if let digest, digest != file.digest {
                throw LXCError.failed("detected modified configuration - file changed by other user? Try again.")
            }
            var changed = config
            try change(&changed)
            try await write(vmid, changed, replacing: file)
        }
    }
}

/// The last CPU time seen per container, to turn cgroup counters into a usage fraction.
actor CPUSamples {
    var last: [VMID: (time: ContinuousClock.Instant, nanoseconds: UInt64)] = [:]

    func fraction(_ vmid: VMID, nanoseconds: UInt64, cpus: Int) -> Double {
        let now = ContinuousClock.now
        defer { last[vmid] = (now, nanoseconds) }
        guard let previous = last[vmid], nanoseconds >= previous.nanoseconds else { return 0 }
        let elapsed = now - previous.time
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds > 0 else { return 0 }
        return min(1, Double(nanoseconds - previous.nanoseconds) / 1e9 / seconds / Double(max(cpus, 1)))
    }
}

/// A counter of power changes (start, stop, suspend, resume) made through this node.
public actor PowerChanges {
    public private(set) var generation = 0
    func record() { generation += 1 }
}
