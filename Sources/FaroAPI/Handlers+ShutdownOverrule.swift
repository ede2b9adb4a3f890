import FaroModel
import FaroTasks

/// `overrule-shutdown` of a stop: the guest's running shutdown tasks (`qmshutdown`,
/// `vzshutdown`) are aborted first, so a stop does not wait behind a shutdown that hangs.
struct ShutdownOverrule: Sendable {
    let tasks: TaskManager
    let shutdownType: String
    let vmid: String
    let requested: Bool

    /// Checks at the request whether the caller may abort them: their own tasks always, those
    /// of other users only with `Sys.Modify` on the node.
    init(_ request: APIRequest, _ services: NodeServices, shutdownType: String, vmid: String) async throws {
        tasks = services.tasks
        self.shutdownType = shutdownType
        self.vmid = vmid
        requested = request.bool("overrule-shutdown") == true
        guard requested else { return }
        let others = await tasks.running(type: shutdownType, id: vmid).filter { $0.user != request.identity.user.description }
        if !others.isEmpty {
            try await Handlers.requirePrivilege(services, request.identity, "Sys.Modify", on: "/nodes/\(services.nodeName)")
        }
    }

    /// In the stop task: aborts the shutdown tasks and waits until they have ended.
    func abort(log: @Sendable (String) -> Void) async throws {
        guard requested else { return }
        let running = await tasks.running(type: shutdownType, id: vmid)
        guard !running.isEmpty else { return }
        for upid in running { try? await tasks.stop(upid) }
        for upid in running { _ = await tasks.wait(upid) }
        log("overruled \(shutdownType) tasks: \(running.map(\.description).joined(separator: ", "))")
    }
}
