import FaroGuestSchema
import FaroModel
import FaroQemu
import FaroSchema
import Testing

/// Issue 21 part 1: every key of the VM option schema, and every property of every property
/// string, is either turned into QEMU arguments (the command line changes), honoured on the
/// host side (`VMOptions.hostSideProperties`, tested where they are built), a management
/// setting that must not touch the command line, or refused by the command builder with an
/// error that names it. The walk goes over the schema itself, so a key added later without
/// a decision fails here.
@Suite struct NoSilentDropsTests {
    /// A config every sample is added to; the drive and NIC families get a base value.
    static let base = "kvm: 0\nmemory: 512\ncores: 4\nvirtio0: local:8006/vm-8006-disk-9.raw\nscsi0: local:8006/vm-8006-disk-0.raw\nnet0: virtio=BC:24:11:00:00:01,bridge=vmbr0\n"

    /// The minimal value of each property-string family that the property under test is added to.
    static let familyBase: [String: String] = [
        "drive": "local:8006/vm-8006-disk-1.raw", "net": "virtio=BC:24:11:00:00:02,bridge=vmbr0",
        "efidisk0": "local:8006/vm-8006-disk-2.raw", "unused": "local:8006/vm-8006-disk-3.raw",
        "tpmstate0": "local:8006/vm-8006-disk-11.raw",
        "agent": "1", "boot": "order=scsi0", "cpu": "qemu64", "machine": "q35", "memory": "1024", "smbios1": "uuid=00000000-0000-4000-8000-000000000001",
        "startup": "order=1", "vga": "std", "ipconfig0": "ip=192.0.2.10/24,ip6=2001:db8::10/64", "cicustom": "user=local:snippets/u.yaml",
    ]

    /// Samples for strings the schema alone cannot give a valid value for, by `key` or
    /// `family.property`.
    static let stringSamples: [String: String] = [
        "affinity": "0-1", "amd-sev": "type=std", "intel-tdx": "type=tdx", "args": "-no-hpet", "audio0": "device=ich9-intel-hda,driver=none",
        "bootdisk": "virtio0", "cdrom": "none", "cicustom": "user=local:snippets/u.yaml", "cipassword": "secret", "ciuser": "admin",
        "description": "notes", "hookscript": "local:snippets/hook.pl", "hotplug": "network,disk,usb", "ivshmem": "size=32",
        "name": "walker", "nameserver": "192.0.2.53", "rng0": "source=/dev/urandom", "searchdomain": "example.com",
        "spice_enhancements": "foldersharing=1", "sshkeys": "ssh-ed25519%20AAAA", "startdate": "2020-01-01", "tags": "a;b",
        "tpmstate0": "local:8006/vm-8006-disk-4.raw,version=v2.0", "vmgenid": "00000000-0000-4000-8000-000000000002",
        "vmstatestorage": "local", "watchdog": "model=i6300esb", "serial0": "socket", "ipconfig0": "ip=dhcp",
        "ipconfig.ip": "192.0.2.20/24", "ipconfig.gw": "192.0.2.1", "ipconfig.ip6": "2001:db8::20/64", "ipconfig.gw6": "2001:db8::1",
        "cicustom.meta": "local:snippets/m.yaml", "cicustom.network": "local:snippets/n.yaml", "cicustom.user": "local:snippets/u2.yaml",
        "cicustom.vendor": "local:snippets/v.yaml",
        "usb0": "host=1234:5678", "hostpci0": "0000:01:00.0", "numa0": "cpus=0,memory=512", "virtiofs0": "dirid=share",
        "parallel0": "/dev/parport0",
        "drive.file": "local:8006/vm-8006-disk-5.raw", "drive.size": "8G", "drive.serial": "WALKER1", "drive.wwn": "0x5000c500a1b2c3d4",
        "drive.product": "WALK", "drive.vendor": "FARO", "drive.import-from": "local:8006/vm-8006-disk-10.raw", "boot": "nc",
        "efidisk.file": "local:8006/vm-8006-disk-6.raw", "efidisk.size": "4M", "efidisk.import-from": "local:8006/vm-8006-disk-7.raw",
        "net.bridge": "vmbr1", "net.trunks": "10;20-22", "net.macaddr": "BC:24:11:00:00:03",
        "cpu.cputype": "host", "cpu.flags": "+aes", "cpu.hv-vendor-id": "faro", "cpu.phys-bits": "40", "cpu.reported-model": "kvm64",
        "machine.type": "pc", "boot.order": "net0;scsi0", "boot.legacy": "nc",
        "smbios1.uuid": "00000000-0000-4000-8000-000000000003", "smbios1.manufacturer": "Faro", "smbios1.product": "Walker",
        "smbios1.version": "1", "smbios1.serial": "S1", "smbios1.sku": "K1", "smbios1.family": "F1",
        "unused.file": "local:8006/vm-8006-disk-8.raw",
        "tpmstate.file": "local:8006/vm-8006-disk-12.raw", "tpmstate.size": "4M",
    ]

