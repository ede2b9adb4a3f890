import FaroSchema

/// The CT option schema (Proxmox's `pct.conf`): every key a container config may hold, with
/// the property-string keys of `rootfs`, `mpN`, `netN` and `features`.
public enum ContainerSchema {
    /// Proxmox's limits: `net0`..`net31`, `mp0`..`mp255`.
    public static let maxNetworks = 32
    public static let maxMountPoints = 256
    /// The values of `lock`.
    public static let locks = [
        "backup", "create", "destroyed", "disk", "fstrim", "migrate", "mounted", "rollback", "snapshot", "snapshot-delete",
    ]

    static let bool = Schema.boolean().optional()

    public static let rootfsKeys: [String: Schema] = [
        "volume": Schema.string("Volume, device or directory to mount into the container.").defaultKey(),
        "size": Schema.string("Volume size (read only value).", format: "disk-size").optional(),
        "acl": bool.describe("Explicitly enable or disable ACL support."),
        "quota": bool.describe("Enable user quotas inside the container."),
        "ro": bool.describe("Read-only mount point."),
        "mountoptions": Schema.string("Extra mount options for rootfs/mps.").optional(),
        "replicate": bool.describe("Include this volume in storage replica jobs.").defaulting(1),
        "shared": bool.describe("Mark this non-volume mount point as available on all nodes.").defaulting(0),
    ]

    public static let mountPointKeys: [String: Schema] = rootfsKeys.merging([
        "mp": Schema.string("Path to the mount point as seen from inside the container."),
        "backup": bool.describe("Whether to include the mount point in backups."),
    ]) { first, _ in first }

    public static let networkKeys: [String: Schema] = [
        "name": Schema.string("Name of the network device as seen from inside the container (eth0).", pattern: "[-_.\\w\\d]+"),
        "bridge": Schema.string("Bridge to attach the network device to.", pattern: "[-_.\\w\\d]+").optional(),
        "hwaddr": Schema.string("MAC address (XX:XX:XX:XX:XX:XX).", format: "mac-addr").optional(),
        "ip": Schema.string("IPv4 address in CIDR format, dhcp or manual.", format: "pve-ipv4-config").optional(),
        "gw": Schema.string("Default gateway for IPv4 traffic.", format: "ipv4").optional(),
        "ip6": Schema.string("IPv6 address in CIDR format, auto, dhcp or manual.", format: "pve-ipv6-config").optional(),
        "gw6": Schema.string("Default gateway for IPv6 traffic.", format: "ipv6").optional(),
        "firewall": bool.describe("Use this interface's firewall rules."),
        "tag": Schema.integer("VLAN tag.", minimum: 1, maximum: 4094).optional(),
        "trunks": Schema.string("VLAN ids to pass through the interface (a;b;c).").optional(),
        "rate": Schema.number("Rate limit in mbps (megabytes per second).", minimum: 0).optional(),
        "mtu": Schema.integer("Maximum transfer unit of the interface.", minimum: 64, maximum: 65535).optional(),
        "link_down": bool.describe("Whether this interface should be disconnected (like pulling the plug)."),
        "type": Schema.enumeration(["veth"], "Network interface type.").optional(),
        "host-managed": bool.describe("Whether this interface's IP configuration is managed by the host."),
    ]

    public static let deviceKeys: [String: Schema] = [
        "path": Schema.string("Device to pass through to the container.").defaultKey(),
        "mode": Schema.string("Access mode to be set on the device node.", pattern: "0?[0-7]{3}").optional(),
        "uid": Schema.integer("User ID to be assigned to the device node.", minimum: 0).optional(),
        "gid": Schema.integer("Group ID to be assigned to the device node.", minimum: 0).optional(),
        "deny-write": bool.describe("Deny the container to write to the device.").defaulting(0),
    ]

    public static let featureKeys: [String: Schema] = [
        "nesting": bool.describe("Allow nesting (best with unprivileged containers)."),
        "keyctl": bool.describe("Allow the keyctl() system call (unprivileged containers only)."),
        "fuse": bool.describe("Allow using 'fuse' file systems in a container."),
        "mknod": bool.describe("Allow unprivileged containers to use mknod() to add certain device nodes."),
        "force_rw_sys": bool.describe("Mount /sys in unprivileged containers as rw instead of mixed."),
        "mount": Schema.string("Allow mounting file systems of specific types (a;b;c).").optional(),
    ]

    static let ostypes = [
        "debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine", "gentoo", "nixos", "unmanaged",
    ]

