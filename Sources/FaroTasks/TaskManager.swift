import FaroModel
import FaroSupport
import Logging

/// Why a task operation failed.
public enum TaskError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchTask(String)
    case notRunning(String)
    case io(String)

    public var description: String {
        switch self {
        case .noSuchTask(let upid): return "no such task '\(upid)'"
        case .notRunning(let upid): return "task '\(upid)' is not running"
        case .io(let message): return message
        }
    }
}

/// Runs workers as Swift tasks and keeps their logs and the `active`/`index` files in
/// Proxmox's layout under `var/log/faro/tasks`. `start` registers the task (its log exists
/// and it is listed as active) before it returns the UPID, so a client may poll at once.
public actor TaskManager {
    public typealias Worker = @Sendable (TaskLog) async throws -> Void

    let directory: String
    let node: String
    let pid: Int
    let pstart: Int
    let clock: @Sendable () -> Int
    let logger: Logger
    var running: [UPID: (task: Task<Void, Never>, log: TaskLog)] = [:]
    var waiters: [UPID: [CheckedContinuation<TaskRecord, Never>]] = [:]
    /// The `active` file's content: running tasks plus the newest finished ones.
    var active: [TaskRecord] = []
    static let activeLimit = 25
    static let indexRotateBytes = 50_000

    public init(
        directory: String, node: String, pid: Int, pstart: Int,
        clock: @escaping @Sendable () -> Int, logger: Logger
    ) throws {
        self.directory = directory
        self.node = node
        self.pid = pid
        self.pstart = pstart
        self.clock = clock
        self.logger = logger
        do {
            try FileIO.makeDirectory(directory, mode: 0o755)
            for digit in "0123456789ABCDEF" { try FileIO.makeDirectory(directory + "/\(digit)") }
        } catch {
            throw TaskError.io(error.description)
        }
        active = Self.recover(directory: directory, now: clock())
    }

    /// Why a task that a previous daemon ran never ended.
    static let interruptedStatus = "interrupted: the daemon stopped before the task ended"

    /// Tasks listed as running in `active` belonged to a previous daemon that stopped without
    /// ending them: they end as failed, with the reason as their status and as the last line
    /// of their log, and move to the index.
    static func recover(directory: String, now: Int) -> [TaskRecord] {
        let text = (try? FileIO.readTextIfExists(directory + "/active")) ?? nil
        var records = (text ?? "").split(separator: "\n").compactMap(TaskRecord.parseActiveLine)
        var archived: [TaskRecord] = []
        for index in records.indices where records[index].isRunning {
            records[index].endTime = now
            records[index].status = interruptedStatus
            archived.append(records[index])
            let upid = records[index].upid
            try? FileIO.append("\(directory)/\(upid.bucket)/\(upid)", Array((TaskExit.error(interruptedStatus).logLine + "\n").utf8))
        }
        if !archived.isEmpty {
            let lines = archived.map(\.indexLine).joined(separator: "\n") + "\n"
            try? FileIO.append(directory + "/index", Array(lines.utf8))
            try? FileIO.writeAtomically(
                directory + "/active", Array(records.map(\.activeLine).joined(separator: "\n").utf8) + [10])
        }
        return records
    }

    public func logPath(_ upid: UPID) -> String { "\(directory)/\(upid.bucket)/\(upid)" }

    /// Starts a worker and returns its UPID once the task is registered.
    public func start(type: String, id: String, user: String, _ worker: @escaping Worker) throws -> UPID {
        let start = clock()
        var workerStart = pstart
        var upid = UPID(node: node, pid: pid, pstart: workerStart, startTime: start, type: type, id: id, user: user)
        // Workers share the daemon's pid, so two equal tasks in one second would share a UPID.
        // Proxmox's workers are processes of their own, each with its own start in clock
        // ticks; here that field is what differs, so `starttime` stays the real start time.
        while running[upid] != nil || FileIO.exists(logPath(upid)) {
            workerStart += 1
            upid = UPID(node: node, pid: pid, pstart: workerStart, startTime: start, type: type, id: id, user: user)
        }
        let log: TaskLog
        do {
            log = try TaskLog(path: logPath(upid))
        } catch {
            throw TaskError.io(error.description)
        }
        active.append(TaskRecord(upid: upid))
        writeActive()
        let task = Task { [weak self] in
            let exit: TaskExit
            do {
                try await worker(log)
                exit = log.warnings > 0 ? .warnings(log.warnings) : .ok
            } catch is CancellationError {
                exit = .error("received interrupt")
            } catch {
                exit = .error(Self.firstLine(String(describing: error)))
            }
            await self?.finish(upid, exit: exit)
        }
        running[upid] = (task, log)
        logger.info("task started", metadata: ["upid": "\(upid)"])
        return upid
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return line.isEmpty ? "unknown error" : line
    }

    private func finish(_ upid: UPID, exit: TaskExit) {
        guard let entry = running.removeValue(forKey: upid) else { return }
        entry.log.log(exit.logLine)
        entry.log.close()
        let record = TaskRecord(upid: upid, endTime: clock(), status: exit.statusText)
        if let index = active.firstIndex(where: { $0.upid == upid }) { active[index] = record }
        trimActive()
        writeActive()
        appendIndex(record)
        logger.info("task finished", metadata: ["upid": "\(upid)", "status": "\(exit.statusText)"])
        for waiter in waiters.removeValue(forKey: upid) ?? [] { waiter.resume(returning: record) }
    }

    private func trimActive() {
        var excess = active.count - Self.activeLimit
        guard excess > 0 else { return }
        // Drop the oldest finished entries; running tasks always stay.
        active = active.filter { record in
            if excess > 0, !record.isRunning {
                excess -= 1
                return false
            }
            return true
        }
    }

    private func writeActive() {
        let text = active.map(\.activeLine).joined(separator: "\n") + "\n"
        do {
            try FileIO.writeAtomically(directory + "/active", Array(text.utf8))
        } catch {
            logger.error("cannot write the active task list: \(error)")
        }
    }

    private func appendIndex(_ record: TaskRecord) {
        let path = directory + "/index"
        do {
            let size = (try? FileIO.read(path).count) ?? 0
            if size > Self.indexRotateBytes { try FileIO.rename(path, to: path + ".1") }
            try FileIO.append(path, Array((record.indexLine + "\n").utf8))
        } catch {
            logger.error("cannot write the task index: \(error)")
        }
    }

    /// Cancels a running task (and with it the subprocesses it waits on).
    public func stop(_ upid: UPID) throws {
        guard let entry = running[upid] else { throw TaskError.notRunning(upid.description) }
        entry.log.log("received request to stop the task")
        entry.task.cancel()
    }

    /// Waits until a task has ended and returns its record.
    public func wait(_ upid: UPID) async -> TaskRecord {
        if running[upid] == nil, let record = record(upid) { return record }
        return await withCheckedContinuation { waiters[upid, default: []].append($0) }
    }

    public func isRunning(_ upid: UPID) -> Bool { running[upid] != nil }

    /// The running tasks of one type for one object (`qmshutdown` of `100`), oldest first.
    public func running(type: String, id: String) -> [UPID] {
        running.keys.filter { $0.type == type && $0.id == id }.sorted { $0.startTime < $1.startTime }
    }

    /// The record of a task: running, in the active list, in the index, or known only by its log.
    public func record(_ upid: UPID) -> TaskRecord? {
        if running[upid] != nil { return TaskRecord(upid: upid) }
        if let record = active.first(where: { $0.upid == upid }) { return record }
        if let record = archive().first(where: { $0.upid == upid }) { return record }
        guard FileIO.exists(logPath(upid)) else { return nil }
        return TaskRecord(upid: upid, endTime: upid.startTime, status: Self.statusFromLog(logPath(upid)))
    }

    static func statusFromLog(_ path: String) -> String {
        let text = (try? FileIO.readText(path)) ?? ""
        guard let last = text.split(separator: "\n").last else { return "unexpected status" }
        if last == "TASK OK" { return "OK" }
        if last.hasPrefix("TASK WARNINGS: ") { return "WARNINGS: " + last.dropFirst(15) }
        if last.hasPrefix("TASK ERROR: ") { return String(last.dropFirst(12)) }
        return "unexpected status"
    }

    /// Finished tasks from `index` and `index.1`, newest first.
    func archive() -> [TaskRecord] {
        var records: [TaskRecord] = []
        for name in ["index.1", "index"] {
            let text = (try? FileIO.readTextIfExists(directory + "/" + name)) ?? nil
            records += (text ?? "").split(separator: "\n").compactMap(TaskRecord.parseIndexLine)
        }
        return records.reversed()
    }

    /// Tasks for the list endpoints, newest first.
    public func list(source: String) -> [TaskRecord] {
        let runningRecords = active.filter(\.isRunning).reversed()
        switch source {
        case "active": return Array(runningRecords)
        case "all": return Array(runningRecords) + archive()
        default: return archive()
        }
    }

    /// Log lines `start ..< start+limit` (0-based) with their 1-based numbers, and the total.
    public func readLog(_ upid: UPID, start: Int, limit: Int) throws -> (lines: [(Int, String)], total: Int) {
        let text: String
        do {
            text = try FileIO.readText(logPath(upid))
        } catch {
            throw error.isNotFound ? TaskError.noSuchTask(upid.description) : TaskError.io(error.description)
        }
        let all = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0)
        if all.isEmpty || (all.count == 1 && all[0].isEmpty) { return ([(1, "no content")], 1) }
        let lines = all.enumerated().dropFirst(start).prefix(limit).map { ($0.offset + 1, String($0.element)) }
        return (lines, all.count)
    }

    public func readWholeLog(_ upid: UPID) throws -> String {
        do {
            return try FileIO.readText(logPath(upid))
        } catch {
            throw error.isNotFound ? TaskError.noSuchTask(upid.description) : TaskError.io(error.description)
        }
    }

    /// Cancels every running task (daemon shutdown) and waits for them to end.
    public func shutdown() async {
        let tasks = running.values.map(\.task)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
