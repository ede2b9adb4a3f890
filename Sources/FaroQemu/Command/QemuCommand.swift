import FaroGuestSchema
import FaroModel
import FaroSchema

/// What the command line depends on besides the config: where the runtime files go and how
/// volumes become paths. Injected so the builder stays a pure function.
public struct QemuCommandContext: Sendable {
    public var vmid: VMID
    public var executable: String
    /// `<root>/run/faro/qemu`: QMP socket, pid file, VNC and serial sockets.
    public var runDir: String
    /// Volume id → file or block device (the storage plugin's `path`).
    public var resolveVolume: @Sendable (String) throws -> String
    /// A saved RAM state to continue from: its machine and CPU replace the config's, and
    /// QEMU reads it through `-incoming`.
    public var restore: SavedVMState?
    /// A bridge's MTU on this host, for `host_mtu` of virtio NICs (nil: unknown).
    public var bridgeMTU: @Sendable (String) -> Int? = { _ in nil }

    public init(
        vmid: VMID, executable: String = "/usr/bin/qemu-system-x86_64", runDir: String,
        resolveVolume: @escaping @Sendable (String) throws -> String
    ) {
        self.vmid = vmid
        self.executable = executable
        self.runDir = runDir
        self.resolveVolume = resolveVolume
    }

    public var qmpSocket: String { "\(runDir)/\(vmid).qmp" }
    public var pidFile: String { "\(runDir)/\(vmid).pid" }
    public var vncSocket: String { "\(runDir)/\(vmid).vnc" }
    public func serialSocket(_ index: Int) -> String { "\(runDir)/\(vmid).serial\(index)" }
    public var agentSocket: String { "\(runDir)/\(vmid).qga" }
    public var tpmSocket: String { "\(runDir)/\(vmid).swtpm" }
    /// UEFI variables of a `bios: ovmf` VM without `efidisk0`, copied from the template at
    /// each start (changes are lost at power-off, as Proxmox warns).
    public var temporaryEFIVariables: String { "\(runDir)/\(vmid).efivars" }
    /// Where the OVMF images are.
    public var firmwareDirectory = OVMFFirmware.defaultDirectory
}

/// Config → QEMU argv, a pure function (`qm showcmd` prints it; golden tests pin it). The
/// layout follows Proxmox's: QMP socket and pid file under the run directory, `-daemonize`,
/// (but no `-id`, which only Proxmox's patched QEMU knows; the pid file path identifies the VM),
/// fixed PCI slots on the i440fx root bus, drives as `-drive if=none` plus a device. Unlike
/// Proxmox there is no `-no-shutdown`: Proxmox relies on its qmeventd to end a powered-off
/// QEMU, so here a guest's power-off simply ends the process.
public struct QemuCommand: Sendable {
    public let config: VMConfig
    public let context: QemuCommandContext
    var arguments: [String] = []

    public static func build(_ config: VMConfig, context: QemuCommandContext) throws -> [String] {
        var command = QemuCommand(config: config, context: context)
        try command.assemble()
        return [context.executable] + command.arguments
    }

    init(config: VMConfig, context: QemuCommandContext) {
        self.config = config
        self.context = context
    }

    mutating func add(_ items: String...) { arguments.append(contentsOf: items) }

    var isQ35: Bool { config.isQ35 }
    var rootBus: String { isQ35 ? "pcie.0" : "pci.0" }
    var machineType: String { config.machineType }

    mutating func assemble() throws {
        try Self.refuseUnhonoured(config)
        let vmid = context.vmid
        add("-name", "\(config.name(vmid: vmid)),debug-threads=on")
        add("-chardev", "socket,id=qmp,path=\(context.qmpSocket),server=on,wait=off", "-mon", "chardev=qmp,mode=control")
        add("-pidfile", context.pidFile, "-daemonize")
        if let uuid = smbiosUUID { add("-smbios", "type=1,uuid=\(uuid)") }
        let sockets = config.sockets, cores = config.cores, maximum = sockets * cores
        guard config.vcpus <= maximum else {
            throw VMConfigError.invalidOption(key: "vcpus", message: "MAX \(maximum) vcpus allowed per VM (sockets \(sockets) x cores \(cores))")
        }
        add("-smp", "\(config.vcpus),sockets=\(sockets),cores=\(cores),maxcpus=\(maximum)")
        add("-nodefaults")
        add("-boot", "menu=on,strict=on,reboot-timeout=1000")
        add("-vnc", "unix:\(context.vncSocket),password=on")
        add("-cpu", context.restore?.cpu ?? cpuModel)
        add("-m", "\(config.memoryMiB)")
        try addFirmware()
        try addPlatform()
        try addDisplayAndBalloon()
        addSerialPorts()
        addAgent()
        try addDrives()
        try addNetworks()
        addMachine()
        if let extra = config["args"] { arguments.append(contentsOf: Self.splitArguments(extra)) }
    }

