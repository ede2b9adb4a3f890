import FaroGuest
import FaroGuestSchema
import FaroModel

/// What `PUT`/`POST .../config` asks for.
public struct VMConfigChange: Sendable {
    public var set: [String: String] = [:]
    public var delete: [String] = []
    public var revert: [String] = []
    public var description: String?
    public var deleteDescription = false
    public var digest: String?
    public var force = false
    public var skiplock = false

    public init() {}
}

/// `PUT`/`POST .../config`: while the VM is stopped every change applies at once (pending
/// ones too); while it runs, options QEMU does not need to know about apply at once, NICs are
/// plugged in and out where `hotplug` allows (`VMService+Hotplug`), and the rest waits in
/// `[PENDING]` for the next start.
extension VMService {
    /// Options that never need a restart.
    public static let immediateOptions: Set<String> = [
        "name", "description", "onboot", "protection", "tags", "startup", "lock", "cpulimit", "cpuunits", "migrate_downtime",
        "migrate_speed", "ciuser", "cipassword", "citype", "cicustom", "ciupgrade", "nameserver", "searchdomain", "sshkeys",
        "shares", "autostart", "template",
    ]

    static func isNIC(_ key: String) -> Bool { VMOptions.splitIndexed(key)?.0 == "net" }

    public func updateConfig(_ vmid: VMID, _ change: VMConfigChange, isRoot: Bool, log: @Sendable (String) -> Void = { _ in })
        async throws
    {
        var set = change.set
        if let cdrom = set.removeValue(forKey: "cdrom") { set["ide2"] = cdrom.contains("media=") ? cdrom : cdrom + ",media=cdrom" }
        for key in change.delete where set[key] != nil {
            throw VMError.parameter("delete", "cannot set and delete '\(key)' at the same time")
        }
        for key in change.delete where key != "description" && VMOptions.common[key] == nil {
            throw VMError.parameter("delete", "invalid configuration ID '\(key)'")
        }
        var checked: [String: String] = [:]
        for key in set.keys.sorted() { checked[key] = try await validate(key, set[key]!, vmid: vmid, isRoot: isRoot) }
        let validated = checked
        let running = await isRunning(vmid)
        let allocated = VolumeLedger()
        do {
            let freed = try await update(vmid, digest: change.digest) { config in
                try Self.checkLock(config, vmid: vmid, skiplock: change.skiplock || validated["lock"] != nil)
                var freed: [String] = []
                for key in change.revert {
                    var pending = config.pending
                    pending[key] = nil
                    config.pending = pending
                    var deletes = config.pendingDeletes
                    deletes[key] = nil
                    config.pendingDeletes = deletes
                }
                for key in validated.keys.sorted() {
                    var value = validated[key]!
                    if let (text, volume) = try await allocateDisk(key, value, vmid: vmid) {
                        await allocated.add(volume)
                        log("\(key): allocated \(volume)")
                        value = text
                    }
                    if running && !Self.immediateOptions.contains(key) {
                        if Self.isNIC(key), Self.hotplugs(config, "network") {
                            do {
                                if let old = config[key] { try await unplugNIC(vmid, key: key, value: old) }
                                try await plugNIC(vmid, key: key, value: value, config: config)
                                config[key] = value
                                var pending = config.pending
                                pending[key] = nil
                                config.pending = pending
                                log("\(key): plugged into the running VM")
                                continue
                            } catch {
                                log("\(key): hotplug failed - \(error); the change waits for the next start")
                            }
                        }
                        config.pending[key] = value
                    } else {
                        if let old = config[key], old != value { _ = config.deleteOption(key, force: false) }
                        config[key] = value
                    }
                }
                if let description = change.description { config.description = description.isEmpty ? nil : description }
                for key in change.delete {
                    if key == "description" {
                        config.description = nil
                    } else if running, Self.isNIC(key), Self.hotplugs(config, "network"), let old = config[key],
                        (try? await unplugNIC(vmid, key: key, value: old)) != nil
                    {
                        _ = config.deleteOption(key, force: change.force)
                        log("\(key): unplugged from the running VM")
                    } else if running && !Self.immediateOptions.contains(key) {
                        config.pendingDeletes[key] = change.force
                    } else if let volume = config.deleteOption(key, force: change.force) {
                        freed.append(volume)
                    }
                    var pending = config.pending
                    if pending.removeValue(forKey: key) != nil { config.pending = pending }
                }
                if !running { freed += config.applyPending() }
                config.dropReattachedUnused()
                config.pruneBootOrder()
                try Self.checkConsistency(config)
                return freed
            }
            await free(freed, log: log)
        } catch {
            await free(await allocated.volumes, log: log)
            throw error
        }
    }
}
