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
    /// Share of the VM's vCPUs used since the previous sample (0 ... 1).
    public var cpu: Double = 0
    public var memoryBytes: Int = 0
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
    /// Status from `/proc`, the tap counters and one QMP connection. `vcpus` scales the CPU
    /// share; `detailed` also asks QEMU for the concrete machine type (a longer reply).
    public func status(vmid: Int, vcpus: Int, detailed: Bool = false) async -> RuntimeStatus {
        guard let process = process(vmid) else { return .stopped }
        var status = RuntimeStatus(running: true, qmpStatus: "running", pid: process.pid)
        if let usage = process.usage(proc: proc) { record(usage, vmid: vmid, vcpus: vcpus, into: &status) }
        let traffic = taps.traffic(vmid: vmid)
        status.netIn = traffic.toGuest
        status.netOut = traffic.fromGuest
        if let figures = try? await withMonitor(vmid, { try await MonitorFigures.query($0, detailed: detailed) }) {
            status.qmpStatus = figures.status
            status.qemuVersion = figures.version
            status.diskRead = figures.diskRead
            status.diskWrite = figures.diskWrite
            status.machine = figures.machine
        }
        return status
    }

    private func record(_ usage: (ticks: UInt64, rssBytes: Int, startTicks: Int), vmid: Int, vcpus: Int, into status: inout RuntimeStatus) {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let bootUptime = Double((try? FileIO.readText("\(proc)/uptime"))?.split(separator: " ").first ?? "0") ?? 0
        status.uptime = max(0, Int(bootUptime - Double(usage.startTicks) / ticksPerSecond))
        status.memoryBytes = usage.rssBytes
        let now = ContinuousClock.now
        if let previous = samples[vmid] {
            let elapsed = Double((now - previous.at).components.seconds) + Double((now - previous.at).components.attoseconds) / 1e18
            if elapsed > 0 {
                status.cpu = min(1, Double(usage.ticks &- previous.ticks) / ticksPerSecond / elapsed / Double(max(1, vcpus)))
            }
        }
        samples[vmid] = (usage.ticks, now)
    }
}

/// The figures one monitor connection yields for a status.
struct MonitorFigures: Sendable {
    var status: String
    var version: String
    var diskRead = 0
    var diskWrite = 0
    var machine: String?

    static func query(_ client: QMPClient, detailed: Bool) async throws -> MonitorFigures {
        var figures = MonitorFigures(status: try await client.queryStatus().status, version: client.greeting.version)
        for device in try await client.execute("query-blockstats").arrayValue ?? [] {
            figures.diskRead += device["stats"]?["rd_bytes"]?.intValue ?? 0
            figures.diskWrite += device["stats"]?["wr_bytes"]?.intValue ?? 0
        }
        if detailed { figures.machine = try await client.currentMachine() }
        return figures
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