    var smbiosUUID: String? {
        guard let text = config["smbios1"], let values = try? PropertyString.parse(text, keys: DeviceKeys.smbios1) else { return nil }
        return values["uuid"]
    }

    var cpuModel: String {
        var model = "kvm64"
        var flags: [String] = []
        if let text = config["cpu"], let values = try? PropertyString.parse(text, keys: DeviceKeys.cpu) {
            model = values["cputype"] ?? model
            flags = values["flags"].map { $0.split(separator: ";").map(String.init) } ?? []
        }
        let level = Self.microarchitectureLevels[model]
        let base = level == nil ? model : "qemu64"
        var parts = [base]
        if config.kvmEnabled {
            parts.append("enforce")
            if base == "kvm64" || base == "qemu64" { parts += ["+kvm_pv_eoi", "+kvm_pv_unhalt"] }
        }
        if base == "kvm64" || base == "qemu64" { parts += ["+lahf_lm", "+sep"] }
        return (parts + (level ?? []) + flags).joined(separator: ",")
    }

    /// The x86-64 microarchitecture levels (Proxmox's GUI default is `x86-64-v2-AES`), which
    /// QEMU 7.2 has no models for: `qemu64` plus the flags each level adds.
    static let microarchitectureLevels: [String: [String]] = {
        let v2 = ["+cx16", "+popcnt", "+pni", "+sse4.1", "+sse4.2", "+ssse3"]
        let v3 = v2 + ["+aes", "+avx", "+avx2", "+bmi1", "+bmi2", "+f16c", "+fma", "+movbe", "+xsave"]
        let v4 = v3 + ["+avx512f", "+avx512bw", "+avx512cd", "+avx512dq", "+avx512vl"]
        return ["x86-64-v2": v2, "x86-64-v2-AES": v2 + ["+aes"], "x86-64-v3": v3, "x86-64-v4": v4]
    }()

    /// `bios: ovmf`: the firmware code read-only on pflash unit 0, the variables on unit 1.
    mutating func addFirmware() throws {
        guard config.usesOVMF else { return }
        let efiDisk = try config.efiDisk()
        let firmware = OVMFFirmware(efiDisk, q35: isQ35, directory: context.firmwareDirectory)
        if firmware.secure { add("-global", "driver=cfi.pflash01,property=secure,value=on") }
        add("-drive", "if=pflash,unit=0,format=raw,readonly=on,file=\(firmware.code)")
        guard let efiDisk else {
            add("-drive", "if=pflash,unit=1,id=drive-efidisk0,format=raw,file=\(context.temporaryEFIVariables)")
            return
        }
        let path = try efiDisk.volumeID.map(context.resolveVolume) ?? efiDisk.file
        let format = efiDisk.values["format"] ?? Self.format(ofPath: path, cdrom: false)
        let size = format == "raw" ? ",size=\(firmware.variablesSize)" : ""
        add("-drive", "if=pflash,unit=1,id=drive-efidisk0,format=\(format)\(size),file=\(path.replacingOccurrences(of: ",", with: ",,"))")
    }

