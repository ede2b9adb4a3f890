import FaroConfig
import FaroModel

/// Which guests the vzdump jobs of `jobs.cfg` cover (`/cluster/backup-info/not-backed-up`): a
/// job covers its `vmid` list, or `all` guests less `exclude`, or its `pool`'s members, only on
/// its `node` when it names one. Disabled jobs count too, as in Proxmox.
public enum BackupJobCoverage {
    public struct Guest: Sendable, Equatable {
        public var vmid: VMID
        public var type: String
        public var name: String?
        public var node: String

        public init(vmid: VMID, type: String, name: String?, node: String) {
            self.vmid = vmid
            self.type = type
            self.name = name
            self.node = node
        }
    }

    /// The guests no vzdump job selects.
    public static func uncovered(_ guests: [Guest], jobs: String, pools: [String: Set<VMID>]) -> [Guest] {
        let sections = SectionConfig.parse(jobs).config.sections.filter { $0.type == "vzdump" }
        return guests.filter { guest in !sections.contains { covers($0, guest, pools: pools) } }
    }

    static func covers(_ job: SectionConfig.Section, _ guest: Guest, pools: [String: Set<VMID>]) -> Bool {
        if let node = job["node"], node != guest.node { return false }
        func list(_ key: String) -> Set<VMID> {
            Set((job[key] ?? "").split(whereSeparator: { ",; ".contains($0) }).compactMap { VMID(String($0)) })
        }
        if job["vmid"] != nil { return list("vmid").contains(guest.vmid) }
        if let pool = job["pool"] { return pools[pool]?.contains(guest.vmid) == true }
        if job["all"] == "1" || job["exclude"] != nil { return !list("exclude").contains(guest.vmid) }
        return false
    }
}
