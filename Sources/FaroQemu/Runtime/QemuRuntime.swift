#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroQMP
import FaroSupport

/// Starts, stops and watches QEMU processes. QEMU daemonizes into its own session and leaves
/// a pid file and a QMP socket under `runDir`; that is all the state there is, so a new daemon
/// finds running VMs again (re-adoption) by reading the same files.
public actor QemuRuntime {
    public let runDir: String
    let runner: any CommandRunner
    let taps: TapDevices
    let proc: String
    /// Changes whenever this runtime starts or stops a VM, so caches of run states know.
    public private(set) var generation = 0

    public init(runDir: String, runner: any CommandRunner, taps: TapDevices? = nil, proc: String = "/proc") {
        self.runDir = runDir
        self.runner = runner
        self.taps = taps ?? TapDevices(runner: runner)
        self.proc = proc
    }

    public nonisolated func pidFile(_ vmid: VMID) -> String { "\(runDir)/\(vmid).pid" }
    public nonisolated func qmpSocket(_ vmid: VMID) -> String { "\(runDir)/\(vmid).qmp" }
    public nonisolated func vncSocket(_ vmid: VMID) -> String { "\(runDir)/\(vmid).vnc" }
    /// The UEFI variables a `bios: ovmf` VM without `efidisk0` gets at each start.
    public nonisolated func temporaryEFIVariables(_ vmid: VMID) -> String { "\(runDir)/\(vmid).efivars" }

    public func process(_ vmid: VMID) -> QemuProcess? { QemuProcess.find(vmid: vmid, pidFile: pidFile(vmid), proc: proc) }

    /// The word after `option` on the running VM's command line, such as its `-cpu` model.
    public func runningArgument(_ vmid: VMID, after option: String) -> String? {
        process(vmid)?.argument(after: option, proc: proc)
    }

    /// Runs the argv (which must `-daemonize`) after plugging the NICs; returns once QEMU runs.
    public func start(vmid: VMID, argv: [String], nets: [NetDevice], timeout: Duration = .seconds(30)) async throws {
        if process(vmid) != nil { throw QemuRuntimeError.alreadyRunning(vmid: vmid) }
        do {
            try FileIO.makeDirectory(runDir, mode: 0o750)
        } catch {
            throw QemuRuntimeError.startFailed(vmid: vmid, reason: error.description)
        }
        removeRuntimeFiles(vmid)
        generation += 1
        try await taps.create(vmid: vmid, nets: nets)
        let result: CommandResult
        do {
            result = try await runner.run(Command(argv[0], Array(argv.dropFirst()), timeout: timeout))
        } catch {
            await cleanup(vmid: vmid, nets: nets)
            throw QemuRuntimeError.startFailed(vmid: vmid, reason: error.description)
        }
        guard result.succeeded, process(vmid) != nil else {
            await cleanup(vmid: vmid, nets: nets)
            let message = result.errorOutput.split(separator: "\n").suffix(3).joined(separator: "\n")
            throw QemuRuntimeError.startFailed(vmid: vmid, reason: message.isEmpty ? "\(result.termination)" : message)
        }
        for net in nets where net.linkDown {
            try? await withMonitor(vmid) { try await $0.execute("set_link", arguments: ["name": .string(net.key), "up": false]) }
        }
        if argv.contains(where: { $0.hasPrefix("virtio-balloon") }) { await enableGuestMemoryStatistics(vmid) }
    }

    /// Connects to the VM's monitor for one exchange.
    public func withMonitor<T: Sendable>(_ vmid: VMID, _ body: (QMPClient) async throws -> T) async throws -> T {
        guard process(vmid) != nil else { throw QemuRuntimeError.notRunning(vmid: vmid) }
        let client = try await QMPClient.connect(socketPath: qmpSocket(vmid))
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// Hard stop: QMP `quit`, then SIGTERM, then SIGKILL, each after `timeout` / 10 s.
    public func stop(vmid: VMID, nets: [NetDevice], timeout: Duration = .seconds(60)) async throws {
        guard let process = process(vmid) else {
            await cleanup(vmid: vmid, nets: nets)
            return
        }
        try? await withMonitor(vmid) { try await $0.quit() }
        if !(await process.waitForExit(timeout: timeout, proc: proc)) {
            process.signal(SIGTERM)
            if !(await process.waitForExit(timeout: .seconds(10), proc: proc)) {
                process.signal(SIGKILL)
                guard await process.waitForExit(timeout: .seconds(5), proc: proc) else { throw QemuRuntimeError.stopFailed(vmid: vmid) }
            }
        }
        await cleanup(vmid: vmid, nets: nets)
    }

    /// ACPI power button; waits `timeout` for the guest to power off. With `forceStop` a guest
    /// that does not react is stopped hard, otherwise the timeout is an error and the VM runs on.
    public func shutdown(vmid: VMID, nets: [NetDevice], timeout: Duration, forceStop: Bool) async throws {
        guard let process = process(vmid) else { throw QemuRuntimeError.notRunning(vmid: vmid) }
        try await withMonitor(vmid) { try await $0.systemPowerdown() }
        if await process.waitForExit(timeout: timeout, proc: proc) {
            await cleanup(vmid: vmid, nets: nets)
            return
        }
        // A stopped shutdown task leaves the VM running, even with forceStop.
        try Task.checkCancellation()
        guard forceStop else { throw QemuRuntimeError.shutdownTimedOut(vmid: vmid) }
        try await stop(vmid: vmid, nets: nets, timeout: .seconds(10))
    }

    /// Removes the leftovers of a VM that is not running: taps, sockets, the pid file.
    public func cleanup(vmid: VMID, nets: [NetDevice]) async {
        guard process(vmid) == nil else { return }
        let configured = nets.filter { $0.bridge != nil }.map { $0.tapName(vmid: vmid) }
        await taps.remove(Array(Set(configured + taps.existing(vmid: vmid))).sorted())
        for index in taps.firewallBridges(vmid: vmid) { await taps.ports.unplugFirewallBridge(vmid: vmid, index: index) }
        removeRuntimeFiles(vmid)
        await TPMEmulator(runner: runner, runDir: runDir).stop(vmid)
        FileIO.remove(temporaryEFIVariables(vmid))
        generation += 1
    }

    func removeRuntimeFiles(_ vmid: VMID) {
        for suffix in ["pid", "qmp", "vnc", "qga", "serial0", "serial1", "serial2", "serial3"] {
            FileIO.remove("\(runDir)/\(vmid).\(suffix)")
        }
    }
}
