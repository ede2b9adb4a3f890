import FaroSupport
import Foundation

/// A directory of test assets that are slow to make (a downloaded kernel, a packed container
/// template), shared by every test of every test process on the machine.
///
/// An asset is made by one builder at a time: within a process, callers asking for the same
/// asset wait for the one build; across processes, the builder holds an exclusive `flock` on
/// `.<name>.lock` and checks the cache again once it has it. The builder works in a staging
/// directory of its own (`.build-<name>-<UUID>`), and the result is published by `rename` only
/// after it has been checked, so a half-built asset is never found under its name; a cached asset
/// that fails the check (left by an older, racy build) is built again.
public struct TestAssetCache: Sendable {
    public let directory: String

    /// The environment variable that names the cache directory.
    public static let environmentVariable = "FARO_TEST_CACHE"

    public init(directory: String) {
        self.directory = directory
    }

    /// The cache the tests use: `$FARO_TEST_CACHE` when set (CI points it at an empty directory
    /// to prove the fresh case), else `/var/cache/faro-test` when it can be created, else
    /// under the temp directory.
    public static func `default`() -> TestAssetCache {
        if let directory = ProcessInfo.processInfo.environment[environmentVariable], !directory.isEmpty {
            return TestAssetCache(directory: directory)
        }
        let system = "/var/cache/faro-test"
        if (try? FileIO.makeDirectory(system)) != nil, access(system, W_OK) == 0 { return TestAssetCache(directory: system) }
        return TestAssetCache(directory: NSTemporaryDirectory() + "/faro-test-cache")
    }

    /// The path of the asset `name`: the cached one when `isValid` accepts it, else the one
    /// `build` makes. `build` gets an empty work directory on the cache's file system and returns
    /// the path of what it made inside it; that is checked with `isValid` and renamed to `name`.
    public func asset(
        _ name: String, isValid: @escaping @Sendable (String) async -> Bool,
        build: @escaping @Sendable (_ work: String) async throws -> String
    ) async throws -> String {
        let target = directory + "/" + name
        if await isValid(target) { return target }
        return try await AssetBuilds.shared.once(target) {
            try FileIO.makeDirectory(directory)
            let lock = try await CacheLock.acquire(directory + "/." + name + ".lock")
            defer { lock.release() }
            if await isValid(target) { return target }
            // Holding the lock, no one else builds this asset: what a crashed builder left goes.
            let prefix = ".build-\(name)-"
            for leftover in FileIO.listDirectory(directory) where leftover.hasPrefix(prefix) {
                try? FileManager.default.removeItem(atPath: directory + "/" + leftover)
            }
            let work = directory + "/" + prefix + UUID().uuidString
            try FileIO.makeDirectory(work)
            defer { try? FileManager.default.removeItem(atPath: work) }
            let made = try await build(work)
            guard await isValid(made) else { throw TestAssetError.invalid(name: name, path: made) }
            // rename replaces a file but not a directory that holds something.
            if FileIO.isDirectory(target) { try? FileManager.default.removeItem(atPath: target) }
            try FileIO.rename(made, to: target)
            return target
        }
    }
}

/// Why a test asset could not be made.
public enum TestAssetError: Error, CustomStringConvertible {
    case invalid(name: String, path: String)

    public var description: String {
        switch self {
        case .invalid(let name, let path): return "the build of test asset \(name) at \(path) is incomplete; it is not cached"
        }
    }
}

/// The builds running in this process, one per asset path; a second caller waits for the first.
private actor AssetBuilds {
    static let shared = AssetBuilds()
    private var running: [String: Task<String, any Error>] = [:]

    func once(_ target: String, _ build: @escaping @Sendable () async throws -> String) async throws -> String {
        if let task = running[target] { return try await task.value }
        let task = Task { try await build() }
        running[target] = task
        defer { running[target] = nil }
        return try await task.value
    }
}

/// An exclusive `flock` on a lock file, waited for by polling so that waiting holds no thread
/// of the cooperative pool.
private struct CacheLock {
    let descriptor: Int32

    static func acquire(_ path: String) async throws -> CacheLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError("open", path: path, errno: errno) }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(descriptor)
                throw FileError("lock", path: path, errno: code)
            }
            do { try await Task.sleep(for: .milliseconds(100)) } catch {
                close(descriptor)
                throw error
            }
        }
        return CacheLock(descriptor: descriptor)
    }

    /// Closing the descriptor releases the lock.
    func release() { close(descriptor) }
}
