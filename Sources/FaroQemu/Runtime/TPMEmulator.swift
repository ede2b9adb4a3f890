import FaroModel
import FaroSupport
import Foundation

/// A VM's TPM: Debian's swtpm, one process per running VM, keeping its state in the VM's
/// `tpmstate0` volume and talking to QEMU over `<run>/<vmid>.swtpm`. A state that was never
/// set up is manufactured first with `swtpm_setup` (endorsement key and certificates, as a
/// real TPM leaves the factory); `--not-overwrite` keeps a state that exists, so the keys a
/// guest sealed survive every restart. swtpm ends by itself when QEMU lets go of it
/// (`--terminate`); a leftover is stopped with the VM's other run files.
public struct TPMEmulator: Sendable {
    public static let swtpm = "/usr/bin/swtpm"
    public static let setup = "/usr/bin/swtpm_setup"
    /// The volume Proxmox allocates for a TPM state.
    public static let volumeSizeKiB: UInt64 = 4 * 1024

    let runner: any CommandRunner
    let runDir: String

    public init(runner: any CommandRunner, runDir: String) {
        self.runner = runner
        self.runDir = runDir
    }

    public func socket(_ vmid: VMID) -> String { "\(runDir)/\(vmid).swtpm" }
    func pidFile(_ vmid: VMID) -> String { "\(runDir)/\(vmid).swtpm.pid" }
    func logFile(_ vmid: VMID) -> String { "\(runDir)/\(vmid).swtpm.log" }

    public static func requireInstalled(key: String) throws {
        guard FileManager.default.isExecutableFile(atPath: swtpm), FileManager.default.isExecutableFile(atPath: setup) else {
            throw VMError.parameter(key, "a TPM needs swtpm - install the swtpm and swtpm-tools packages")
        }
    }

    /// Sets the state up if it is new and starts swtpm on the VM's socket.
    public func start(_ vmid: VMID, statePath: String, version: String, log: (String) -> Void) async throws {
        let tpm2 = version == "v2.0"
        await stop(vmid)
        do { try FileIO.makeDirectory(runDir, mode: 0o750) } catch { throw VMError.failed("\(error)") }
        var setup = [
            Self.setup, "--tpmstate", "file://\(statePath)", "--createek", "--create-ek-cert", "--create-platform-cert",
            "--lock-nvram", "--config", "/etc/swtpm_setup.conf", "--runas", "0", "--not-overwrite",
        ]
        if tpm2 { setup += ["--tpm2", "--ecc"] }
        let prepared = try await runner.run(Command(setup[0], Array(setup.dropFirst()), timeout: .seconds(60)))
        // swtpm_setup exits 0 both after manufacturing a state and when one exists already.
        guard prepared.succeeded else {
            throw VMError.failed("unable to set up the TPM state of VM \(vmid) - \(Self.lastLine(prepared))")
        }
        var argv = [
            Self.swtpm, "socket", "--tpmstate", "backend-uri=file://\(statePath),mode=0600",
            "--ctrl", "type=unixio,path=\(socket(vmid)),mode=0600", "--pid", "file=\(pidFile(vmid))",
            "--terminate", "--daemon", "--log", "file=\(logFile(vmid)),level=1",
        ]
        if tpm2 { argv.append("--tpm2") }
        let started = try await runner.run(Command(argv[0], Array(argv.dropFirst()), timeout: .seconds(30)))
        guard started.succeeded, FileIO.exists(socket(vmid)) else {
            let logged = ((try? FileIO.readText(logFile(vmid))) ?? "").split(separator: "\n").last.map(String.init)
            throw VMError.failed("unable to start swtpm for VM \(vmid) - \(logged ?? Self.lastLine(started))")
        }
        log("started swtpm (TPM \(tpm2 ? "2.0" : "1.2")) for VM \(vmid)")
    }

    /// Stops a swtpm that is still there (its VM is gone) and removes its run files.
    public func stop(_ vmid: VMID) async {
        if let text = try? FileIO.readText(pidFile(vmid)), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            Self.isSwtpm(pid)
        {
            kill(pid, SIGTERM)
        }
        for path in [pidFile(vmid), socket(vmid)] { FileIO.remove(path) }
    }

    /// Whether `pid` is a live swtpm (a zombie or a recycled pid is not).
    static func isSwtpm(_ pid: Int32) -> Bool {
        guard let stat = try? FileIO.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        let name = stat[stat.index(after: stat.firstIndex(of: "(")!)..<close]
        let state = stat[stat.index(close, offsetBy: 2)...].first
        return name == "swtpm" && state != "Z" && state != "X"
    }

    static func lastLine(_ result: CommandResult) -> String {
        let text = (result.errorOutput + "\n" + result.output).split(separator: "\n").last.map(String.init) ?? ""
        return text.isEmpty ? "\(result.termination)" : text
    }
}
