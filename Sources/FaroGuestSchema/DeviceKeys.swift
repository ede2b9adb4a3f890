import FaroSchema

/// The property-string keys of VM devices: drives (`scsi0: local:100/vm-100-disk-0.qcow2,size=4G`)
/// and NICs (`net0: virtio=BC:24:11:00:00:01,bridge=vmbr0`).
public enum DeviceKeys {
    static func flag(_ text: String) -> Schema { Schema.boolean(text).optional() }

    /// Keys of `ide[n]`, `sata[n]`, `scsi[n]`, `virtio[n]`.
    public static let drive: [String: Schema] = [
        "file": Schema.string("The volume (`STORAGE:VOLUME`), `STORAGE:SIZE_GiB` to allocate, `none`, or a path.")
            .defaultKey(),
        "volume": Schema.string("Alias of `file`.").optional().with { $0.alias = "file" },
        "media": Schema.enumeration(["disk", "cdrom"], "Drive media.").optional(),
        "size": Schema.string("Disk size, informational.", format: "disk-size").optional(),
        "format": Schema.enumeration(["raw", "cow", "qcow", "qed", "qcow2", "vmdk", "cloop"], "Image format.").optional(),
        "cache": Schema.enumeration(["none", "writethrough", "writeback", "unsafe", "directsync"], "Cache mode.").optional(),
        "aio": Schema.enumeration(["native", "threads", "io_uring"], "Asynchronous I/O mode.").optional(),
        "discard": Schema.enumeration(["ignore", "on"], "Pass discard/trim requests to the storage.").optional(),
        "detect_zeroes": flag("Detect and optimise writes of zeroes."),
        "iothread": flag("A dedicated I/O thread for this drive."),
        "ssd": flag("Present the drive as a solid-state drive."),
        "backup": flag("Include the drive in backups."),
        "replicate": flag("Include the drive in replication."),
        "snapshot": flag("QEMU snapshot mode: changes are discarded at power-off."),
        "ro": flag("Read-only drive."),
        "shared": flag("The volume is shared between nodes (informational)."),
        "scsiblock": flag("Pass a host block device through as SCSI generic."),
        "serial": Schema.string("Serial number reported to the guest.", maxLength: 60).optional(),
        "wwn": Schema.string("World wide name, 0x followed by 16 hex digits.", pattern: "0x[0-9a-fA-F]{16}").optional(),
        "product": Schema.string("SCSI product name.", maxLength: 16).optional(),
        "vendor": Schema.string("SCSI vendor name.", maxLength: 8).optional(),
        "queues": Schema.integer("Number of queues (virtio-scsi).", minimum: 2).optional(),
        "rerror": Schema.enumeration(["ignore", "report", "stop"], "Read error action.").optional(),
        "werror": Schema.enumeration(["enospc", "ignore", "report", "stop"], "Write error action.").optional(),
        "import-from": Schema.string("A volume or path to import the new disk from.").optional(),
        "mbps": Schema.number("Maximum read and write speed in MB/s.", minimum: 1).optional(),
        "mbps_rd": Schema.number("Maximum read speed in MB/s.", minimum: 1).optional(),
        "mbps_wr": Schema.number("Maximum write speed in MB/s.", minimum: 1).optional(),
        "iops": Schema.integer("Maximum read and write operations per second.", minimum: 10).optional(),
        "iops_rd": Schema.integer("Maximum read operations per second.", minimum: 10).optional(),
        "iops_wr": Schema.integer("Maximum write operations per second.", minimum: 10).optional(),
    ]

