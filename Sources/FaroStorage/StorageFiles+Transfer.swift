import FaroModel
import FaroSupport

/// Downloads, decompression, backup attributes and copies between storages.
extension StorageFiles {
    /// Runs curl into `path` and logs the bytes received every second.
    public func download(_ url: String, to path: String, verifyCertificates: Bool, log: @escaping @Sendable (String) -> Void)
        async throws
    {
        var argv = ["curl", "--fail", "--silent", "--show-error", "--location", "--proto", "=http,https", "--output", path]
        if !verifyCertificates { argv.append("--insecure") }
        argv.append(url)
        let command = argv, runner = runner
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.checked(command) }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(1))
                    log("downloaded \(FileStatus.of(path)?.size ?? 0) bytes")
                }
            }
            try await group.next()
            group.cancelAll()
        }
        log("downloaded \(FileStatus.of(path)?.size ?? 0) bytes in total")
    }

    /// Decompresses in place, file to file (downloads can be larger than memory).
    public func decompress(_ path: String, _ algorithm: String, log: (String) -> Void) async throws {
        let packed = path + "." + algorithm
        let argv: [String]
        switch algorithm {
        case "gz": argv = ["gzip", "-d", "-f", packed]
        case "bz2": argv = ["bzip2", "-d", "-f", packed]
        case "zst": argv = ["zstd", "-d", "-f", "-q", "--rm", packed, "-o", path]
        case "lzo": argv = ["lzop", "-d", "-f", "-U", packed, "-o", path]
        default: throw StorageError.invalidOption("compression", "unknown compression '\(algorithm)'")
        }
        log("decompressing with \(argv[0])")
        try FileIO.rename(path, to: packed)
        do {
            try await runner.checked(argv)
        } catch {
            FileIO.remove(packed)
            throw error
        }
    }

    /// Sets or clears a backup's notes and protection flag (files beside the backup).
    public func updateAttributes(_ plugin: any StoragePlugin, _ volume: VolumeInfo, notes: String?, protected: Bool?) async throws {
        guard let files = plugin as? any FileStorage, volume.content == .backup else {
            if notes != nil || protected != nil {
                throw StorageError.io("notes and protection are only supported for backups on file storages")
            }
            return
        }
        let path = try files.path(volume.volid.name)
        if let notes {
            if notes.isEmpty { FileIO.remove(path + ".notes") } else { try FileIO.writeAtomically(path + ".notes", Array(notes.utf8)) }
        }
        if let protected {
            if protected { try FileIO.writeAtomically(path + ".protected", []) } else { FileIO.remove(path + ".protected") }
        }
    }

    /// Copies a volume between storages of this node: images through `qemu-img convert`,
    /// files byte for byte.
    public func copyVolume(
        from source: any StoragePlugin, _ sourceName: String, to target: any StoragePlugin, _ targetName: String,
        log: (String) -> Void
    ) async throws {
        let volume = try await source.info(sourceName)
        log("copy '\(source.id):\(sourceName)' to '\(target.id):\(targetName)'")
        guard volume.content == .images || volume.content == .rootdir, let vmid = volume.vmid else {
            guard let files = target as? any FileStorage else { throw StorageError.io("storage '\(target.id)' holds no files") }
            let parsed = try VolumeName.parseFileVolume(targetName)
            let destination = try files.filePath(content: parsed.content, fileName: parsed.name)
            guard !FileIO.exists(destination) else { throw StorageError.volumeExists("\(target.id):\(targetName)") }
            try await runner.checked(["cp", "--sparse=always", try source.path(sourceName), destination])
            return
        }
        let format = VolumeFormat(rawValue: volume.format) ?? .raw
        let name = try VolumeName.parseFileVolume(targetName.contains("/") ? targetName : "\(vmid)/\(targetName)").name
        let created = try await storage.copyImage(from: source, sourceName, to: target, vmid: vmid, name: name, format: format)
        log("created '\(target.id):\(created)'")
    }
}
