import FaroBackup
import FaroStorage
import FaroSupport

/// The guest config stored in a backup archive (`extractconfig`): the VMA header's
/// `qemu-server.conf`, or the tar's `./etc/vzdump/pct.conf`. Only the start of the archive is read.
public enum ArchiveConfig {
    public static func read(_ path: String, runner: any CommandRunner) async throws -> String {
        let name = String(path.split(separator: "/").last ?? "")
        guard let archive = BackupArchive(fileName: name), let compression = BackupCompression(fileName: name) else {
            throw VZDumpError.failed("'\(name)' is not a backup archive")
        }
        let file = ArchiveFile(runner: runner)
        if archive.kind.hasPrefix("vma") {
            let header = try await file.read(from: path, compression: compression, complete: false) { source, _ throws(BackupError) in
                try VMAHeader.read(from: source)
            }
            guard let config = header.config(named: "qemu-server.conf") else {
                throw VZDumpError.failed("archive '\(name)' holds no qemu-server.conf")
            }
            let text = String(decoding: config.data, as: UTF8.self)
            return text.hasSuffix("\n") ? text : text + "\n"
        }
        let result = try await file.read(from: path, compression: compression, complete: false, into: ContainerArchive.readConfig())
        guard result.succeeded, !result.output.isEmpty else {
            throw VZDumpError.failed("unable to read '\(ContainerArchive.configMember)' from '\(name)'")
        }
        return result.output
    }
}
