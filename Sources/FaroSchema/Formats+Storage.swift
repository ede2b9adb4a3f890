import FaroModel

extension Formats {
    static let contentTypes: Set<String> = ["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import", "none"]

    static let storageChecks: [String: Check] = [
        "pve-storage-content": { contentTypes.contains($0) ? nil : "invalid content type '\($0)'" },
        "pve-storage-path": { storagePath($0) ? nil : "invalid path '\($0)'" },
        "pve-storage-vgname": { volumeGroupName($0) ? nil : "invalid volume group name '\($0)'" },
        "pve-dir-override": { directoryOverride($0) ? nil : "invalid content directory override '\($0)'" },
        "pve-storage-server": { IPAddress.parse($0) != nil || dnsName($0) ? nil : "invalid server address '\($0)'" },
        "pve-storage-portal-dns": { portal($0) ? nil : "invalid portal '\($0)'" },
        "pve-storage-options": { $0.contains(where: { $0.isWhitespace || $0 == ";" }) ? "invalid options '\($0)'" : nil },
    ]

    /// An absolute path without the characters Proxmox refuses in storage paths.
    static func storagePath(_ s: String) -> Bool {
        s.hasPrefix("/") && !s.contains(where: { $0 == "\0" || $0 == ";" || $0 == "(" || $0 == ")" || $0.isNewline })
    }

    static func volumeGroupName(_ s: String) -> Bool {
        guard let first = s.first, first != "-" else { return false }
        return s.allSatisfy { isAlnum($0) || "._+-".contains($0) }
    }

    /// `content=relative/path`, e.g. `backup=custom/dumps`.
    static func directoryOverride(_ s: String) -> Bool {
        let pair = s.split(separator: "=", maxSplits: 1).map(String.init)
        guard pair.count == 2, contentTypes.contains(pair[0]), pair[0] != "none" else { return false }
        let parts = pair[1].split(separator: "/")
        return !parts.isEmpty && !pair[1].hasPrefix("/")
            && parts.allSatisfy { $0 != "." && $0 != ".." && $0.allSatisfy { isAlnum($0) || "-_.".contains($0) } }
    }

    static func portal(_ s: String) -> Bool {
        var host = Substring(s)
        if let colon = s.lastIndex(of: ":"), !s.hasPrefix("["), s.filter({ $0 == ":" }).count == 1 {
            guard Int(s[s.index(after: colon)...]) != nil else { return false }
            host = s[..<colon]
        }
        return IPAddress.parse(String(host)) != nil || dnsName(String(host))
    }
}