    /// Keys of `efidisk0`, the OVMF variables store. `STORAGE:SIZE` allocates a volume the
    /// size of the firmware's variables template (the size given is ignored) and copies the
    /// template into it.
    public static let efidisk: [String: Schema] = [
        "file": Schema.string("The volume (`STORAGE:VOLUME`) or `STORAGE:SIZE_GiB` to allocate (the size is ignored).")
            .defaultKey(),
        "volume": Schema.string("Alias of `file`.").optional().with { $0.alias = "file" },
        "efitype": Schema.enumeration(["2m", "4m"], "Size and type of the OVMF variables; 4m is needed for Secure Boot.")
            .optional().defaulting("2m"),
        "pre-enrolled-keys": flag("With efitype=4m: a variables template with the distribution and Microsoft keys enrolled (Secure Boot on)."),
        "ms-cert": Schema.enumeration(["2011", "2023", "2023w", "2023k"], "Which Microsoft UEFI certificates were enrolled (informational).")
            .optional(),
        "size": Schema.string("Disk size, informational.", format: "disk-size").optional(),
        "format": Schema.enumeration(["raw", "qcow", "qed", "qcow2", "vmdk", "cloop"], "Image format.").optional(),
        "import-from": Schema.string("A volume or path to import the variables from.").optional(),
    ]

    /// NIC models QEMU offers on x86.
    public static let nicModels = [
        "e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b", "i82559er",
        "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3",
    ]

    /// Keys of `net[n]`. `virtio=MAC` sets model and MAC in one item (handled by `NetDevice`).
    public static let net: [String: Schema] = {
        var keys = netKeys
        for model in nicModels {
            keys[model] = Schema.string("Model and MAC address in one item.", format: "mac-addr").optional()
        }
        return keys
    }()

    static let netKeys: [String: Schema] = [
        "model": Schema.enumeration(nicModels, "Network card model.").defaultKey().optional(),
        "macaddr": Schema.string("MAC address (unicast); generated when missing.", format: "mac-addr").optional(),
        "bridge": Schema.string("Bridge to attach the tap device to.", format: "pve-bridge-id").optional(),
        "firewall": flag("Filter this interface with the firewall."),
        "link_down": flag("Start with the link disconnected."),
        "mtu": Schema.integer("MTU (1: the bridge's MTU).", minimum: 1, maximum: 65520).optional(),
        "queues": Schema.integer("Packet queues on the device.", minimum: 0, maximum: 64).optional(),
        "rate": Schema.number("Rate limit in MB/s.", minimum: 0).optional(),
        "tag": Schema.integer("VLAN tag.", minimum: 1, maximum: 4094).optional(),
        "trunks": Schema.string("VLAN trunks, `;`-separated.", pattern: "\\d+(?:-\\d+)?(?:;\\d+(?:-\\d+)?)*").optional(),
    ]

    public static let memory: [String: Schema] = [
        "current": Schema.integer("Memory in MiB.", minimum: 16).defaultKey()
    ]

    /// `tpmstate0`: the state of the VM's TPM (swtpm), a raw volume; `STORAGE:SIZE` allocates
    /// one (the size is ignored).
    public static let tpmstate: [String: Schema] = [
        "file": Schema.string("The volume (`STORAGE:VOLUME`) or `STORAGE:SIZE_GiB` to allocate.").defaultKey(),
        "volume": Schema.string("Alias of `file`.").optional().with { $0.alias = "file" },
        "size": Schema.string("Disk size, informational.", format: "disk-size").optional(),
        "version": Schema.enumeration(["v1.2", "v2.0"], "The TPM interface version (v2.0 for Windows 11).").optional()
            .defaulting("v1.2"),
    ]

    /// `ipconfigN`: the cloud-init addresses of NIC N.
    public static let ipconfig: [String: Schema] = [
        "ip": Schema.string("IPv4 address in CIDR format, or dhcp.", format: "pve-ipv4-config").optional(),
        "gw": Schema.string("IPv4 gateway.", format: "ipv4").optional(),
        "ip6": Schema.string("IPv6 address in CIDR format, dhcp or auto.", format: "pve-ipv6-config").optional(),
        "gw6": Schema.string("IPv6 gateway.", format: "ipv6").optional(),
    ]

    /// `cicustom`: snippets volumes used instead of the generated files.
    public static let cicustom: [String: Schema] = [
        "meta": Schema.string("Meta data (the instance id) file.", format: "pve-volume-id").optional(),
        "network": Schema.string("Network configuration file.", format: "pve-volume-id").optional(),
        "user": Schema.string("User data file.", format: "pve-volume-id").optional(),
        "vendor": Schema.string("Vendor data file.", format: "pve-volume-id").optional(),
    ]

