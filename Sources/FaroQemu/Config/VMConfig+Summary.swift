import FaroGuest
import FaroModel
import FaroSchema

extension VMConfig {
    public func summary(vmid: VMID, hostCPUs: Int) -> GuestSummary {
        GuestSummary(
            name: name(vmid: vmid), isTemplate: isTemplate, cpus: vcpus, memoryBytes: memoryMiB << 20,
            diskBytes: bootDiskBytes, tags: self["tags"], lock: lock)
    }

    /// The size of the first disk in `boot: order=...`, else of the first disk by bus order
    /// (what Proxmox shows as a VM's `maxdisk`).
    public var bootDiskBytes: Int {
        var candidates: [String] = []
        if let boot = self["boot"], let order = boot.split(separator: ",").first(where: { $0.hasPrefix("order=") }) {
            candidates = order.dropFirst(6).split(separator: ";").map(String.init)
        }
        for bus in ["scsi", "virtio", "sata", "ide"] {
            candidates += (0..<31).map { "\(bus)\($0)" }
        }
        for key in candidates {
            guard let drive = self[key], !drive.contains("media=cdrom"), let size = Self.sizeOption(drive) else { continue }
            return size
        }
        return 0
    }

    /// `size=` of a drive property string.
    static func sizeOption(_ drive: String) -> Int? {
        drive.split(separator: ",").first { $0.hasPrefix("size=") }.flatMap { SizeFormat.parse(String($0.dropFirst(5))) }
    }
}
