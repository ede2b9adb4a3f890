import FaroModel
import FaroSupport
import Foundation

/// `status/current` and the list entries: Proxmox's fields from lxc and cgroup counters.
public struct ContainerStatus: Sendable, Equatable {
    public var vmid: VMID
    public var name: String
    public var running: Bool
    public var pid: Int?
    public var cpus: Int
    /// CPU time the container's cgroup has used, in seconds; the metrics collector turns two
    /// readings into the share `status/current` shows.
    public var cpuSeconds: Double = 0
    public var memory: UInt64 = 0
    public var maxMemory: UInt64
    public var swap: UInt64 = 0
    public var maxSwap: UInt64
    public var disk: UInt64 = 0
    public var maxDisk: UInt64
    public var uptime: Int = 0
    public var netIn: UInt64 = 0
    public var netOut: UInt64 = 0
    /// Bytes the container read from and wrote to block devices (its blkio/io cgroup).
    public var diskRead: UInt64 = 0
    public var diskWrite: UInt64 = 0
    public var lock: String?
    public var tags: String?
    public var template: Bool
}

extension ContainerManager {
    public func status(_ vmid: VMID, hostCPUs: Int) async throws -> ContainerStatus {
        try await status(vmid, config: try await read(vmid).config, hostCPUs: hostCPUs)
    }

    /// The status of a container whose config the caller has already read.
    public func status(_ vmid: VMID, config: ContainerConfig, hostCPUs: Int) async throws -> ContainerStatus {
        let state = try await state(vmid)
        let maxDisk = config.rootfs?["size"].flatMap { Self.bytes($0) } ?? 0
        var status = ContainerStatus(
            vmid: vmid, name: config.hostname(vmid: vmid), running: state.running, pid: state.pid,
            cpus: config.cores ?? hostCPUs, maxMemory: UInt64(config.memoryMiB) << 20, maxSwap: UInt64(config.swapMiB) << 20,
            maxDisk: maxDisk, lock: config.lock, tags: config["tags"], template: config.isTemplate)
        guard state.running else { return status }
        let counters = cgroupCounters(vmid)
        status.memory = counters.memory
        status.swap = counters.swap
        (status.diskRead, status.diskWrite) = blockIO(vmid)
        status.cpuSeconds = Double(counters.cpuNanoseconds) / 1e9
        if let pid = state.pid { status.uptime = uptime(pid: pid) }
        for (index, _) in config.networks {
            let statistics = "\(sysRoot)/class/net/veth\(vmid)i\(index)/statistics"
            // The host side of the veth receives what the container sends.
            status.netOut += readNumber(statistics + "/rx_bytes") ?? 0
            status.netIn += readNumber(statistics + "/tx_bytes") ?? 0
        }
        var fs = statvfs()
        if statvfs(rootfsMountPoint(vmid), &fs) == 0 {
            status.disk = UInt64(fs.f_blocks - fs.f_bfree) * UInt64(fs.f_frsize)
        }
        return status
    }

    /// Memory, swap and CPU time from the container's cgroup (v1 controllers or v2 unified).
    func cgroupCounters(_ vmid: VMID) -> (memory: UInt64, swap: UInt64, cpuNanoseconds: UInt64) {
        if host.cgroupVersion == 2 {
            let dir = "\(cgroupRoot)/lxc/\(vmid)"
            let usage = (try? FileIO.readTextIfExists(dir + "/cpu.stat")).flatMap { $0 }?.split(separator: "\n")
                .first { $0.hasPrefix("usage_usec ") }.flatMap { UInt64($0.dropFirst(11)) } ?? 0
            return (readNumber(dir + "/memory.current") ?? 0, readNumber(dir + "/memory.swap.current") ?? 0, usage * 1000)
        }
        let memory = readNumber("\(cgroupRoot)/memory/lxc/\(vmid)/memory.usage_in_bytes") ?? 0
        let both = readNumber("\(cgroupRoot)/memory/lxc/\(vmid)/memory.memsw.usage_in_bytes") ?? memory
        let cpu = readNumber("\(cgroupRoot)/cpuacct/lxc/\(vmid)/cpuacct.usage") ?? 0
        return (memory, both > memory ? both - memory : 0, cpu)
    }

