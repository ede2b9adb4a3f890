import FaroGuest
import FaroModel
import FaroStorage
import FaroSupport
import Foundation

/// What lxc says about a container.
public struct ContainerState: Sendable, Equatable {
    public var running: Bool
    public var pid: Int?
}

extension ContainerManager {
    /// The argv of an lxc tool for one container under the node's lxc path.
    public func lxc(_ tool: String, _ vmid: VMID, _ arguments: [String] = []) -> [String] {
        [tool, "-P", host.lxcPath, "-n", "\(vmid)"] + arguments
    }

    /// RUNNING with the init pid, or stopped (also when lxc has never seen it). Asked of the
    /// monitor's command socket, which is what `lxc-info` does, without starting a program;
    /// through `lxc-info` only where lxc hashes the socket's name (an lxc path too long for it).
    public func state(_ vmid: VMID) async throws -> ContainerState {
        guard FileIO.exists(containerDirectory(vmid) + "/config") else { return ContainerState(running: false) }
        guard let monitor = monitorSocket(vmid) else { return try await stateFromLXCInfo(vmid) }
        do {
            guard let state = try await monitor.state() else {
                // A monitor that holds its socket but is busy (a start or stop in progress)
                // counts as running, as Proxmox counts a container whose command socket exists.
                return ContainerState(running: true)
            }
            guard state.isRunning else { return ContainerState(running: false) }
            return ContainerState(running: true, pid: try await monitor.initPID())
        } catch {
            // A monitor that refuses a command (seen as EPERM while the daemon was traced)
            // still answers lxc-info, which asks with the same protocol and more ceremony.
            return try await stateFromLXCInfo(vmid)
        }
    }

    /// The monitor's socket. lxc names it after the lxc path exactly as its tools were given it
    /// (`-P`, always `host.lxcPath` here), less trailing slashes.
    func monitorSocket(_ vmid: VMID) -> LXCMonitorSocket? {
        var path = Substring(host.lxcPath)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return LXCMonitorSocket(lxcPath: String(path), container: "\(vmid)")
    }

