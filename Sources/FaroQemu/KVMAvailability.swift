/// Whether this node can start `kvm: 1` guests; the daemon probes once at start.
public enum KVMAvailability: Sendable, Hashable, CustomStringConvertible {
    case available
    case unavailable(KVMUnavailableReason)

    public var isAvailable: Bool { self == .available }

    public var description: String {
        switch self {
        case .available: return "available"
        case .unavailable(let reason): return "unavailable: \(reason)"
        }
    }
}

/// Why KVM cannot be used, for the node status and the daemon log.
public enum KVMUnavailableReason: Sendable, Hashable, CustomStringConvertible {
    /// No KVM device: no virtualization extensions, or the kvm module is not loaded.
    case noDevice(path: String)
    case cannotOpen(path: String, reason: String)
    case qemuMissing(executable: String)
    /// No kernel to boot, so KVM could not be verified; treated as unavailable to be safe.
    case noProbeKernel(path: String)
    /// QEMU refused to start with KVM (it prints why).
    case qemuFailed(reason: String)
    /// The probe guest did not finish booting in time: the nested-virtualization hang.
    case guestHung(after: Duration)
    /// QEMU exited without the guest reaching the end of its boot.
    case guestFailed(output: String)

    public var description: String {
        switch self {
        case .noDevice(let path): return "\(path) does not exist"
        case .cannotOpen(let path, let reason): return "cannot open \(path): \(reason)"
        case .qemuMissing(let executable): return "\(executable) is not installed"
        case .noProbeKernel(let path): return "no kernel at \(path) to probe KVM with"
        case .qemuFailed(let reason): return "QEMU cannot use KVM: \(reason)"
        case .guestHung(let after): return "a long-mode guest hung under KVM (no boot within \(after))"
        case .guestFailed(let output): return "the probe guest stopped early: \(output)"
        }
    }
}
