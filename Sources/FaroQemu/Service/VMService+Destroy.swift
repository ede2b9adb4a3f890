import FaroModel
import FaroStore
import FaroStorage

/// `DELETE /nodes/{node}/qemu/{vmid}`.
extension VMService {
    /// The checks that run before the task: exists, not locked, not protected, not running.
    public func checkDestroy(_ vmid: VMID, skiplock: Bool) async throws {
        let config = try await read(vmid).config
        try Self.checkLock(config, vmid: vmid, skiplock: skiplock)
        if config.isProtected { throw VMError.protected(vmid: vmid) }
        if await isRunning(vmid) { throw VMError.running(vmid: vmid, operation: "destroy") }
        if config.isTemplate { try await requireNoLinkedClones(of: config.ownedVolumes().map(\.volume)) }
    }

    /// Frees the VM's disks and removes its config. With `unreferencedDisks`, volumes of the
    /// VMID on any storage that the config does not mention go too.
    /// All of it runs under the VMID's lock, and the config goes only if it is still the one
    /// whose volumes were freed.
    public func destroy(_ vmid: VMID, skiplock: Bool, unreferencedDisks: Bool, log: @Sendable (String) -> Void) async throws {
        try await configs.withLock(vmid) {
            try await checkDestroy(vmid, skiplock: skiplock)
            let (config, file) = try await read(vmid)
            try await destroyLocked(vmid, config: config, file: file, unreferencedDisks: unreferencedDisks, log: log)
        }
    }

    private func destroyLocked(
        _ vmid: VMID, config: VMConfig, file: StoreFile, unreferencedDisks: Bool, log: @Sendable (String) -> Void
    ) async throws {
        var volumes = config.ownedVolumes().map(\.volume)
        for snapshot in config.snapshotNames {
            guard let section = config.file[section: snapshot] else { continue }
            volumes += VMConfig(snapshotSection: section).ownedVolumes().map(\.volume)
        }
        volumes += config.pending.compactMap { key, value in
            (try? Drive(key: key, text: value)).flatMap { $0.isCDROM ? nil : $0.volumeID }
        }
        var unique: [String] = []
        for volume in volumes where !unique.contains(volume) { unique.append(volume) }
        if unreferencedDisks {
            for definition in (try await storage.configuration().definitions) where storage.content(of: definition).contains(.images) {
                guard let plugin = try? storage.plugin(for: definition),
                    let found = try? await plugin.listVolumes(content: .images, vmid: vmid)
                else { continue }
                for info in found where !unique.contains(info.volid.description) { unique.append(info.volid.description) }
            }
        }
        for volume in unique { log("removing volume '\(volume)'") }
        await free(unique, log: log)
        try await store.delete(configPath(vmid), ifRevision: file.revision)
    }
}

extension VMConfig {
    /// A snapshot section viewed as a config, to find the volumes it refers to.
    public init(snapshotSection section: FaroConfig.GuestConfigFile.Section) {
        var file = FaroConfig.GuestConfigFile()
        file.main = section
        self.init(file)
    }
}

import FaroConfig
