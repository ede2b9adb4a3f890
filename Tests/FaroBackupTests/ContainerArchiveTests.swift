import FaroBackup
import FaroSupport
import FaroTesting
import Foundation
import Testing

@Suite(.serialized) struct ContainerArchiveTests {
    static let missing: String? = {
        if getuid() != 0 { return "needs root" }
        let tools = ["tar", "zstd", "lxc-usernsexec", "setfacl", "getfacl", "setfattr", "getfattr"].filter { !Executables.inPath($0) }
        return tools.isEmpty ? nil : "needs " + tools.joined(separator: ", ")
    }()
    let runner = SubprocessRunner()

    /// A small root file system with what a backup must keep: owners, odd modes, an ACL, an
    /// xattr, a hard link and a symbolic link; plus a file in `/tmp` that must stay out.
    func makeRoot(_ root: String, idBase: Int) async throws {
        for directory in ["etc", "home/u", "bin", "tmp", "var/tmp"] { try FileIO.makeDirectory(root + "/" + directory) }
        try FileIO.writeAtomically(root + "/etc/hostname", Array("ct1\n".utf8))
        try FileIO.writeAtomically(root + "/home/u/secret", Array("s\n".utf8), mode: 0o600)
        try FileIO.writeAtomically(root + "/bin/tool", Array("#!/bin/sh\n".utf8), mode: 0o755)
        try FileIO.writeAtomically(root + "/tmp/junk", [1])
        #expect(link(root + "/bin/tool", root + "/bin/tool-link") == 0)
        #expect(symlink("../etc/hostname", root + "/bin/name") == 0)
        try await runner.checked(["chown", "-R", "-h", "\(idBase):\(idBase)", root])
        try await runner.checked(["chown", "\(idBase + 1000):\(idBase + 1000)", root + "/home/u", root + "/home/u/secret"])
        #expect(chmod(root + "/bin/tool", 0o4755) == 0)
        #expect(chmod(root + "/tmp", 0o1777) == 0)
        try await runner.checked(["setfacl", "-m", "u:\(idBase + 1234):rw", root + "/etc/hostname"])
        try await runner.checked(["setfattr", "-n", "user.faro", "-v", "kept", root + "/bin/tool"])
    }

    /// Owner, mode, ACL and xattrs of each file, ids taken relative to `idBase`.
    func describe(_ root: String, idBase: Int) async throws -> [String] {
        var lines: [String] = []
        for path in ["etc/hostname", "home/u", "home/u/secret", "bin/tool", "bin/tool-link", "tmp"] {
            var info = stat()
            #expect(lstat(root + "/" + path, &info) == 0, "\(path) is missing")
            lines.append("\(path) \(Int(info.st_uid) - idBase):\(Int(info.st_gid) - idBase) \(String(info.st_mode, radix: 8)) links=\(info.st_nlink)")
        }
        let acl = try await runner.checked(["getfacl", "-n", "-p", "--omit-header", root + "/etc/hostname"])
        for entry in acl.split(separator: "\n") where entry.hasPrefix("user:") && !entry.hasPrefix("user::") {
            let fields = entry.split(separator: ":")
            lines.append("acl user:\(Int(fields[1])! - idBase):\(fields[2])")
        }
        lines.append(try await runner.checked(["getfattr", "--only-values", "-n", "user.faro", root + "/bin/tool"]))
        lines.append(String(cString: realpath(root + "/bin/name", nil)).hasSuffix("/etc/hostname") ? "link ok" : "link broken")
        return lines
    }

    func roundTrip(unprivileged: Bool) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(chmod(directory.path, 0o755) == 0)  // the container's root must reach in
        let base = unprivileged ? 100_000 : 0
        let root = directory.file("root"), work = directory.file("work"), target = directory.file("target")
        try FileIO.makeDirectory(root)
        try await makeRoot(root, idBase: base)
        try FileIO.makeDirectory(work + "/etc/vzdump", mode: 0o755)
        try FileIO.writeAtomically(work + "/etc/vzdump/pct.conf", Array("hostname: ct1\nrootfs: local:100/subvol-100-disk-0.raw,size=1G\n".utf8))
        try FileIO.writeAtomically(work + "/etc/vzdump/pct.fw", [])
        try await runner.checked(["chown", "-R", "\(base):\(base)", work])
        let namespace = ContainerArchive.userNamespace(unprivileged: unprivileged)
        let create = ContainerArchive.create(
            workDirectory: work, rootDirectory: root, mountPaths: [], excludes: ContainerArchive.standardExcludes,
            unprivileged: unprivileged, userNamespace: unprivileged ? namespace : [])
        let path = directory.file("vzdump-lxc-100-2026_01_01-00_00_00.tar.zst")
        let archive = ArchiveFile(runner: runner)
        _ = try await archive.write(to: path, compression: .zstd, producer: .command(create))

        let listing = try await runner.checked(["tar", "--zstd", "-tvf", path, "--numeric-owner"]).split(separator: "\n")
        #expect(listing[0].hasSuffix(" ./etc/vzdump/pct.conf") && listing[1].hasSuffix(" ./etc/vzdump/pct.fw"))
        #expect(listing.contains { $0.contains(" 1000/1000 ") && $0.hasSuffix(" ./home/u/secret") }, "owners as the CT sees them")
        #expect(!listing.contains { $0.hasSuffix("./tmp/junk") }, "standard excludes")
        let config = try await archive.read(from: path, compression: .zstd, complete: false, into: ContainerArchive.readConfig())
        #expect(config.output.hasPrefix("hostname: ct1\n"))

        try FileIO.makeDirectory(target)
        #expect(chown(target, uid_t(base), gid_t(base)) == 0)
        _ = try await archive.read(from: path, compression: .zstd, into: ContainerArchive.extract(rootDirectory: target, userNamespace: namespace))
        #expect(try await describe(target, idBase: base) == (try await describe(root, idBase: base)))
        #expect(try await describe(target, idBase: base).contains("acl user:1234:rw-"))
        #expect(FileIO.exists(target + "/etc/vzdump/pct.conf"))
    }

    @Test(.enabled(if: missing == nil, "needs root and the tar, acl and lxc tools"))
    func aPrivilegedContainerRoundTripsWithOwnersModesACLsAndXattrs() async throws {
        try await roundTrip(unprivileged: false)
    }

    @Test(.enabled(if: missing == nil, "needs root and the tar, acl and lxc tools"))
    func anUnprivilegedContainerIsArchivedWithItsOwnIds() async throws {
        try await roundTrip(unprivileged: true)
    }

    @Test func theTarCommandLineIsProxmoxs() {
        let command = ContainerArchive.create(
            workDirectory: "/w", rootDirectory: "/r", mountPaths: ["/mnt/data"], excludes: ["/tmp/?*", "*.log"], unprivileged: true,
            userNamespace: ["-m", "u:0:100000:65536"])
        #expect(command.executable == "lxc-usernsexec")
        #expect(command.arguments.joined(separator: " ").hasSuffix(
            "--directory=/w ./etc/vzdump/pct.conf ./etc/vzdump/pct.fw --directory=/r --no-anchored --exclude=*.log --exclude=lost+found --anchored --exclude=./tmp/?* ./ ./mnt/data"))
    }
}
