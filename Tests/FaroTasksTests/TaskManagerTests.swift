import FaroModel
import FaroSupport
import FaroTasks
import FaroTesting
import Logging
import Testing

@Suite struct TaskManagerTests {
    func makeManager(_ directory: TemporaryDirectory, clock: @escaping @Sendable () -> Int = { 1_700_000_000 }) throws -> TaskManager {
        try TaskManager(
            directory: directory.file("tasks"), node: "pve1", pid: 4242, pstart: 777, clock: clock,
            logger: Logger(label: "test"))
    }

    @Test func successfulTaskWritesLogActiveAndIndex() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tasks = try makeManager(directory)
        let upid = try await tasks.start(type: "qmstart", id: "100", user: "root@pam") { log in
            log.log("starting VM 100")
        }
        #expect(upid.description == "UPID:pve1:00001092:00000309:6553F100:qmstart:100:root@pam:")
        let record = await tasks.wait(upid)
        #expect(record.status == "OK")
        let lines = try await tasks.readLog(upid, start: 0, limit: 50)
        #expect(lines.lines.map(\.1) == ["starting VM 100", "TASK OK"])
        #expect(lines.lines.map(\.0) == [1, 2])
        #expect(FileIO.exists(directory.file("tasks/0/\(upid)")))
        let index = try FileIO.readText(directory.file("tasks/index"))
        #expect(index == "\(upid) 6553F100 OK\n")
        let active = try FileIO.readText(directory.file("tasks/active"))
        #expect(active == "\(upid) 1 6553F100 OK\n")
    }

    @Test func warningsAndErrorsBecomeTheExitStatus() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tasks = try makeManager(directory)
        let warned = try await tasks.start(type: "vzdump", id: "", user: "root@pam") { log in
            log.warn("disk is nearly full")
            log.warn("again")
        }
        struct Broken: Error, CustomStringConvertible { var description: String { "VM 100 already running\nmore" } }
        let failed = try await tasks.start(type: "qmstart", id: "100", user: "root@pam") { _ in throw Broken() }
        #expect(await tasks.wait(warned).status == "WARNINGS: 2")
        #expect(await tasks.wait(failed).status == "VM 100 already running")
        let log = try await tasks.readLog(failed, start: 0, limit: 10).lines.map(\.1)
        #expect(log == ["TASK ERROR: VM 100 already running"])
        let warnLog = try await tasks.readLog(warned, start: 1, limit: 10)
        #expect(warnLog.lines.map(\.1) == ["WARN: again", "TASK WARNINGS: 2"])
        #expect(warnLog.total == 3)
    }

    @Test func equalTasksInOneSecondGetDistinctUPIDs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tasks = try makeManager(directory)
        let first = try await tasks.start(type: "qmstart", id: "100", user: "root@pam") { _ in }
        let second = try await tasks.start(type: "qmstart", id: "100", user: "root@pam") { _ in }
        #expect(first != second)
        #expect(first.startTime == 1_700_000_000 && second.startTime == 1_700_000_000, "both keep the real start time")
        #expect(first.pstart == 777 && second.pstart == 778, "the worker start differs instead")
        let ended = await tasks.wait(second)
        #expect(ended.endTime! >= second.startTime, "a task never ends before it starts")
        _ = await tasks.wait(first)
    }

    @Test func stopCancelsTheWorker() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tasks = try makeManager(directory)
        let upid = try await tasks.start(type: "qmshutdown", id: "100", user: "root@pam") { log in
            log.log("waiting")
            try await Task.sleep(for: .seconds(60))
        }
        #expect(await tasks.isRunning(upid))
        #expect(await tasks.record(upid)?.isRunning == true)
        try await tasks.stop(upid)
        let record = await tasks.wait(upid)
        #expect(record.status == "received interrupt")
        await #expect(throws: TaskError.notRunning(upid.description)) { try await tasks.stop(upid) }
    }

    @Test func restartMarksUnfinishedTasksUnexpected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let upid: UPID
        do {
            let tasks = try makeManager(directory)
            upid = try await tasks.start(type: "qmstart", id: "100", user: "root@pam") { _ in
                try await Task.sleep(for: .seconds(60))
            }
            // The daemon dies here: the task never finishes.
        }
        let restarted = try makeManager(directory) { 1_700_000_100 }
        let record = await restarted.record(upid)
        #expect(record?.status == "interrupted: the daemon stopped before the task ended")
        #expect(record?.endTime == 1_700_000_100)
        let log = try FileIO.readText(await restarted.logPath(upid))
        #expect(log.hasSuffix("TASK ERROR: interrupted: the daemon stopped before the task ended\n"), "\(log)")
        let archived = await restarted.list(source: "archive")
        #expect(archived.first?.upid == upid)
        #expect(await restarted.list(source: "active").isEmpty)
    }

    @Test func activeListKeepsAtMost25Entries() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tasks = try makeManager(directory)
        for number in 0..<30 {
            let upid = try await tasks.start(type: "test", id: "\(number)", user: "root@pam") { _ in }
            _ = await tasks.wait(upid)
        }
        let active = try FileIO.readText(directory.file("tasks/active")).split(separator: "\n")
        #expect(active.count == 25)
        #expect(await tasks.list(source: "archive").count == 30)
        #expect(await tasks.list(source: "archive").first?.upid.id == "29")
    }

    @Test func emptyLogReadsAsNoContent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let tasks = try makeManager(directory)
        let upid = try await tasks.start(type: "test", id: "", user: "root@pam") { _ in
            try await Task.sleep(for: .seconds(30))
        }
        let log = try await tasks.readLog(upid, start: 0, limit: 50)
        #expect(log.lines.map(\.1) == ["no content"])
        try await tasks.stop(upid)
        _ = await tasks.wait(upid)
    }
}
