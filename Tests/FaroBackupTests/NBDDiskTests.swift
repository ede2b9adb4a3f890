import FaroBackup
import FaroSupport
import FaroTesting
import Foundation
import Testing

@Suite struct NBDDiskTests {
    static let missing = ["qemu-nbd", "qemu-img", "qemu-io"].filter { !Executables.inPath($0) }

    @Test(.enabled(if: missing.isEmpty, "needs qemu-utils"))
    func readsAQcow2ImageThroughQemuNBD() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let runner = SubprocessRunner()
        let image = directory.file("disk.qcow2"), socket = directory.file("nbd.sock"), pidFile = directory.file("nbd.pid")
        try await runner.checked(["qemu-img", "create", "-q", "-f", "qcow2", image, "3M"])
        try await runner.checked(["qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 1M 64k", "-c", "write -P 0x17 3068k 4k", image])
        try await runner.checked(["qemu-nbd", "--fork", "--persistent", "--read-only", "--pid-file", pidFile, "-f", "qcow2", "-k", socket, image])
        defer { if let pid = try? FileIO.readText(pidFile), let value = Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(value, SIGTERM) } }
        let disk = try NBDDisk(socketPath: socket, export: "")
        #expect(disk.size == 3 << 20)
        var bytes = [UInt8](repeating: 0xFF, count: Int(disk.size))
        let count = try bytes.withUnsafeMutableBytes { try disk.read(at: 0, into: $0) }
        #expect(count == bytes.count)
        let raw = directory.file("disk.raw")
        try await runner.checked(["qemu-img", "convert", "-f", "qcow2", "-O", "raw", image, raw])
        #expect(bytes == (try FileIO.read(raw)))
        #expect(bytes[(1 << 20) + 5] == 0x5a && bytes[3068 * 1024] == 0x17)
    }
}
