import FaroMetrics
import Testing

/// What InfluxDB and Graphite receive: Proxmox's measurements, tags and paths.
@Suite struct MetricsPayloadTests {
    static let round: MetricsRound = {
        let node = NodeFigures(
            time: 1_700_000_000, cpu: 0.25, iowait: 0.01, idle: 0.74, cpus: 4, loadAverage: ["0.50", "0.40", "0.30"],
            memoryTotal: 8000, memoryUsed: 3000, memoryFree: 5000, memoryAvailable: 5000, swapTotal: 100, swapUsed: 10,
            rootTotal: 1000, rootUsed: 400, rootFree: 600, rootAvailable: 550, uptime: 3600,
            nics: ["eth0": NICCounters(received: 111, sent: 222)])
        var guest = GuestFigures(kind: .qemu, vmid: 100, name: "web server", time: 1_700_000_000, running: true, cpus: 2, maxMemory: 512, maxDisk: 0)
        guest.cpu = 0.5
        guest.netIn = 7
        var storage = StorageFigures(id: "local", time: 1_700_000_000, active: true, total: 100, used: 40, available: 60)
        storage.type = "dir"
        return MetricsRound(node: "pve1", time: 1_700_000_000, figures: node, guests: [guest], storages: [storage])
    }()

    @Test func influxLinesFollowProxmoxsLayout() {
        let lines = MetricsPayload.influxLines(Self.round)
        #expect(lines.contains("system,object=nodes,host=pve1 uptime=3600 1700000000000000000"))
        #expect(lines.contains { $0.hasPrefix("cpustat,object=nodes,host=pve1 avg1=0.5,avg15=0.3,avg5=0.4,cpu=0.25,cpus=4,") })
        #expect(lines.contains { $0.hasPrefix("memory,object=nodes,host=pve1 memfree=5000,memtotal=8000,memused=3000,") })
        #expect(lines.contains("nics,object=nodes,host=pve1,instance=eth0 receive=111,transmit=222 1700000000000000000"))
        let vm = lines.first { $0.hasPrefix("system,object=qemu,") } ?? ""
        #expect(vm.hasPrefix(#"system,object=qemu,vmid=100,nodename=pve1,host=web\ server cpu=0.5,cpus=2,"#), "\(vm)")
        #expect(vm.contains(#"name="web server""#) && vm.contains(#"status="running""#) && vm.contains("netin=7,"))
        #expect(lines.contains { $0.hasPrefix("system,object=storages,nodename=pve1,host=local,type=dir active=1,avail=60,") })
    }

    @Test func graphiteLinesAreNumbersUnderThePath() {
        let lines = MetricsPayload.graphiteLines(Self.round, path: "proxmox")
        #expect(lines.contains("proxmox.nodes.pve1.uptime 3600 1700000000"))
        #expect(lines.contains("proxmox.nodes.pve1.cpustat.cpu 0.25 1700000000"))
        #expect(lines.contains("proxmox.nodes.pve1.nics.eth0.receive 111 1700000000"))
        #expect(lines.contains("proxmox.qemu.100.cpu 0.5 1700000000"))
        #expect(lines.contains("proxmox.storages.pve1.local.used 40 1700000000"))
        #expect(!lines.contains { $0.contains(".name ") || $0.contains(".status ") }, "texts are left out")
    }
}
