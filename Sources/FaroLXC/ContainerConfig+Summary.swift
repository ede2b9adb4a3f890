import FaroGuest
import FaroModel
import FaroSchema

extension ContainerConfig {
    public func summary(vmid: VMID, hostCPUs: Int) -> GuestSummary {
        GuestSummary(
            name: hostname(vmid: vmid), isTemplate: isTemplate, cpus: cores ?? hostCPUs, memoryBytes: memoryMiB << 20,
            diskBytes: rootfs?["size"].flatMap { SizeFormat.parse($0) } ?? 0, tags: self["tags"], lock: lock)
    }
}
