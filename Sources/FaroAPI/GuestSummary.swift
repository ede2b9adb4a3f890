import FaroSchema

/// The few facts the resource list shows about a guest, read from its config options with
/// Proxmox's defaults (512 MiB memory, one core, `VM <vmid>` / `CT<vmid>` names).
struct GuestSummary {
    let name: String
    let isTemplate: Bool
    let cpus: Int
    let memoryBytes: Int
    let diskBytes: Int
    let tags: String?
    let lock: String?

    init(kind: String, vmid: Int, options: [String: String], hostCPUs: Int) {
        let mebibyte = 1 << 20
        let memoryText = options["memory"].map { value in
            value.split(separator: ",").first { !$0.contains("=") || $0.hasPrefix("current=") }
                .map { String($0.hasPrefix("current=") ? $0.dropFirst(8) : $0) } ?? value
        }
        let memory = memoryText.flatMap { Int($0) } ?? 512
        memoryBytes = memory * mebibyte
        isTemplate = options["template"] == "1"
        tags = options["tags"]
        lock = options["lock"]
        if kind == "qemu" {
            name = options["name"] ?? "VM \(vmid)"
            let cores = options["cores"].flatMap { Int($0) } ?? 1
            let sockets = options["sockets"].flatMap { Int($0) } ?? 1
            cpus = options["vcpus"].flatMap { Int($0) } ?? cores * sockets
            diskBytes = Self.bootDiskSize(options)
        } else {
            name = options["hostname"] ?? "CT\(vmid)"
            cpus = options["cores"].flatMap { Int($0) } ?? hostCPUs
            diskBytes = options["rootfs"].flatMap(Self.sizeOption) ?? 0
        }
    }

    /// `size=` of a drive property string.
    static func sizeOption(_ drive: String) -> Int? {
        drive.split(separator: ",").first { $0.hasPrefix("size=") }.flatMap { SizeFormat.parse(String($0.dropFirst(5))) }
    }

    /// The first disk in `boot: order=...`, else the first disk by bus order.
    static func bootDiskSize(_ options: [String: String]) -> Int {
        var candidates: [String] = []
        if let boot = options["boot"], let order = boot.split(separator: ",").first(where: { $0.hasPrefix("order=") }) {
            candidates = order.dropFirst(6).split(separator: ";").map(String.init)
        }
        for bus in ["scsi", "virtio", "sata", "ide"] {
            candidates += (0..<31).map { "\(bus)\($0)" }
        }
        for key in candidates {
            guard let drive = options[key], !drive.contains("media=cdrom"), let size = sizeOption(drive) else { continue }
            return size
        }
        return 0
    }
}
