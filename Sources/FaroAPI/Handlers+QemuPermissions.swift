import FaroGuestSchema
import FaroQemu

/// Proxmox's per-option privileges for VM config changes: the method lets anyone with one
/// `VM.Config.*` privilege in, then each changed option needs its own.
extension Handlers {
    static let cpuOptions: Set<String> = ["cores", "sockets", "vcpus", "cpu", "cpulimit", "cpuunits", "affinity", "numa", "smp"]
    static let memoryOptions: Set<String> = ["memory", "balloon", "shares"]
    static let cloudinitOptions: Set<String> = [
        "ciuser", "cipassword", "citype", "cicustom", "ciupgrade", "nameserver", "searchdomain", "sshkeys",
    ]
    static let plainOptions: Set<String> = [
        "name", "description", "onboot", "startup", "tags", "protection", "lock", "ostype", "boot", "bootdisk", "hookscript",
        "template", "keyboard", "localtime", "tablet", "acpi", "agent", "reboot", "startdate", "migrate_downtime", "migrate_speed",
        "autostart", "freeze", "kvm",
    ]

    /// The privilege changing `key` needs, given its new value (CD-ROMs differ from disks).
    static func configPrivilege(_ key: String, value: String?) -> String {
        if cpuOptions.contains(key) { return "VM.Config.CPU" }
        if memoryOptions.contains(key) { return "VM.Config.Memory" }
        if cloudinitOptions.contains(key) || key.hasPrefix("ipconfig") { return "VM.Config.Cloudinit" }
        if plainOptions.contains(key) { return "VM.Config.Options" }
        if let (bus, _) = VMOptions.splitIndexed(key) {
            if bus == "net" { return "VM.Config.Network" }
            if bus == "unused" { return "VM.Config.Disk" }
            if VMOptions.driveBuses.contains(bus) {
                return (value.flatMap { try? Drive(key: key, text: $0) }?.isCDROM ?? false) ? "VM.Config.CDROM" : "VM.Config.Disk"
            }
        }
        if key == "cdrom" { return "VM.Config.CDROM" }
        return "VM.Config.HWType"
    }

    static func requireConfigPrivileges(_ request: APIRequest, _ services: NodeServices, set: [String: String], deleted: [String])
        async throws
    {
        let path = try "/vms/\(vmid(request))"
        for (key, value) in set {
            try await requirePrivilege(services, request.identity, configPrivilege(key, value: value), on: path)
            if let allocation = (try? Drive(key: key, text: value))?.allocationRequest {
                try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(allocation.storage)")
            }
        }
        for key in deleted { try await requirePrivilege(services, request.identity, configPrivilege(key, value: nil), on: path) }
    }
}
