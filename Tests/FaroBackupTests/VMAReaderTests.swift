import FaroBackup
import FaroSupport
import Foundation
import Testing

@Suite struct VMAReaderTests {
    /// Reads `bytes` with FaroBackup's reader, returning each device's disk.
    func restore(_ bytes: [UInt8]) throws -> (VMAHeader, [Int: [UInt8]]) {
        let reader = try VMAReader(source: MemorySource(bytes))
        var disks = Dictionary(uniqueKeysWithValues: reader.header.devices.map { ($0.id, [UInt8](repeating: 0xEE, count: Int($0.size))) })
        try reader.readClusters { cluster in
            var stored = 0
            for block in 0..<16 {
                let offset = Int(cluster.number) * 65536 + block * 4096
                guard offset < Int(cluster.device.size) else { break }
                let count = min(4096, Int(cluster.device.size) - offset)
                if cluster.mask >> block & 1 == 1 {
                    disks[cluster.device.id]!.replaceSubrange(offset..<(offset + count), with: cluster.blocks[(stored * 4096)..<(stored * 4096 + count)])
                    stored += 1
                } else {
                    disks[cluster.device.id]!.replaceSubrange(offset..<(offset + count), with: repeatElement(0, count: count))
                }
            }
        }
        return (reader.header, disks)
    }

    @Test func readsWhatTheWriterWrote() throws {
        let disks = [SampleDisk.make(size: 65 * 65536 + 100, seed: 4), SampleDisk.make(size: 4096, seed: 5)]
        let (header, bytes) = try vmaArchive(disks: disks)
        let (read, restored) = try restore(bytes)
        #expect(read == header)
        #expect(restored[1] == disks[0] && restored[2] == disks[1])
    }

    @Test func aFlippedHeaderByteIsABadChecksum() throws {
        var (_, bytes) = try vmaArchive(disks: [SampleDisk.make(size: 65536, seed: 6)])
        bytes[12290] ^= 0x20
        #expect(throws: BackupError.checksumMismatch("VMA header checksum mismatch")) { try restore(bytes) }
    }

    @Test func aFlippedExtentByteIsABadChecksum() throws {
        let (_, original) = try vmaArchive(disks: [SampleDisk.make(size: 65536, seed: 7)])
        let spec = try SpecVMAReader(original)
        var bytes = original
        bytes[spec.headerSize + 45] ^= 1  // inside the first blockinfo
        #expect(throws: BackupError.checksumMismatch("extent 1 checksum mismatch")) { try restore(bytes) }
    }

    @Test func aTruncatedArchiveIsRefusedWhereverItEnds() throws {
        let disk = SampleDisk.make(size: 60 * 65536, seed: 8)
        let (_, bytes) = try vmaArchive(disks: [disk])
        let spec = try SpecVMAReader(bytes)
        let firstExtentEnd = spec.headerSize + 512 + 58 * 16 * 4096 * 2 / 3 + 4096
        let cuts: [(Int, String)] = [
            (5000, "the VMA header is incomplete (5000 bytes)"),
            (12300, "the VMA header is incomplete (12300 of \(spec.headerSize) bytes)"),
            (spec.headerSize + 100, "extent 1 header is incomplete (100 bytes)"),
            (spec.headerSize + 512 + 4096, "extent 1 data is incomplete"),
        ]
        for (length, message) in cuts {
            #expect {
                try restore(Array(bytes[0..<length]))
            } throws: { error in
                guard case .truncated(let text) = error as? BackupError else { return false }
                return text.hasPrefix(message)
            }
        }
        // Cut at an extent boundary: every extent is whole, clusters are missing.
        let boundary = try extentEnds(bytes, headerSize: spec.headerSize)[0]
        #expect(boundary < firstExtentEnd + 65536 * 60)
        #expect(throws: BackupError.truncated("missing cluster 58 of device 'drive-scsi0' (the archive ended early)")) {
            try restore(Array(bytes[0..<boundary]))
        }
    }

    @Test func somethingElseIsNotAVMA() {
        #expect(throws: BackupError.invalidArchive("not a VMA file (bad magic)")) {
            try restore(Array("ustar and more text than twelve bytes".utf8))
        }
    }

    /// Where each extent ends, found by walking the block counts.
    func extentEnds(_ bytes: [UInt8], headerSize: Int) throws -> [Int] {
        var ends: [Int] = [], position = headerSize
        while position < bytes.count {
            position += 512 + (Int(bytes[position + 6]) << 8 | Int(bytes[position + 7])) * 4096
            ends.append(position)
        }
        return ends
    }

    static let sample = "/work/shared/reference/samples/vma/pve-real-truncated-drive-scsi0.vma.gz"

    /// A genuine Proxmox archive (cut after two extents), when the reference samples are here.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sample), "the reference VMA sample is not on this machine"))
    func readsARealProxmoxArchive() async throws {
        let archive = ArchiveFile(runner: SubprocessRunner())
        let outcome = try await archive.read(from: Self.sample, compression: .gzip, complete: true) {
            (source, _) throws(BackupError) -> (VMAHeader, Int, BackupError?) in
            let reader = try VMAReader(source: source)
            var clusters = 0
            do throws(BackupError) {
                try reader.readClusters { _ in clusters += 1 }
                return (reader.header, clusters, nil)
            } catch { return (reader.header, clusters, error) }
        }
        let (header, clusters, error) = outcome
        #expect(header.uuid == [0x04, 0xfc, 0x12, 0xeb, 0x0f, 0xed, 0x43, 0x22, 0x9a, 0xaa, 0xf4, 0xe4, 0x12, 0xf6, 0x80, 0x96])
        #expect(header.ctime == 1_635_680_622)
        #expect(header.devices == [.init(id: 1, name: "drive-scsi0", size: 10_737_418_240)])
        let config = String(decoding: header.config(named: "qemu-server.conf")!.data, as: UTF8.self)
        #expect(header.config(named: "qemu-server.conf")!.data.count == 417)
        #expect(config.hasSuffix("#qmdump#map:scsi0:drive-scsi0:local-lvm:raw:\n"))
        #expect(clusters == 116)
        guard case .truncated(let text) = error else { Issue.record("expected a missing cluster, got \(String(describing: error))"); return }
        #expect(text.hasPrefix("missing cluster"))
    }
}
