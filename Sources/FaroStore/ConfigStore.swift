/// A file of the cluster configuration tree with the store revision of its last change.
public struct StoreFile: Sendable, Equatable {
    public let path: String
    public let data: [UInt8]
    public let revision: Int64
    /// Seconds since the epoch of the last change.
    public let mtime: Int

    public init(path: String, data: [UInt8], revision: Int64, mtime: Int) {
        self.path = path
        self.data = data
        self.revision = revision
        self.mtime = mtime
    }

    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// A direct child of a directory: a file (with its revision) or a subdirectory.
public struct StoreEntry: Sendable, Equatable {
    public let name: String
    public let isDirectory: Bool
    public let revision: Int64?

    public init(name: String, isDirectory: Bool, revision: Int64?) {
        self.name = name
        self.isDirectory = isDirectory
        self.revision = revision
    }
}

/// A file's path and revision, without its bytes: what a keys-only listing gives.
public struct StoreKey: Sendable, Equatable {
    public let path: String
    public let revision: Int64

    public init(path: String, revision: Int64) {
        self.path = path
        self.revision = revision
    }
}

/// One committed change, as delivered to watchers.
public enum StoreChange: Sendable, Equatable {
    case written(path: String, revision: Int64)
    case deleted(path: String, revision: Int64)

    public var path: String {
        switch self {
        case .written(let path, _), .deleted(let path, _): return path
        }
    }

    public var revision: Int64 {
        switch self {
        case .written(_, let revision), .deleted(_, let revision): return revision
        }
    }
}

/// A held cluster-wide lock. It expires when its lease runs out unless renewed.
public struct StoreLock: Sendable, Equatable {
    public let name: String
    public let owner: String

    public init(name: String, owner: String) {
        self.name = name
        self.owner = owner
    }
}

/// A lease that ephemeral entries live under: they vanish when it runs out, `ttl` after its
/// owner last renewed it (a node that stops or loses its link stops renewing).
public struct StoreLease: Sendable, Hashable {
    public let id: Int64
    /// How long the lease lasts after each renewal (etcd may have raised what was asked for).
    public let ttl: Duration

    public init(id: Int64, ttl: Duration) {
        self.id = id
        self.ttl = ttl
    }
}

/// The configuration tree (Proxmox's `/etc/pve`): small text files under relative paths
/// such as `nodes/pve/qemu-server/100.conf`. Every change gets a new, store-wide increasing
/// revision. Backends: SQLite for one node, etcd for a cluster; both pass the same contract
/// tests (`ConfigStoreContract` in FaroTesting).
public protocol ConfigStore: Sendable {
    /// The file, or nil when it does not exist.
    func read(_ path: String) async throws -> StoreFile?
    /// Every file whose path starts with `prefix` (a directory prefix ending in `/`, or "").
    func readTree(prefix: String) async throws -> [StoreFile]
    /// The direct children of a directory; directories exist while they hold files.
    func list(_ directory: String) async throws -> [StoreEntry]
    /// The paths and revisions of every file whose path starts with `prefix`, in path order,
    /// without reading the files (listing VMIDs does not read every guest config).
    func keys(prefix: String) async throws -> [StoreKey]
    /// Creates a file that must not exist yet. A guest config also fails when its VMID is used
    /// by any other guest config (under any node, of any type).
    @discardableResult
    func create(_ path: String, data: [UInt8]) async throws -> Int64
    /// Writes a file; with `ifRevision`, only if the file still has that revision
    /// (compare-and-swap; 0 means "must not exist").
    @discardableResult
    func write(_ path: String, data: [UInt8], ifRevision: Int64?) async throws -> Int64
    /// Deletes a file; with `ifRevision`, only if it still has that revision.
    func delete(_ path: String, ifRevision: Int64?) async throws
    /// Moves a file in one step (a guest changing its node); the target must not exist.
    @discardableResult
    func rename(_ path: String, to newPath: String) async throws -> Int64
    /// The revision of the newest change.
    func currentRevision() async throws -> Int64
    /// The changes committed after `revision`, oldest first, or nil when the store no longer
    /// keeps that much history (a caller must then assume that anything changed).
    func changes(after revision: Int64) async throws -> [StoreChange]?
    /// Changes committed after the call, for paths starting with `prefix`.
    func watch(prefix: String) -> AsyncStream<StoreChange>
    /// Takes a named lock, waiting up to `timeout`; it lapses after `lease` unless renewed.
    func acquireLock(_ name: String, lease: Duration, timeout: Duration) async throws -> StoreLock
    func renewLock(_ lock: StoreLock, lease: Duration) async throws
    func releaseLock(_ lock: StoreLock) async throws
    /// Whether this instance can commit changes now: always for SQLite; on etcd, while its
    /// member has a leader and the last request did not fail for lack of quorum.
    func isQuorate() async -> Bool

    // MARK: ephemeral entries (status a node publishes)

    /// A new lease of at least `ttl`.
    func grantLease(ttl: Duration) async throws -> StoreLease
    /// Starts the lease's `ttl` again; `leaseExpired` when it already ran out.
    func renewLease(_ lease: StoreLease) async throws
    /// Ends the lease now, deleting what was published under it.
    func revokeLease(_ lease: StoreLease) async throws
    /// Writes a file that lives only as long as `lease`: read, listed and watched like any
    /// other, it is deleted (watchers see `.deleted`) once the lease runs out. Guest config
    /// paths cannot be ephemeral.
    @discardableResult
    func publish(_ path: String, data: [UInt8], lease: StoreLease) async throws -> Int64
}

extension Duration {
    /// The duration in seconds, fractions included.
    public var totalSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension ConfigStore {
    /// Runs `body` while holding the named lock (10 s to acquire, 120 s lease, as Proxmox's),
    /// in the caller's isolation. The lease is renewed every third of its length while `body`
    /// runs, so work that takes longer than one lease (a clone of a large disk) keeps its lock
    /// for as long as this process lives; a lock that could not be renewed (its lease lapsed
    /// and another holder took it) makes the call fail with `lockLost` once `body` returns.
    public func withLock<T: Sendable>(
        _ name: String, lease: Duration = .seconds(120), timeout: Duration = .seconds(10),
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        let lock = try await acquireLock(name, lease: lease, timeout: timeout)
        let keeper = Task { [self] () async -> StoreError? in
            while true {
                do {
                    try await Task.sleep(for: lease / 3)
                } catch {
                    return nil
                }
                do {
                    try await renewLock(lock, lease: lease)
                } catch StoreError.lockLost(let name) {
                    return .lockLost(name: name)
                } catch {
                    // A renewal that failed for another reason (a busy database) is tried again.
                    continue
                }
            }
        }
        do {
            let result = try await body()
            keeper.cancel()
            if let lost = await keeper.value { throw lost }
            try await releaseLock(lock)
            return result
        } catch {
            keeper.cancel()
            try? await releaseLock(lock)
            throw error
        }
    }

    public func write(_ path: String, text: String, ifRevision: Int64? = nil) async throws {
        try await write(path, data: Array(text.utf8), ifRevision: ifRevision)
    }
}

import Crypto

extension StoreFile {
    /// SHA-1 of the file's bytes in hex: the `digest` Proxmox's config APIs return and check.
    public var digest: String { Self.digest(of: data) }

    /// The same digest for bytes that live elsewhere (a node's hosts file).
    public static func digest(of bytes: [UInt8]) -> String {
        Insecure.SHA1.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }
}
