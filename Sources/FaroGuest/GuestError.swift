import FaroModel

/// Failures of the shared guest core, in Proxmox's words.
public enum GuestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The guest has no config file (at `path`, its store path).
    case notFound(vmid: VMID, path: String)
    /// The digest a client sent is not that of the config as it is now.
    case digestMismatch(vmid: VMID)

    public var description: String {
        switch self {
        case .notFound(_, let path): return "Configuration file '\(path)' does not exist"
        case .digestMismatch: return "detected modified configuration - file changed by other user? Try again."
        }
    }
}
