import FaroGuest
import FaroModel
import FaroQMP
import FaroSchema
import FaroStorage

/// `PUT .../resize`: grows a disk (never shrinks), to an absolute size or by `+SIZE`; a
/// running VM learns the new size through QMP `block_resize`.
extension VMService {
    /// Bytes from `32G`, `+512M` or a plain byte count.
    static func parseResize(_ text: String, current: UInt64) throws -> UInt64 {
        let relative = text.hasPrefix("+")
        let body = relative ? String(text.dropFirst()) : text
        guard let bytes = SizeFormat.parse(body), bytes >= 0 else { throw VMError.parameter("size", "unable to parse size '\(text)'") }
        return relative ? current + UInt64(bytes) : UInt64(bytes)
    }

    public func resize(_ vmid: VMID, disk key: String, size: String, digest: String?, skiplock: Bool, log: @Sendable (String) -> Void)
        async throws
    {
        let (config, file) = try await read(vmid)
        try GuestConfigStore<VMConfig>.checkDigest(digest, of: file, vmid: vmid)
        try Self.checkLock(config, vmid: vmid, skiplock: skiplock)
        guard let text = config[key], let drive = try? Drive(key: key, text: text) else {
            throw VMError.parameter("disk", "disk '\(key)' does not exist")
        }
        guard !drive.isCDROM, let volume = drive.volumeID else { throw VMError.parameter("disk", "you can't resize a cdrom") }
        let id = try VolumeID(parsing: volume)
        let plugin = try await storage.plugin(id.storage)
        let current = try await plugin.info(id.name).size
        let target = try Self.parseResize(size, current: current)
        guard target >= current else {
            throw VMError.failed("shrinking disks is not supported")
        }
        if target == current {
            log("disk \(key) is already \(SizeFormat.format(Int(current)))")
            return
        }
        log("resizing \(volume) from \(SizeFormat.format(Int(current))) to \(SizeFormat.format(Int(target)))")
        try await plugin.resize(id.name, bytes: target)
        if await isRunning(vmid) {
            try await runtime.withMonitor(vmid) { client in
                try await client.execute("block_resize", arguments: ["device": .string("drive-\(key)"), "size": .int(Int(target))])
            }
        }
        try await update(vmid) { config in
            guard let text = config[key], var drive = try? Drive(key: key, text: text), drive.volumeID == volume else { return }
            drive.values["size"] = SizeFormat.format(Int(target))
            config[key] = drive.text
        }
    }
}
