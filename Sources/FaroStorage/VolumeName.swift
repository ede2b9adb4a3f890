import FaroModel

/// A volume ID `<storage>:<volname>`, split strictly: the storage part is a valid storage id
/// and the name is non-empty, free of control characters and NUL.
public struct VolumeID: Sendable, Hashable, CustomStringConvertible {
    public let storage: String
    public let name: String

    public init(storage: String, name: String) {
        self.storage = storage
        self.name = name
    }

    public init(parsing text: String) throws(StorageError) {
        guard let colon = text.firstIndex(of: ":") else { throw .invalidVolumeID(text) }
        let storage = String(text[..<colon])
        let name = String(text[text.index(after: colon)...])
        guard StorageID.isValid(storage), !name.isEmpty,
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw .invalidVolumeID(text) }
        self.init(storage: storage, name: name)
    }

    public var description: String { "\(storage):\(name)" }
}

/// Storage ids, as Proxmox's `pve-storage-id` format: a letter, then letters, digits, `-_.`.
public enum StorageID {
    public static func isValid(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.utf8.count <= 64, first.isASCIILetter else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || "-_.".unicodeScalars.contains($0) }
    }
}

/// What a volume name on a file-based storage means (Proxmox's `parse_volname`).
public struct ParsedVolume: Sendable, Equatable {
    public var content: ContentType
    /// The file name (for linked clones, the clone's own file).
    public var name: String
    public var vmid: VMID?
    /// For linked clones: the base image's file name and owner.
    public var baseName: String?
    public var baseVMID: VMID?
    public var isBase: Bool
    /// `raw`, `qcow2`, `vmdk`, `subvol` for images; the archive kind for others.
    public var format: String

    public init(
        content: ContentType, name: String, vmid: VMID? = nil, baseName: String? = nil, baseVMID: VMID? = nil,
        isBase: Bool = false, format: String
    ) {
        self.content = content
        self.name = name
        self.vmid = vmid
        self.baseName = baseName
        self.baseVMID = baseVMID
        self.isBase = isBase
        self.format = format
    }
}

/// Parsing of volume names as file-based storages lay them out. Every accepted name is a
/// relative path of plain components: no `..`, no empty or hidden components, nothing outside
/// a safe character set, so a parsed name can never resolve outside its storage.
public enum VolumeName {
    public static func parseFileVolume(_ volname: String) throws(StorageError) -> ParsedVolume {
        let parts = volname.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy(isSafeComponent) else { throw .unparsableVolumeName(volname) }
        switch parts.count {
        case 4:
            // <basevmid>/<basename>/<vmid>/<name>: a linked clone.
            guard let baseVMID = VMID(parts[0]), let vmid = VMID(parts[2]),
                let base = imageFile(parts[1], owner: baseVMID), base.isBase,
                let clone = imageFile(parts[3], owner: vmid), !clone.isBase
            else { throw .unparsableVolumeName(volname) }
            return ParsedVolume(
                content: .images, name: parts[3], vmid: vmid, baseName: parts[1], baseVMID: baseVMID, format: clone.format)
        case 2:
            if let vmid = VMID(parts[0]) {
                guard let image = imageFile(parts[1], owner: vmid) else { throw .unparsableVolumeName(volname) }
                return ParsedVolume(
                    content: .images, name: parts[1], vmid: vmid, isBase: image.isBase, format: image.format)
            }
            return try parseTyped(prefix: parts[0], file: parts[1], volname: volname)
        case 3 where parts[0] == "import":
            // import/<x>.ova/<inner disk>
            guard parts[1].lowercased().hasSuffix(".ova"), let ext = fileExtension(parts[2], among: ["qcow2", "raw", "vmdk"])
            else { throw .unparsableVolumeName(volname) }
            return ParsedVolume(content: .import, name: parts[1] + "/" + parts[2], format: "ova+" + ext)
        default:
            if parts.count > 2, parts[0] == "snippets" {
                return ParsedVolume(content: .snippets, name: parts.dropFirst().joined(separator: "/"), format: "snippet")
            }
            throw .unparsableVolumeName(volname)
        }
    }

