#if canImport(Glibc)
import Glibc
#endif
import FaroSupport

/// Decides whether KVM really runs guests on this node. Opening `/dev/kvm` is not enough: in
/// nested setups the device opens and real-mode code runs, yet every Linux guest hangs once
/// it switches to long mode. So the probe boots a real kernel under KVM with no disk and no
/// initramfs; a working KVM gets it through the whole boot to its "no root file system"
/// panic, after which `panic=-1` reboots and `-no-reboot` makes QEMU exit — about a second.
/// A broken KVM prints nothing, and the probe kills QEMU when `timeout` passes. It never
/// waits longer than that.
public struct KVMProbe: Sendable {
    /// Printed by the guest kernel at the end of its boot, when it finds no root file system.
    public static let bootMarker = "Kernel panic - not syncing"

    public let runner: any CommandRunner
    /// The KVM device, `/dev/kvm` on a real node.
    public let devicePath: String
    /// A bootable x86-64 Linux kernel (the node's `/boot/vmlinuz-*`, or the test kernel).
    public let kernel: String
    public let qemu: String
    public let timeout: Duration
    /// `kvm` for the probe; tests use `tcg` to check that the guest itself boots.
    public let accelerator: String

    public init(
        runner: any CommandRunner, devicePath: String, kernel: String, qemu: String = "qemu-system-x86_64",
        timeout: Duration = .seconds(15), accelerator: String = "kvm"
    ) {
        self.runner = runner
        self.devicePath = devicePath
        self.kernel = kernel
        self.qemu = qemu
        self.timeout = timeout
        self.accelerator = accelerator
    }

    /// The QEMU invocation: one vCPU, the default CPU model (`-cpu host` aborts on some
    /// nested hosts), no devices but the serial console on stdout.
    public var command: Command {
        Command(
            qemu,
            [
                "-accel", accelerator, "-m", "128", "-smp", "1", "-nodefaults", "-display", "none", "-no-reboot",
                "-serial", "stdio", "-kernel", kernel, "-append", "console=ttyS0 panic=-1 quiet",
            ], timeout: timeout)
    }

    public func probe() async -> KVMAvailability {
        if accelerator == "kvm", let problem = Self.checkDevice(devicePath) { return .unavailable(problem) }
        guard access(kernel, R_OK) == 0 else { return .unavailable(.noProbeKernel(path: kernel)) }
        do {
            return Self.interpret(try await runner.run(command))
        } catch .notFound(let command) {
            return .unavailable(.qemuMissing(executable: command.executable))
        } catch {
            return .unavailable(.qemuFailed(reason: error.description))
        }
    }

    /// nil when the device opens read-write, as QEMU needs it.
    static func checkDevice(_ path: String) -> KVMUnavailableReason? {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        if fd >= 0 {
            close(fd)
            return nil
        }
        let code = errno
        if code == ENOENT { return .noDevice(path: path) }
        return .cannotOpen(path: path, reason: String(cString: strerror(code)))
    }

    /// What a finished probe run means.
    static func interpret(_ result: CommandResult) -> KVMAvailability {
        switch result.termination {
        case .timedOut(let limit):
            return .unavailable(.guestHung(after: limit))
        case .exited(0) where result.output.contains(bootMarker):
            return .available
        case .exited(0):
            return .unavailable(.guestFailed(output: Self.tail(result.output)))
        default:
            let message = Self.tail(result.errorOutput)
            return .unavailable(.qemuFailed(reason: "\(result.termination)" + (message.isEmpty ? "" : ": " + message)))
        }
    }

    static func tail(_ text: String) -> String {
        text.split(separator: "\n").suffix(3).joined(separator: " | ")
    }
}
