import FaroModel

/// Container failures, in the words Proxmox uses where it has them.
public enum LXCError: Error, Sendable, Equatable, CustomStringConvertible {
    case alreadyExists(VMID)
    case running(VMID)
    case notRunning(VMID)
    case protected(VMID)
    case locked(VMID, String)
    case isTemplate(VMID)
    case invalidOption(String, String)
    case badTemplate(String, String)
    case unsafePath(String)
    case failed(String)

    public var description: String {
        switch self {
        case .alreadyExists(let vmid): return "CT \(vmid) already exists"
        case .running(let vmid): return "CT \(vmid) is running - destroy failed"
        case .notRunning(let vmid): return "CT \(vmid) not running"
        case .protected(let vmid): return "can't remove CT \(vmid) - protection mode enabled"
        case .locked(let vmid, let lock): return "CT \(vmid) is locked (\(lock))"
        case .isTemplate(let vmid): return "CT \(vmid) is a template; it cannot be started"
        case .invalidOption(let key, let message): return "\(key): \(message)"
        case .badTemplate(let template, let reason): return "template '\(template)': \(reason)"
        case .unsafePath(let path): return "refusing to write through a symbolic link in the container: \(path)"
        case .failed(let message): return message
        }
    }
}
