/// A permission check in Proxmox's prefix notation: privileges on an ACL path whose `{param}`
/// parts come from the request, combined with `and` / `or`.
public indirect enum PermissionCheck: Sendable, CustomStringConvertible {
    /// All of `privileges` (or one of them with `any`) on `path`. With `requireParam`, the check
    /// fails when that parameter is absent.
    case privileges(path: String, [String], any: Bool = false, requireParam: String? = nil)
    case and([PermissionCheck])
    case or([PermissionCheck])
    /// The parameter `param` names the caller itself (e.g. changing one's own password).
    case selfUser(param: String)
    /// The caller holds one of `privileges` on `/access/groups/<g>` for a group of the user
    /// named by `param` (Proxmox's `userid-group`).
    case userInGroupWith(param: String, [String])
    /// The caller may modify permissions on the ACL path in `pathParam`: `Permissions.Modify`,
    /// or the matching allocate privilege on /vms, /storage and /pool paths (`perm-modify`).
    case permissionsModify(pathParam: String)

    public var description: String {
        switch self {
        case .privileges(let path, let privs, let any, let requireParam):
            var text = "perm \(path) [\(privs.joined(separator: ", "))]"
            if any { text += " any" }
            if let requireParam { text += " (requires parameter \(requireParam))" }
            return text
        case .and(let checks): return "and(" + checks.map(\.description).joined(separator: ", ") + ")"
        case .or(let checks): return "or(" + checks.map(\.description).joined(separator: ", ") + ")"
        case .selfUser(let param): return "userid-param self (\(param))"
        case .userInGroupWith(let param, let privs):
            return "userid-group \(param) [\(privs.joined(separator: ", "))]"
        case .permissionsModify(let pathParam): return "perm-modify {\(pathParam)}"
        }
    }
}

/// Who may call a method. Every declaration names one; there is no implicit default.
public enum Permissions: Sendable {
    /// No authentication at all (login, realm list).
    case world
    /// Any authenticated identity; the handler filters what it returns. The text says how.
    case anyUser(filter: String?)
    /// The check must pass before the handler runs.
    case check(PermissionCheck, note: String? = nil)
    /// Only `root@pam` (Proxmox: a method without a permissions entry).
    case rootOnly

    public var summary: String {
        switch self {
        case .world: return "Accessible without authentication."
        case .anyUser(let filter): return filter ?? "Accessible by all authenticated users."
        case .check(let check, let note): return note.map { "\(check) — \($0)" } ?? check.description
        case .rootOnly: return "Only root@pam may call this method."
        }
    }
}

extension Permissions {
    /// Cloning a VM or container (Proxmox's rule for both): `VM.Clone` on the source, and
    /// `VM.Allocate` on the new VMID or on the pool the clone joins.
    static func guestClone(sourcePath: String) -> Permissions {
        .check(
            .and([
                .privileges(path: sourcePath, ["VM.Clone"]),
                .or([
                    .privileges(path: "/vms/{newid}", ["VM.Allocate"]),
                    .privileges(path: "/pool/{pool}", ["VM.Allocate"], requireParam: "pool"),
                ]),
            ]),
            note: "Every storage the clone allocates on also needs 'Datastore.AllocateSpace'.")
    }
}
