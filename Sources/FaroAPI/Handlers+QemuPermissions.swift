import FaroGuestSchema
import FaroModel
import FaroQemu
import FaroStorage

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
            let drive = try? Drive(key: key, text: value)
            if let allocation = drive?.allocationRequest {
                try await requirePrivilege(services, request.identity, "Datastore.AllocateSpace", on: "/storage/\(allocation.storage)")
            }
            if let source = drive?.values["import-from"] {
                try await requireVolumeAccess(services, request.identity, source, vmid: try vmid(request))
            }
        }
        for key in deleted { try await requirePrivilege(services, request.identity, configPrivilege(key, value: nil), on: path) }
    }

    /// Who may read a volume to copy it (Proxmox's rules): an absolute path only root; an
    /// `import` volume (or ISO, template) who may see or fill its storage; the VM's own disks
    /// whoever configures the VM; anything else a storage administrator.
    static func requireVolumeAccess(_ services: NodeServices, _ identity: Identity, _ source: String, vmid: VMID) async throws {
        if identity.user.isRoot { return }
        guard !source.hasPrefix("/"), let id = try? VolumeID(parsing: source) else {
            throw APIError.permission("/", ["only root can pass arbitrary filesystem paths"])
        }
        let parsed = try? VolumeName.parseFileVolume(id.name)
        let storagePath = "/storage/\(id.storage)"
        switch parsed?.content {
        case .import?, .iso?, .vztmpl?:
            for privilege in ["Datastore.AllocateSpace", "Datastore.Audit"]
            where await services.authorizer.has(identity, privilege, on: storagePath) { return }
            throw APIError.permission(storagePath, ["Datastore.AllocateSpace", "Datastore.Audit"])
        default:
            if let owner = parsed?.vmid, owner == vmid { return }
            try await requirePrivilege(services, identity, "Datastore.Allocate", on: storagePath)
        }
    }
}
