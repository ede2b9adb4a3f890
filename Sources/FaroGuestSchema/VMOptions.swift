import FaroSchema

/// The VM option schema: every key a `qemu-server/<vmid>.conf` main section may hold and the
/// create/config API accepts. Indexed options (`net[n]`) are expanded to `net0` ... `net31`.
/// Some options are declared for API compatibility only; `unsupported` lists them, and setting
/// one is refused with a parameter error rather than stored and silently ignored.
public enum VMOptions {
    /// Device slots per bus (Proxmox's limits).
    public static let slots: [String: Int] = [
        "ide": 4, "sata": 6, "scsi": 31, "virtio": 16, "net": 32, "serial": 4, "parallel": 3, "usb": 14,
        "hostpci": 16, "numa": 8, "unused": 256, "ipconfig": 32, "virtiofs": 10,
    ]
    public static let driveBuses = ["ide", "sata", "scsi", "virtio"]

    /// Options Faro declares but cannot honour yet: the API refuses them, and a VM whose config
    /// has one (from a restore, an imported file) does not start. Cloud-init, NUMA, CPU weights
    /// and limits and auto-ballooning `shares` are among them until they are built (issue 21).
    public static let unsupported: Set<String> = [
        "affinity", "amd-sev", "intel-tdx", "audio0", "ivshmem", "hugepages", "keephugepages", "rng0", "watchdog",
        "spice_enhancements", "hookscript", "arch", "vmstatestorage", "allow-ksm", "tdf",
        "numa", "cpulimit", "cpuunits", "shares", "smp",
    ]
    /// Indexed options Faro cannot honour yet.
    public static let unsupportedIndexed: Set<String> = ["usb", "hostpci", "numa", "virtiofs", "parallel"]

    public static func isSupported(_ key: String) -> Bool {
        if unsupported.contains(key) { return false }
        if let (bus, _) = splitIndexed(key), unsupportedIndexed.contains(bus) { return false }
        return true
    }

    /// Options that describe no virtual hardware: how Faro manages the VM (start order,
    /// protection, locks, notes, migration and backup settings, detached disks). They never
    /// change the command line; every other supported option does.
    public static let management: Set<String> = [
        "autostart", "description", "lock", "migrate_downtime", "migrate_speed", "onboot", "protection", "startup",
        "tags", "template", "hotplug",
    ]

    public static func isManagement(_ key: String) -> Bool {
        management.contains(key) || splitIndexed(key)?.0 == "unused"
    }

    /// Properties of device options that Faro cannot honour yet, by option family (the key
    /// without its index: `net`, `scsi`, ...). The drive families share `drive`.
    public static let unsupportedProperties: [String: Set<String>] = [
        "drive": ["scsiblock", "wwn", "product", "vendor", "queues"],
        "efidisk": ["import-from"],
        "cpu": ["hidden", "hv-vendor-id", "phys-bits", "reported-model"],
        "machine": ["viommu"],
        "vga": ["clipboard"],
        "smbios1": ["base64", "manufacturer", "product", "version", "serial", "sku", "family"],
    ]
    /// Properties that describe no virtual hardware: what backups, replication and clones
    /// include or do, what a new EFI disk is made from, and figures kept for information. They never change the command line.
    public static let managementProperties: [String: Set<String>] = [
        "drive": ["backup", "replicate", "size", "shared"],
        "efidisk": ["size", "ms-cert", "pre-enrolled-keys"],
        "tpmstate": ["size"],
        "agent": ["freeze-fs-on-backup", "fstrim_cloned_disks"],
        "unused": ["file"],
        "startup": ["order", "up", "down"],
    ]
    /// Properties honoured on the host rather than on the command line: the NIC's bridge port
    /// (`BridgePort`: VLANs, firewall bridge, rate limit), its link state (QMP `set_link`
    /// right after the start) and the TPM's state and version (swtpm).
    public static let hostSideProperties: [String: Set<String>] = [
        "net": ["bridge", "firewall", "link_down", "rate", "tag", "trunks"],
        // The TPM's state volume and version are swtpm's (`TPMEmulator`); QEMU only sees its socket.
        "tpmstate": ["file", "version"],
    ]
    /// Options honoured through the monitor right after the start rather than on the command
    /// line: `balloon` (a target below `memory`; 0 leaves the device out, which is the command line's).
    public static let appliedAfterStart: Set<String> = ["balloon"]
    /// `hotplug` items that change the virtual hardware (memory slots, vCPU sockets, a
    /// cloud-init drive), which Faro does not build yet.
    public static let unsupportedHotplug: Set<String> = ["memory", "cpu", "cloudinit"]

