/// How far a copy has come, for the task log's progress lines.
public struct CopyProgress: Sendable, Equatable {
    public var done: UInt64
    public var total: UInt64
    /// Bytes that were all zeros (left out of a backup, not written by a restore).
    public var zeros: UInt64
    /// Bytes that went into the archive (backup) or came out of it (restore), uncompressed.
    public var transferred: Int64
}

/// Copies whole disks into a VMA archive and back, cluster by cluster.
public enum VMADiskCopy {
    /// Writes `disks` (device id → reader, in the header's order) into `writer` cluster by
    /// cluster in ascending order, then finishes the archive.
    public static func backup(
        _ disks: [(id: Int, reader: any DiskReader)], into writer: VMAWriter, cancel: CancelFlag,
        progress: (CopyProgress) -> Void = { _ in }
    ) throws(BackupError) {
        let total = disks.reduce(UInt64(0)) { $0 + $1.reader.size }
        var done: UInt64 = 0
        var buffer = [UInt8](repeating: 0, count: VMAFormat.clusterSize)
        for disk in disks {
            let clusters = VMAFormat.clusterCount(size: disk.reader.size)
            var cluster: UInt64 = 0
            while cluster < clusters {
                if cancel.isCancelled { throw .tool("interrupted by signal") }
                let offset = cluster * UInt64(VMAFormat.clusterSize)
                let wanted = Int(min(UInt64(VMAFormat.clusterSize), disk.reader.size - offset))
                var outcome: Result<Void, BackupError> = .success(())
                buffer.withUnsafeMutableBytes { raw in
                    outcome = Result { () throws(BackupError) in
                        let slice = UnsafeMutableRawBufferPointer(rebasing: raw[0..<wanted])
                        let count = try disk.reader.read(at: offset, into: slice)
                        guard count == wanted else {
                            throw BackupError.truncated("disk of device \(disk.id) ended at \(offset + UInt64(count)) bytes")
                        }
                        try writer.writeCluster(device: disk.id, cluster: cluster, bytes: UnsafeRawBufferPointer(slice))
                    }
                }
                try outcome.get()
                done += UInt64(wanted)
                cluster += 1
                if cluster % 256 == 0 || cluster == clusters {
                    progress(CopyProgress(done: done, total: total, zeros: UInt64(writer.zeroBytes), transferred: writer.bytesIn - writer.zeroBytes))
                }
            }
        }
        try writer.finish()
    }

    /// Reads every cluster of `reader` into the disk of its device in `targets`; devices
    /// without a target are read and dropped (`skip`). Zero blocks are written only where a
    /// target does not read zeros when new.
    public static func restore(
        _ reader: VMAReader, into targets: [Int: any DiskWriter], cancel: CancelFlag,
        progress: (CopyProgress) -> Void = { _ in }
    ) throws(BackupError) {
        let total = reader.header.devices.filter { targets[$0.id] != nil }.reduce(UInt64(0)) { $0 + $1.size }
        var state = CopyProgress(done: 0, total: total, zeros: 0, transferred: 0)
        let zeros = UnsafeMutableRawBufferPointer.allocate(byteCount: VMAFormat.clusterSize, alignment: 16)
        zeros.initializeMemory(as: UInt8.self, repeating: 0)
        defer { zeros.deallocate() }
        var clusters: UInt64 = 0
        try reader.readClusters { cluster throws(BackupError) in
            if cancel.isCancelled { throw .tool("interrupted by signal") }
            guard let target = targets[cluster.device.id] else { return }
            let start = cluster.number * UInt64(VMAFormat.clusterSize)
            let end = min(start + UInt64(VMAFormat.clusterSize), cluster.device.size)
            let length = end - start
            // Runs of stored (or of zero) blocks are contiguous on both sides: one write each.
            var block = 0, stored = 0
            while block < VMAFormat.blocksPerCluster, start + UInt64(block * VMAFormat.blockSize) < end {
                let present = cluster.mask & (1 << block) != 0
                var next = block + 1
                while next < VMAFormat.blocksPerCluster, (cluster.mask & (1 << next) != 0) == present { next += 1 }
                let offset = start + UInt64(block * VMAFormat.blockSize)
                let count = Int(min(start + UInt64(next * VMAFormat.blockSize), end) - offset)
                if present {
                    let bytes = UnsafeRawBufferPointer(rebasing: cluster.blocks[(stored * VMAFormat.blockSize)...].prefix(count))
                    try target.write(at: offset, bytes)
                    stored += next - block
                    state.transferred += Int64(count)
                } else {
                    state.zeros += UInt64(count)
                    if !target.readsZeroWhenNew {
                        try target.write(at: offset, UnsafeRawBufferPointer(rebasing: zeros[0..<count]))
                    }
                }
                block = next
            }
            state.done += length
            clusters += 1
            if clusters % 256 == 0 { progress(state) }
        }
        for target in targets.values { try target.finish() }
        progress(state)
    }
}