    static func parseTyped(prefix: String, file: String, volname: String) throws(StorageError) -> ParsedVolume {
        switch prefix {
        case "iso":
            guard fileExtension(file.lowercased(), among: ["iso", "img"]) != nil else { throw .unparsableVolumeName(volname) }
            return ParsedVolume(content: .iso, name: file, format: "iso")
        case "vztmpl":
            guard let kind = templateKind(file) else { throw .unparsableVolumeName(volname) }
            return ParsedVolume(content: .vztmpl, name: file, format: kind)
        case "backup":
            guard let kind = backupKind(file) else { throw .unparsableVolumeName(volname) }
            return ParsedVolume(content: .backup, name: file, vmid: backupOwner(file), format: kind)
        case "snippets":
            return ParsedVolume(content: .snippets, name: file, format: "snippet")
        case "import":
            guard file.unicodeScalars.allSatisfy(isImportNameScalar),
                let ext = fileExtension(file, among: ["ova", "ovf", "qcow2", "raw", "vmdk"])
            else { throw .unparsableVolumeName(volname) }
            return ParsedVolume(content: .import, name: file, format: ext)
        default:
            throw .unparsableVolumeName(volname)
        }
    }

    /// An image file name: `(vm|base|subvol)-<vmid>-<rest>.<fmt>` whose vmid is the owner, or any
    /// other `[base-]<name>.<fmt>`. `snap-*.qcow2` files are snapshot internals, not volumes.
    static func imageFile(_ file: String, owner: VMID) -> (isBase: Bool, format: String)? {
        guard let format = fileExtension(file, among: VolumeFormat.allCases.map(\.rawValue)),
            !file.hasPrefix("snap-")
        else { return nil }
        let stem = file.dropLast(format.count + 1)
        guard !stem.isEmpty else { return nil }
        for prefix in ["vm-", "base-", "subvol-", "basevol-"] where stem.hasPrefix(prefix) {
            let rest = stem.dropFirst(prefix.count)
            if let dash = rest.firstIndex(of: "-"), let id = VMID(String(rest[..<dash])) {
                guard id == owner, rest.index(after: dash) < rest.endIndex else { return nil }
                return (prefix.hasPrefix("base"), format)
            }
        }
        return (stem.hasPrefix("base-"), format)
    }

    /// The kind of a container template archive, or nil.
    public static func templateKind(_ file: String) -> String? {
        let kinds = [("tar.gz", "tgz"), ("tar.xz", "txz"), ("tar.zst", "tzst"), ("tar.bz2", "tbz2"), ("tar", "tar")]
        return kinds.first { file.hasSuffix("." + $0.0) && file.count > $0.0.count + 1 }?.1
    }

    /// The kind of a backup archive (`vma.zst`, `tar.gz`, `tgz`, ...), or nil.
    public static func backupKind(_ file: String) -> String? {
        if file.hasSuffix(".tgz"), file.count > 4 { return "tgz" }
        for base in ["vma", "tar"] {
            for compression in ["", ".gz", ".lzo", ".zst", ".bz2"] {
                let ext = base + compression
                if file.hasSuffix("." + ext), file.count > ext.count + 1 {
                    if base == "vma", compression == ".bz2" { return nil }
                    return ext
                }
            }
        }
        return nil
    }

    /// The guest a standard backup name belongs to: `vzdump-<type>-<vmid>-...`.
    static func backupOwner(_ file: String) -> VMID? {
        let parts = file.split(separator: "-", maxSplits: 3)
        guard parts.count >= 3, parts[0] == "vzdump", ["qemu", "lxc", "openvz"].contains(parts[1]) else { return nil }
        return VMID(String(parts[2]))
    }

    static func fileExtension(_ file: String, among extensions: [String]) -> String? {
        extensions.first { file.hasSuffix("." + $0) && file.count > $0.count + 1 }
    }

    /// One path component: printable ASCII without `/`, `\`, spaces at the edges, or a leading dot.
    static func isSafeComponent(_ component: String) -> Bool {
        guard !component.isEmpty, component.utf8.count <= 255, !component.hasPrefix("."),
            component.trimmingCharacters(in: .whitespaces) == component
        else { return false }
        return component.unicodeScalars.allSatisfy { scalar in
            (0x20..<0x7F).contains(scalar.value) && scalar != "\\" && scalar != "/"
        }
    }

    static func isImportNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCIILetter || scalar.isASCIIDigit || " -.+=_".unicodeScalars.contains(scalar)
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
