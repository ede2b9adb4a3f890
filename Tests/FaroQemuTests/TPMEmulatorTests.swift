import FaroModel
import FaroQemu
import FaroSupport
import FaroTesting
import Foundation
import Testing

/// swtpm for a VM (issue 21 part 6): a new state is manufactured, a second start keeps it
/// (what a guest sealed survives restarts), the socket is there for QEMU, stop ends swtpm.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: TPMEmulator.setup), "needs swtpm-tools"))
struct TPMEmulatorTests {
    @Test(arguments: ["v2.0", "v1.2"])
    func aStateIsMadeOnceAndKeptAcrossStarts(_ version: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.file("vm-3301-disk-0.raw")
        try await SubprocessRunner().checked(["truncate", "-s", "4M", state])
        let tpm = TPMEmulator(runner: SubprocessRunner(), runDir: directory.path)
        let vmid = VMID(3301)!
        defer { Task { await tpm.stop(vmid) } }
        try await tpm.start(vmid, statePath: state, version: version) { _ in }
        #expect(FileIO.exists(tpm.socket(vmid)))
        let made = try FileIO.read(state)
        #expect(made.contains { $0 != 0 }, "the state was manufactured")
        await tpm.stop(vmid)
        #expect(!FileIO.exists(tpm.socket(vmid)))

        try await tpm.start(vmid, statePath: state, version: version) { _ in }
        #expect(try FileIO.read(state) == made, "a second start keeps the state")
        await tpm.stop(vmid)
    }
}