    mutating func addPlatform() throws {
        if !VMConfig.flag(config["acpi"], default: true) { add("-no-acpi") }
        if VMConfig.flag(config["freeze"], default: false) { add("-S") }
        if !VMConfig.flag(config["reboot"], default: true) { add("-no-reboot") }
        if let keyboard = config["keyboard"] { add("-k", keyboard) }
        let windows = (config["ostype"] ?? "other").hasPrefix("w")
        if let start = config["startdate"], start != "now" {
            add("-rtc", "base=\(start)")
        } else if VMConfig.flag(config["localtime"], default: windows) {
            add("-rtc", "base=localtime")
        }
        let power = isQ35 ? "ICH9-LPC" : "PIIX4_PM"
        add("-global", "\(power).disable_s3=1", "-global", "\(power).disable_s4=1")
        if !isQ35 { add("-device", "pci-bridge,id=pci.1,chassis_nr=1,bus=pci.0,addr=0x1e") }
        if !isQ35 { add("-device", "pci-bridge,id=pci.2,chassis_nr=2,bus=pci.0,addr=0x1f") }
        if try config.tpmState() != nil {
            // swtpm (started before QEMU, `TPMEmulator`) behind a TIS interface, as Proxmox on x86.
            add("-chardev", "socket,id=tpmchar,path=\(context.tpmSocket)")
            add("-tpmdev", "emulator,id=tpmdev,chardev=tpmchar")
            add("-device", "tpm-tis,tpmdev=tpmdev")
        }
        if let guid = config["vmgenid"], guid != "0" { add("-device", "vmgenid,guid=\(guid)") }
        if VMConfig.flag(config["tablet"], default: true) {
            if isQ35 {
                add("-device", "qemu-xhci,id=xhci,bus=pcie.0,addr=0x1b", "-device", "usb-tablet,id=tablet,bus=xhci.0,port=1")
            } else {
                add("-device", "piix3-usb-uhci,id=uhci,bus=pci.0,addr=0x1.0x2", "-device", "usb-tablet,id=tablet,bus=uhci.0,port=1")
            }
        }
    }

    mutating func addDisplayAndBalloon() throws {
        var type = "std", memory: String?
        if let text = config["vga"] {
            do {
                let values = try PropertyString.parse(text, keys: DeviceKeys.vga)
                type = values["type"] ?? "std"
                memory = values["memory"]
            } catch {
                throw VMConfigError.invalidOption(key: "vga", message: error.description)
            }
        }
        let devices = ["std": "VGA", "cirrus": "cirrus-vga", "vmware": "vmware-svga", "virtio": "virtio-vga", "virtio-gl": "virtio-vga-gl",
                       "qxl": "qxl-vga", "qxl2": "qxl-vga", "qxl3": "qxl-vga", "qxl4": "qxl-vga"]
        if let device = devices[type] {
            var text = "\(device),id=vga,bus=\(rootBus),addr=\(isQ35 ? "0x1" : "0x2")"
            if let memory {
                guard let megabytes = Int(memory), (4...512).contains(megabytes) else {
                    throw VMConfigError.invalidOption(key: "vga", message: "memory: '\(memory)' is not between 4 and 512 MiB")
                }
                text += type.hasPrefix("qxl") ? ",ram_size=\(megabytes * 1_048_576)" : ",vgamem_mb=\(megabytes)"
            }
            add("-device", text)
        }
        if config["balloon"] != "0" {
            add("-device", "virtio-balloon-pci,id=balloon0,bus=\(rootBus),addr=0x3,free-page-reporting=on")
        }
    }

    mutating func addSerialPorts() {
        for index in 0..<VMOptions.slots["serial"]! {
            guard let value = config["serial\(index)"] else { continue }
            if value == "socket" {
                add("-chardev", "socket,id=serial\(index),path=\(context.serialSocket(index)),server=on,wait=off")
            } else {
                add("-chardev", "serial,id=serial\(index),path=\(value)")
            }
            add("-device", "isa-serial,chardev=serial\(index)")
        }
    }

    mutating func addAgent() {
        guard let text = config["agent"], let values = try? PropertyString.parse(text, keys: DeviceKeys.agent),
            values["enabled"] == "1"
        else { return }
        add("-chardev", "socket,path=\(context.agentSocket),server=on,wait=off,id=qga0")
        if values["type"] == "isa" {
            add("-device", "isa-serial,chardev=qga0")
        } else {
            add("-device", "virtio-serial,id=qga0,bus=\(rootBus),addr=0x8",
                "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0")
        }
    }

    mutating func addMachine() {
        add("-machine", "type=\(context.restore?.machine ?? machineType)")
        add("-accel", config.kvmEnabled ? "kvm" : "tcg")
        if let restore = context.restore { add("-incoming", restore.incomingURI) }
    }

    /// Splits `args` like a shell would for plain words and quoted strings.
    static func splitArguments(_ text: String) -> [String] {
        var result: [String] = [], current = "", quote: Character?, inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { result.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { result.append(current) }
        return result
    }
}
