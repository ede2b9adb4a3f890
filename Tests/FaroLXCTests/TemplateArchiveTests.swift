import FaroSupport
import FaroTesting
import Foundation
import Testing

@testable import FaroLXC

/// Hostile templates through the real check and unpack (tar, `lxc-usernsexec`), privileged and
/// unprivileged: no device node may appear anywhere and nothing may be written outside the
/// rootfs, however a member's name is spelled (issue 23). Each test unpacks into a fresh
/// 0700 directory, as a node root under /tmp is, holding `rootfs/` and an `outside/` that must
/// stay empty.
@Suite struct TemplateArchiveTests {
    static var missing: String? {
        if getuid() != 0 { return "root (user namespaces with a container's id map)" }
        return Executables.inPath("lxc-usernsexec") ? nil : "lxc-usernsexec (Debian package lxc)"
    }

    struct Scene {
        let directory: TemporaryDirectory
        var rootfs: String { directory.file("rootfs") }
        var outside: String { directory.file("outside") }
        var archive: String { directory.file("template.tar.gz") }

        init(_ tar: TarArchive) async throws {
            directory = try TemporaryDirectory()
            try FileIO.makeDirectory(directory.file("rootfs"))
            try FileIO.makeDirectory(directory.file("outside"))
            try await tar.writeGzipped(to: directory.file("template.tar.gz"))
        }

        /// Checks and unpacks as container creation does.
        func unpack(unprivileged: Bool) async throws {
            let archive = try await TemplateArchive.checked(archive, runner: SubprocessRunner())
            try await archive.extract(into: rootfs, unprivileged: unprivileged, runner: SubprocessRunner())
        }

        /// Device nodes anywhere in the scene, and whatever came to be outside the rootfs.
        func damage() -> [String] {
            var found = DeviceNodes.find(under: directory.path).map { "device node \($0)" }
            let top = Set(FileIO.listDirectory(directory.path))
            if top != ["rootfs", "outside", "template.tar.gz"] {
                found.append("written beside the rootfs: \(top.sorted())")
            }
            found += FileIO.listDirectory(outside).map { "written outside: \($0)" }
            return found
        }

        func owner(_ relative: String) -> uid_t? {
            var info = stat()
            return lstat(directory.file(relative), &info) == 0 ? info.st_uid : nil
        }
    }

    /// A small rootfs with one hostile character and block device added.
    static func template(device name: String) -> TarArchive {
        var tar = TarArchive()
        tar.addDirectory("./")
        tar.addDirectory("./etc/")
        tar.addDirectory("./dev/")
        tar.addFile("./etc/hostname", "template\n")
        tar.addCharacterDevice(name)
        tar.addBlockDevice(name + "-block")
        return tar
    }

    /// A template replaced at its path after it was judged (an upload ends with a rename) is
    /// not what gets unpacked: both steps read the one file that was opened.
    @Test(.enabled(if: Self.missing == nil, "needs root, tar and lxc-usernsexec"))
    func aTemplateSwappedAfterTheCheckIsNotUnpacked() async throws {
        let scene = try await Scene(Self.template(device: "dev/mem"))
        defer { scene.directory.remove() }
        let archive = try await TemplateArchive.checked(scene.archive, runner: SubprocessRunner())
        var swapped = TarArchive()
        swapped.addDirectory("./")
        swapped.addFile("./etc/hostname", "swapped\n")
        try await swapped.writeGzipped(to: scene.directory.file("other.tar.gz"))
        try FileIO.rename(scene.directory.file("other.tar.gz"), to: scene.archive)
        try await archive.extract(into: scene.rootfs, unprivileged: true, runner: SubprocessRunner())
        #expect(try FileIO.readText(scene.rootfs + "/etc/hostname") == "template\n")
        #expect(scene.damage() == [])
    }

    @Test(
        .enabled(if: Self.missing == nil, "needs root, tar and lxc-usernsexec"),
        arguments: ["dev/mem", "./dev/mem", ".//dev/mem", "dev//mem", "./dev/./mem", "dev/pts/mem"], [false, true])
    func devicesBelowDevAreLeftOutHoweverSpelled(name: String, unprivileged: Bool) async throws {
        let scene = try await Scene(Self.template(device: name))
        defer { scene.directory.remove() }
        try await scene.unpack(unprivileged: unprivileged)
        #expect(scene.damage() == [])
        #expect(try FileIO.readText(scene.rootfs + "/etc/hostname") == "template\n", "the rest is unpacked")
        #expect(scene.owner("rootfs/etc/hostname") == (unprivileged ? 100_000 : 0))
    }

