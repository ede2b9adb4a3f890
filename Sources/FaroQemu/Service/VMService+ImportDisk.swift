import FaroGuestSchema
import FaroModel
import Foundation

/// `qm disk import` / `qm importdisk`: a disk image (a path or a storage volume) copied into a
/// new volume of the VM, attached as the first free `unusedN` or, with `target-disk`, as that
/// drive. The new volume is made and filled before the config changes, and freed again if the
/// config cannot take it.
extension VMService {
    /// Checks an import before its task: the VM, the slot, the source and the storage.
    public func checkImportDisk(
        _ vmid: VMID, source: String, storage storageID: String, format: String?, target: String?, isRoot: Bool
    ) async throws {
        let config = try await read(vmid).config
        if config.isTemplate { throw VMError.failed("unable to import a disk into a template") }
        if let target {
            guard let (bus, _) = VMOptions.splitIndexed(target), VMOptions.driveBuses.contains(bus) else {
                throw VMError.parameter("target-disk", "'\(target)' is not a disk slot (ide, sata, scsi or virtio)")
            }
            guard config[target] == nil else { throw VMError.parameter("target-disk", "'\(target)' is already in use") }
            guard !(await isRunning(vmid)) else {
                throw VMError.parameter("target-disk", "VM \(vmid) is running - import as an unused disk and attach it later")
            }
        }
        var request = "\(storageID):0,import-from=\(source)"
        if let format { request += ",format=\(format)" }
        let key = target ?? "scsi0"
        do {
            _ = try await validate(key, request, vmid: vmid, isRoot: isRoot)
        } catch VMError.parameter(_, let message) {
            throw VMError.parameter(message.hasPrefix("import-from") ? "source" : "storage", message)
        }
    }

    public func importDisk(
        _ vmid: VMID, source: String, storage storageID: String, format: String?, target: String?, isRoot: Bool,
        log: @Sendable (String) -> Void
    ) async throws {
        try await checkImportDisk(vmid, source: source, storage: storageID, format: format, target: target, isRoot: isRoot)
        var request = "\(storageID):0,import-from=\(source)"
        if let format { request += ",format=\(format)" }
        let key = target ?? "scsi0"
        log("importing disk '\(source)' to VM \(vmid) ...")
        guard let (text, volume) = try await allocateDisk(key, request, vmid: vmid) else {
            throw VMError.failed("unable to allocate a volume on storage '\(storageID)'")
        }
        let attached: String
        do {
            attached = try await update(vmid) { config in
                if let target {
                    guard config[target] == nil else { throw VMError.parameter("target-disk", "'\(target)' is already in use") }
                    config[target] = text
                    return target
                }
                let slot = (0..<VMOptions.slots["unused"]!).first { config["unused\($0)"] == nil }
                guard let slot else { throw VMError.failed("no free unused disk slot left") }
                config["unused\(slot)"] = volume
                return "unused\(slot)"
            }
        } catch {
            await free([volume], log: log)
            throw error
        }
        log("\(attached): successfully imported disk '\(target == nil ? volume : text)'")
    }
}
