import FaroConfig
import FaroGuest
import Testing

@Suite struct PendingSectionTests {
    @Test func readsValuesAndForcedDeletionsInTheirOrder() throws {
        let file = try GuestConfigFile.parse("cores: 1\n\n[PENDING]\ncores: 2\ndelete: scsi1,!net0\n")
        let pending = PendingSection(of: file, name: "PENDING")
        #expect(pending.values == ["cores": "2"])
        #expect(pending.deletions == [.init(key: "scsi1"), .init(key: "net0", force: true)])
    }

    @Test func aNewSectionComesBeforeTheSnapshots() throws {
        var file = try GuestConfigFile.parse("memory: 512\n\n[snap1]\nmemory: 256\n")
        var pending = PendingSection(of: file, name: "pve:pending")
        pending.values["memory"] = "1024"
        pending.deletions = [.init(key: "mp0")]
        pending.store(in: &file)
        #expect(try file.render() == "memory: 512\n\n[pve:pending]\ndelete: mp0\nmemory: 1024\n\n[snap1]\nmemory: 256\n")
    }

    @Test func nothingPendingRemovesTheSection() throws {
        var file = try GuestConfigFile.parse("cores: 1\n\n[PENDING]\ndelete: !scsi1\n")
        var pending = PendingSection(of: file, name: "PENDING")
        #expect(!pending.isEmpty)
        pending.deletions = []
        pending.store(in: &file)
        #expect(try file.render() == "cores: 1\n")
    }
}
