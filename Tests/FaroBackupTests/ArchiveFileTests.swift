import FaroBackup
import FaroSupport
import FaroTesting
import Foundation
import Testing

@Suite struct ArchiveFileTests {
    static let tools = ["zstd", "gzip", "lzop"].filter { !Executables.inPath($0) }
    let archive = ArchiveFile(runner: SubprocessRunner())

    /// A VM disk image file and the archive written from it through `compression`.
    func backup(_ disk: [UInt8], in directory: TemporaryDirectory, compression: BackupCompression) async throws -> String {
        let image = directory.file("disk.raw")
        try FileIO.writeAtomically(image, disk)
        let path = directory.file("vzdump-qemu-100-2026_01_01-00_00_00.vma" + compression.suffix)
        let size = try await archive.write(to: path, compression: compression, producer: .stream { sink, cancel throws(BackupError) in
            let reader = try RawDisk(path: image)
            let header = VMAHeader(uuid: Array(repeating: 3, count: 16), ctime: 1, configs: [], devices: [.init(id: 1, name: "drive-scsi0", size: reader.size)])
            try VMADiskCopy.backup([(1, reader)], into: try VMAWriter(header: header, sink: sink), cancel: cancel)
        })
        #expect(size == Int64(try FileIO.read(path).count))
        return path
    }

    @Test(.enabled(if: tools.isEmpty, "needs zstd, gzip and lzop"), arguments: BackupCompression.allCases)
    func aDiskRoundTripsThroughEachCompressor(compression: BackupCompression) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let disk = SampleDisk.make(size: 5 * 65536 + 512, seed: 11)
        let path = try await backup(disk, in: directory, compression: compression)
        if compression == .zstd { #expect(Array(try FileIO.read(path).prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD]) }
        let target = directory.file("restored.raw")
        try FileIO.writeAtomically(target, [])
        try await archive.read(from: path, compression: compression, complete: true) { source, cancel throws(BackupError) in
            let reader = try VMAReader(source: source)
            let disk = try RawDisk(path: target, writable: true, readsZeroWhenNew: true)
            try VMADiskCopy.restore(reader, into: [1: disk], cancel: cancel)
        }
        #expect(try FileIO.read(target) == disk)
    }

    @Test(.enabled(if: tools.isEmpty, "needs zstd"))
    func aCorruptCompressedFileFailsWithTheDecompressorsMessage() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try await backup(SampleDisk.make(size: 4 * 65536, seed: 12), in: directory, compression: .zstd)
        var bytes = try FileIO.read(path)
        bytes.removeLast(bytes.count / 3)
        try FileIO.writeAtomically(path, bytes)
        await #expect {
            try await archive.read(from: path, compression: .zstd, complete: true) { source, cancel throws(BackupError) in
                try VMAReader(source: source).readClusters { _ in }
            }
        } throws: { error in
            "\(error)".contains("archive truncated") && "\(error)".contains("zstd")
        }
    }

    @Test(.enabled(if: tools.isEmpty, "needs zstd"))
    func aFailedBackupLeavesNoFileAndNeverOverwritesOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("x.vma.zst")
        await #expect(throws: BackupError.tool("boom")) {
            try await archive.write(to: path, compression: .zstd, producer: .stream { sink, _ throws(BackupError) in
                try sink.write(Array(repeating: 1, count: 1 << 20))
                throw .tool("boom")
            })
        }
        #expect(!FileIO.exists(path))
        try FileIO.writeAtomically(path, [1, 2, 3])
        await #expect(throws: BackupError.io(operation: "create", path: path, errno: EEXIST)) {
            try await archive.write(to: path, compression: .none, producer: .stream { _, _ throws(BackupError) in })
        }
        #expect(try FileIO.read(path) == [1, 2, 3])
    }

    @Test(.enabled(if: tools.isEmpty, "needs zstd"))
    func aCompressorThatDiesStopsTheWriterWithoutKillingTheProcess() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // zstd refuses an unknown option at once; the writer then meets a closed pipe (EPIPE).
        let path = directory.file("y.vma.zst")
        let failing = ArchiveFile(runner: ArgumentAddingRunner(extra: "--no-such-option"))
        await #expect(throws: BackupError.self) {
            try await failing.write(to: path, compression: .zstd, producer: .stream { sink, _ throws(BackupError) in
                for _ in 0..<64 { try sink.write(Array(repeating: 7, count: 1 << 20)) }
            })
        }
        #expect(!FileIO.exists(path))
    }
}

/// Runs commands with one more argument, to make a real tool fail on purpose.
struct ArgumentAddingRunner: CommandRunner {
    let extra: String
    func run(_ command: Command) async throws(CommandError) -> CommandResult {
        var command = command
        command.arguments.append(extra)
        return try await SubprocessRunner().run(command)
    }
}
