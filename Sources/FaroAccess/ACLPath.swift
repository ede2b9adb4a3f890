/// ACL paths (`/vms/100`, `/storage/local`, `/pool/dev`): normalisation and the shapes the
/// ACL API accepts.
public enum ACLPath {
    /// Collapses `//`, drops a trailing `/`, adds the leading one; nil for illegal characters.
    public static func normalize(_ path: String) -> String? {
        let segments = path.split(separator: "/")
        let allowed = segments.allSatisfy { segment in
            segment.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        }
        return allowed ? "/" + segments.joined(separator: "/") : nil
    }

    /// Whether `path` (normalised) is one the ACL API accepts.
    public static func isValidTarget(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        guard let first = parts.first else { return true }
        switch first {
        case "access":
            if parts.count == 1 { return true }
            return ["groups", "realm"].contains(parts[1]) && parts.count <= 3
        case "nodes", "storage": return parts.count <= 2
        case "vms": return parts.count == 1 || (parts.count == 2 && Int(parts[1]) != nil)
        case "pool": return parts.count <= 4
        case "sdn": return true
        case "mapping": return parts.count <= 3
        default: return false
        }
    }

    /// `/`, `/a`, `/a/b` for `/a/b`.
    static func levels(_ path: String) -> [String] {
        var result = ["/"]
        var current = ""
        for segment in path.split(separator: "/") {
            current += "/" + segment
            result.append(current)
        }
        return result
    }
}
