import FaroSupport
import Foundation

/// A container template archive (`.tar.gz`, `.tar.xz`, `.tar.zst`) whose members have been
/// judged (`TemplatePlan`): a value exists only for an archive that passed, and it unpacks
/// leaving out what the plan skips.
public struct TemplateArchive: Sendable {
    public let path: String
    /// The file that was judged, held open: listing and extraction read this one file through
    /// `/proc/self/fd`, so a template replaced at `path` in between (an upload finishes by a
    /// rename) is not what gets unpacked.
    let source: PinnedFile
    /// tar's decompression flag.
    public let compression: String
    /// Member names extraction leaves out (everything below `/dev`).
    public let skipped: [String]

    /// Lists `path` with tar and judges every member before anything is unpacked.
    public static func checked(_ path: String, runner: any CommandRunner) async throws -> TemplateArchive {
        let compression = try compressionFlag(path)
        let source = try PinnedFile(path)
        let command = Command(
            "tar", ["--list", "--verbose", "--numeric-owner", "--quoting-style=c", compression, "--file", "-"],
            inputFile: source.path)
        let listing = try await runner.run(command)
        guard listing.succeeded else {
            throw LXCError.badTemplate(path, "unreadable archive: \(CommandError.failed(listing))")
        }
        var entries: [TemplateEntry] = []
        for line in listing.standardOutput.split(separator: UInt8(ascii: "\n")) {
            guard let entry = TemplateEntry.parse(line: line) else {
                throw LXCError.badTemplate(path, "unexpected member '\(String(decoding: line, as: UTF8.self))'")
            }
            entries.append(entry)
        }
        let plan = try TemplatePlan(entries, archive: path)
        return TemplateArchive(path: path, source: source, compression: compression, skipped: plan.skipped)
    }

    /// tar's flag for the archive's compression, from its name.
    static func compressionFlag(_ path: String) throws(LXCError) -> String {
        if path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz") { return "--gzip" }
        if path.hasSuffix(".tar.xz") { return "--xz" }
        if path.hasSuffix(".tar.zst") { return "--zstd" }
        throw LXCError.badTemplate(path, "unknown archive type (expected .tar.gz, .tar.xz or .tar.zst)")
    }

    /// Unpacks into `rootfs` the way Proxmox does (numeric owners, existing files kept), but
    /// always inside a user namespace: the container's id map when unprivileged, so owners
    /// come out shifted with no pass as real root; the identity map otherwise. In both the
    /// kernel refuses `mknod` of a device, whatever tar is handed. tar runs in `rootfs` and
    /// reads the archive from standard input, so the container's root needs no access to the
    /// directories above either.
    public func extract(into rootfs: String, unprivileged: Bool, runner: any CommandRunner) async throws {
        let owner = uid_t(unprivileged ? LXCConfig.idMapBase : 0)
        guard chown(rootfs, owner, owner) == 0 else {
            throw LXCError.failed("unable to change the owner of '\(rootfs)': \(String(cString: strerror(errno)))")
        }
        let command = Command(
            "lxc-usernsexec", Self.userNamespaceMap(unprivileged: unprivileged) + ["--"] + tarArguments,
            workingDirectory: rootfs, inputFile: source.path)
        try await runner.run(command).checked()
    }

    /// `lxc-usernsexec`'s map: Proxmox's default for unprivileged containers (0 → 100000,
    /// 65536 ids), else every id onto itself.
    static func userNamespaceMap(unprivileged: Bool) -> [String] {
        guard unprivileged else { return ["-m", "b:0:0:4294967295"] }
        let range = "0:\(LXCConfig.idMapBase):\(LXCConfig.idMapSize)"
        return ["-m", "u:" + range, "-m", "g:" + range]
    }

    /// tar reading the archive from standard input into its working directory. `--exclude`
    /// takes each skipped name literally and from the start (`--no-wildcards --anchored`), and
    /// also leaves out whatever lies below it.
    var tarArguments: [String] {
        [
            "tar", "--extract", "--preserve-permissions", compression, "--file", "-", "--numeric-owner",
            "--skip-old-files",
            "--no-wildcards", "--anchored",
        ] + skipped.map { "--exclude=" + $0 }
    }
}

/// An open, read-only file, named by `/proc/self/fd/<n>` for as long as the value lives.
final class PinnedFile: Sendable {
    let descriptor: Int32

    init(_ path: String) throws(LXCError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LXCError.badTemplate(path, "unable to open: \(String(cString: strerror(errno)))")
        }
    }

    var path: String { "/proc/self/fd/\(descriptor)" }

    deinit { close(descriptor) }
}
