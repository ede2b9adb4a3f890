import FaroAPISpec
import FaroConfig
import FaroModel
import FaroVZDump
import Logging

/// Runs the backup jobs at their times, as Proxmox's pvescheduler does (facts §4.3): one pass
/// a minute just after the minute turns; a job is due when its schedule's next time after its
/// last run has come; it runs on its node (or every node) as root with `job-id`, never twice at
/// once. On the first pass, jobs without `repeat-missed` forget what was missed while the
/// daemon was down. The clock and the sleep are injected, so tests drive passes themselves.
public struct BackupScheduler: Sendable {
    let services: NodeServices
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void

    public init(services: NodeServices, logger: Logger, sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.services = services
        self.logger = logger
        self.sleep = sleep
    }

    /// Passes until cancelled.
    public func run() async {
        var first = true
        while !Task.isCancelled {
            let now = services.clock()
            do { try await sleep(.seconds(60 - now % 60) + .milliseconds(100)) } catch { return }
            await pass(first: first)
            first = false
        }
    }

    /// One pass: starts every due job; returns the UPIDs started.
    @discardableResult
    public func pass(first: Bool = false) async -> [String] {
        let jobs = services.backupJobs
        let now = services.clock()
        var started: [String] = []
        for job in (try? await jobs.list()) ?? [] {
            if let node = job["node"], node != services.nodeName { continue }
            if job["enabled"] == "0" { continue }
            var state = jobs.state(job.id) ?? BackupJobs.State(state: "created", time: now)
            if first && job["repeat-missed"] != "1" {
                state.updated = now
                try? jobs.saveState(job.id, state)
            }
            if let upid = state.upid.flatMap(UPID.init), await services.tasks.isRunning(upid) { continue }
            guard let event = try? CalendarEvent(parsing: job["schedule"] ?? ""), let next = event.next(after: state.lastRun), next <= now
            else {
                try? jobs.saveState(job.id, state)
                continue
            }
            state.updated = nil
            state.started = now
            do {
                var parameters = Handlers.vzdumpParameters(job.values, node: services.nodeName)
                parameters["job-id"] = .string(job.id)
                parameters["quiet"] = true
                let request = APIRequest(method: APISpec.faro.method(.post, "/nodes/{node}/vzdump")!, parameters: parameters, identity: .localRoot)
                if let upid = try await Handlers.startVZDump(request, services) {
                    (state.state, state.upid, state.msg) = ("started", upid, nil)
                    started.append(upid)
                } else {
                    (state.state, state.upid, state.msg) = ("stopped", nil, "OK")
                }
            } catch {
                (state.state, state.upid, state.msg) = ("stopped", nil, "\(error)")
                logger.error("backup job \(job.id) failed to start: \(error)")
            }
            try? jobs.saveState(job.id, state)
        }
        return started
    }
}
