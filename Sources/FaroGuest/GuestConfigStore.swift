import FaroModel
import FaroStore

/// The config files of one kind of guest on one node (`nodes/<node>/qemu-server` or
/// `nodes/<node>/lxc`): list, read with the file's digest and revision, compare-and-swap
/// writes, and changes under the VMID's lock (`GuestLock`).
public struct GuestConfigStore<Config: GuestConfig>: Sendable {
    public let store: any ConfigStore
    /// The store directory of the config files, e.g. `nodes/pve/qemu-server`.
    public let directory: String
    public init(store: any ConfigStore, directory: String) {
        self.store = store
        self.directory = directory
    }

    public func path(_ vmid: VMID) -> String { "\(directory)/\(vmid).conf" }

    /// The VMIDs with a config file here, in ascending order.
    public func list() async throws -> [VMID] {
        try await store.list(directory).compactMap { entry in
            entry.name.hasSuffix(".conf") ? VMID(String(entry.name.dropLast(5))) : nil
        }.sorted()
    }

    /// The config and the file it came from (for the digest and compare-and-swap writes).
    public func read(_ vmid: VMID) async throws -> (config: Config, file: StoreFile) {
        guard let file = try await store.read(path(vmid)) else { throw GuestError.notFound(vmid: vmid, path: path(vmid)) }
        return (try Config(parsing: file.text), file)
    }

    /// What the resource list shows of the guest, and the revision of the file it came from.
    public func summary(_ vmid: VMID, hostCPUs: Int) async throws -> (summary: GuestSummary, revision: Int64) {
        let (config, file) = try await read(vmid)
        return (config.summary(vmid: vmid, hostCPUs: hostCPUs), file.revision)
    }

    /// Writes the config only if the file is unchanged since `file` was read.
    public func write(_ vmid: VMID, _ config: Config, replacing file: StoreFile) async throws {
        try await store.write(path(vmid), text: config.render(), ifRevision: file.revision)
    }

    /// Runs `body` holding the VMID's lock.
    public func withLock<T: Sendable>(
        _ vmid: VMID, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        try await store.withLock(GuestLock.name(vmid), isolation: isolation, body)
    }

    /// The VMID's lock for stopping a guest. Without quorum the cluster-wide lock cannot be
    /// taken, and stopping must still work (Proxmox's guest lock is node-local, so its stop
    /// and shutdown work without quorum): `body` then runs without the lock. Nothing can be
    /// written meanwhile, so no config changes under it.
    public func withPowerLock<T: Sendable>(
        _ vmid: VMID, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        var locked = false
        do {
            return try await store.withLock(GuestLock.name(vmid), isolation: isolation) {
                locked = true
                return try await body()
            }
        } catch StoreError.noQuorum where !locked {
            return try await body()
        }
    }

    /// Refuses a change made against a config other than the current one.
    public static func checkDigest(_ digest: String?, of file: StoreFile, vmid: VMID) throws(GuestError) {
        if let digest, digest != file.digest { throw .digestMismatch(vmid: vmid) }
    }

    /// Changes the config under the VMID's lock: read, check `digest`, apply `change`, write
    /// back with compare-and-swap. `change` may throw to leave the file as it was.
    @discardableResult
    public func update<T: Sendable>(
        _ vmid: VMID, digest: String? = nil, isolation: isolated (any Actor)? = #isolation,
        _ change: (inout Config) async throws -> T
    ) async throws -> T {
        try await withLock(vmid) {
            var (config, file) = try await read(vmid)
            try Self.checkDigest(digest, of: file, vmid: vmid)
            let result = try await change(&config)
            try await write(vmid, config, replacing: file)
            return result
        }
    }
}
