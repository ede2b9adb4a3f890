import FaroModel
import FaroSupport

/// Why starting or stopping a VM failed. Texts that Proxmox also uses are Proxmox's.
public enum QemuRuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    case alreadyRunning(vmid: VMID)
    case notRunning(vmid: VMID)
    case startFailed(vmid: VMID, reason: String)
    case missingBridge(vmid: VMID, nic: String, bridge: String)
    case networkSetup(vmid: VMID, nic: String, reason: String)
    case shutdownTimedOut(vmid: VMID)
    case stopFailed(vmid: VMID)
    case stateFailed(vmid: VMID, reason: String)

    public var description: String {
        switch self {
        case .alreadyRunning(let vmid): return "VM \(vmid) already running"
        case .notRunning(let vmid): return "VM \(vmid) not running"
        case .startFailed(let vmid, let reason): return "start failed: VM \(vmid): \(reason)"
        case .missingBridge(_, let nic, let bridge): return "bridge '\(bridge)' does not exist (needed by \(nic))"
        case .networkSetup(_, let nic, let reason): return "unable to set up \(nic): \(reason)"
        case .shutdownTimedOut: return "VM quit/powerdown failed - got timeout"
        case .stopFailed(let vmid): return "VM \(vmid) did not stop"
        case .stateFailed(let vmid, let reason): return "VM \(vmid): saving or loading the RAM state failed - \(reason)"
        }
    }
}
