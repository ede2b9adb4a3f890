import FaroModel

/// The store lock of one VMID. VMs and containers share it, so a VM and a container with the
/// same VMID (one of them about to be created, say) are never changed at the same time.
public enum GuestLock {
    public static func name(_ vmid: VMID) -> String { "guest-\(vmid)" }
}
