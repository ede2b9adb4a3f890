import FaroGuest
import FaroGuestSchema
import FaroModel
import FaroStore

/// What `PUT .../config` asks for.
public struct ContainerConfigChange: Sendable {
    public var set: [String: String] = [:]
    public var delete: [String] = []
    public var revert: [String] = []
    public var digest: String?
    public var isRoot = true

    public init(set: [String: String] = [:], delete: [String] = [], revert: [String] = [], digest: String? = nil, isRoot: Bool = true) {
        self.set = set
        self.delete = delete
        self.revert = revert
        self.digest = digest
        self.isRoot = isRoot
    }
}

/// `PUT .../config`: a stopped container takes every change at once; a running one takes the
/// options lxc can change live (cgroup limits, NICs) and those without runtime effect at once,
/// and keeps the rest in `[pve:pending]` for the next start.
extension ContainerManager {
    /// Options without any effect on a running container.
    public static let immediateOptions: Set<String> = ["description", "onboot", "protection", "tags", "startup", "lock", "hookscript"]
    /// Options applied to a running container through its cgroup.
    public static let cgroupOptions: Set<String> = ["memory", "swap", "cpulimit", "cpuunits", "cores"]
    /// Options that never change after creation.
    public static let readOnlyOptions: Set<String> = ["unprivileged"]

    public func updateConfig(_ vmid: VMID, _ change: ContainerConfigChange, log: @Sendable (String) -> Void = { _ in }) async throws {
        try Self.checkChange(change)
        let allocated = VolumeLedger()
        do {
            try await configs.withLock(vmid) {
                let (config, file) = try await read(vmid)
                try GuestConfigStore<ContainerConfig>.checkDigest(change.digest, of: file, vmid: vmid)
                if let lock = config.lock, change.set["lock"] == nil, !change.delete.contains("lock") { throw LXCError.locked(vmid, lock) }
                let state = try await state(vmid)
                var updated = config
                try await stage(change, into: &updated, vmid: vmid, running: state.running, allocated: allocated, log: log)
                try updated.check(isRoot: change.isRoot)
                var failures: [String] = []
                if state.running, let pid = state.pid {
                    failures = await applyLive(vmid, from: config, to: &updated, pid: pid, log: log)
                }
                try await write(vmid, updated, replacing: file)
                if !failures.isEmpty { throw LXCError.failed(failures.joined(separator: "\n")) }
            }
        } catch {
            for volume in await allocated.volumes { try? await freeVolume(volume) }
            throw error
        }
    }

    static func checkChange(_ change: ContainerConfigChange) throws {
        for key in change.delete where change.set[key] != nil {
            throw LXCError.invalidOption("delete", "unable to delete and set '\(key)' at the same time")
        }
        for key in change.delete where key != "description" && ContainerSchema.options[key] == nil {
            throw LXCError.invalidOption("delete", "invalid configuration ID '\(key)'")
        }
        for key in change.delete where ["rootfs", "template"].contains(key) || readOnlyOptions.contains(key) {
            throw LXCError.invalidOption("delete", "unable to delete '\(key)'")
        }
        for key in change.set.keys where readOnlyOptions.contains(key) {
            throw LXCError.invalidOption(key, "unable to modify read-only option: '\(key)'")
        }
    }

    /// Puts each change where it belongs: the main section, or pending while the container runs.
    func stage(
        _ change: ContainerConfigChange, into config: inout ContainerConfig, vmid: VMID, running: Bool, allocated: VolumeLedger,
        log: @Sendable (String) -> Void
    ) async throws {
        for key in change.revert { config.revert(key) }
        for key in change.set.keys.sorted() {
            var value = change.set[key]!
            if key == "rootfs" { try Self.checkRootfsChange(config["rootfs"], value) }
            if let allocation = try await allocateMountPoint(key, value, vmid: vmid, unprivileged: config.isUnprivileged, log: log) {
                await allocated.add(allocation.volume)
                value = allocation.text
            }
            place(key, value, in: &config, running: running)
        }
        for key in change.delete { place(key, nil, in: &config, running: running) }
        if !running { config.applyPending() }
    }

    func place(_ key: String, _ value: String?, in config: inout ContainerConfig, running: Bool) {
        let live = Self.immediateOptions.contains(key) || Self.cgroupOptions.contains(key) || key.hasPrefix("net")
        if running && !live {
            config.queue(key, value)
        } else {
            config.revert(key)
            config.set(key, value)
        }
    }

    /// `rootfs` may change its mount options, not its volume.
    static func checkRootfsChange(_ old: String?, _ new: String) throws {
        let oldVolume = old.flatMap { try? ContainerSchema.parse("rootfs", $0) }?["volume"]
        let newVolume = try? ContainerSchema.parse("rootfs", new)["volume"]
        guard oldVolume == newVolume else {
            throw LXCError.invalidOption("rootfs", "the rootfs volume cannot be replaced (use move_volume)")
        }
    }
}
