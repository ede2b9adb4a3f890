import FaroModel

/// The VM run state from `query-status`.
public struct QMPStatus: Sendable, Hashable {
    /// QEMU's run state: `running`, `paused`, `prelaunch`, `suspended`, `shutdown`, ...
    /// (Proxmox reports it as `qmpstatus`).
    public var status: String
    public var running: Bool

    public init(status: String, running: Bool) {
        self.status = status
        self.running = running
    }
}

extension QMPClient {
    public func queryStatus() async throws(QMPError) -> QMPStatus {
        let reply = try await execute("query-status")
        guard let status = reply["status"]?.stringValue, let running = reply["running"]?.boolValue else {
            throw .unexpectedReply(command: "query-status", reply: JSONWriter.string(reply))
        }
        return QMPStatus(status: status, running: running)
    }

    /// Presses the ACPI power button; the guest decides whether to shut down.
    public func systemPowerdown() async throws(QMPError) { try await execute("system_powerdown") }

    public func systemReset() async throws(QMPError) { try await execute("system_reset") }

    /// Pauses the vCPUs (Proxmox's `suspend`).
    public func stop() async throws(QMPError) { try await execute("stop") }

    /// Resumes paused vCPUs.
    public func cont() async throws(QMPError) { try await execute("cont") }

    /// Makes QEMU exit at once. QEMU may close the socket before its reply arrives, so a
    /// closed connection counts as done.
    public func quit() async throws(QMPError) {
        do {
            try await execute("quit")
        } catch .connectionClosed {
            return
        }
    }

    /// Runs a human monitor command (what `qm monitor` types) and returns its text output.
    public func humanMonitorCommand(_ commandLine: String) async throws(QMPError) -> String {
        let reply = try await execute("human-monitor-command", arguments: ["command-line": .string(commandLine)])
        return reply.stringValue ?? ""
    }
}
