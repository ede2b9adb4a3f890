import FaroModel
import FaroStore
import FaroQMP
import FaroSupport

/// Start, stop, shutdown, reboot, reset, suspend, resume.
extension VMService {
    /// Checks that run before a start task: exists, unlocked, not a template, not running,
    /// and KVM where the VM wants it.
    public func checkStart(_ vmid: VMID, skiplock: Bool) async throws {
        let config = try await read(vmid).config
        try Self.checkLock(config, vmid: vmid, skiplock: skiplock)
        if config.isTemplate { throw VMError.template(vmid: vmid) }
        if await isRunning(vmid) { throw QemuRuntimeError.alreadyRunning(vmid: vmid) }
        let effective = config.hasPending ? { var copy = config; copy.applyPending(); return copy }() : config
        try await kvm.availability.requireForStart(vmid: vmid, kvmEnabled: effective.kvmEnabled)
    }

    /// Starts the VM; with `restore` it continues from a saved RAM state instead of booting.
    /// `paused` leaves it in QEMU's prelaunch state (`-S`) until a `cont` (vzdump's stop mode
    /// sets its backup up there).
    public func start(
        _ vmid: VMID, skiplock: Bool, timeout: Duration? = nil, restoring restore: SavedVMState? = nil, paused: Bool = false,
        log: @Sendable (String) -> Void = { _ in }
    ) async throws {
        try await checkStart(vmid, skiplock: skiplock)
        var config = try await read(vmid).config
        if config.hasPending {
            let freed = try await update(vmid) { config in config.applyPending() }
            await free(freed, log: log)
            config = try await read(vmid).config
        }
        if config.usesOVMF { try prepareFirmware(vmid, config, log: log) }
        try await regenerateCloudInit(vmid, log: log)
        var argv = try await command(vmid, restoring: restore)
        if paused && !argv.contains("-S") { argv.append("-S") }
        let startTimeout = timeout ?? .seconds(max(30, config.memoryMiB / 1024))
        let nets = try config.nets()
        let tpm = TPMEmulator(runner: runtime.runner, runDir: runtime.runDir)
        if let state = try config.tpmState(), let volume = state.volumeID {
            let path = try await resolveVolumes(config)[volume] ?? ""
            try await tpm.start(vmid, statePath: path, version: state.values["version"] ?? "v1.2", log: log)
        }
        do {
            try await runtime.start(vmid: vmid, argv: argv, nets: nets, timeout: startTimeout)
        } catch {
            await tpm.stop(vmid)
            throw error
        }
        if restore != nil {
            do {
                try await runtime.resumeIncoming(vmid: vmid, timeout: .seconds(max(60, config.memoryMiB / 32)))
            } catch {
                try? await runtime.stop(vmid: vmid, nets: nets, timeout: .seconds(10))
                throw error
            }
        }
        // `balloon` below `memory`: the balloon driver gives the difference back to the host.
        if let balloon = config["balloon"].flatMap(Int.init), balloon > 0, balloon < config.memoryMiB {
            do {
                _ = try await runtime.withMonitor(vmid) { try await $0.execute("balloon", arguments: ["value": .int(balloon << 20)]) }
            } catch {
                log("WARN: could not set the balloon target to \(balloon) MiB: \(error)")
            }
        }
    }

    /// Checks the OVMF images are there; without `efidisk0` the VM gets fresh variables from
    /// the template (what it changes is lost when it stops).
    func prepareFirmware(_ vmid: VMID, _ config: VMConfig, log: @Sendable (String) -> Void) throws {
        let efiDisk = try config.efiDisk()
        let firmware = OVMFFirmware(efiDisk, q35: config.isQ35)
        guard FileIO.exists(firmware.code) else {
            throw VMError.failed("OVMF firmware '\(firmware.code)' not found - is the ovmf package installed?")
        }
        guard efiDisk == nil else { return }
        log("WARN: no efidisk configured! Using temporary efivars disk.")
        do {
            try FileIO.makeDirectory(runtime.runDir, mode: 0o750)
            try FileIO.writeAtomically(
                runtime.temporaryEFIVariables(vmid),
                try FileIO.read(firmware.variablesTemplate), mode: 0o600)
        } catch {
            throw VMError.failed("unable to create the temporary EFI vars - \(error)")
        }
    }

