/// Why a store operation failed. The API layer turns these into Proxmox's messages.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case alreadyExists(path: String)
    /// A guest config for this VMID exists elsewhere (`existing`).
    case vmidInUse(vmid: Int, existing: String)
    case revisionMismatch(path: String)
    case invalidPath(String)
    case tooLarge(path: String, size: Int)
    case lockTimeout(name: String)
    case lockLost(name: String)
    /// The lease ran out (its owner stopped renewing it) or was revoked; what was published
    /// under it is gone.
    case leaseExpired(id: Int64)
    case noQuorum
    case backend(String)

    public var description: String {
        switch self {
        case .notFound(let path): return "file '\(path)' does not exist"
        case .alreadyExists(let path): return "file '\(path)' already exists"
        case .vmidInUse(let vmid, let existing): return "VM \(vmid) already exists ('\(existing)')"
        case .revisionMismatch(let path): return "file '\(path)' was changed by someone else"
        case .invalidPath(let path): return "invalid store path '\(path)'"
        case .tooLarge(let path, let size): return "file '\(path)' is too large (\(size) bytes, limit 1 MiB)"
        case .lockTimeout(let name): return "can't lock '\(name)' - got timeout"
        case .lockLost(let name): return "lock '\(name)' was lost"
        case .leaseExpired(let id): return "lease \(id) expired"
        case .noQuorum: return "cluster not ready - no quorum?"
        case .backend(let message): return message
        }
    }
}

/// Rules every backend applies to paths and sizes.
public enum StorePath {
    public static let maxFileSize = 1 << 20

    /// Relative, `/`-separated, no empty, `.` or `..` segments, no NUL or control characters.
    public static func validate(_ path: String) throws(StoreError) {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.hasSuffix("/"), path.utf8.count <= 4096 else {
            throw .invalidPath(path)
        }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard !segment.isEmpty, segment != ".", segment != "..",
                !segment.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            else { throw .invalidPath(path) }
        }
    }

    /// The VMID of a guest config path (`nodes/<node>/{qemu-server,lxc,openvz}/<vmid>.conf`).
    public static func guestVMID(_ path: String) -> Int? {
        StoreLayout.guestConfig(path)?.vmid.rawValue
    }

    /// Normalises a directory argument to a prefix: "" for the root, else "dir/".
    public static func directoryPrefix(_ directory: String) -> String {
        var trimmed = Substring(directory)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed.isEmpty ? "" : trimmed + "/"
    }
}
