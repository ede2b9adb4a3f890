import FaroModel
import FaroSupport
import Foundation

/// What lxc says about a container.
public struct ContainerState: Sendable, Equatable {
    public var running: Bool
    public var pid: Int?
}

extension ContainerManager {
    func lxc(_ tool: String, _ vmid: VMID, _ arguments: [String] = []) -> [String] {
        [tool, "-P", host.lxcPath, "-n", "\(vmid)"] + arguments
    }

    /// `lxc-info`: RUNNING with the init pid, or stopped (also when lxc has never seen it).
    public func state(_ vmid: VMID) async throws -> ContainerState {
        guard FileIO.exists(containerDirectory(vmid) + "/config") else { return ContainerState(running: false) }
        let result = try await runner.run(lxc("lxc-info", vmid, ["-s", "-p"]))
        guard result.succeeded else { return ContainerState(running: false) }
        var state = ContainerState(running: false)
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "State" { state.running = parts[1] == "RUNNING" }
            if parts[0] == "PID" { state.pid = Int(parts[1]) }
        }
        return state
    }

    /// Writes the lxc config from the CT config, mounts the rootfs and starts the container
    /// under lxc's monitor, which outlives the daemon.
    public func start(_ vmid: VMID, log: @Sendable (String) -> Void) async throws {
        try await store.withLock(lockName(vmid)) { try await startLocked(vmid, log: log) }
    }

    /// The per-guest lock that config changes, power actions and destroy share.
    func lockName(_ vmid: VMID) -> String { "guest-\(vmid)" }

    func startLocked(_ vmid: VMID, log: @Sendable (String) -> Void) async throws {
        let (config, _) = try await read(vmid)
        if config.isTemplate { throw LXCError.isTemplate(vmid) }
        if let lock = config.lock { throw LXCError.locked(vmid, lock) }
        if try await state(vmid).running { throw LXCError.failed("CT \(vmid) already running") }
        try FileIO.makeDirectory(containerDirectory(vmid))
        try FileIO.writeAtomically(containerDirectory(vmid) + "/config", Array(LXCConfig.render(config, vmid: vmid, host: host).utf8))
        try await mountRootfs(vmid, config: config)
        let logFile = containerDirectory(vmid) + "/console.log"
        let result = try await runner.run(Command(
            "lxc-start", ["-P", host.lxcPath, "-n", "\(vmid)", "-d", "-o", logFile, "-l", "WARN"], timeout: .seconds(60)))
        guard result.succeeded else {
            try? await unmountRootfs(vmid)
            let detail = (try? FileIO.readTextIfExists(logFile)).flatMap { $0 }?.split(separator: "\n").suffix(3).joined(separator: "\n")
            throw LXCError.failed("startup for container '\(vmid)' failed" + (detail.map { ": " + $0 } ?? ""))
        }
        log("CT \(vmid) started")
    }

    /// Stops at once (`lxc-stop --kill`).
    public func stop(_ vmid: VMID) async throws {
        try await store.withLock(lockName(vmid)) {
            guard try await state(vmid).running else { throw LXCError.notRunning(vmid) }
            try await runner.checked(lxc("lxc-stop", vmid, ["--kill"]))
            try await unmountRootfs(vmid)
        }
    }

    /// Asks init to shut down; after `timeout` seconds kills it when `force`, else fails.
    public func shutdown(_ vmid: VMID, timeout: Int, force: Bool) async throws {
        guard try await state(vmid).running else { throw LXCError.notRunning(vmid) }
        var arguments = ["--timeout", String(timeout)]
        if !force { arguments.append("--nokill") }
        let result = try await runner.run(Command("lxc-stop", ["-P", host.lxcPath, "-n", "\(vmid)"] + arguments,
            timeout: .seconds(Int64(timeout) + 30)))
        if try await state(vmid).running {
            throw LXCError.failed("shutdown of CT \(vmid) timed out" + (result.succeeded ? "" : ": " + result.errorOutput))
        }
        try await unmountRootfs(vmid)
    }

    /// Runs a command inside a running container and returns what it printed.
    public func execute(_ vmid: VMID, _ argv: [String]) async throws -> CommandResult {
        try await runner.run(lxc("lxc-attach", vmid, ["--clear-env", "--"] + argv))
    }

    /// Removes a stopped container: its volumes, its lxc directory and its config.
    public func destroy(_ vmid: VMID, log: @Sendable (String) -> Void) async throws {
        try await store.withLock(lockName(vmid)) { try await destroyLocked(vmid, log: log) }
    }

    func destroyLocked(_ vmid: VMID, log: @Sendable (String) -> Void) async throws {
        let (config, file) = try await read(vmid)
        if config.isProtected { throw LXCError.protected(vmid) }
        if try await state(vmid).running { throw LXCError.running(vmid) }
        try await unmountRootfs(vmid)
        let volumes = [config.rootfs?["volume"]] + config.mountPoints.map { $0.values["volume"] }
        for case let volume? in volumes where volume.contains(":") && !volume.hasPrefix("/") {
            let (plugin, volname) = try await self.volume(volume)
            try await plugin.free(volname)
            log("removed volume '\(volume)'")
        }
        removeContainerDirectory(vmid)
        FileIO.remove(containerDirectory(vmid) + "/console.log")
        rmdir(containerDirectory(vmid))
        try await store.delete(configPath(vmid), ifRevision: file.revision)
    }
}
