import FaroAccess
import FaroStore
import FaroTesting
import Testing

@Suite struct RealmEditTests {
    @Test func aNewDefaultRealmTakesTheMarkFromTheOthers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let access = AccessService(store: try SQLiteConfigStore(path: directory.file("config.db")), clock: { 0 })
        #expect(try await access.realms().digest == nil)
        #expect(try await access.realms().realms.map(\.id) == ["pam", "pve"])
        try await access.updateRealm("pve", set: ["default": "1", "comment": "ours"], delete: [], digest: nil)
        let realms = try await access.realms().realms
        #expect(realms.first { $0.id == "pam" }?.options["default"] == nil)
        #expect(realms.first { $0.id == "pve" }?.options == ["default": "1", "comment": "ours"])
        try await access.updateRealm("pve", set: [:], delete: ["comment"], digest: try await access.realms().digest)
        #expect(try await access.realms().realms.first { $0.id == "pve" }?.options == ["default": "1"])
    }

    @Test func staleDigestsAndUnknownRealmsAreRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let access = AccessService(store: try SQLiteConfigStore(path: directory.file("config.db")), clock: { 0 })
        try await access.updateRealm("pam", set: ["comment": "first"], delete: [], digest: nil)
        let stale = try await access.realms().digest
        try await access.updateRealm("pam", set: ["comment": "second"], delete: [], digest: stale)
        await #expect(throws: AccessError.invalid("detected modified configuration - file changed by other user? Try again.")) {
            try await access.updateRealm("pam", set: ["comment": "third"], delete: [], digest: stale)
        }
        await #expect(throws: AccessError.invalid("domain 'ldap' does not exist")) {
            try await access.updateRealm("ldap", set: ["comment": "x"], delete: [], digest: nil)
        }
        #expect(try await access.realms().realms.first { $0.id == "pam" }?.options["comment"] == "second")
    }
}