    /// The family whose property table applies to `key`: `scsi3` → `drive`, `net0` → `net`.
    public static func family(_ key: String) -> String {
        if key == "efidisk0" { return "efidisk" }
        if key == "tpmstate0" { return "tpmstate" }
        guard let (bus, _) = splitIndexed(key) else { return key }
        return driveBuses.contains(bus) ? "drive" : bus
    }

    /// Drive properties a bus does not have, as in Proxmox's per-bus drive formats.
    public static let propertiesNotOnBus: [String: Set<String>] = ["ide": ["iothread"], "sata": ["iothread"], "virtio": ["ssd"]]

    /// Why `value` of option `key` cannot be honoured, naming the property (or `hotplug`
    /// item); nil when everything is. Property names are compared as written in the value
    /// (`key=...`), so it needs no schema to parse.
    public static func refusal(of key: String, value: String) -> String? {
        if key == "hotplug" {
            return value.split(separator: ",").map(String.init).first { unsupportedHotplug.contains($0) }
                .map { "hotplug '\($0)' is not supported by Faro yet" }
        }
        if key == "citype", value == "opennebula" { return "citype 'opennebula' is not supported by Faro yet" }
        let refused = unsupportedProperties[family(key)] ?? []
        let notOnBus = splitIndexed(key).flatMap { propertiesNotOnBus[$0.0] } ?? []
        for item in value.split(separator: ",") {
            guard let equals = item.firstIndex(of: "=") else { continue }
            let name = String(item[..<equals])
            if refused.contains(name) { return "'\(name)' is not supported by Faro yet" }
            if notOnBus.contains(name), let (bus, _) = splitIndexed(key) { return "'\(name)' is not available on \(bus) drives" }
        }
        return nil
    }

    /// `scsi3` → (`scsi`, 3) for a known indexed option within its slot range.
    public static func splitIndexed(_ key: String) -> (String, Int)? {
        guard let firstDigit = key.firstIndex(where: \.isNumber) else { return nil }
        let bus = String(key[..<firstDigit])
        guard let index = Int(key[firstDigit...]), let count = slots[bus], index < count, String(index) == key[firstDigit...] else {
            return nil
        }
        return (bus, index)
    }

    static func bool(_ text: String) -> Schema { Schema.boolean(text).optional() }
    static func text(_ text: String, format: String? = nil) -> Schema { Schema.string(text, format: format).optional() }

