import FaroSupport
import Foundation

/// A real file system on a loop device, mounted in a temp directory, for tests of storage that
/// needs one (btrfs). `unmount()` detaches everything; tests call it in a `defer`.
public final class LoopFileSystem: Sendable {
    public let mountPoint: String
    let image: String
    let directory: TemporaryDirectory

    /// Why a loop file system cannot be made on this machine, or nil when it can.
    public static func unavailableReason(type: String) -> String? {
        if getuid() != 0 { return "loop devices need root" }
        for tool in ["/usr/sbin/mkfs.\(type)", "/usr/sbin/losetup", "/usr/bin/mount"] where !FileManager.default.fileExists(atPath: tool) {
            if !FileManager.default.fileExists(atPath: tool.replacingOccurrences(of: "/usr", with: "")) {
                return "\(tool.split(separator: "/").last!) is not installed"
            }
        }
        if !FileManager.default.fileExists(atPath: "/dev/loop-control") { return "/dev/loop-control is missing" }
        return nil
    }

    public init(type: String, sizeMiB: Int = 300) async throws {
        directory = try TemporaryDirectory(prefix: "faro-loop")
        image = directory.file("disk.img")
        mountPoint = directory.file("mnt")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let runner = SubprocessRunner()
        try await runner.checked(["truncate", "-s", "\(sizeMiB)M", image])
        try await runner.checked(["mkfs.\(type)", "-q", image])
        do {
            try await runner.checked(["mount", "-o", "loop", image, mountPoint])
        } catch {
            directory.remove()
            throw error
        }
    }

    /// Unmounts (lazily if busy) and removes the image; the loop device goes with the mount.
    public func unmount() {
        let umount = Process()
        umount.executableURL = URL(fileURLWithPath: "/usr/bin/umount")
        umount.arguments = ["-l", mountPoint]
        try? umount.run()
        umount.waitUntilExit()
        directory.remove()
    }
}
