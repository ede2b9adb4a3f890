import FaroModel

/// The few facts the resource list shows about a guest, from its config with Proxmox's
/// defaults (512 MiB memory, one core, `VM <vmid>` / `CT<vmid>` names). Each config type
/// computes its own, so the rules for reading a config stay with the type.
public struct GuestSummary: Sendable, Equatable {
    public let name: String
    public let isTemplate: Bool
    public let cpus: Int
    public let memoryBytes: Int
    public let diskBytes: Int
    public let tags: String?
    public let lock: String?

    public init(name: String, isTemplate: Bool, cpus: Int, memoryBytes: Int, diskBytes: Int, tags: String?, lock: String?) {
        self.name = name
        self.isTemplate = isTemplate
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.diskBytes = diskBytes
        self.tags = tags
        self.lock = lock
    }
}
