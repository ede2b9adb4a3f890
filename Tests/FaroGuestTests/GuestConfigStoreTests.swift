import FaroGuest
import FaroModel
import FaroStore
import FaroTesting
import Testing

/// A config that is just its text, so the tests see what the store holds.
struct NoteConfig: GuestConfig, Equatable {
    var text: String
    init(parsing text: String) { self.text = text }
    func render() -> String { text }
    /// The first line is the name.
    func summary(vmid: VMID, hostCPUs: Int) -> GuestSummary {
        GuestSummary(
            name: String(text.prefix { $0 != "\n" }), isTemplate: false, cpus: hostCPUs, memoryBytes: 0, diskBytes: 0, tags: nil,
            lock: nil)
    }
}

struct ParseFailure: Error {}

@Suite struct GuestConfigStoreTests {
    let directory: TemporaryDirectory
    let store: SQLiteConfigStore
    let vms: GuestConfigStore<NoteConfig>
    let cts: GuestConfigStore<NoteConfig>
    let vmid = VMID(100)!

    init() throws {
        directory = try TemporaryDirectory()
        store = try SQLiteConfigStore(path: directory.file("config.db"))
        vms = GuestConfigStore(store: store, directory: "nodes/n1/qemu-server")
        cts = GuestConfigStore(store: store, directory: "nodes/n1/lxc")
    }

    @Test func listsTheVMIDsOfConfigFilesInOrder() async throws {
        for name in ["120.conf", "101.conf", "notes.txt", "099.conf"] {
            try await store.write("nodes/n1/qemu-server/\(name)", text: "x", ifRevision: nil)
        }
        #expect(try await vms.list() == [VMID(101)!, VMID(120)!])
        #expect(try await cts.list() == [])
        directory.remove()
    }

    @Test func updateWritesTheChangeAndReturnsItsResult() async throws {
        try await store.write(vms.path(vmid), text: "cores: 1\n", ifRevision: nil)
        let result = try await vms.update(vmid) { config in
            config.text += "memory: 512\n"
            return 7
        }
        #expect(result == 7)
        #expect(try await vms.read(vmid).config.text == "cores: 1\nmemory: 512\n")
        directory.remove()
    }

    @Test func aStaleDigestIsRefusedInProxmoxsWords() async throws {
        try await store.write(cts.path(vmid), text: "cores: 1\n", ifRevision: nil)
        let digest = try await cts.read(vmid).file.digest
        try await cts.update(vmid) { $0.text = "cores: 2\n" }
        let error = await #expect(throws: GuestError.digestMismatch(vmid: vmid)) {
            try await cts.update(vmid, digest: digest) { $0.text = "cores: 3\n" }
        }
        #expect(error?.description == "detected modified configuration - file changed by other user? Try again.")
        #expect(try await cts.read(vmid).config.text == "cores: 2\n")
        directory.remove()
    }

    @Test func aChangeThatThrowsLeavesTheFileAsItWas() async throws {
        try await store.write(vms.path(vmid), text: "cores: 1\n", ifRevision: nil)
        await #expect(throws: ParseFailure.self) {
            try await vms.update(vmid) { config in
                config.text = "broken"
                throw ParseFailure()
            }
        }
        #expect(try await vms.read(vmid).config.text == "cores: 1\n")
        directory.remove()
    }

    @Test func aWriterThatBypassesTheLockIsNeverOverwritten() async throws {
        try await store.write(vms.path(vmid), text: "cores: 1\n", ifRevision: nil)
        await #expect(throws: StoreError.revisionMismatch(path: vms.path(vmid))) {
            try await vms.update(vmid) { config in
                try await store.write(vms.path(vmid), text: "cores: 4\n", ifRevision: nil)
                config.text = "cores: 2\n"
            }
        }
        #expect(try await vms.read(vmid).config.text == "cores: 4\n")
        directory.remove()
    }

    @Test func aMissingConfigIsRefusedInProxmoxsWords() async throws {
        let error = await #expect(throws: GuestError.notFound(vmid: vmid, path: "nodes/n1/lxc/100.conf")) { try await cts.read(vmid) }
        #expect(error?.description == "Configuration file 'nodes/n1/lxc/100.conf' does not exist")
        directory.remove()
    }

    @Test func aVMAndAContainerOfOneVMIDShareTheLock() async throws {
        try await vms.withLock(vmid) {
            await #expect(throws: StoreError.lockTimeout(name: GuestLock.name(vmid))) {
                _ = try await store.acquireLock(GuestLock.name(vmid), lease: .seconds(30), timeout: .milliseconds(200))
            }
        }
        #expect(GuestLock.name(vmid) == "guest-100")
        let other = try await store.acquireLock(GuestLock.name(VMID(101)!), lease: .seconds(30), timeout: .milliseconds(200))
        try await cts.withLock(vmid) { try await store.releaseLock(other) }
        directory.remove()
    }
}
