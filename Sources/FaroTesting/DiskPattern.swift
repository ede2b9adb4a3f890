import FaroSupport

/// Writes and checks a byte pattern in the first 4 KiB of a disk image through `qemu-io`, so
/// tests can tell whether snapshots, rollbacks and clones carry the data they should.
public enum DiskPattern {
    static func format(_ image: String) -> String { image.hasSuffix(".qcow2") ? "qcow2" : "raw" }

    public static func write(_ pattern: UInt8, into image: String) async throws {
        try await SubprocessRunner().checked(["qemu-io", "-f", format(image), "-c", "write -P \(pattern) 0 4k", image])
    }

    public static func holds(_ pattern: UInt8, _ image: String) async throws -> Bool {
        let result = try await SubprocessRunner().run(["qemu-io", "-f", format(image), "-r", "-c", "read -P \(pattern) 0 4k", image])
        return result.succeeded && !result.output.contains("Pattern verification failed")
    }
}
