import Foundation
/// What a storage may hold, as Proxmox names it in `content`.
public enum ContentType: String, Sendable, CaseIterable, Comparable {
    case images, rootdir, iso, vztmpl, backup, snippets, `import`

    /// The subdirectory of a file-based storage that holds this content.
    public var defaultSubdirectory: String {
        switch self {
        case .images: return "images"
        case .rootdir: return "private"
        case .iso: return "template/iso"
        case .vztmpl: return "template/cache"
        case .backup: return "dump"
        case .snippets: return "snippets"
        case .import: return "import"
        }
    }

    public static func < (lhs: ContentType, rhs: ContentType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses a `content` list (`iso,vztmpl,backup`, or `none`); nil names the bad entry.
    public static func parseList(_ text: String) -> Result<Set<ContentType>, StorageError> {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if items == ["none"] { return .success([]) }
        var result: Set<ContentType> = []
        for item in items {
            if item == "none" { return .failure(.invalidOption("content", "'none' can not be combined with other content types")) }
            guard let type = ContentType(rawValue: item) else {
                return .failure(.invalidOption("content", "invalid content type '\(item)'"))
            }
            result.insert(type)
        }
        return .success(result)
    }

    /// The `content` list as written to storage.cfg: sorted, `none` when empty.
    public static func listText(_ types: Set<ContentType>) -> String {
        types.isEmpty ? "none" : types.sorted().map(\.rawValue).joined(separator: ",")
    }
}

/// A disk image's on-disk format.
public enum VolumeFormat: String, Sendable, CaseIterable {
    case raw, qcow2, vmdk, subvol
}
