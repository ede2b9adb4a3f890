import FaroModel
import FaroQMP
import FaroQemu
import FaroSupport
import FaroTesting
import Testing

/// `status/current` figures from a made-up `/proc`, `/sys/class/net` and a fake monitor, so
/// every counter is checked against known numbers.
@Suite struct RuntimeStatusTests {
    static let pid = 4242

    /// A `/proc/<pid>/stat` line: 100 + 50 ticks of CPU, started at tick 1000, 2560 resident
    /// pages (10 MiB) of a 40 MiB address space.
    static func statLine() -> String {
        var fields = ["S"] + Array(repeating: "0", count: 30)
        fields[11] = "100"
        fields[12] = "50"
        fields[19] = "1000"
        fields[20] = "\(40 * 1_048_576)"
        fields[21] = "2560"
        return "\(pid) (qemu-system-x86) " + fields.joined(separator: " ") + "\n"
    }

    static func monitor(_ request: FakeQMPServer.Request) -> [FakeQMPServer.Action] {
        switch request.command {
        case "query-blockstats":
            let device: (Int, Int) -> JSONValue = { read, written in
                .object(["device": "drive-scsi0", "stats": .object(["rd_bytes": .int(read), "wr_bytes": .int(written)])])
            }
            return [.reply(.array([device(4096, 512), device(1000, 24)]))]
        case "qom-get" where request.arguments["property"]?.stringValue == "type":
            return [.reply(.string("pc-i440fx-7.2-machine"))]
        case "qom-get": return [.error(class: "DeviceNotFound", description: "Device 'balloon0' not found")]
        default: return FakeQMPServer.standardReplies(request)
        }
    }

    /// A monitor whose balloon driver reported `free` of 48 MiB free (or never reported).
    static func balloonMonitor(lastUpdate: Int, free: Int) -> @Sendable (FakeQMPServer.Request) -> [FakeQMPServer.Action] {
        { request in
            guard request.command == "qom-get", request.arguments["property"]?.stringValue == "guest-stats" else {
                return monitor(request)
            }
            let stats: JSONValue = .object([
                "stat-total-memory": .int(48 * 1_048_576), "stat-free-memory": .int(free),
                "stat-available-memory": .double(18446744073709551615),
            ])
            return [.reply(.object(["stats": stats, "last-update": .int(lastUpdate)]))]
        }
    }

    func write(_ path: String, _ text: String) throws {
        try FileIO.makeDirectory(String(path[..<path.lastIndex(of: "/")!]))
        try FileIO.writeAtomically(path, Array(text.utf8))
    }

    @Test func countersComeFromProcTheTapsAndTheMonitor() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-st")
        defer { directory.remove() }
        let proc = directory.file("proc"), net = directory.file("net"), run = directory.file("run")
        let runtime = QemuRuntime(
            runDir: run, runner: RecordingCommandRunner(), taps: TapDevices(runner: RecordingCommandRunner(), netClass: net), proc: proc)
        try write(runtime.pidFile(VMID(300)!), "\(Self.pid)\n")
        try write("\(proc)/\(Self.pid)/stat", Self.statLine())
        try write("\(proc)/\(Self.pid)/cmdline", "qemu\0-pidfile\0\(runtime.pidFile(VMID(300)!))\0-cpu\0kvm64,+sep\0")
        try write("\(proc)/uptime", "500.00 900.00\n")
        for (tap, sent, received) in [("tap300i0", 1000, 200), ("tap300i3", 24, 5), ("tap3000i0", 77777, 77777)] {
            try write("\(net)/\(tap)/statistics/tx_bytes", "\(sent)\n")
            try write("\(net)/\(tap)/statistics/rx_bytes", "\(received)\n")
        }
        let server = try await FakeQMPServer(socketPath: runtime.qmpSocket(VMID(300)!), responder: Self.monitor)
        defer { Task { await server.shutdown() } }

        let status = await runtime.status(vmid: VMID(300)!, maxMemory: 64 * 1_048_576, detailed: true)
        #expect(status.running)
        #expect(status.pid == Int32(Self.pid))
        #expect(status.uptime == 490, "500 s since boot, started 10 s after it")
        #expect(status.memoryBytes == 16 * 1_048_576, "a quarter of the address space is resident: a quarter of 64 MiB")
        #expect(status.hostMemoryBytes == 2560 * 4096, "without smaps_rollup, the resident size")
        #expect(status.freeMemoryBytes == nil)
        #expect(status.netIn == 1024, "what the host sent through the VM's taps, not VM 3000's")
        #expect(status.netOut == 205)
        #expect(status.diskRead == 5096)
        #expect(status.diskWrite == 536)
        #expect(status.qemuVersion == "7.2.22")
        #expect(status.machine == "pc-i440fx-7.2")
        #expect(await runtime.runningArgument(VMID(300)!, after: "-cpu") == "kvm64,+sep")

        let brief = await runtime.status(vmid: VMID(300)!, maxMemory: 64 * 1_048_576)
        #expect(brief.machine == nil, "the machine type is only asked for in a detailed status")
        #expect(!server.requests.suffix(3).contains { $0.arguments["property"]?.stringValue == "type" })
    }

    @Test func aStoppedVMHasNoFigures() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-st")
        defer { directory.remove() }
        let runtime = QemuRuntime(runDir: directory.file("run"), runner: RecordingCommandRunner(), proc: directory.file("proc"))
        #expect(await runtime.status(vmid: VMID(300)!, maxMemory: 1 << 30, detailed: true) == .stopped)
    }

    /// Once the guest's balloon driver reports, its own figures count (total less free), as
    /// in Proxmox; the process's proportional set size is what it holds on the host.
    @Test(arguments: [(lastUpdate: 1_700_000_000, expected: 36), (lastUpdate: 0, expected: 16)])
    func guestMemoryComesFromTheBalloonOnceItReports(lastUpdate: Int, expected: Int) async throws {
        let directory = try TemporaryDirectory(prefix: "faro-st")
        defer { directory.remove() }
        let proc = directory.file("proc"), run = directory.file("run")
        let runtime = QemuRuntime(
            runDir: run, runner: RecordingCommandRunner(), taps: TapDevices(runner: RecordingCommandRunner(), netClass: directory.file("net")),
            proc: proc)
        try write(runtime.pidFile(VMID(301)!), "\(Self.pid)\n")
        try write("\(proc)/\(Self.pid)/stat", Self.statLine())
        try write("\(proc)/\(Self.pid)/cmdline", "qemu\0-pidfile\0\(runtime.pidFile(VMID(301)!))\0")
        try write("\(proc)/\(Self.pid)/smaps_rollup", "00400000-7ffc [rollup]\nRss:               10240 kB\nPss:                9000 kB\n")
        try write("\(proc)/uptime", "500.00 900.00\n")
        let server = try await FakeQMPServer(
            socketPath: runtime.qmpSocket(VMID(301)!), responder: Self.balloonMonitor(lastUpdate: lastUpdate, free: 12 * 1_048_576))
        defer { Task { await server.shutdown() } }

        let status = await runtime.status(vmid: VMID(301)!, maxMemory: 64 * 1_048_576)
        #expect(status.memoryBytes == expected * 1_048_576)
        #expect(status.freeMemoryBytes == (lastUpdate > 0 ? 12 * 1_048_576 : nil))
        #expect(status.hostMemoryBytes == 9000 * 1024)
    }
}
