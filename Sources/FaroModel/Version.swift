/// What `/version` reports. The Proxmox-compatible version makes clients choose their modern
/// code paths (async resize, `overrule-shutdown`, `allow-move`); Faro's own version is beside it.
public enum FaroVersion {
    public static let faro = "0.1.0"
    public static let compatibleRelease = "8.4"
    public static let compatibleVersion = "8.4.1"
    public static let repoID = "fa70f001"
    /// The node status's `pveversion`, in Proxmox's `pve-manager/<version>/<repoid>` shape
    /// (tools split it at the slashes); Faro's own version is `/version`'s `faro` field.
    public static var managerString: String { "pve-manager/\(compatibleVersion)/\(repoID)" }
}