    /// Bytes read and written by the container's processes: cgroup v1's
    /// `blkio.throttle.io_service_bytes_recursive` (`MAJ:MIN Read N` lines) or v2's `io.stat`
    /// (`MAJ:MIN rbytes=N wbytes=N ...`), summed over the devices.
    /// A throttle rule that no device reaches (2^63-1 bytes a second): it limits nothing.
    static let unreachableRate = "9223372036854775807"

    /// Cgroup v1 counts a cgroup's block I/O in `blkio.throttle.*` only for devices that have a
    /// throttle rule in that cgroup; an unreachable rate on every block device of the host turns
    /// the counting on without limiting anything. (Cgroup v2 counts in `io.stat` always.)
    func countBlockIO(_ vmid: VMID) {
        guard host.cgroupVersion != 2 else { return }
        let cgroup = cgroupDirectory(vmid, controller: "blkio")
        for device in FileIO.listDirectory("\(sysRoot)/block") {
            guard let number = ((try? FileIO.readTextIfExists("\(sysRoot)/block/\(device)/dev")) ?? nil)?
                .trimmingCharacters(in: .whitespacesAndNewlines), !number.isEmpty
            else { continue }
            for direction in ["read", "write"] {
                try? FileIO.writeExisting("\(cgroup)/blkio.throttle.\(direction)_bps_device", "\(number) \(Self.unreachableRate)")
            }
        }
    }

    func blockIO(_ vmid: VMID) -> (read: UInt64, write: UInt64) {
        if host.cgroupVersion == 2 {
            let text = ((try? FileIO.readTextIfExists("\(cgroupRoot)/lxc/\(vmid)/io.stat")) ?? nil) ?? ""
            return Self.ioStat(text)
        }
        let text = ((try? FileIO.readTextIfExists("\(cgroupRoot)/blkio/lxc/\(vmid)/blkio.throttle.io_service_bytes_recursive")) ?? nil) ?? ""
        return Self.blkioServiceBytes(text)
    }

    static func ioStat(_ text: String) -> (read: UInt64, write: UInt64) {
        var read: UInt64 = 0, write: UInt64 = 0
        for field in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if field.hasPrefix("rbytes=") { read &+= UInt64(field.dropFirst(7)) ?? 0 }
            if field.hasPrefix("wbytes=") { write &+= UInt64(field.dropFirst(7)) ?? 0 }
        }
        return (read, write)
    }

    static func blkioServiceBytes(_ text: String) -> (read: UInt64, write: UInt64) {
        var read: UInt64 = 0, write: UInt64 = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let bytes = UInt64(fields[2]) else { continue }
            if fields[1] == "Read" { read &+= bytes }
            if fields[1] == "Write" { write &+= bytes }
        }
        return (read, write)
    }

    /// Seconds since the container's init started (`/proc/<pid>/stat` field 22, in clock ticks).
    func uptime(pid: Int) -> Int {
        guard let stat = (try? FileIO.readTextIfExists("\(procRoot)/\(pid)/stat")) ?? nil,
            let close = stat.lastIndex(of: ")"),
            let system = ((try? FileIO.readTextIfExists("\(procRoot)/uptime")) ?? nil)?.split(separator: " ").first.flatMap({ Double($0) })
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return 0 }
        return max(0, Int(system - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))))
    }

    func readNumber(_ path: String) -> UInt64? {
        ((try? FileIO.readTextIfExists(path)) ?? nil).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// `8G`, `512M`, `100K` or plain bytes.
    static func bytes(_ size: String) -> UInt64? {
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = size.last, let factor = units[last] { return UInt64(size.dropLast()).map { $0 * factor } }
        return UInt64(size)
    }
}