    public static let agent: [String: Schema] = [
        "enabled": Schema.boolean("Enable the QEMU guest agent device.").defaultKey(),
        "freeze-fs-on-backup": flag("Freeze file systems for backups."),
        "fstrim_cloned_disks": flag("Run fstrim after cloning or moving a disk."),
        "type": Schema.enumeration(["virtio", "isa"], "Agent channel type.").optional(),
    ]

    public static let cpu: [String: Schema] = [
        "cputype": Schema.string("QEMU CPU model.", pattern: "[A-Za-z0-9_.-]+").defaultKey(),
        "flags": Schema.string("CPU flags `+flag;-flag`.", pattern: "[+-][A-Za-z0-9_.-]+(?:;[+-][A-Za-z0-9_.-]+)*").optional(),
        "hidden": flag("Hide the KVM signature from the guest."),
        "hv-vendor-id": Schema.string("Hyper-V vendor id.", pattern: "[a-zA-Z0-9]{1,12}").optional(),
        "phys-bits": Schema.string("Physical address bits (8-64 or host).", pattern: "host|[0-9]{1,2}").optional(),
        "reported-model": Schema.string("CPU model shown to the guest.").optional(),
    ]

    public static let machine: [String: Schema] = [
        "type": Schema.string("Machine type: pc, q35, pc-i440fx-X.Y, pc-q35-X.Y.", pattern: "(pc|pc(-i440fx)?-\\d+(\\.\\d+)+(\\+pve\\d+)?(\\.pxe)?|q35|pc-q35-\\d+(\\.\\d+)+(\\+pve\\d+)?(\\.pxe)?)").defaultKey(),
        "viommu": Schema.enumeration(["intel", "virtio"], "Emulated IOMMU.").optional(),
    ]

    public static let vga: [String: Schema] = [
        "type": Schema.enumeration(
            ["cirrus", "qxl", "qxl2", "qxl3", "qxl4", "none", "serial0", "serial1", "serial2", "serial3", "std", "virtio",
             "virtio-gl", "vmware"], "Display type.").defaultKey().optional(),
        "memory": Schema.integer("Video memory in MiB.", minimum: 4, maximum: 512).optional(),
        "clipboard": Schema.enumeration(["vnc"], "Clipboard sharing.").optional(),
    ]

    public static let smbios1: [String: Schema] = [
        "uuid": Schema.string("SMBIOS system UUID.", pattern: "[a-fA-F0-9]{8}(-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}").optional(),
        "base64": flag("The text values are base64 encoded."),
        "manufacturer": Schema.string("Manufacturer.").optional(),
        "product": Schema.string("Product.").optional(),
        "version": Schema.string("Version.").optional(),
        "serial": Schema.string("Serial number.").optional(),
        "sku": Schema.string("SKU.").optional(),
        "family": Schema.string("Family.").optional(),
    ]

    public static let startup: [String: Schema] = [
        "order": Schema.integer("Start order (lower first).", minimum: 0).defaultKey().optional(),
        "up": Schema.integer("Seconds to wait after starting.", minimum: 0).optional(),
        "down": Schema.integer("Shutdown timeout in seconds.", minimum: 0).optional(),
    ]

    public static let boot: [String: Schema] = [
        "order": Schema.string("Boot devices, `;`-separated (`scsi0;ide2;net0`).", pattern: "[a-z]+\\d+(;[a-z]+\\d+)*").optional(),
        "legacy": Schema.string("Legacy boot order letters.", pattern: "[acdn]{1,4}").defaultKey().optional(),
    ]

    /// A detached disk: `unused0: local:100/vm-100-disk-1.qcow2`.
    public static let unused: [String: Schema] = [
        "file": Schema.string("The volume.", format: "pve-volume-id").defaultKey()
    ]
}
