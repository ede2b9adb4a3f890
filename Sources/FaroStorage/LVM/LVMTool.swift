import Foundation
import FaroModel
import FaroSupport

/// The LVM commands both LVM plugins run, and the parsing of their `--reportformat` output.
/// Device-mapper is missing on some machines, so the parsing is tested with recorded output.
struct LVMTool: Sendable {
    struct LogicalVolume: Sendable, Equatable {
        var vg: String
        var name: String
        var size: UInt64
        var attributes: String
        var pool: String
        /// Percent of a thin volume or pool that holds data.
        var dataPercent: Double?
        var ctime: Int?
    }

    struct VolumeGroup: Sendable, Equatable {
        var name: String
        var size: UInt64
        var free: UInt64
    }

    let runner: any CommandRunner

    static let lvsFields = "vg_name,lv_name,lv_size,lv_attr,pool_lv,data_percent,lv_time"

    func logicalVolumes(vg: String) async throws -> [LogicalVolume] {
        let output = try await runner.checked([
            "lvs", "--separator", ":", "--noheadings", "--units", "b", "--unbuffered", "--nosuffix",
            "--config", "report/time_format=\"%s\"", "--options", Self.lvsFields, vg,
        ])
        return Self.parseLogicalVolumes(output)
    }

    static func parseLogicalVolumes(_ output: String) -> [LogicalVolume] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 6, let size = UInt64(fields[2]) else { return nil }
            return LogicalVolume(
                vg: fields[0], name: fields[1], size: size, attributes: fields[3], pool: fields[4],
                dataPercent: Double(fields[5].replacingOccurrences(of: ",", with: ".")),
                ctime: fields.count > 6 ? Int(fields[6]) : nil)
        }
    }

    func volumeGroup(_ name: String) async throws -> VolumeGroup? {
        let result = try await runner.run([
            "vgs", "--separator", ":", "--noheadings", "--units", "b", "--unbuffered", "--nosuffix", "--options",
            "vg_name,vg_size,vg_free", name,
        ])
        guard result.succeeded else { return nil }
        return Self.parseVolumeGroups(result.output).first { $0.name == name }
    }

    func volumeGroups() async throws -> [VolumeGroup] {
        let output = try await runner.checked([
            "vgs", "--separator", ":", "--noheadings", "--units", "b", "--unbuffered", "--nosuffix", "--options",
            "vg_name,vg_size,vg_free",
        ])
        return Self.parseVolumeGroups(output)
    }

    static func parseVolumeGroups(_ output: String) -> [VolumeGroup] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.trimmingCharacters(in: .whitespaces).split(separator: ":").map(String.init)
            guard fields.count >= 3, let size = UInt64(fields[1]), let free = UInt64(fields[2]) else { return nil }
            return VolumeGroup(name: fields[0], size: size, free: free)
        }
    }

    /// The guest volume `volname` of a storage (`vm-`/`base-<vmid>-...`), or the error naming it.
    func existingVolume(_ volname: String, vg: String, storage: String) async throws -> LogicalVolume {
        guard Self.isGuestVolume(volname) else { throw StorageError.invalidVolumeID("\(storage):\(volname)") }
        guard let volume = try await logicalVolumes(vg: vg).first(where: { $0.name == volname }) else {
            throw StorageError.noSuchVolume("\(storage):\(volname)")
        }
        return volume
    }

    /// The device of a guest volume, `/dev/<vg>/<lv>`.
    static func devicePath(_ volname: String, vg: String, storage: String) throws -> String {
        guard isGuestVolume(volname) else { throw StorageError.invalidVolumeID("\(storage):\(volname)") }
        return "/dev/\(vg)/\(volname)"
    }

    static func isGuestVolume(_ name: String) -> Bool { isValidName(name) && owner(of: name) != nil }

    func remove(vg: String, lv: String) async throws {
        try await runner.checked(["lvremove", "-f", "\(vg)/\(lv)"])
    }

    func extend(vg: String, lv: String, bytes: UInt64) async throws {
        try await runner.checked(["lvextend", "-L", "\(bytes / 1024)k", "\(vg)/\(lv)"])
    }

    func rename(vg: String, from: String, to: String) async throws {
        try await runner.checked(["lvrename", vg, from, to])
    }

    func setPermission(vg: String, lv: String, readOnly: Bool) async throws {
        try await runner.checked(["lvchange", "-p", readOnly ? "r" : "rw", "\(vg)/\(lv)"])
    }

    /// `vm-<vmid>-disk-N`, `base-<vmid>-disk-N` and similar names owned by a guest.
    static func owner(of lv: String) -> VMID? {
        let parts = lv.split(separator: "-")
        guard parts.count >= 3, parts[0] == "vm" || parts[0] == "base" else { return nil }
        return VMID(String(parts[1]))
    }

    /// A new LV name must be a plain LVM name.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 127 && !name.hasPrefix("-") && !name.hasPrefix("snap_")
            && name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || "+_.-".unicodeScalars.contains($0) }
    }
}

extension StoragePlugin {
    /// Checks a new LVM guest volume's format, size and name (or picks the next free one) in `vg`.
    func newLVMVolumeName(_ lvm: LVMTool, vg: String, vmid: VMID, name: String?, format: VolumeFormat, sizeKiB: UInt64)
        async throws -> String
    {
        guard format == .raw else {
            throw StorageError.invalidOption("format", "storage type '\(definition.type)' does not support format '\(format.rawValue)'")
        }
        guard sizeKiB > 0 else { throw StorageError.invalidOption("size", "must be greater than 0") }
        let existing = Set(try await lvm.logicalVolumes(vg: vg).map(\.name))
        let lvName = try name ?? nextDiskName(vmid: vmid, prefix: "vm", suffix: "", existing: existing)
        guard LVMTool.isValidName(lvName), LVMTool.owner(of: lvName) == vmid else {
            throw StorageError.invalidOption("filename", "illegal name '\(lvName)' - should be 'vm-\(vmid)-*'")
        }
        guard !existing.contains(lvName) else { throw StorageError.volumeExists("\(id):\(lvName)") }
        return lvName
    }
}
