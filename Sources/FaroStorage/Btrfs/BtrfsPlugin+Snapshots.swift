import Foundation
import FaroModel
import FaroSupport

extension BtrfsPlugin {
    func imageSubvolume(_ volname: String) throws -> (ParsedVolume, String) {
        let volume = try VolumeName.parseFileVolume(volname)
        guard volume.content == .images || volume.content == .rootdir else {
            throw StorageError.unsupported(storage: id, operation: "snapshots of '\(volname)'")
        }
        let subvolume = subvolume(volume)
        try layout.ensureInside(subvolume)
        guard FileIO.isDirectory(subvolume) else { throw StorageError.noSuchVolume("\(id):\(volname)") }
        return (volume, subvolume)
    }

    public func resize(_ volname: String, bytes: UInt64) async throws {
        let (volume, subvolume) = try imageSubvolume(volname)
        if volume.format == "raw" {
            try await QemuImage(runner: context.runner).resize(subvolume + "/disk.raw", format: "raw", bytes: bytes)
        } else {
            try await btrfs.limitQuota(subvolume, base: layout.base, bytes: bytes)
        }
    }

    public func snapshot(_ volname: String, name: String) async throws {
        let (_, subvolume) = try imageSubvolume(volname)
        guard !FileIO.exists(subvolume + "@" + name) else {
            throw StorageError.io("snapshot '\(name)' of '\(volname)' already exists")
        }
        try await btrfs.snapshot(subvolume, to: subvolume + "@" + name, readOnly: true)
    }

    /// Replaces the volume by a writable copy of the snapshot: the copy is made first, so a
    /// failure leaves the volume as it was.
    public func rollback(_ volname: String, to name: String) async throws {
        let (_, subvolume) = try imageSubvolume(volname)
        let snapshot = subvolume + "@" + name
        guard FileIO.isDirectory(snapshot) else { throw StorageError.io("snapshot '\(name)' of '\(volname)' does not exist") }
        let staging = subvolume + ".tmp"
        if FileIO.isDirectory(staging) { try await btrfs.deleteSubvolume(staging) }
        try await btrfs.snapshot(snapshot, to: staging, readOnly: false)
        try await btrfs.deleteSubvolume(subvolume)
        try FileIO.rename(staging, to: subvolume)
    }

    public func deleteSnapshot(_ volname: String, name: String) async throws {
        let (_, subvolume) = try imageSubvolume(volname)
        let snapshot = subvolume + "@" + name
        guard FileIO.isDirectory(snapshot) else { throw StorageError.io("snapshot '\(name)' of '\(volname)' does not exist") }
        try await btrfs.deleteSubvolume(snapshot)
    }

    public func createBase(_ volname: String) async throws -> String {
        let (volume, subvolume) = try imageSubvolume(volname)
        guard volume.baseName == nil, !volume.isBase, let vmid = volume.vmid,
            volume.name.hasPrefix("vm-") || volume.name.hasPrefix("subvol-")
        else { throw StorageError.unsupported(storage: id, operation: "converting '\(volname)' to a base volume") }
        // The snapshots are subvolumes named after the volume; a renamed volume would lose them.
        guard snapshots(of: subvolume).isEmpty else {
            throw StorageError.io("unable to create a base volume from '\(id):\(volname)' - it has snapshots")
        }
        let newName = volume.name.hasPrefix("vm-") ? "base-" + volume.name.dropFirst(3) : "basevol-" + volume.name.dropFirst(7)
        let target = self.subvolume(try VolumeName.parseFileVolume("\(vmid)/\(newName)"))
        guard !FileIO.exists(target) else { throw StorageError.volumeExists("\(id):\(vmid)/\(newName)") }
        try FileIO.rename(subvolume, to: target)
        try await btrfs.setReadOnly(target)
        return "\(vmid)/\(newName)"
    }

    public func linkedClone(_ baseVolname: String, vmid: VMID) async throws -> String {
        let (base, baseSubvolume) = try imageSubvolume(baseVolname)
        guard base.isBase, base.baseName == nil, let baseVMID = base.vmid else {
            throw StorageError.unsupported(storage: id, operation: "a linked clone of '\(baseVolname)'")
        }
        let format = VolumeFormat(rawValue: base.format) ?? .raw
        let (_, fileName) = try prepareImageName(vmid: vmid, name: nil, format: format)
        let target = subvolume(try VolumeName.parseFileVolume("\(vmid)/\(fileName)"))
        try await btrfs.snapshot(baseSubvolume, to: target, readOnly: false)
        return "\(baseVMID)/\(base.name)/\(vmid)/\(fileName)"
    }