    /// Options that a config may hold and `PUT .../config` may change, all optional.
    public static let options: [String: Schema] = {
        var options: [String: Schema] = [
            "arch": Schema.enumeration(["amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"], "OS architecture type.")
                .defaulting("amd64").optional(),
            "cores": Schema.integer("The number of cores assigned to the container.", minimum: 1, maximum: 8192).optional(),
            "cpulimit": Schema.number("Limit of CPU usage; 0 means no limit.", minimum: 0, maximum: 8192).defaulting(0).optional(),
            "cpuunits": Schema.integer("CPU weight for a container.", minimum: 0, maximum: 500_000).optional(),
            "memory": Schema.integer("Amount of RAM for the container in MB.", minimum: 16).defaulting(512).optional(),
            "swap": Schema.integer("Amount of SWAP for the container in MB.", minimum: 0).defaulting(512).optional(),
            "hostname": Schema.string("Set a host name for the container.", format: "dns-name", maxLength: 255).optional(),
            "ostype": Schema.enumeration(ostypes, "OS type; determines the setup inside the container.").optional(),
            "rootfs": Schema.propertyString(rootfsKeys, "Use volume as container root.").optional(),
            "nameserver": Schema.string("DNS server IP addresses for the container (space separated).").optional(),
            "searchdomain": Schema.string("DNS search domains for the container (space separated).").optional(),
            "unprivileged": bool.describe("Makes the container run as unprivileged user.").defaulting(0),
            "features": Schema.propertyString(featureKeys, "Allow containers access to advanced features.").optional(),
            "onboot": bool.describe("Specifies whether a container will be started during system bootup.").defaulting(0),
            "startup": Schema.string("Startup and shutdown behavior.", format: "pve-startup-order").optional(),
            "protection": bool.describe("Sets the protection flag of the container.").defaulting(0),
            "tags": Schema.string("Tags of the container (; separated).").optional(),
            "template": bool.describe("Enable/disable Template.").defaulting(0),
            "console": bool.describe("Attach a console device (/dev/console) to the container.").defaulting(1),
            "tty": Schema.integer("Specify the number of tty available to the container.", minimum: 0, maximum: 6).defaulting(2).optional(),
            "cmode": Schema.enumeration(["shell", "console", "tty"], "Console mode.").defaulting("tty").optional(),
            "description": Schema.string("Description for the Container.", maxLength: 8192).multiline().optional(),
            "timezone": Schema.string("Time zone to use in the container.").optional(),
            "hookscript": Schema.string("Script that will be executed during various steps in the containers lifetime.").optional(),
            "lock": Schema.enumeration(locks, "Lock/unlock the container.").optional(),
            "debug": bool.describe("Try to be more verbose.").defaulting(0),
            "entrypoint": Schema.string("Command to run as init, optionally with arguments.").defaulting("/sbin/init").optional(),
            "env": Schema.string("The container runtime environment as NUL-separated list.").optional(),
        ]
        // One schema per family, shared by its numbered keys.
        let network = Schema.propertyString(networkKeys, "Specifies network interfaces for the container.").optional()
        let mountPoint = Schema.propertyString(mountPointKeys, "Use volume as container mount point.").optional()
        let unused = Schema.string("Reference to an unused volume.", format: "pve-volume-id").optional()
        let device = Schema.propertyString(deviceKeys, "Device to pass through to the container.").optional()
        for n in 0..<maxNetworks { options["net\(n)"] = network }
        for n in 0..<maxMountPoints {
            options["mp\(n)"] = mountPoint
            options["unused\(n)"] = unused
            options["dev\(n)"] = device
        }
        return options
    }()

    /// Parses a property-string option (`rootfs`, `mpN`, `netN`, `features`) of a config.
    public static func parse(_ key: String, _ value: String) throws(PropertyString.Error) -> [String: String] {
        try PropertyString.parse(value, keys: propertyKeys(key) ?? [:])
    }

    public static func print(_ key: String, _ values: [String: String]) -> String {
        PropertyString.print(values, keys: propertyKeys(key) ?? [:])
    }

    static func propertyKeys(_ key: String) -> [String: Schema]? {
        if key == "rootfs" { return rootfsKeys }
        if key == "features" { return featureKeys }
        if key.hasPrefix("dev"), Int(key.dropFirst(3)) != nil { return deviceKeys }
        if key.hasPrefix("net"), Int(key.dropFirst(3)) != nil { return networkKeys }
        if key.hasPrefix("mp"), Int(key.dropFirst(2)) != nil { return mountPointKeys }
        return nil
    }
}