    /// Values that give the guest the same hardware as leaving the option out: the defaults
    /// (Proxmox's), and values that need nothing beyond them, by `key` or `family.property`.
    static let sameAsLeftOut: [String: Set<String>] = [
        "acpi": ["1"], "reboot": ["1"], "tablet": ["1"], "localtime": ["0"], "freeze": ["0"], "kvm": ["0"],
        "bios": ["seabios"], "scsihw": ["lsi"], "sockets": ["1"], "vga": ["std"], "vga.type": ["std"],
        // Linux, Solaris and other guests need none of the Windows adjustments.
        "ostype": ["other", "l24", "l26", "solaris"],
        // An `order` wins over the legacy letters (the whole-key case `boot: nc` proves them).
        "boot.legacy": ["nc"],
        "agent.enabled": ["1"], "agent.type": ["virtio"],
        "drive.detect_zeroes": ["1"], "drive.cache": ["none"], "drive.aio": ["io_uring"], "drive.discard": ["ignore"], "drive.format": ["raw"], "drive.iothread": ["0"],
        "drive.media": ["disk"], "drive.ro": ["0"], "drive.snapshot": ["0"], "drive.ssd": ["0"],
        "efidisk.format": ["raw"], "efidisk.efitype": ["2m"],
        // Cloud-init: a Linux guest's format, the default upgrade, DHCP when nothing is said.
        "citype": ["nocloud"], "ciupgrade": ["1"], "ipconfig0": ["ip=dhcp"],
        "net.model": ["virtio"], "net.queues": ["0", "1"],
        // 1 is "the bridge's MTU": the tap gets the bridge's (TapDevices); the guest's default stays.
        "net.mtu": ["1"],
    ]

    struct Case: CustomStringConvertible {
        let key: String
        let property: String?
        let values: [String]
        var name: String { property.map { "\(VMOptions.family(key)).\($0)" } ?? key }
        var description: String { property.map { "\(key).\($0)" } ?? key }
    }

    /// The values a case is tried with: every value of an enumeration, both of a flag, the
    /// bounds of a number, the sample of a string.
    static func values(_ schema: Schema, name: String) -> [String] {
        if let values = schema.enumValues { return values }
        switch schema.type {
        case .boolean: return ["0", "1"]
        case .integer, .number:
            let low = Int(schema.minimum ?? 0), high = schema.maximum.map(Int.init) ?? low + 64
            return Array(Set([low, min(low + 1, high), high])).sorted().map(String.init)
        default:
            if name.hasPrefix("net."), DeviceKeys.nicModels.contains(String(name.dropFirst(4))) { return ["BC:24:11:00:00:04"] }
            return stringSamples[name].map { [$0] } ?? []
        }
    }

    static func properties(_ schema: Schema) -> [String: Schema]? {
        if case .propertyString(let keys) = schema.format { return keys }
        return nil
    }

    /// The family a key's property string belongs to (`scsi0` → `drive`, `efidisk0` → `efidisk`).
    static func family(_ key: String) -> String { VMOptions.family(key) }

    /// The key a family is walked on: index 1 for drives and NICs (the base config holds
    /// index 0), index 0 for the other indexed families, plain keys as they are.
    static func walked(_ key: String) -> Bool {
        guard let (bus, index) = VMOptions.splitIndexed(key) else { return true }
        return index == (VMOptions.driveBuses.contains(bus) || bus == "net" ? 1 : 0)
    }

    /// Every walked key with its values, and for property strings the base value alone and
    /// then each property added to it (the drive properties once per bus).
    static func cases() -> [Case] {
        var result: [Case] = []
        for (key, schema) in VMOptions.common.sorted(by: { $0.key < $1.key }) where walked(key) {
            guard let properties = properties(schema) else {
                result.append(Case(key: key, property: nil, values: values(schema, name: key)))
                continue
            }
            let whole = [familyBase[key] ?? familyBase[family(key)] ?? ""] + (stringSamples[key].map { [$0] } ?? [])
            result.append(Case(key: key, property: nil, values: whole))
            for (property, propertySchema) in properties.sorted(by: { $0.key < $1.key }) where propertySchema.alias == nil {
                result.append(Case(key: key, property: property, values: values(propertySchema, name: "\(family(key)).\(property)")))
            }
        }
        return result
    }

    static func argv(_ text: String) throws -> [String] {
        try QemuCommand.build(try VMConfig(parsing: text), context: QemuCommandTests.context())
    }

