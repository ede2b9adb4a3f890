import FaroSupport
import Foundation

/// A container template archive (`.tar.gz`, `.tar.xz`, `.tar.zst`): its entries are checked
/// before anything is unpacked, then it is extracted the way Proxmox does (numeric owners,
/// `./dev/*` skipped, inside the id map for unprivileged containers).
public struct TemplateArchive: Sendable {
    public let path: String
    /// tar's decompression flag.
    public let compression: String

    public init(path: String) throws(LXCError) {
        self.path = path
        if path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz") {
            compression = "--gzip"
        } else if path.hasSuffix(".tar.xz") {
            compression = "--xz"
        } else if path.hasSuffix(".tar.zst") {
            compression = "--zstd"
        } else {
            throw LXCError.badTemplate(path, "unknown archive type (expected .tar.gz, .tar.xz or .tar.zst)")
        }
    }

    /// Rejects archives with absolute paths, `..` components, or device nodes outside `./dev`
    /// (which extraction skips): a template must not smuggle a device into the container.
    public func checkEntries(runner: any CommandRunner) async throws {
        let names = try await runner.checked(["tar", "-t", compression, "-f", path]).split(separator: "\n")
        let verbose = try await runner.checked(["tar", "-t", "-v", compression, "-f", path]).split(separator: "\n")
        for (index, entry) in names.enumerated() {
            if let problem = Self.problem(String(entry)) { throw LXCError.badTemplate(path, problem) }
            let type = index < verbose.count ? verbose[index].first : nil
            if type == "b" || type == "c", !Self.isBelowDev(String(entry)) {
                throw LXCError.badTemplate(path, "device node '\(entry)' outside /dev")
            }
        }
    }

    static func isBelowDev(_ entry: String) -> Bool {
        entry.hasPrefix("./dev/") || entry.hasPrefix("dev/")
    }

    static func problem(_ entry: String) -> String? {
        if entry.hasPrefix("/") { return "absolute path '\(entry)' in archive" }
        if entry.split(separator: "/").contains("..") { return "path '\(entry)' leaves the root" }
        return nil
    }

    /// Unpacks as root, then shifts every owner into the container's id range for an
    /// unprivileged container (Proxmox's default map: 0 → 100000, 65536 ids).
    public func extract(into rootfs: String, unprivileged: Bool, runner: any CommandRunner) async throws {
        try await runner.checked([
            "tar", "-x", "-p", compression, "-f", path, "--numeric-owner", "--skip-old-files", "--anchored",
            "--exclude", "./dev/*", "-C", rootfs,
        ])
        if unprivileged { try Self.shiftOwnership(rootfs, by: UInt32(LXCConfig.idMapBase)) }
    }

    /// Adds `offset` to the owner and group of `root` and everything below it, without
    /// following symbolic links, keeping set-id bits that `chown` clears.
    public static func shiftOwnership(_ root: String, by offset: UInt32) throws {
        var paths = [root]
        if let enumerator = FileManager.default.enumerator(atPath: root) {
            while let relative = enumerator.nextObject() as? String { paths.append(root + "/" + relative) }
        }
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else { throw LXCError.failed("unable to stat '\(path)'") }
            guard info.st_uid < offset, info.st_gid < offset else { continue }
            guard lchown(path, info.st_uid + offset, info.st_gid + offset) == 0 else {
                throw LXCError.failed("unable to change the owner of '\(path)'")
            }
            if (info.st_mode & S_IFMT) != S_IFLNK, info.st_mode & (S_ISUID | S_ISGID) != 0 {
                chmod(path, info.st_mode & 0o7777)
            }
        }
    }
}