    /// A subvolume's snapshot is the read-only subvolume `<subvolume>@<name>`; a raw image's
    /// the `disk.raw` inside it.
    public func snapshotPath(_ volname: String, snapshot: String) throws -> String {
        let (volume, subvolume) = try imageSubvolume(volname)
        let copy = subvolume + "@" + snapshot
        guard FileIO.isDirectory(copy) else { throw StorageError.io("snapshot '\(snapshot)' of '\(volname)' does not exist") }
        return volume.format == "raw" ? copy + "/disk.raw" : copy
    }

    /// A raw image at a snapshot is the `disk.raw` inside the read-only snapshot subvolume.
    public func imageSource(_ volname: String, snapshot: String?) async throws -> ImageSource {
        let (volume, subvolume) = try imageSubvolume(volname)
        guard volume.format == "raw" else { throw unsupported("reading '\(volname)' as an image") }
        guard let snapshot else { return ImageSource(path: subvolume + "/disk.raw", format: "raw") }
        return ImageSource(path: try snapshotPath(volname, snapshot: snapshot), format: "raw")
    }
}

/// The `btrfs` commands the plugin needs.
struct BtrfsTool: Sendable {
    let runner: any CommandRunner

    func isBtrfs(_ path: String) async throws -> Bool {
        let result = try await runner.run(["stat", "-f", "-c", "%T", path])
        return result.succeeded && result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "btrfs"
    }

    func createSubvolume(_ path: String) async throws { try await runner.checked(["btrfs", "subvolume", "create", path]) }

    func deleteSubvolume(_ path: String) async throws {
        try await runner.checked(["btrfs", "property", "set", path, "ro", "false"])
        try await runner.checked(["btrfs", "subvolume", "delete", path])
    }

    func snapshot(_ source: String, to target: String, readOnly: Bool) async throws {
        try await runner.checked(["btrfs", "subvolume", "snapshot"] + (readOnly ? ["-r"] : []) + [source, target])
    }

    func setReadOnly(_ path: String) async throws { try await runner.checked(["btrfs", "property", "set", path, "ro", "true"]) }

    /// Limits a subvolume's size with a qgroup (enabling quotas on the file system first).
    func limitQuota(_ path: String, base: String, bytes: UInt64) async throws {
        try await runner.checked(["btrfs", "quota", "enable", base])
        try await runner.checked(["btrfs", "qgroup", "limit", String(bytes), path])
    }

    /// The qgroup limit of a subvolume in bytes, or nil when it has none.
    func quotaLimit(_ path: String) async throws -> UInt64? {
        let result = try await runner.run(["btrfs", "qgroup", "show", "-re", "--raw", "-f", path])
        guard result.succeeded else { return nil }
        for line in result.output.split(separator: "\n") where line.hasPrefix("0/") {
            let fields = line.split(whereSeparator: \.isWhitespace)
            if fields.count >= 4, let limit = UInt64(fields[3]) { return limit }
        }
        return nil
    }
}

extension BtrfsPlugin {
    /// Every volume is a subvolume (a raw image inside one), so snapshots, linked clones and
    /// copies at a snapshot work for both formats.
    static let features = VolumeFeatureTable([
        .snapshot: [.current: ["raw", "subvol"], .snap: ["raw", "subvol"]],
        .clone: [.base: ["raw", "subvol"]],
        .template: [.current: ["raw", "subvol"]],
        .copy: [.current: ["raw", "subvol"], .base: ["raw", "subvol"], .snap: ["raw", "subvol"]],
    ])

    public func hasFeature(_ feature: VolumeFeature, volname: String, snapshot: String?) -> Bool {
        guard let volume = try? VolumeName.parseFileVolume(volname), volume.content == .images || volume.content == .rootdir else {
            return false
        }
        return Self.features.allows(feature, format: volume.format, isBase: volume.isBase, snapshot: snapshot)
    }
}
