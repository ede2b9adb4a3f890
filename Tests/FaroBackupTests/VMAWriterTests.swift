import FaroBackup
import Testing

/// Disks with a recognisable mix: random 4 KiB blocks, zero blocks, and a size that does not
/// end on a cluster (or even a block) boundary.
enum SampleDisk {
    static func make(size: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: size)
        for block in stride(from: 0, to: size, by: 4096) where (block / 4096) % 3 != 1 {
            for index in block..<min(block + 4096, size) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        return bytes
    }
}

func vmaArchive(
    disks: [[UInt8]], configs: [VMAHeader.ConfigFile] = [.init(name: "qemu-server.conf", data: Array("memory: 512\n".utf8))]
) throws -> (header: VMAHeader, bytes: [UInt8]) {
    let header = VMAHeader(
        uuid: (0..<16).map { UInt8($0 * 7) }, ctime: 1_700_000_000, configs: configs,
        devices: disks.enumerated().map { .init(id: $0.offset + 1, name: "drive-scsi\($0.offset)", size: UInt64($0.element.count)) })
    let sink = MemorySink()
    let writer = try VMAWriter(header: header, sink: sink)
    for (index, disk) in disks.enumerated() {
        for cluster in 0..<Int(VMAFormat.clusterCount(size: UInt64(disk.count))) {
            let range = (cluster * 65536)..<min(disk.count, cluster * 65536 + 65536)
            try Array(disk[range]).withUnsafeBytes { try writer.writeCluster(device: index + 1, cluster: UInt64(cluster), bytes: $0) }
        }
    }
    try writer.finish()
    return (header, sink.bytes)
}

@Suite struct VMAWriterTests {
    @Test func anIndependentReaderGetsBackEveryDiskAndConfig() throws {
        let disks = [SampleDisk.make(size: 70 * 65536 + 5000, seed: 1), SampleDisk.make(size: 3 * 65536, seed: 2)]
        let configs: [VMAHeader.ConfigFile] = [
            .init(name: "qemu-server.conf", data: Array("name: a\n#qmdump#map:scsi0:drive-scsi0:local:raw:\n".utf8)),
            .init(name: "qemu-server.fw", data: Array("[OPTIONS]\nenable: 1\n".utf8)),
        ]
        let (header, bytes) = try vmaArchive(disks: disks, configs: configs)
        let spec = try SpecVMAReader(bytes)
        #expect(spec.uuid == header.uuid)
        #expect(spec.ctime == 1_700_000_000)
        #expect(spec.blobBufferOffset == 12288)
        #expect(spec.headerSize % 512 == 0)
        #expect(spec.configOrder == ["qemu-server.conf", "qemu-server.fw"])
        #expect(spec.configs["qemu-server.fw"] == configs[1].data)
        #expect(spec.devices[1]?.name == "drive-scsi0" && spec.devices[2]?.size == 3 * 65536)
        #expect(spec.disks[1] == disks[0])
        #expect(spec.disks[2] == disks[1])
        // 74 clusters in extents of at most 58, as Proxmox's writer fills them.
        #expect(spec.extentSlotCounts == [58, 16])
    }

    @Test func zeroBlocksAreLeftOut() throws {
        let disk = SampleDisk.make(size: 48 * 4096, seed: 3)  // a third of the blocks are zero
        let (_, bytes) = try vmaArchive(disks: [disk])
        let spec = try SpecVMAReader(bytes)
        let stored = (0..<48).filter { $0 % 3 != 1 }.count
        #expect(bytes.count == spec.headerSize + 512 + stored * 4096)
        #expect(spec.disks[1] == disk)
    }

    @Test func blobLengthsAreLittleEndianAndStartAtOffsetOne() throws {
        let (_, bytes) = try vmaArchive(disks: [[1, 2, 3]])
        // offset 12288 is the pad byte; the first blob, "qemu-server.conf\0" (17 bytes), follows.
        #expect(Array(bytes[12288..<12291]) == [0, 17, 0])
        #expect(Array(bytes[2044..<2048]) == [0, 0, 0, 1])
    }

    @Test func aGuestWithoutDisksIsAHeaderAndOneEmptyExtent() throws {
        let (_, bytes) = try vmaArchive(disks: [])
        let spec = try SpecVMAReader(bytes)
        #expect(bytes.count == spec.headerSize + 512)
        #expect(spec.extentSlotCounts == [0])
    }

    @Test func theWriterRefusesDuplicateAndMissingClusters() throws {
        let header = VMAHeader(uuid: Array(repeating: 1, count: 16), ctime: 0, configs: [], devices: [.init(id: 1, name: "drive-scsi0", size: 131072)])
        let writer = try VMAWriter(header: header, sink: MemorySink())
        let cluster = [UInt8](repeating: 9, count: 65536)
        try cluster.withUnsafeBytes { try writer.writeCluster(device: 1, cluster: 0, bytes: $0) }
        #expect(throws: BackupError.invalidArchive("cluster 0 of device 1 written twice")) {
            try cluster.withUnsafeBytes { try writer.writeCluster(device: 1, cluster: 0, bytes: $0) }
        }
        #expect(throws: BackupError.invalidArchive("cluster 1 of device 1 ('drive-scsi0') was never written")) { try writer.finish() }
    }

    @Test func aConfigOver64KiBIsRefused() {
        let big = VMAHeader.ConfigFile(name: "qemu-server.conf", data: Array(repeating: 65, count: 70000))
        #expect(throws: BackupError.self) { try vmaArchive(disks: [], configs: [big]) }
    }
}
