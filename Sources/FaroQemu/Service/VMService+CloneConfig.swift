import FaroConfig
import FaroModel
import Foundation

/// The new VM's config and the source's shared `lock: clone`.
extension VMService {
    /// Options a clone never inherits: the source's state, history and detached disks.
    static let uninheritedOptions: Set<String> = ["lock", "parent", "snaptime", "vmstate", "template", "runningmachine", "runningcpu"]

    /// The source's options with a new name, description, MACs, SMBIOS UUID, vmgenid and
    /// `meta`; no pending changes, snapshots or `unused[n]`.
    func newCloneConfig(_ base: VMConfig, vmid: VMID, request: VMCloneRequest, datacenter: DatacenterConfig) throws -> VMConfig {
        var config = VMConfig()
        for (key, value) in base.options where !Self.uninheritedOptions.contains(key) && !key.hasPrefix("unused") {
            config[key] = value
        }
        config.description = request.description ?? base.description
        config["name"] = request.name ?? "Copy-of-VM-\(base["name"] ?? vmid.description)"
        for var net in try base.nets() {
            net.macAddress = datacenter.randomMAC()
            config[net.key] = net.text
        }
        config["smbios1"] = Self.withNewUUID(base["smbios1"])
        if let generation = base["vmgenid"], generation != "0" { config["vmgenid"] = UUID().uuidString.lowercased() }
        config["meta"] = "creation-qemu=\(qemuVersion),ctime=\(clock())"
        return config
    }

    /// `smbios1` with a fresh `uuid=`, the other fields as they were.
    public static func withNewUUID(_ smbios: String?) -> String {
        let kept = (smbios ?? "").split(separator: ",").filter { !$0.hasPrefix("uuid=") && !$0.isEmpty }.map(String.init)
        return (["uuid=\(UUID().uuidString.lowercased())"] + kept).joined(separator: ",")
    }

    /// Sets `lock: clone` on the source, or joins a clone of this daemon that already holds it.
    func acquireCloneLock(_ vmid: VMID) async throws {
        let leases = cloneLeases
        try await update(vmid) { config in
            let holders = await leases.count(vmid)
            let joining = config.lock == "clone" && holders > 0
            try Self.checkLock(config, vmid: vmid, skiplock: joining)
            config["lock"] = "clone"
            await leases.acquire(vmid)
        }
    }

    func releaseCloneLock(_ vmid: VMID) async {
        guard await cloneLeases.release(vmid) else { return }
        try? await update(vmid) { config in
            if config.lock == "clone" { config["lock"] = nil }
        }
    }
}
