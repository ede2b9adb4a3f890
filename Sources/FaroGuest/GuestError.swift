import FaroModel

/// Failures of the shared guest core, in Proxmox's words.
public enum GuestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The digest a client sent is not that of the config as it is now.
    case digestMismatch(vmid: VMID)

    public var description: String {
        switch self {
        case .digestMismatch: return "detected modified configuration - file changed by other user? Try again."
        }
    }
}