    func stateFromLXCInfo(_ vmid: VMID) async throws -> ContainerState {
        let result = try await runner.run(lxc("lxc-info", vmid, ["-s", "-p"]))
        guard result.succeeded else { return ContainerState(running: false) }
        var state = ContainerState(running: false)
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "State" { state.running = LXCMonitorSocket.State(lxcInfoName: Substring(parts[1]))?.isRunning ?? false }
            if parts[0] == "PID" { state.pid = Int(parts[1]) }
        }
        return state
    }

    /// Writes the lxc config from the CT config, mounts the rootfs and starts the container
    /// under lxc's monitor, which outlives the daemon.
    public func start(_ vmid: VMID, log: @Sendable (String) -> Void) async throws {
        try await configs.withLock(vmid) { try await startLocked(vmid, log: log) }
    }

    func startLocked(_ vmid: VMID, log: @Sendable (String) -> Void) async throws {
        var (config, file) = try await read(vmid)
        if config.isTemplate { throw LXCError.isTemplate(vmid) }
        // A container mounted on the host (`pct mount`) may still start, as Proxmox allows.
        if let lock = config.lock, lock != "mounted" { throw LXCError.locked(vmid, lock) }
        if try await state(vmid).running { throw LXCError.failed("CT \(vmid) already running") }
        if config.hasPending {
            config.applyPending()
            try await write(vmid, config, replacing: file)
            log("applied the pending changes")
        }
        removeLeftoverCgroups(vmid)
        try FileIO.makeDirectory(containerDirectory(vmid))
        try await growPendingFileSystems(vmid)
        try await mountRootfs(vmid, config: config)
        let logFile = containerDirectory(vmid) + "/console.log"
        do {
            try setup(config, vmid: vmid).writeHostAndNetwork(config, vmid: vmid)
            let mounts = try await mountPointMounts(vmid, config: config)
            let lxcConfig = LXCConfig.render(config, vmid: vmid, host: host, mounts: mounts)
            try FileIO.writeAtomically(containerDirectory(vmid) + "/config", Array(lxcConfig.utf8))
            try await plugNetworks(vmid, config: config)
            // The log is appended to at every start: only what this start wrote tells why it failed.
            let logStart = ((try? FileIO.readTextIfExists(logFile)) ?? nil)?.utf8.count ?? 0
            let result = try await runner.run(Command(
                "lxc-start", ["-P", host.lxcPath, "-n", "\(vmid)", "-d", "-o", logFile, "-l", "WARN"], timeout: .seconds(60)))
            guard result.succeeded else {
                let written = ((try? FileIO.readTextIfExists(logFile)) ?? nil).map { Substring($0.utf8.dropFirst(logStart)) } ?? ""
                let reason = LXCLog.firstError(written) ?? result.errorOutput.split(separator: "\n").first.map(String.init)
                if let reason { log("lxc: \(reason)") }
                throw LXCError.failed("startup for container '\(vmid)' failed" + (reason.map { ": " + $0 } ?? ""))
            }
            do {
                try await shapeNetworks(vmid, config: config)
            } catch {
                // A NIC without its limits must not run, as a failed network hook stops a Proxmox start.
                _ = try? await runner.run(lxc("lxc-stop", vmid, ["--kill"]))
                throw error
            }
        } catch {
            await unplugNetworks(vmid, config: config)
            try? await unmountAll(vmid)
            throw error
        }
        countBlockIO(vmid)
        await powerChanges.record()
    }

    /// Stops at once (`lxc-stop --kill`).
    public func stop(_ vmid: VMID) async throws {
        try await configs.withPowerLock(vmid) {
            guard try await state(vmid).running else { throw LXCError.notRunning(vmid) }
            try await runner.checked(lxc("lxc-stop", vmid, ["--kill"]))
            await powerChanges.record()
            try await cleanUpAfterStop(vmid)
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
        await powerChanges.record()
        try await cleanUpAfterStop(vmid)
    }

    /// What a stopped container leaves on the host: its firewall bridges and mounts.
    func cleanUpAfterStop(_ vmid: VMID) async throws {
        if let config = try? await read(vmid).config { await unplugNetworks(vmid, config: config) }
        try await unmountAll(vmid)
    }

    /// Runs a command inside a running container and returns what it printed.
    public func execute(_ vmid: VMID, _ argv: [String]) async throws -> CommandResult {
        try await runner.run(lxc("lxc-attach", vmid, ["--clear-env", "--"] + argv))
    }

    /// Removes a stopped container: its volumes (those of its snapshots, pending changes and
    /// `unusedN` entries too; with `unreferencedDisks` also volumes of the VMID on any storage
    /// the config does not name), its lxc directory and its config.
    public func destroy(_ vmid: VMID, unreferencedDisks: Bool = false, log: @Sendable (String) -> Void) async throws {
        try await configs.withLock(vmid) {
            let (config, file) = try await read(vmid)
            if config.isProtected { throw LXCError.protected(vmid) }
            if let lock = config.lock { throw LXCError.locked(vmid, lock) }
            if try await state(vmid).running { throw LXCError.running(vmid) }
            try await unmountAll(vmid)
            var volumes = config.ownedVolumes()
            if unreferencedDisks { volumes += try await unreferencedVolumes(vmid, known: volumes) }
            for volume in volumes {
                try await freeVolume(volume)
                log("removed volume '\(volume)'")
            }
            removeContainerDirectory(vmid)
            FileIO.remove(containerDirectory(vmid) + "/console.log")
            rmdir(containerDirectory(vmid))
            try await store.delete(configPath(vmid), ifRevision: file.revision)
        }
    }

    /// Container volumes of `vmid` on the node's storages that `known` does not list.
    func unreferencedVolumes(_ vmid: VMID, known: [String]) async throws -> [String] {
        var found: [String] = []
        for definition in try await storage.configuration().definitions {
            guard let plugin = try? storage.plugin(for: definition) else { continue }
            for content in [ContentType.rootdir, .images] where storage.content(of: definition).contains(content) {
                let volumes = (try? await plugin.listVolumes(content: content, vmid: vmid)) ?? []
                found += volumes.map(\.volid.description).filter { !known.contains($0) && !found.contains($0) }
            }
        }
        return found
    }
}
