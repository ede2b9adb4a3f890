import FaroAPI
import FaroAPISpec
import FaroMetrics
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Synchronization
import Testing

/// A clock tests move by hand.
final class ManualClock: Sendable {
    private let seconds: Mutex<Double>
    init(_ start: Double) { seconds = Mutex(start) }
    var now: Double { seconds.withLock { $0 } }
    var wholeSeconds: Int { Int(now) }
    func set(_ time: Double) { seconds.withLock { $0 = time } }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
}

/// The collection loop's rounds, as `status/current`, `/cluster/resources` and `rrddata` show them.
@Suite struct MetricsAPITests {
    let api = ContainerAPITests()

    @Test func roundsFeedTheHistoryAndTheEndpointsAnswerInProxmoxsShape() async throws {
        let clock = ManualClock(1_700_000_000)
        let node = try await TestNode(metricsClock: { clock.now })
        defer { node.remove() }
        try FileIO.makeDirectory(node.services.paths.localStorage)
        try await node.test { client in
            #expect(try await api.call(client, .post, "/nodes/testnode/qemu", "vmid=100&memory=256&cores=2").status == .ok)
            for _ in 0..<13 {
                await node.services.metrics.collect()
                clock.advance(10)
            }
            let hour = try await api.call(client, .get, "/nodes/testnode/rrddata?timeframe=hour")
            let points = hour.data.arrayValue ?? []
            #expect(points.count == 70)
            #expect(points.allSatisfy { ($0["time"]?.intValue ?? 1) % 60 == 0 })
            let last = points.last ?? .null
            for field in SeriesKind.node.fields {
                #expect(last[field]?.doubleValue != nil, "node field \(field) in \(last)")
            }
            #expect((last["memtotal"]?.doubleValue ?? 0) > 0 && (last["maxcpu"]?.doubleValue ?? 0) >= 1)
            #expect(points.first?.objectValue?.keys.sorted() == ["time"], "a point without data has only its time")

            let vm = try await api.call(client, .get, "/nodes/testnode/qemu/100/rrddata?timeframe=hour&cf=MAX").data.arrayValue ?? []
            #expect(vm.count == 70)
            let vmLast = vm.last ?? .null
            #expect(vmLast["maxmem"]?.doubleValue == 268_435_456 && vmLast["maxcpu"]?.doubleValue == 2, "\(vmLast)")
            #expect(vmLast["cpu"]?.doubleValue == 0 && vmLast["netin"]?.doubleValue == 0, "a stopped VM: zeros, as Proxmox records")

            let storage = try await api.call(client, .get, "/nodes/testnode/storage/local/rrddata?timeframe=day").data.arrayValue ?? []
            #expect(storage.count == 70 && (storage.last?["total"]?.doubleValue ?? 0) > 0, "\(storage.last ?? .null)")
            let year = try await api.call(client, .get, "/nodes/testnode/rrddata?timeframe=decade")
            #expect(year.status == .ok && year.data.arrayValue?.count == 522)

            let decade = try await api.call(client, .get, "/nodes/testnode/qemu/100/rrddata?timeframe=decade")
            #expect(decade.status.code == 400 && decade.json["errors"]?["timeframe"] != nil, "\(decade.text)")
            let badCF = try await api.call(client, .get, "/nodes/testnode/rrddata?timeframe=hour&cf=MIN")
            #expect(badCF.status.code == 400 && badCF.json["errors"]?["cf"] != nil)
            let missing = try await api.call(client, .get, "/nodes/testnode/qemu/101/rrddata?timeframe=hour")
            #expect(missing.status.code == 500 && missing.text.contains("does not exist"), "\(missing.text)")
            let noStorage = try await api.call(client, .get, "/nodes/testnode/storage/nope/rrddata?timeframe=hour")
            #expect(noStorage.status.code == 500 && noStorage.text.contains("does not exist"), "\(noStorage.text)")

            // The node's figures in the list are the last round's.
            let figures = try #require(await node.services.metrics.board.node)
            let resources = try await api.call(client, .get, "/cluster/resources?type=node").data.arrayValue?.first ?? .null
            #expect(resources["maxmem"]?.intValue == figures.memoryTotal && resources["mem"]?.intValue == figures.memoryUsed)
            #expect(resources["cpu"]?.doubleValue == figures.cpu)

            // The VM's series goes when the VM goes.
            #expect(FileIO.exists(node.services.metrics.history.path(.guest(100))))
            _ = try await api.runTask(node, client, .delete, "/nodes/testnode/qemu/100")
            await node.services.metrics.collect()
            #expect(!FileIO.exists(node.services.metrics.history.path(.guest(100))))
        }
    }

    /// The method table declares each series' fields; they are the history's.
    @Test func theDeclaredPointsAreTheSeriesFields() throws {
        for (path, kind) in [("/nodes/{node}/rrddata", SeriesKind.node), ("/nodes/{node}/qemu/{vmid}/rrddata", .guest),
            ("/nodes/{node}/lxc/{vmid}/rrddata", .guest), ("/nodes/{node}/storage/{storage}/rrddata", .storage)]
        {
            let method = try #require(APISpec.faro.methods.first { $0.path == path && $0.verb == .get })
            let declared = Set(method.returns.items?.properties?.keys.map { $0 } ?? [])
            #expect(declared == Set(kind.fields + ["time"]), "\(path)")
        }
    }

    @Test(.enabled(if: ContainerAPITests.missing == nil, "needs root, the lxc tools and a static busybox"))
    func aRunningContainersSamplesShowItsWorkAsRates() async throws {
        try await ContainerChangeAPITests().withContainers([287]) { node, client in
            let template = "local:vztmpl/\(BusyboxTemplate.fileName)"
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=287&ostemplate=\(template)&rootfs=local:0&hostname=metrics&memory=64") == "OK")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc/287/status/start") == "OK")
            await node.services.metrics.collect()
            try await Task.sleep(for: .seconds(1))
            _ = try await node.services.containers.execute(
                VMID(287)!, ["/bin/busybox", "dd", "if=/dev/zero", "of=/root/io-test", "bs=1M", "count=8", "oflag=direct"])
            _ = try await node.services.containers.execute(
                VMID(287)!, ["/bin/busybox", "sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"])
            let round = await node.services.metrics.collect()
            let figures = try #require(round.guests.first { $0.vmid == 287 })
            #expect(figures.running && figures.cpu > 0 && figures.memory > 0, "\(figures)")
            let status = try await api.call(client, .get, "/nodes/testnode/lxc/287/status/current").data
            #expect(status["cpu"]?.doubleValue == figures.cpu, "status/current shows the round's CPU share")
            let listed = try await api.call(client, .get, "/cluster/resources?type=vm").data.arrayValue?.first { $0["vmid"] == 287 }
            #expect(listed?["cpu"]?.doubleValue == figures.cpu)
            let points = try await api.call(client, .get, "/nodes/testnode/lxc/287/rrddata?timeframe=hour").data.arrayValue ?? []
            let written = points.compactMap { $0["diskwrite"]?.doubleValue }.max() ?? 0
            #expect(written > 1_000_000, "8 MiB written within a few seconds: \(points.suffix(2))")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc/287/status/stop") == "OK")
        }
    }
}
