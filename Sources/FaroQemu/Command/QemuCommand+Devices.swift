import FaroGuestSchema
import FaroSchema

/// Drives, controllers, NICs and boot order.
extension QemuCommand {
    /// bootindex per device key: `boot: order=a;b` gives 100, 101, ...; the legacy letters
    /// (default `cdn`) give the first disk, the first CD-ROM and net0 100/200/300 by position.
    func bootIndexes(drives: [Drive], nets: [NetDevice]) -> [String: Int] {
        var order: [String]?
        var legacy = "cdn"
        if let text = config["boot"], let values = try? PropertyString.parse(text, keys: DeviceKeys.boot) {
            if let list = values["order"] { order = list.split(separator: ";").map(String.init) }
            if let letters = values["legacy"] { legacy = letters }
        }
        if let order {
            return Dictionary(order.enumerated().map { ($1, 100 + $0) }, uniquingKeysWith: { first, _ in first })
        }
        var result: [String: Int] = [:]
        for (position, letter) in legacy.enumerated() {
            let index = 100 * (position + 1)
            switch letter {
            case "c":
                let disk = config["bootdisk"] ?? drives.first(where: { !$0.isCDROM })?.key
                if let disk { result[disk] = index }
            case "d": if let cdrom = drives.first(where: \.isCDROM) { result[cdrom.key] = index }
            case "n": if let net = nets.first { result[net.key] = index }
            default: break
            }
        }
        return result
    }

    static func hex(_ value: Int) -> String { "0x" + String(value, radix: 16) }

    mutating func addDrives() throws {
        let drives = try config.drives()
        let boot = bootIndexes(drives: drives, nets: try config.nets())
        let scsihw = config["scsihw"] ?? "lsi"
        var controllers: Set<String> = []
        if drives.contains(where: { $0.bus == "sata" }) {
            add("-device", "ahci,id=ahci0,multifunction=on,bus=\(rootBus),addr=0x7")
        }
        for drive in drives {
            var device: String
            let hasMedium = !drive.isNone
            if hasMedium { add("-drive", try driveArgument(drive)) }
            let medium = hasMedium ? ",drive=drive-\(drive.key)" : ""
            switch drive.bus {
            case "ide":
                let bus = isQ35 ? "ide.\(drive.index)" : "ide.\(drive.index / 2)"
                let unit = isQ35 ? 0 : drive.index % 2
                device = "\(drive.isCDROM ? "ide-cd" : "ide-hd"),bus=\(bus),unit=\(unit)\(medium),id=\(drive.key)"
            case "sata":
                device = "\(drive.isCDROM ? "ide-cd" : "ide-hd"),bus=ahci0.\(drive.index)\(medium),id=\(drive.key)"
            case "scsi":
                let (controller, target) = scsiController(for: drive, scsihw: scsihw)
                if controllers.insert(controller.id).inserted { add("-device", controller.device) }
                device = "\(drive.isCDROM ? "scsi-cd" : "scsi-hd"),bus=\(controller.id).0,channel=0,scsi-id=\(target),lun=0"
                    + "\(medium),id=\(drive.key)"
            default:
                device = "virtio-blk-pci\(medium),id=\(drive.key),\(pciAddress(virtio: drive.index))"
                if drive.values["iothread"] == "1" {
                    add("-object", "iothread,id=iothread-\(drive.key)")
                    device += ",iothread=iothread-\(drive.key)"
                }
            }
            if drive.values["ssd"] == "1", drive.bus != "virtio" { device += ",rotation_rate=1" }
            if let serial = drive.values["serial"] { device += ",serial=\(serial)" }
            if let index = boot[drive.key] { device += ",bootindex=\(index)" }
            add("-device", device)
        }
    }

    func pciAddress(virtio index: Int) -> String {
        index < 6 ? "bus=\(rootBus),addr=\(Self.hex(0xa + index))" : "bus=pci.1,addr=\(Self.hex(1 + index - 6))"
    }

    func pciAddress(net index: Int) -> String {
        if index < 6 { return "bus=\(rootBus),addr=\(Self.hex(0x12 + index))" }
        if index < 27 { return "bus=pci.1,addr=\(Self.hex(0xb + index - 6))" }
        return "bus=pci.2,addr=\(Self.hex(1 + index - 27))"
    }

    func scsiController(for drive: Drive, scsihw: String) -> (controller: (id: String, device: String), target: Int) {
        let models = ["lsi": "lsi53c895a", "lsi53c810": "lsi53c810", "megasas": "megasas", "pvscsi": "pvscsi",
                      "virtio-scsi-pci": "virtio-scsi-pci", "virtio-scsi-single": "virtio-scsi-pci"]
        let model = models[scsihw] ?? "lsi53c895a"
        if scsihw == "virtio-scsi-single" {
            let id = "virtioscsi\(drive.index)"
            let address = drive.index == 0 ? "bus=\(rootBus),addr=0x5" : "bus=pci.2,addr=\(Self.hex(0x5 + drive.index))"
            return ((id, "\(model),id=\(id),\(address)"), 0)
        }
        let perController = scsihw.hasPrefix("lsi") ? 7 : 16
        let number = drive.index / perController
        let id = "scsihw\(number)"
        let address = number == 0 ? "bus=\(rootBus),addr=0x5" : number == 1 ? "bus=\(rootBus),addr=0x6" : "bus=pci.2,addr=\(Self.hex(number))"
        return ((id, "\(model),id=\(id),\(address)"), drive.index % perController)
    }

