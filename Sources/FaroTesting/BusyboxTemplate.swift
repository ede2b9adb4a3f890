import FaroSupport
import Foundation

/// A container template for tests: a busybox rootfs (Debian's static busybox) packed as a
/// `.tar.gz` vztmpl, built once and cached (`TestAssetCache`). Its init runs `/etc/init.d/rcS`
/// (proc, host name) and the network from `/etc/network/interfaces` (busybox `ifup -a`), and
/// keeps one long `sleep` as the only service.
public enum BusyboxTemplate {
    public static let fileName = "busybox-test_1.2_amd64.tar.gz"

    /// Why the template cannot be built here, or nil.
    public static var missing: String? {
        Executables.path(of: "busybox").map { ELFFile.isStaticExecutable($0) } == true
            ? nil : "a static busybox (Debian package busybox-static)"
    }

    /// What the archive must hold to be a working template; an archive without one of them
    /// (a half-packed one) is never cached.
    static let requiredEntries = [
        "./bin/busybox", "./sbin/init", "./etc/inittab", "./etc/init.d/rcS", "./etc/network/if-up.d/", "./etc/passwd",
    ]

    /// The cached archive, built on first use.
    public static func archive(
        cacheDirectory: String = TestAssetCache.default().directory, runner: any CommandRunner = SubprocessRunner()
    ) async throws -> String {
        try await TestAssetCache(directory: cacheDirectory).asset(fileName) { path in
            await isComplete(path, runner: runner)
        } build: { work in
            try await build(in: work, runner: runner)
        }
    }

    /// Whether the archive at `path` unpacks and holds every required entry.
    static func isComplete(_ path: String, runner: any CommandRunner) async -> Bool {
        guard FileIO.exists(path), let listing = try? await runner.checked(["tar", "-t", "-z", "-f", path]) else { return false }
        let entries = Set(listing.split(separator: "\n").map(String.init))
        return requiredEntries.allSatisfy(entries.contains)
    }

    /// Builds the rootfs under `work` and packs it; returns the archive's path.
    private static func build(in work: String, runner: any CommandRunner) async throws -> String {
        guard let busybox = Executables.path(of: "busybox") else { throw CommandError.notFound(Command("busybox")) }
        let staging = work + "/rootfs"
        let hooks = ["if-pre-up.d", "if-up.d", "if-down.d", "if-post-down.d"].map { "etc/network/" + $0 }
        for directory in ["bin", "sbin", "etc/init.d", "proc", "sys", "dev", "tmp", "root", "run", "var/run", "var/log"] + hooks {
            try FileManager.default.createDirectory(atPath: "\(staging)/\(directory)", withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: busybox, toPath: "\(staging)/bin/busybox")
        for applet in ["sh", "ls", "cat", "echo", "hostname", "id", "ip", "ifconfig", "mount", "sleep", "ps", "uname", "ifup", "ifdown", "ping"] {
            try FileManager.default.createSymbolicLink(atPath: "\(staging)/bin/\(applet)", withDestinationPath: "busybox")
        }
        for applet in ["init", "poweroff", "halt", "reboot"] {
            try FileManager.default.createSymbolicLink(atPath: "\(staging)/sbin/\(applet)", withDestinationPath: "../bin/busybox")
        }
        let files = [
            "etc/inittab": "::sysinit:/etc/init.d/rcS\n::respawn:/bin/sleep 86400\n::shutdown:/bin/echo stopping\n",
            "etc/init.d/rcS": "#!/bin/sh\nmount -t proc proc /proc 2>/dev/null\nhostname -F /etc/hostname 2>/dev/null\nifup -a 2>/dev/null\n",
            "etc/os-release": "NAME=\"Busybox test\"\nID=busybox\n",
            "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
            "etc/group": "root:x:0:\n",
            "etc/shadow": "root:*:19000:0:99999:7:::\n",
        ]
        for (path, text) in files { try text.write(toFile: "\(staging)/\(path)", atomically: true, encoding: .utf8) }
        chmod("\(staging)/etc/init.d/rcS", 0o755)
        chmod("\(staging)/etc/shadow", 0o640)
        let archive = work + "/" + fileName
        try await runner.checked(["tar", "-c", "-z", "-f", archive, "--numeric-owner", "--owner=0", "--group=0", "-C", staging, "."])
        return archive
    }
}
