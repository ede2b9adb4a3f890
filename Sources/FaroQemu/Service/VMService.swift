import FaroConfig
import FaroGuest
import FaroModel
import FaroStorage
import FaroStore
import FaroSupport

/// VM configuration and lifecycle on one node: reads and writes `qemu-server/<vmid>.conf`
/// through the shared guest core (`GuestConfigStore`: the VMID's lock, digest checks,
/// compare-and-swap), allocates and frees disks through the
/// storage plugins, and drives QEMU through `QemuRuntime`.
public struct VMService: Sendable {
    public let nodeName: String
    public let store: any ConfigStore
    public let storage: StorageService
    public let runtime: QemuRuntime
    public let kvm: KVMStatus
    public let qemuExecutable: String
    public let clock: @Sendable () -> Int
    /// The VM configs of this node, under the lock VMs share with containers.
    public let configs: GuestConfigStore<VMConfig>
    let cloneLeases = CloneLeases()

    public init(
        nodeName: String, store: any ConfigStore, storage: StorageService, runtime: QemuRuntime, kvm: KVMStatus,
        qemuExecutable: String = "/usr/bin/qemu-system-x86_64", clock: @escaping @Sendable () -> Int
    ) {
        self.nodeName = nodeName
        self.store = store
        self.storage = storage
        self.runtime = runtime
        self.kvm = kvm
        self.qemuExecutable = qemuExecutable
        self.clock = clock
        configs = GuestConfigStore(store: store, directory: StoreLayout.guestDirectory(node: nodeName, kind: .qemu))
    }

    public func configPath(_ vmid: VMID) -> String { configs.path(vmid) }

    /// The VM configs of any node of the cluster (the resource list shows every node's guests).
    public func configs(onNode node: String) -> GuestConfigStore<VMConfig> {
        GuestConfigStore(store: store, directory: StoreLayout.guestDirectory(node: node, kind: .qemu))
    }

    /// The VMIDs of this node's VMs.
    public func list() async throws -> [VMID] { try await configs.list() }

    public func read(_ vmid: VMID) async throws -> (config: VMConfig, file: StoreFile) { try await configs.read(vmid) }

    /// Changes the config under the VMID's lock. `change` may throw to leave the file as it was.
    @discardableResult
    public func update<T: Sendable>(
        _ vmid: VMID, digest: String? = nil, _ change: @Sendable (inout VMConfig) async throws -> T
    ) async throws -> T {
        try await configs.update(vmid, digest: digest, change)
    }

    /// Refuses a locked VM unless `skiplock`.
    static func checkLock(_ config: VMConfig, vmid: VMID, skiplock: Bool) throws {
        if let lock = config.lock, !skiplock { throw VMError.locked(vmid: vmid, lock: lock) }
    }

    public func isRunning(_ vmid: VMID) async -> Bool { await runtime.process(vmid) != nil }

    /// Frees volumes, logging what fails instead of stopping half-way.
    func free(_ volumes: [String], log: (String) -> Void) async {
        for volume in volumes {
            do {
                let id = try VolumeID(parsing: volume)
                try await storage.plugin(id.storage).free(id.name)
            } catch {
                log("unable to free volume '\(volume)' - \(error)")
            }
        }
    }

    /// Paths of every volume the drives use, for the command line.
    func resolveVolumes(_ config: VMConfig) async throws -> [String: String] {
        var paths: [String: String] = [:]
        for drive in try config.volumeDrives() {
            guard let volume = drive.volumeID else { continue }
            let id = try VolumeID(parsing: volume)
            paths[volume] = try await storage.plugin(id.storage).path(id.name)
        }
        return paths
    }

    /// The QEMU argv for the VM as it would start now (pending changes applied).
    public func command(_ vmid: VMID, restoring restore: SavedVMState? = nil) async throws -> [String] {
        var config = try await read(vmid).config
        config.applyPending()
        var context = commandContext(vmid, volumes: try await resolveVolumes(config))
        context.restore = restore
        return try QemuCommand.build(config, context: context)
    }

    /// What the command builder needs from this host: volume paths, the run directory, the
    /// bridges' MTUs.
    func commandContext(_ vmid: VMID, volumes paths: [String: String]) -> QemuCommandContext {
        var context = QemuCommandContext(vmid: vmid, executable: qemuExecutable, runDir: runtime.runDir) { volume in
            guard let path = paths[volume] else { throw VMError.failed("volume '\(volume)' has no path") }
            return path
        }
        let ports = runtime.taps.ports
        context.bridgeMTU = { ports.mtu(of: $0) }
        return context
    }
}
