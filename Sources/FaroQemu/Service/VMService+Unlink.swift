import FaroGuestSchema
import FaroModel
import FaroStorage

/// `PUT .../unlink` detaches disks (they become `unused[n]`, or are freed with `force`), and
/// the rule that a base volume stays while linked clones use it.
extension VMService {
    public func unlink(_ vmid: VMID, disks: [String], force: Bool, log: @Sendable (String) -> Void = { _ in }) async throws {
        let config = try await read(vmid).config
        var freed: [String] = []
        for key in disks {
            let bus = VMOptions.splitIndexed(key)?.0
            guard let bus, bus == "unused" || VMOptions.driveBuses.contains(bus) else {
                throw VMError.parameter("idlist", "'\(key)' is not a disk")
            }
            guard let text = config[key] ?? config.pending[key] else { throw VMError.parameter("idlist", "disk '\(key)' does not exist") }
            if bus == "unused" {
                freed.append(String(text.split(separator: ",").first ?? ""))
            } else if force, let volume = (try? Drive(key: key, text: text))?.volumeID {
                freed.append(volume)
            }
        }
        try await requireNoLinkedClones(of: freed)
        var change = VMConfigChange()
        change.delete = disks
        change.force = force
        try await updateConfig(vmid, change, isRoot: true, log: log)
    }

    /// Refuses when a linked clone still uses one of these (base) volumes.
    func requireNoLinkedClones(of volumes: [String]) async throws {
        for volume in volumes {
            guard let id = try? VolumeID(parsing: volume), Self.isBaseVolume(id.name),
                let plugin = try? await storage.plugin(id.storage)
            else { continue }
            if let clone = try await plugin.listVolumes(content: .images, vmid: nil).first(where: { $0.parent == volume }) {
                throw VMError.failed("base volume '\(volume)' is still in use by linked clone '\(clone.volid)'")
            }
        }
    }
}