    @Test(
        .enabled(if: Self.missing == nil, "needs root, tar and lxc-usernsexec"),
        arguments: [
            ("etc/mem", "device node 'etc/mem' outside /dev"),
            ("/dev/mem", "absolute path '/dev/mem' in archive"),
            ("a/../dev/mem", "path 'a/../dev/mem' leaves the root"),
            ("./etc/../dev/mem", "path './etc/../dev/mem' leaves the root"),
            ("../outside/mem", "path '../outside/mem' leaves the root"),
            ("mem", "device node 'mem' outside /dev"),
        ], [false, true])
    func devicesElsewhereRefuseTheArchive(device: (String, String), unprivileged: Bool) async throws {
        let (name, problem) = device
        let scene = try await Scene(Self.template(device: name))
        defer { scene.directory.remove() }
        await #expect(throws: LXCError.badTemplate(scene.archive, problem)) {
            try await scene.unpack(unprivileged: unprivileged)
        }
        #expect(scene.damage() == [])
        #expect(FileIO.listDirectory(scene.rootfs).isEmpty, "nothing is written when the check fails")
    }

    /// Hard links into /dev or to a device, and symbolic links a later member goes through.
    static let linkTricks: [(String, TarArchive, String)] = {
        var toDev = template(device: "./dev/mem")
        toDev.addHardLink("etc/mem", target: "dev/mem")
        var toDevice = TarArchive()
        toDevice.addBlockDevice("etc/sda")
        toDevice.addHardLink("etc/disk", target: "etc/sda")
        var escape = TarArchive()
        escape.addSymlink("etc", target: "../outside")
        escape.addFile("etc/pwned", "x")
        var absolute = TarArchive()
        absolute.addSymlink("./up", target: "/")
        absolute.addFile("up/tmp/pwned", "x")
        var through = TarArchive()
        through.addSymlink("foo", target: "dev")
        through.addCharacterDevice("foo/mem")
        return [
            ("hard link into /dev", toDev, "hard link 'etc/mem' to 'dev/mem' in /dev"),
            ("hard link to a device", toDevice, "device node 'etc/sda' outside /dev"),
            ("relative symbolic link out", escape, "'etc/pwned' lies below the symbolic link 'etc'"),
            ("absolute symbolic link out", absolute, "'up/tmp/pwned' lies below the symbolic link 'up'"),
            ("device through a symbolic link", through, "'foo/mem' lies below the symbolic link 'foo'"),
        ]
    }()

    @Test(.enabled(if: Self.missing == nil, "needs root, tar and lxc-usernsexec"), arguments: [false, true])
    func linkTricksRefuseTheArchive(unprivileged: Bool) async throws {
        for (trick, tar, problem) in Self.linkTricks {
            let scene = try await Scene(tar)
            defer { scene.directory.remove() }
            await #expect(throws: LXCError.badTemplate(scene.archive, problem), "\(trick)") {
                try await scene.unpack(unprivileged: unprivileged)
            }
            #expect(scene.damage() == [], "\(trick)")
        }
    }

    /// Were the check ever wrong, the kernel still refuses: tar runs in a user namespace,
    /// where `mknod` of a device fails, for privileged containers too.
    @Test(.enabled(if: Self.missing == nil, "needs root, tar and lxc-usernsexec"), arguments: [false, true])
    func theKernelRefusesADeviceTheCheckLetThrough(unprivileged: Bool) async throws {
        let scene = try await Scene(Self.template(device: "dev/mem"))
        defer { scene.directory.remove() }
        let unchecked = TemplateArchive(
            path: scene.archive, source: try PinnedFile(scene.archive), compression: "--gzip", skipped: [])
        await #expect(throws: CommandError.self) {
            try await unchecked.extract(into: scene.rootfs, unprivileged: unprivileged, runner: SubprocessRunner())
        }
        #expect(scene.damage() == [])
    }

    /// Owners come out in the container's range without a pass as real root, set-id bits and
    /// fifos survive, and the rootfs itself belongs to the container's root. The scene's
    /// directory is 0700: tar needs no access to the path above the rootfs.
    @Test(.enabled(if: Self.missing == nil, "needs root, tar and lxc-usernsexec"), arguments: [false, true])
    func ownersAreThoseOfTheContainer(unprivileged: Bool) async throws {
        var tar = TarArchive()
        tar.addDirectory("./")
        tar.addDirectory("./bin/")
        tar.addFile("./bin/su", "#!/bin/sh\n", mode: 0o4755)
        tar.owner = 1000
        tar.addDirectory("./home/")
        tar.addFile("./home/notes", "mine\n", mode: 0o600)
        tar.addFIFO("./home/pipe")
        let scene = try await Scene(tar)
        defer { scene.directory.remove() }
        try await scene.unpack(unprivileged: unprivileged)
        let base: uid_t = unprivileged ? 100_000 : 0
        #expect(scene.owner("rootfs") == base)
        #expect(scene.owner("rootfs/bin/su") == base)
        #expect(scene.owner("rootfs/home/notes") == base + 1000)
        #expect(scene.owner("rootfs/home/pipe") == base + 1000)
        var info = stat()
        #expect(lstat(scene.rootfs + "/bin/su", &info) == 0 && info.st_mode & 0o7777 == 0o4755)
        #expect(lstat(scene.rootfs + "/home/pipe", &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        #expect(scene.damage() == [])
    }

    @Test func unknownArchiveTypesAndBrokenArchivesAreRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let zip = directory.file("x.zip")
        await #expect(throws: LXCError.self) { try await TemplateArchive.checked(zip, runner: SubprocessRunner()) }
        let broken = directory.file("broken.tar.gz")
        try FileIO.writeAtomically(broken, Array("not a tar archive".utf8))
        await #expect(throws: LXCError.self) { try await TemplateArchive.checked(broken, runner: SubprocessRunner()) }
    }
}
