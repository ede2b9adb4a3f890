import FaroModel

/// Errors from running VMs. The texts of the cases that Proxmox also reports are Proxmox's.
public enum QemuError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A `kvm: 1` VM on a node where the KVM probe failed; refused instead of left hanging.
    case kvmNotAvailable(vmid: VMID, reason: KVMUnavailableReason)

    public var description: String {
        switch self {
        case .kvmNotAvailable:
            return "KVM virtualisation configured, but not available. Either disable in VM configuration or enable in BIOS."
        }
    }
}

extension KVMAvailability {
    /// Throws Proxmox's refusal when a VM that wants KVM (`kvm` unset or 1) cannot have it.
    public func requireForStart(vmid: VMID, kvmEnabled: Bool) throws(QemuError) {
        guard kvmEnabled, case .unavailable(let reason) = self else { return }
        throw .kvmNotAvailable(vmid: vmid, reason: reason)
    }
}
