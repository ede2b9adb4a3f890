#if canImport(Glibc)
import Glibc
#endif
import FaroModel
import FaroQMP
import FaroSupport

/// What `status/current` reports about a VM's process.
public struct RuntimeStatus: Sendable, Equatable {
    public var running: Bool
    public var qmpStatus: String
    public var pid: Int32?
    public var uptime: Int = 0
    /// CPU time QEMU has used, in seconds; the metrics collector turns two readings into
    /// the share `status/current` shows.
    public var cpuSeconds: Double = 0
    /// Memory the guest uses, as Proxmox counts it: what the guest's balloon driver reports
    /// (total less free) when it reports, else the resident share of QEMU's address space
    /// applied to the VM's memory.
    public var memoryBytes: Int = 0
    /// What the QEMU process holds on the host (proportional set size, resident size where
    /// the kernel has no `smaps_rollup`).
    public var hostMemoryBytes: Int = 0
    /// The guest's free memory from its balloon driver, when it reports.
    public var freeMemoryBytes: Int?
    /// Bytes the guest received and sent over its tap NICs.
    public var netIn: Int = 0
    public var netOut: Int = 0
    /// Bytes the guest read from and wrote to its disks (QMP `query-blockstats`).
    public var diskRead: Int = 0
    public var diskWrite: Int = 0
    public var qemuVersion: String?
    /// The concrete machine type, such as `pc-i440fx-7.2`; only in a detailed status.
    public var machine: String?

    public static let stopped = RuntimeStatus(running: false, qmpStatus: "stopped", pid: nil)
}

extension QemuRuntime {
    /// Status from `/proc`, the tap counters and one QMP connection. `maxMemory` (bytes)
    /// scales the memory figure; `detailed` also asks QEMU for the concrete
    /// machine type (a longer reply).
    public func status(vmid: VMID, maxMemory: Int, detailed: Bool = false) async -> RuntimeStatus {
        guard let process = process(vmid) else { return .stopped }
        var status = RuntimeStatus(running: true, qmpStatus: "running", pid: process.pid)
        if let usage = process.usage(proc: proc) {
            record(usage, into: &status)
            if usage.virtualBytes > 0 {
                status.memoryBytes = Int(Double(usage.residentBytes) / Double(usage.virtualBytes) * Double(maxMemory))
            }
            status.hostMemoryBytes = proportionalSetSize(process.pid) ?? usage.residentBytes
        }
        let traffic = taps.traffic(vmid: vmid)
        status.netIn = traffic.toGuest
        status.netOut = traffic.fromGuest
        if let figures = try? await withMonitor(vmid, { try await MonitorFigures.query($0, detailed: detailed) }) {
            status.qmpStatus = figures.status
            status.qemuVersion = figures.version
            status.diskRead = figures.diskRead
            status.diskWrite = figures.diskWrite
            status.machine = figures.machine
            if let guest = figures.guestMemory {
                status.memoryBytes = guest.total - guest.free
                status.freeMemoryBytes = guest.free
            }
        }
        return status
    }

    private func record(_ usage: ProcessUsage, into status: inout RuntimeStatus) {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let bootUptime = Double((try? FileIO.readText("\(proc)/uptime"))?.split(separator: " ").first ?? "0") ?? 0
        status.uptime = max(0, Int(bootUptime - Double(usage.startTicks) / ticksPerSecond))
        status.cpuSeconds = Double(usage.ticks) / ticksPerSecond
    }

    /// `Pss:` of `/proc/<pid>/smaps_rollup` in bytes.
    private func proportionalSetSize(_ pid: Int32) -> Int? {
        guard let text = try? FileIO.readText("\(proc)/\(pid)/smaps_rollup") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Pss:") {
            let words = line.split(separator: " ")
            guard words.count >= 2, let kib = Int(words[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }

    /// Asks the balloon device to collect the guest's memory statistics every 2 s (QEMU
    /// collects none until asked); without a balloon device this changes nothing.
    func enableGuestMemoryStatistics(_ vmid: VMID) async {
        _ = try? await withMonitor(vmid) { client in
            try await client.execute(
                "qom-set", arguments: ["path": .string(MonitorFigures.balloonPath), "property": "guest-stats-polling-interval", "value": .int(2)])
        }
    }
}

/// The figures one monitor connection yields for a status.
struct MonitorFigures: Sendable {
    var status: String
    var version: String
    var diskRead = 0
    var diskWrite = 0
    var machine: String?
    /// Total and free memory as the guest's balloon driver last reported them.
    var guestMemory: (total: Int, free: Int)?

    static let balloonPath = "/machine/peripheral/balloon0"

    static func query(_ client: QMPClient, detailed: Bool) async throws -> MonitorFigures {
        var figures = MonitorFigures(status: try await client.queryStatus().status, version: client.greeting.version)
        for device in try await client.execute("query-blockstats").arrayValue ?? [] {
            figures.diskRead += device["stats"]?["rd_bytes"]?.intValue ?? 0
            figures.diskWrite += device["stats"]?["wr_bytes"]?.intValue ?? 0
        }
        if detailed { figures.machine = try await client.currentMachine() }
        figures.guestMemory = try? await guestMemory(client)
        return figures
    }

    /// The balloon's `guest-stats`; nil without a balloon device, before the guest's driver
    /// first reported (`last-update` 0) or when it leaves a figure out (QEMU says -1).
    static func guestMemory(_ client: QMPClient) async throws -> (total: Int, free: Int)? {
        let reply = try await client.execute("qom-get", arguments: ["path": .string(balloonPath), "property": "guest-stats"])
        guard (reply["last-update"]?.intValue ?? 0) > 0, let stats = reply["stats"],
            let total = stats["stat-total-memory"]?.intValue, let free = stats["stat-free-memory"]?.intValue,
            total > 0, free >= 0, free <= total
        else { return nil }
        return (total, free)
    }
}

extension QMPClient {
    /// The concrete machine type the VM runs: `pc` resolves to its versioned name
    /// (`pc-i440fx-7.2`), which is what a saved state must be loaded into.
    public func currentMachine() async throws -> String? {
        let argument = try await execute("qom-get", arguments: ["path": "/machine", "property": "type"]).stringValue
        guard let type = argument else { return nil }
        // The QOM type is `<machine>-machine`, e.g. `pc-i440fx-7.2-machine`.
        return type.hasSuffix("-machine") ? String(type.dropLast("-machine".count)) : type
    }
}
