import FaroSupport
import FaroTesting
import Testing

/// The pieces the test guest is built from, checked against the real tools.
@Suite struct TestGuestAssetTests {
    @Test(.enabled(if: Executables.inPath("cpio"), "needs cpio (Debian package cpio)"))
    func cpioArchiveUnpacksWithTheRealTool() async throws {
        var archive = CPIOArchive()
        archive.addDirectory("bin")
        archive.addFile("bin/hello", Array("hi there\n".utf8), mode: 0o755)
        archive.addSymlink("bin/sh", target: "hello")
        archive.addCharacterDevice("dev-console", major: 5, minor: 1)
        let bytes = archive.finished()
        #expect(bytes.count % 4 == 0)
        #expect(archive.finished() == bytes, "the same content gives the same bytes")
        let runner = SubprocessRunner()
        let listing = try await runner.run(Command("cpio", ["-itv", "--quiet"], input: bytes)).checked()
        let modes = listing.output.split(separator: "\n").map { $0.prefix(10) }
        #expect(modes == ["drwxr-xr-x", "-rwxr-xr-x", "lrwxrwxrwx", "crw-------"])
        let names = try await runner.run(Command("cpio", ["-it", "--quiet"], input: bytes)).checked()
        #expect(names.output == "bin\nbin/hello\nbin/sh\ndev-console\n")
        let content = try await runner.run(Command("cpio", ["-i", "--to-stdout", "--quiet", "bin/hello"], input: bytes)).checked()
        #expect(content.output == "hi there\n")
    }

    @Test func elfCheckTellsStaticFromDynamic() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileIO.writeAtomically(directory.file("text"), Array("#!/bin/sh\n".utf8))
        #expect(!ELFFile.isStaticExecutable(directory.file("text")))
        #expect(!ELFFile.isStaticExecutable(directory.file("missing")))
        if let dynamic = Executables.path(of: "ls") { #expect(!ELFFile.isStaticExecutable(dynamic)) }
    }
}