    func driveArgument(_ drive: Drive) throws -> String {
        let path: String
        if let volume = drive.volumeID {
            path = try context.resolveVolume(volume)
        } else {
            path = drive.file
        }
        var parts = ["file=\(path.replacingOccurrences(of: ",", with: ",,"))", "if=none", "id=drive-\(drive.key)"]
        if drive.isCDROM { parts.append("media=cdrom") }
        if drive.values["discard"] == "on" { parts.append("discard=on") }
        let format = drive.values["format"] ?? Self.format(ofPath: path, cdrom: drive.isCDROM)
        parts.append("format=\(format)")
        // Proxmox's defaults: no host cache for disks, io_uring (native AIO on block devices
        // opened directly), zero detection unless told not to.
        let cache = drive.values["cache"] ?? (drive.isCDROM ? nil : "none")
        if let cache { parts.append("cache=\(cache)") }
        let direct = cache == "none" || cache == "directsync"
        let aio = drive.values["aio"] ?? (direct && path.hasPrefix("/dev/") ? "native" : "io_uring")
        guard aio != "native" || direct else {
            throw VMConfigError.invalidOption(key: drive.key, message: "aio=native needs cache=none or cache=directsync")
        }
        parts.append("aio=\(aio)")
        if drive.values["detect_zeroes"] != "0", !drive.isCDROM {
            parts.append("detect-zeroes=\(drive.values["discard"] == "on" ? "unmap" : "on")")
        }
        if drive.values["ro"] == "1" || drive.isCDROM { parts.append("readonly=on") }
        if drive.values["snapshot"] == "1" { parts.append("snapshot=on") }
        if let value = drive.values["rerror"] { parts.append("rerror=\(value)") }
        if let value = drive.values["werror"] { parts.append("werror=\(value)") }
        let throttles = [("mbps", "bps"), ("mbps_rd", "bps_rd"), ("mbps_wr", "bps_wr")]
        for (key, option) in throttles {
            guard let text = drive.values[key] else { continue }
            guard let megabytes = Double(text), let bytes = Int(exactly: (megabytes * 1_048_576).rounded(.down)), bytes > 0 else {
                throw VMConfigError.invalidOption(key: drive.key, message: "\(key): '\(text)' is not a usable rate in MB/s")
            }
            parts.append("\(option)=\(bytes)")
        }
        for key in ["iops", "iops_rd", "iops_wr"] {
            if let value = drive.values[key] { parts.append("\(key)=\(value)") }
        }
        return parts.joined(separator: ",")
    }

    static func format(ofPath path: String, cdrom: Bool) -> String {
        for format in ["qcow2", "vmdk", "qed"] where path.hasSuffix(".\(format)") { return format }
        return "raw"
    }

    static let nicDevices = [
        "virtio": "virtio-net-pci", "e1000": "e1000", "e1000-82540em": "e1000-82540em", "e1000-82544gc": "e1000-82544gc",
        "e1000-82545em": "e1000-82545em", "e1000e": "e1000e", "i82551": "i82551", "i82557b": "i82557b", "i82559er": "i82559er",
        "ne2k_isa": "ne2k_isa", "ne2k_pci": "ne2k_pci", "pcnet": "pcnet", "rtl8139": "rtl8139", "vmxnet3": "vmxnet3",
    ]

    mutating func addNetworks() throws {
        let nets = try config.nets()
        let boot = bootIndexes(drives: try config.drives(), nets: nets)
        for net in nets {
            add("-netdev", netdevArgument(net))
            add("-device", nicDevice(net, boot: boot))
        }
    }

    /// The NIC's backend: a tap on its bridge, or without a bridge user-mode networking as
    /// Proxmox gives it.
    func netdevArgument(_ net: NetDevice) -> String {
        guard net.bridge != nil else { return "type=user,id=\(net.key)" + (config["name"].map { ",hostname=\($0)" } ?? "") }
        var netdev = "type=tap,id=\(net.key),ifname=\(net.tapName(vmid: context.vmid)),script=no,downscript=no"
        if net.model == "virtio", config.kvmEnabled { netdev += ",vhost=on" }
        if let queues = net.values["queues"].flatMap(Int.init), queues > 1 { netdev += ",queues=\(queues)" }
        return netdev
    }

    /// The `-netdev` and `-device` arguments of one NIC, for plugging it into a running VM.
    public static func nicArguments(_ net: NetDevice, config: VMConfig, context: QemuCommandContext) -> (netdev: String, device: String) {
        let command = QemuCommand(config: config, context: context)
        return (command.netdevArgument(net), command.nicDevice(net, boot: [:]))
    }

    func nicDevice(_ net: NetDevice, boot: [String: Int]) -> String {
        var device = "\(Self.nicDevices[net.model] ?? net.model)"
        if let mac = net.macAddress { device += ",mac=\(mac)" }
        device += ",netdev=\(net.key),\(pciAddress(net: net.index)),id=\(net.key)"
        if net.model == "virtio" {
            // Multi-queue: one MSI-X vector per queue and direction, plus config and control.
            if let queues = net.values["queues"].flatMap(Int.init), queues > 1 { device += ",mq=on,vectors=\(2 * queues + 2)" }
            device += ",rx_queue_size=1024,tx_queue_size=256"
        }
        if let index = boot[net.key] { device += ",bootindex=\(index)" }
        if net.model == "virtio", let bridge = net.bridge {
            // The guest learns the MTU: the NIC's own, else (and for `mtu=1`) its bridge's.
            let own = net.values["mtu"].flatMap(Int.init).flatMap { $0 == 1 ? nil : $0 }
            if let mtu = own ?? context.bridgeMTU(bridge) { device += ",host_mtu=\(mtu)" }
        }
        return device
    }
}

