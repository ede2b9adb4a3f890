import FaroModel

/// Failures of VM operations, in Proxmox's words where Proxmox has them. `parameter` errors
/// name the offending parameter; the API reports them as 400 with that key.
public enum VMError: Error, Sendable, Equatable, CustomStringConvertible {
    case parameter(String, String)
    case alreadyExists(vmid: VMID)
    case locked(vmid: VMID, lock: String)
    case protected(vmid: VMID)
    case running(vmid: VMID, operation: String)
    case template(vmid: VMID)
    case failed(String)

    public var description: String {
        switch self {
        case .parameter(let name, let message): return "\(name): \(message)"
        case .alreadyExists(let vmid): return "unable to create VM \(vmid) - VM \(vmid) already exists"
        case .locked(_, let lock): return "VM is locked (\(lock))"
        case .protected(let vmid): return "can't remove VM \(vmid) - protection mode enabled"
        case .running(let vmid, let operation): return "VM \(vmid) is running - \(operation) failed"
        case .template: return "you can't start a vm if it's a template"
        case .failed(let message): return message
        }
    }
}