    /// The config with one value of a case, and the config it is compared with (the same
    /// without the option, or with the property string's base value alone).
    static func configs(_ testCase: Case, _ value: String) -> (with: String, without: String) {
        let key = testCase.key
        // The EFI disk only matters with OVMF.
        let base = key == "efidisk0" ? Self.base + "bios: ovmf\n" : Self.base
        guard let property = testCase.property else { return (base + "\(key): \(value)\n", base) }
        let keys = properties(VMOptions.common[key]!)!
        let baseValue = familyBase[key] ?? familyBase[family(key)] ?? ""
        let defaultKey = keys.first { $0.value.isDefaultKey }?.key
        let parsed = (try? PropertyString.parse(baseValue, keys: keys)) ?? [:]
        let combined = family(key) == "net" && DeviceKeys.nicModels.contains(property)
            ? "\(property)=\(value),bridge=vmbr0"
            : parsed[property] != nil
            ? replacing(baseValue, property: property, with: value, defaultKey: defaultKey)
            : baseValue + ",\(property)=\(value)"
        return (base + "\(key): \(combined)\n", base + "\(key): \(baseValue)\n")
    }

    static func replacing(_ value: String, property: String, with sample: String, defaultKey: String?) -> String {
        value.split(separator: ",").map { item -> String in
            let parts = item.split(separator: "=", maxSplits: 1)
            let name = parts.count == 2 ? String(parts[0]) : defaultKey
            guard name == property else { return String(item) }
            return parts.count == 2 ? "\(property)=\(sample)" : sample
        }.joined(separator: ",")
    }

    /// The cloud-init files of a config (a snippet's text names the snippet).
    static func cloudInit(_ text: String) throws -> CloudInitData {
        try CloudInitData.build(try VMConfig(parsing: text), vmid: VMID(8006)!) { "# snippet \($0)\n" }
    }

    /// What is wrong with one value of a case; nil when it is honoured or refused by name.
    static func problem(_ testCase: Case, _ value: String) -> String? {
        let (with, without) = configs(testCase, value)
        let baseline: [String]
        do { baseline = try argv(without) } catch { return "the comparison config does not build: \(error)" }
        let built: [String]
        do {
            built = try argv(with)
        } catch {
            let message = "\(error)"
            let named = [testCase.key, testCase.property].compactMap { $0 }.contains { message.contains("'\($0)") || message.contains("\($0):") || message.contains("\($0) ") }
            return named ? nil : "refused without naming it: \(message)"
        }
        // Cloud-init options go into the cloud-init drive, not onto the command line.
        if CloudInitData.isCloudInitKey(testCase.key) {
            do {
                let (changed, unchanged) = (try cloudInit(with), try cloudInit(without))
                if changed != unchanged || sameAsLeftOut[testCase.name]?.contains(value) == true { return nil }
                return "accepted but the cloud-init data did not change"
            } catch {
                return "\(error)".contains(testCase.key) ? nil : "refused without naming it: \(error)"
            }
        }
        let family = family(testCase.key)
        let management = testCase.property.map { VMOptions.managementProperties[family]?.contains($0) == true } ?? false
            || VMOptions.isManagement(testCase.key)
        if management { return built == baseline ? nil : "a management setting changed the command line" }
        if let property = testCase.property, VMOptions.hostSideProperties[family]?.contains(property) == true { return nil }
        if testCase.property == nil, VMOptions.appliedAfterStart.contains(testCase.key) { return nil }
        if built != baseline || sameAsLeftOut[testCase.name]?.contains(value) == true { return nil }
        return "accepted but the command line did not change"
    }

    @Test func everyOptionAndPropertyIsHonouredOrRefused() throws {
        var offenders: [String] = []
        for testCase in Self.cases() {
            if testCase.values.isEmpty { offenders.append("\(testCase): no sample value; add one to stringSamples") }
            for value in testCase.values {
                if let problem = Self.problem(testCase, value) { offenders.append("\(testCase)=\(value): \(problem)") }
            }
        }
        #expect(offenders.isEmpty, "\(offenders.count) silent drops:\n\(offenders.joined(separator: "\n"))")
    }

    @Test func aKeyOutsideTheSchemaStopsTheStart() throws {
        let config = try VMConfig(parsing: Self.base + "x-unknown-key: kept as it is\n")
        #expect(config["x-unknown-key"] == "kept as it is", "the file keeps it")
        #expect(throws: VMConfigError.invalidOption(key: "x-unknown-key", message: "option 'x-unknown-key' is not a VM option Faro knows")) {
            try QemuCommand.build(config, context: QemuCommandTests.context())
        }
    }

    @Test func vcpusBeyondSocketsTimesCoresAreRefused() throws {
        #expect(throws: VMConfigError.self) { try Self.argv(Self.base + "vcpus: 5\n") }
        #expect(try Self.argv(Self.base + "vcpus: 3\n").contains("3,sockets=1,cores=4,maxcpus=4"))
    }
}