    /// The options shared by create, `POST .../config` and `PUT .../config`.
    public static let common: [String: Schema] = {
        var options: [String: Schema] = [
            "acpi": bool("Enable ACPI."),
            "affinity": text("Host CPUs the VM may run on (cpuset)."),
            "agent": Schema.propertyString(DeviceKeys.agent, "QEMU guest agent.").optional(),
            "allow-ksm": bool("Allow kernel same-page merging."),
            "amd-sev": text("AMD SEV settings."),
            "intel-tdx": text("Intel TDX settings."),
            "arch": Schema.enumeration(["x86_64", "aarch64"], "Virtual processor architecture.").optional(),
            "args": text("Extra arguments appended to the QEMU command line (root@pam only)."),
            "audio0": text("Audio device."),
            "autostart": bool("Restart the VM after a crash (not implemented by Proxmox either)."),
            "balloon": Schema.integer("Balloon target memory in MiB; 0 disables the balloon device.", minimum: 0).optional(),
            "bios": Schema.enumeration(["seabios", "ovmf"], "Firmware.").optional(),
            "boot": Schema.propertyString(DeviceKeys.boot, "Boot order.").optional(),
            "bootdisk": text("Boot disk (deprecated, use `boot`).").with { $0.pattern = "(ide|sata|scsi|virtio)\\d+" },
            "cdrom": text("Alias of `ide2` with media=cdrom."),
            "cicustom": Schema.propertyString(DeviceKeys.cicustom, "Cloud-init: snippets that replace the generated files.").optional(),
            "cipassword": text("Cloud-init password."),
            "citype": Schema.enumeration(["configdrive2", "nocloud", "opennebula"], "Cloud-init format.").optional(),
            "ciupgrade": bool("Cloud-init: upgrade packages on first boot."),
            "ciuser": text("Cloud-init user."),
            "cores": Schema.integer("Cores per socket.", minimum: 1).optional(),
            "cpu": Schema.propertyString(DeviceKeys.cpu, "Emulated CPU type.").optional(),
            "cpulimit": Schema.number("CPU usage limit (0: none).", minimum: 0, maximum: 128).optional(),
            "cpuunits": Schema.integer("CPU weight.", minimum: 1, maximum: 262_144).optional(),
            "description": text("Notes, stored as comments in the config file.").length(max: 8192).multiline(),
            "efidisk0": Schema.propertyString(DeviceKeys.efidisk, "EFI variables disk (with `bios: ovmf`).").optional(),
            "freeze": bool("Freeze the CPU at start (`c` in the monitor continues)."),
            "hookscript": text("Hook script (a snippets volume).", format: "pve-volume-id"),
            "hotplug": text("Hotplug features: `network,disk,cpu,memory,usb,cloudinit`, 1 or 0.")
                .with { $0.pattern = "(0|1|((network|disk|cpu|memory|usb|cloudinit)(,(network|disk|cpu|memory|usb|cloudinit))*))" },
            "hugepages": Schema.enumeration(["any", "2", "1024"], "Hugepages.").optional(),
            "ivshmem": text("Inter-VM shared memory."),
            "keephugepages": bool("Keep hugepages after shutdown."),
            "keyboard": Schema.enumeration(
                ["de", "de-ch", "da", "en-gb", "en-us", "es", "fi", "fr", "fr-be", "fr-ca", "fr-ch", "hu", "is", "it", "ja", "lt",
                 "mk", "nl", "no", "pl", "pt", "pt-br", "sv", "sl", "tr"], "VNC keyboard layout.").optional(),
            "kvm": bool("Hardware virtualisation (KVM); 0 runs under TCG emulation."),
            "localtime": bool("Real-time clock in local time."),
            "lock": Schema.enumeration(
                ["backup", "clone", "create", "migrate", "rollback", "snapshot", "snapshot-delete", "suspending", "suspended"],
                "Lock the VM against other operations.").optional(),
            "machine": Schema.propertyString(DeviceKeys.machine, "QEMU machine type.").optional(),
            "memory": Schema.propertyString(DeviceKeys.memory, "Memory in MiB.").optional(),
            "migrate_downtime": Schema.number("Maximum migration downtime in seconds.", minimum: 0).optional(),
            "migrate_speed": Schema.integer("Maximum migration speed in MB/s (0: none).", minimum: 0).optional(),
            "name": text("Name of the VM.", format: "dns-name"),
            "nameserver": text("Cloud-init DNS servers."),
            "numa": bool("NUMA."),
            "onboot": bool("Start the VM when the node starts."),
            "ostype": Schema.enumeration(
                ["other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11", "l24", "l26", "solaris"],
                "Guest operating system.").optional(),
            "protection": bool("Protect the VM and its disks from removal."),
            "reboot": bool("Allow reboot; 0 makes a guest reboot stop the VM."),
            "rng0": text("Virtio random number generator."),
            "scsihw": Schema.enumeration(
                ["lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"], "SCSI controller.").optional(),
            "searchdomain": text("Cloud-init DNS search domains."),
            "shares": Schema.integer("Memory shares for auto-ballooning.", minimum: 0, maximum: 50000).optional(),
            "smbios1": Schema.propertyString(DeviceKeys.smbios1, "SMBIOS type 1 fields.").optional(),
            "smp": Schema.integer("CPUs (deprecated, use `sockets`).", minimum: 1).optional(),
            "sockets": Schema.integer("CPU sockets.", minimum: 1).optional(),
            "spice_enhancements": text("SPICE enhancements."),
            "sshkeys": text("Cloud-init public SSH keys, URL-encoded.", format: "urlencoded"),
            "startdate": text("Real-time clock start (`now` or a date).")
                .with { $0.pattern = "(now|\\d{4}-\\d{1,2}-\\d{1,2}(T\\d{1,2}:\\d{1,2}:\\d{1,2})?)" },
            "startup": Schema.propertyString(DeviceKeys.startup, "Start and shutdown order.").optional(),
            "tablet": bool("USB tablet for absolute pointer positions."),
            "tags": text("Tags, `;`-separated.", format: "pve-tag-list"),
            "tdf": bool("Time drift fix."),
            "template": bool("The VM is a template."),
            "tpmstate0": Schema.propertyString(DeviceKeys.tpmstate, "TPM state volume (swtpm).").optional(),
            "vcpus": Schema.integer("Hotplugged vCPUs.", minimum: 1).optional(),
            "vga": Schema.propertyString(DeviceKeys.vga, "Display.").optional(),
            "vmgenid": text("VM generation id (UUID); 1 generates one, 0 disables it.")
                .with { $0.pattern = "(?:[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}|[01])" },
            "vmstatestorage": text("Storage for VM state volumes.", format: "pve-storage-id"),
            "watchdog": text("Watchdog device."),
        ]
        // One schema per family, shared by its numbered keys.
        let drive = Schema.propertyString(DeviceKeys.drive).optional()
        for bus in driveBuses {
            let busDrive = drive.describe("A \(bus) drive (disk or CD-ROM).")
            for index in 0..<slots[bus]! { options["\(bus)\(index)"] = busDrive }
        }
        let network = Schema.propertyString(DeviceKeys.net, "A network device.").optional()
        let unused = Schema.propertyString(DeviceKeys.unused, "A detached disk.").optional()
        let serial = text("Serial port: `socket` or a host device `/dev/...`.").with { $0.pattern = "(/dev/.+|socket)" }
        let ipconfig = Schema.propertyString(DeviceKeys.ipconfig, "Cloud-init: addresses and gateways of the NIC of the same number.").optional()
        for index in 0..<slots["net"]! { options["net\(index)"] = network }
        for index in 0..<slots["unused"]! { options["unused\(index)"] = unused }
        for index in 0..<slots["serial"]! { options["serial\(index)"] = serial }
        for index in 0..<slots["ipconfig"]! { options["ipconfig\(index)"] = ipconfig }
        for bus in ["usb", "hostpci", "numa", "virtiofs", "parallel"] {
            let unsupported = text("\(bus) device (not supported by Faro yet).")
            for index in 0..<slots[bus]! { options["\(bus)\(index)"] = unsupported }
        }
        return options
    }()

    /// Keys that only the system sets (`meta`, snapshot bookkeeping); never from the API.
    public static let internalKeys: Set<String> = ["meta", "parent", "snaptime", "vmstate", "runningmachine", "runningcpu", "digest"]
}
