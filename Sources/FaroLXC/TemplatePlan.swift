/// What may come out of a template archive, decided from all its members before anything is
/// written. Each member is judged by its normalised path and its type, never by how its name is
/// spelled (`dev/x`, `./dev/x`, `.//dev/x` and `dev//x` are one path):
/// - a path that is absolute or has a `..` component is refused;
/// - everything below `/dev` is skipped, whatever it is (lxc gives the container its own `/dev`,
///   and Proxmox leaves `./dev/*` out too);
/// - a device node anywhere else is refused, so is a hard link into `/dev` (its target is
///   skipped, and a device can only be there);
/// - a member, or a hard link's target, below a symbolic link of the archive is refused, so a
///   link cannot lead a later member out of the rootfs.
struct TemplatePlan: Sendable, Equatable {
    /// Member names as stored, for tar's `--exclude`.
    var skipped: [String]

    /// Beyond this many members below `/dev` the archive is refused rather than handed to tar
    /// as that many arguments.
    static let skipLimit = 4096

    /// Judges `entries` (the listing of `archive`, named in errors).
    init(_ entries: [TemplateEntry], archive: String) throws(LXCError) {
        var symbolicLinks: Set<String> = []
        for entry in entries where entry.kind == .symbolicLink {
            symbolicLinks.insert(try Self.normalised(entry.name, archive: archive).joined(separator: "/"))
        }
        var skipped: [String] = []
        for entry in entries {
            let path = try Self.normalised(entry.name, archive: archive)
            if Self.isBelowDev(path) {
                skipped.append(entry.name)
                continue
            }
            if let link = Self.symbolicLink(above: path, in: symbolicLinks) {
                throw .badTemplate(archive, "'\(entry.name)' lies below the symbolic link '\(link)'")
            }
            switch entry.kind {
            case .characterDevice, .blockDevice:
                throw .badTemplate(archive, "device node '\(entry.name)' outside /dev")
            case .hardLink:
                let target = try Self.normalised(entry.link ?? "", archive: archive)
                if Self.isBelowDev(target) {
                    throw .badTemplate(archive, "hard link '\(entry.name)' to '\(entry.link ?? "")' in /dev")
                }
                if let link = Self.symbolicLink(above: target, in: symbolicLinks) {
                    throw .badTemplate(archive, "hard link '\(entry.name)' leads through the symbolic link '\(link)'")
                }
            case .file, .directory, .symbolicLink, .fifo:
                break
            }
        }
        guard skipped.count <= Self.skipLimit else {
            throw .badTemplate(archive, "more than \(Self.skipLimit) members below /dev")
        }
        self.skipped = skipped
    }

    /// The components of a member name relative to the rootfs, without empty and `.` ones:
    /// `.//dev//mem` is `["dev", "mem"]`.
    static func normalised(_ name: String, archive: String) throws(LXCError) -> [Substring] {
        if name.hasPrefix("/") { throw .badTemplate(archive, "absolute path '\(name)' in archive") }
        let components = name.split(separator: "/").filter { $0 != "." }
        if components.contains("..") { throw .badTemplate(archive, "path '\(name)' leaves the root") }
        return components
    }

    static func isBelowDev(_ path: [Substring]) -> Bool {
        path.count > 1 && path[0] == "dev"
    }

    /// The nearest symbolic link of the archive that `path` would be reached through.
    static func symbolicLink(above path: [Substring], in links: Set<String>) -> String? {
        guard !links.isEmpty, path.count > 1 else { return nil }
        var prefix = ""
        for component in path.dropLast() {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            if links.contains(prefix) { return prefix }
        }
        return nil
    }
}
