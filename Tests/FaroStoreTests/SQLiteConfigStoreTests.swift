import FaroStore
import FaroTesting
import Foundation
import Testing

@Suite struct SQLiteConfigStoreTests {
    @Test(arguments: ConfigStoreContract.cases)
    func contract(_ contract: ConfigStoreContract) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.file("config.db"))
        try await contract.run(store, store)
    }

    /// Two instances on one database, as two processes would have: each sees what the other
    /// wrote (also through its watch), their locks contend and their VMIDs collide.
    @Test(arguments: ConfigStoreContract.cases)
    func contractAcrossTwoInstances(_ contract: ConfigStoreContract) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try SQLiteConfigStore(path: directory.file("config.db"))
        let second = try SQLiteConfigStore(path: directory.file("config.db"))
        try await contract.run(first, second)
    }

    @Test func survivesReopening() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let revision: Int64
        do {
            let store = try SQLiteConfigStore(path: directory.file("config.db"))
            revision = try await store.write("user.cfg", data: Array("user:root@pam:1:0::::::\n".utf8), ifRevision: nil)
        }
        let reopened = try SQLiteConfigStore(path: directory.file("config.db"))
        #expect(try await reopened.read("user.cfg")?.revision == revision)
        #expect(try await reopened.currentRevision() == revision)
        #expect(try await reopened.write("x", data: [1], ifRevision: nil) == revision + 1)
    }

    @Test func concurrentCreatesOfOneVMIDLetExactlyOneWin() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteConfigStore(path: directory.file("config.db"))
        let wins = await withTaskGroup(of: Bool.self) { group in
            for node in 0..<8 {
                group.addTask {
                    (try? await store.create("nodes/n\(node)/qemu-server/500.conf", data: [1])) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
    }

    /// kill -9 in the middle of writes leaves every file whole: each is one of the versions
    /// the writer wrote (all bytes equal, full length), never a mix.
    @Test func killDuringWritesLeavesNoTornFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.file("config.db")
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: DaemonProcess.binaryPath())
            .deletingLastPathComponent().appendingPathComponent("faro-store-tool")
        writer.arguments = ["torture", database]
        let output = Pipe()
        writer.standardOutput = output
        try writer.run()
        _ = output.fileHandleForReading.availableData
        try await Task.sleep(for: .milliseconds(1500))
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()

        let store = try SQLiteConfigStore(path: database)
        let files = try await store.readTree(prefix: "nodes/")
        #expect(!files.isEmpty)
        for file in files {
            #expect(file.data.count == 200_000, "\(file.path) has \(file.data.count) bytes")
            #expect(Set(file.data).count == 1, "\(file.path) mixes versions")
        }
    }
}
