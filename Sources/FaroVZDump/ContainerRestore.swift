import FaroBackup
import FaroGuestSchema
import FaroLXC
import FaroModel
import FaroSupport
#if canImport(Glibc)
import Glibc
#endif

/// `pct restore` / `POST /nodes/{node}/lxc` with `restore=1`: a container from a vzdump tar
/// (facts §3.8). The volumes are made anew from the sizes in the archive's `pct.conf` on
/// `storage`, the archive unpacked into them (inside the container's user namespace when
/// unprivileged), and the config is the archive's, the call's options winning.
public enum ContainerRestore {
    /// Keys of `pct.conf` never taken over.
    static let notRestored: Set<String> = ["digest", "lock", "parent", "snapshots", "template"]

    /// The creation for `ContainerManager.create`: options from the archive merged under the
    /// call's, the volumes to allocate, and the unpacking step.
    public static func creation(
        vmid: VMID, archive path: String, storage: String, options given: [String: String], unique: Bool,
        ignoreUnpackErrors: Bool, runner: any CommandRunner
    ) async throws -> ContainerCreation {
        let stored = try ContainerConfig(parsing: try await ArchiveConfig.read(path, runner: runner))
        var options: [String: String] = [:]
        for (key, value) in stored.options where !notRestored.contains(key) && !key.hasPrefix("unused") {
            options[key] = value
        }
        for key in options.keys where key == "rootfs" || key.hasPrefix("mp") {
            guard given[key] == nil else { continue }
            options[key] = try newVolume(key, options[key]!, storage: storage)
        }
        if unique {
            for (index, var values) in stored.networks {
                values["hwaddr"] = nil
                options["net\(index)"] = ContainerSchema.print("net\(index)", values)
            }
        }
        options.merge(given) { _, new in new }
        let unprivileged = options["unprivileged"] == "1"
        var creation = ContainerCreation(vmid: vmid, options: options, template: path, storage: storage)
        creation.restore = { rootfs in
            try await unpack(path, into: rootfs, unprivileged: unprivileged, ignoreErrors: ignoreUnpackErrors, runner: runner)
        }
        return creation
    }

    /// `rootfs`/`mpN` from the archive as a new volume of its recorded size on `storage`;
    /// bind and device mounts are not restored.
    static func newVolume(_ key: String, _ value: String, storage: String) throws -> String? {
        var values = try ContainerSchema.parse(key, value)
        guard let volume = values["volume"], !volume.hasPrefix("/") else { return nil }
        if key != "rootfs" && values["backup"] != "1" { return nil }
        // An unlimited directory volume (`STORAGE:0` at creation) records no size.
        let unlimited = values["size"] == nil && volume.contains("subvol-")
        guard let gib = unlimited ? "0" : values["size"].flatMap(gibibytes) else {
            throw VZDumpError.failed("unable to detect disk size - please specify \(key) (size)")
        }
        values["volume"] = "\(storage):\(gib)"
        values["size"] = nil
        return ContainerSchema.print(key, values)
    }

    /// `8G` → `8`, `512M` → `0.5`.
    static func gibibytes(_ size: String) -> String? {
        let units: [Character: Double] = ["K": 1.0 / 1_048_576, "M": 1.0 / 1024, "G": 1, "T": 1024]
        guard let unit = size.last, let factor = units[unit], let number = Double(size.dropLast()) else { return nil }
        let value = number * factor
        return value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func unpack(_ path: String, into rootfs: String, unprivileged: Bool, ignoreErrors: Bool, runner: any CommandRunner)
        async throws -> [String]
    {
        let name = String(path.split(separator: "/").last ?? "")
        guard let compression = BackupCompression(fileName: name) else { throw VZDumpError.failed("'\(name)' is not a backup archive") }
        let owner = uid_t(unprivileged ? LXCConfig.idMapBase : 0)
        guard chown(rootfs, owner, owner) == 0 else { throw VZDumpError.failed("unable to change the owner of '\(rootfs)'") }
        var lines = ["extracting archive '\(path)'"]
        let command = ContainerArchive.extract(rootDirectory: rootfs, userNamespace: ContainerArchive.userNamespace(unprivileged: unprivileged))
        do {
            let result = try await ArchiveFile(runner: runner).read(from: path, compression: compression, into: command)
            lines += result.errorOutput.split(separator: "\n").map(String.init)
            if !result.succeeded {
                guard ignoreErrors else { throw VZDumpError.failed("unable to restore CT - \(CommandError.failed(result))") }
                lines.append("WARN: tar reported errors, ignored (ignore-unpack-errors)")
            }
        } catch let error as BackupError {
            guard ignoreErrors else { throw error }
            lines.append("WARN: \(error), ignored (ignore-unpack-errors)")
        }
        for file in ["/etc/vzdump/pct.conf", "/etc/vzdump/pct.fw"] { FileIO.remove(rootfs + file) }
        return lines
    }
}
