import FaroModel
import FaroStore
import Foundation

/// `POST /nodes/{node}/qemu`: checks everything first, reserves the VMID with a `lock: create`
/// config (the store's create-exclusive makes the VMID unique), then, in the task, allocates
/// the disks and writes the final config. A failure frees what was allocated and removes the
/// config, so nothing is left half-made.
extension VMService {
    /// Validates the options and reserves the VMID; returns the config the task will finish.
    public func prepareCreate(vmid: VMID, options input: [String: String], description: String?, isRoot: Bool) async throws -> VMConfig {
        var options = input
        if let cdrom = options.removeValue(forKey: "cdrom") {
            guard options["ide2"] == nil else { throw VMError.parameter("cdrom", "conflicts with ide2") }
            options["ide2"] = cdrom.contains("media=") ? cdrom : cdrom + ",media=cdrom"
        }
        if let smp = options.removeValue(forKey: "smp"), options["sockets"] == nil { options["sockets"] = smp }
        var config = VMConfig()
        for key in options.keys.sorted() {
            config[key] = try await validate(key, options[key]!, vmid: vmid, isRoot: isRoot)
        }
        try Self.checkConsistency(config)
        config.description = description
        if config["smbios1"] == nil { config["smbios1"] = "uuid=\(UUID().uuidString.lowercased())" }
        if config["vmgenid"] == nil { config["vmgenid"] = UUID().uuidString.lowercased() }
        if config["vmgenid"] == "0" { config["vmgenid"] = nil }
        if config["boot"] == nil, let order = try Self.defaultBootOrder(config) { config["boot"] = "order=\(order)" }
        config["meta"] = "creation-qemu=\(qemuVersion),ctime=\(clock())"
        do {
            try await store.create(configPath(vmid), data: Array("lock: create\n".utf8))
        } catch StoreError.alreadyExists, StoreError.vmidInUse {
            throw VMError.alreadyExists(vmid: vmid)
        }
        return config
    }

    /// The version `meta` records; the real one when QEMU is installed.
    var qemuVersion: String { "7.2.0" }

    /// Allocates the requested disks and writes the config (the task part of create).
    public func finishCreate(vmid: VMID, config prepared: VMConfig, log: @Sendable (String) -> Void) async throws {
        var config = prepared
        var allocated: [String] = []
        do {
            for drive in try config.volumeDrives() {
                guard let (text, volume) = try await allocateDisk(drive.key, drive.text, vmid: vmid) else { continue }
                allocated.append(volume)
                log("\(drive.key): allocated \(volume)")
                config[drive.key] = text
            }
            try await store.write(configPath(vmid), text: config.render())
        } catch {
            log("create failed - removing what was allocated")
            await free(allocated, log: log)
            try? await store.delete(configPath(vmid), ifRevision: nil)
            throw error
        }
    }

    /// Removes the reservation of a create that never reached its task.
    public func abandonCreate(vmid: VMID) async {
        try? await store.delete(configPath(vmid), ifRevision: nil)
    }

    static func checkConsistency(_ config: VMConfig) throws {
        if let balloon = config["balloon"].flatMap(Int.init), balloon > config.memoryMiB {
            throw VMError.parameter("balloon", "balloon value too large (must be smaller than assigned memory)")
        }
        if let vcpus = config["vcpus"].flatMap(Int.init), vcpus > config.sockets * config.cores {
            throw VMError.parameter("vcpus", "maximum vcpus is \(config.sockets * config.cores)")
        }
        if let boot = config["boot"], let order = boot.split(separator: "=").last, boot.hasPrefix("order=") {
            for device in order.split(separator: ";") where config[String(device)] == nil {
                throw VMError.parameter("boot", "no such bootable device '\(device)'")
            }
        }
    }

    /// `order=` for a new VM: the first disk, the first CD-ROM, the first NIC.
    static func defaultBootOrder(_ config: VMConfig) throws -> String? {
        let drives = try config.drives()
        let devices = [drives.first { !$0.isCDROM }?.key, drives.first(where: \.isCDROM)?.key, try config.nets().first?.key]
        let order = devices.compactMap { $0 }
        return order.isEmpty ? nil : order.joined(separator: ";")
    }
}
