import FaroSupport
import Foundation

/// This node's etcd member as a process of its own. It is started detached (its own session,
/// reparented away from the daemon, output to its log, pid in its pid file) through
/// `start-stop-daemon`, so stopping or restarting the daemon never stops etcd; a new daemon
/// re-adopts the running member from the pid file. Only `stop` ends it.
public struct EtcdMember: Sendable {
    public let configuration: EtcdMemberConfiguration
    public let pidFile: String
    public let logFile: String
    let runner: any CommandRunner
    let executable: String
    let proc: String

    public init(
        configuration: EtcdMemberConfiguration, pidFile: String, logFile: String, runner: any CommandRunner,
        executable: String = "/usr/bin/etcd", proc: String = "/proc"
    ) {
        self.configuration = configuration
        self.pidFile = pidFile
        self.logFile = logFile
        self.runner = runner
        self.executable = executable
        self.proc = proc
    }

    /// The member of the node under `paths`, with its pid file and log there.
    public init(configuration: EtcdMemberConfiguration, paths: NodePaths, runner: any CommandRunner) {
        self.init(configuration: configuration, pidFile: paths.etcdPidFile, logFile: paths.etcdLog, runner: runner)
    }

    /// The running member, or nil.
    public func process() -> EtcdProcess? {
        EtcdProcess.find(pidFile: pidFile, dataDirectory: configuration.dataDirectory, proc: proc)
    }

    /// Adopts the running member or starts it, then waits until it answers and knows a leader.
    /// Ports must be resolved (`resolvingFreePorts`) before.
    @discardableResult
    public func start(client: EtcdClusterClient, timeout: Duration = .seconds(30)) async throws -> EtcdProcess {
        let process: EtcdProcess
        if let running = self.process() { process = running } else { process = try await spawn() }
        let deadline = ContinuousClock.now + timeout
        var lastError = "no answer yet"
        while ContinuousClock.now < deadline {
            guard process.isAlive(proc: proc) else {
                throw ClusterError.etcdNotStarted(name: configuration.name, reason: "etcd exited", log: logTail())
            }
            do {
                if try await client.status(endpoint: configuration.client.url).leader != "0" { return process }
                lastError = "no leader"
            } catch {
                lastError = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ClusterError.etcdNotStarted(name: configuration.name, reason: "not ready after \(timeout): \(lastError)", log: logTail())
    }

    /// Adopts the running member or starts it, without waiting for a leader: a member that
    /// cannot reach a majority still runs, and the store serves reads meanwhile.
    @discardableResult
    public func ensureRunning() async throws -> EtcdProcess {
        if let running = process() { return running }
        return try await spawn()
    }

    private func spawn() async throws -> EtcdProcess {
        precondition(configuration.client.port != 0 && configuration.peer.port != 0, "resolve free ports before starting etcd")
        try FileIO.makeDirectory(configuration.dataDirectory, mode: 0o700)
        chmod(configuration.dataDirectory, 0o700)
        for file in [pidFile, logFile] { try FileIO.makeDirectory((file as NSString).deletingLastPathComponent) }
        let command = Command(
            "start-stop-daemon",
            [
                "--start", "--background", "--make-pidfile", "--pidfile", pidFile, "--output", logFile,
                "--exec", executable, "--",
            ] + configuration.arguments(), timeout: .seconds(60))
        let result = try await runner.run(command)
        guard result.termination == .exited(0) else {
            let reason = String(decoding: result.standardError + result.standardOutput, as: UTF8.self)
            throw ClusterError.etcdNotStarted(name: configuration.name, reason: "\(command.executable): \(reason)", log: logTail())
        }
        // The pid file is written by the detached child; wait for it to name a live etcd.
        for _ in 0..<100 {
            if let process = process() { return process }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ClusterError.etcdNotStarted(name: configuration.name, reason: "no live etcd behind \(pidFile)", log: logTail())
    }

    /// Ends the member: SIGTERM, then SIGKILL after `grace`. Nothing to do when it is not running.
    public func stop(grace: Duration = .seconds(10)) async {
        if let process = process() {
            process.signal(SIGTERM)
            if await !process.waitForExit(timeout: grace, proc: proc) {
                process.signal(SIGKILL)
                _ = await process.waitForExit(timeout: .seconds(5), proc: proc)
            }
        }
        FileIO.remove(pidFile)
    }

    /// The last lines of etcd's log, for error messages.
    public func logTail(lines: Int = 12) -> String {
        guard let text = try? FileIO.readTextIfExists(logFile) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