    /// Hard stop; a stopped VM is fine. Pending changes apply afterwards.
    public func stop(_ vmid: VMID, skiplock: Bool, timeout: Duration = .seconds(60)) async throws {
        let config = try await read(vmid).config
        try Self.checkLock(config, vmid: vmid, skiplock: skiplock)
        try await runtime.stop(vmid: vmid, nets: try config.nets(), timeout: timeout)
        try await applyPendingAfterStop(vmid)
    }

    /// The shutdown timeout: the parameter, else `startup: down=`, else 60 s.
    func shutdownTimeout(_ config: VMConfig, requested: Int?) -> Duration {
        .seconds(requested ?? config.startup["down"] ?? 60)
    }

    public func shutdown(_ vmid: VMID, skiplock: Bool, timeout: Int?, forceStop: Bool) async throws {
        let config = try await read(vmid).config
        try Self.checkLock(config, vmid: vmid, skiplock: skiplock)
        guard await isRunning(vmid) else { throw QemuRuntimeError.notRunning(vmid: vmid) }
        if !forceStop, let status = try? await runtime.withMonitor(vmid, { try await $0.queryStatus() }), status.status == "paused" {
            throw VMError.failed("VM \(vmid) is paused - cannot shutdown")
        }
        try await runtime.shutdown(
            vmid: vmid, nets: try config.nets(), timeout: shutdownTimeout(config, requested: timeout), forceStop: forceStop)
        try await applyPendingAfterStop(vmid)
    }

    /// Shutdown and start again, so pending changes take effect (what Proxmox does too).
    public func reboot(_ vmid: VMID, timeout: Int?, log: @Sendable (String) -> Void = { _ in }) async throws {
        try await shutdown(vmid, skiplock: false, timeout: timeout, forceStop: false)
        try await start(vmid, skiplock: false, log: log)
    }

    /// Reset, suspend (pause) and resume: one QMP command each on a running VM.
    public func monitorAction(_ vmid: VMID, skiplock: Bool, _ action: MonitorAction) async throws {
        let config = try await read(vmid).config
        try Self.checkLock(config, vmid: vmid, skiplock: skiplock)
        guard await isRunning(vmid) else { throw QemuRuntimeError.notRunning(vmid: vmid) }
        try await runtime.withMonitor(vmid) { client in
            switch action {
            case .reset: try await client.systemReset()
            case .suspend: try await client.stop()
            case .resume:
                let status = try await client.queryStatus()
                if status.status == "suspended" {
                    try await client.execute("system_wakeup")
                } else {
                    try await client.cont()
                }
            }
        }
    }

    /// A VM whose QEMU ended behind our back (crash, kill, guest power-off) leaves its pid
    /// file, sockets and taps; this removes them and applies pending changes, as a stop would.
    /// Returns whether there was anything to clean up.
    @discardableResult
    public func reapIfGone(_ vmid: VMID) async -> Bool {
        guard FileIO.exists(runtime.pidFile(vmid)), await !isRunning(vmid), let config = try? await read(vmid).config else {
            return false
        }
        await runtime.cleanup(vmid: vmid, nets: (try? config.nets()) ?? [])
        try? await applyPendingAfterStop(vmid)
        return true
    }

    /// Without quorum the changes stay pending (nothing can be written); the next stop or
    /// start applies them.
    func applyPendingAfterStop(_ vmid: VMID) async throws {
        guard try await read(vmid).config.hasPending else { return }
        do {
            let freed = try await update(vmid) { config in config.applyPending() }
            await free(freed) { _ in }
        } catch StoreError.noQuorum {
            return
        }
    }

    /// Starts the `onboot` VMs in `startup` order (VMID within one order), waiting `up=`
    /// seconds after each where set. Failures are reported and skipped.
    public func startOnBoot(log: @Sendable (String) -> Void) async {
        var candidates: [(order: Int, vmid: VMID, up: Int)] = []
        for vmid in (try? await list()) ?? [] {
            guard let config = try? await read(vmid).config, config.startsOnBoot, !config.isTemplate, await !isRunning(vmid) else { continue }
            candidates.append((config.startup["order"] ?? Int.max, vmid, config.startup["up"] ?? 0))
        }
        for candidate in candidates.sorted(by: { ($0.order, $0.vmid) < ($1.order, $1.vmid) }) {
            do {
                try await start(candidate.vmid, skiplock: false, log: log)
                if candidate.up > 0 { try? await Task.sleep(for: .seconds(candidate.up)) }
            } catch {
                log("VM \(candidate.vmid): start at boot failed - \(error)")
            }
        }
    }
}

public enum MonitorAction: Sendable {
    case reset, suspend, resume
}
