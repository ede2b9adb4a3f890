import FaroAPI
import FaroMetrics
import FaroModel
import Foundation
import NIOCore
import NIOPosix
import Testing

/// `/cluster/metrics/server`: Proxmox's `status.cfg`, the token kept apart, bad input refused.
@Suite struct MetricServerAPITests {
    let api = ContainerAPITests()

    @Test func serversAreCreatedReadChangedAndRemovedInStatusCfg() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            #expect(try await api.call(client, .post, "/cluster/metrics/server/influx",
                "type=influxdb&server=127.0.0.1&port=8086&influxdbproto=http&bucket=faro&organization=org&token=secret").status == .ok)
            #expect(try await api.call(client, .post, "/cluster/metrics/server/carbon",
                "type=graphite&server=localhost&port=2003&proto=tcp&path=faro.test&disable=1").status == .ok)
            let text = try #require(try await node.store.read("status.cfg")?.text)
            #expect(text.contains("influxdb: influx\n") && text.contains("\tbucket faro\n") && text.contains("graphite: carbon\n"))
            #expect(!text.contains("secret"), "the token is not in status.cfg")
            #expect(try await node.store.read("priv/metricserver/influx.pw")?.text == "secret\n")

            let list = try await api.call(client, .get, "/cluster/metrics/server").data.arrayValue ?? []
            #expect(list.count == 2)
            #expect(list.first { $0["id"] == "carbon" }?["disable"] == 1 && list.first { $0["id"] == "influx" }?["port"] == 8086)
            let influx = try await api.call(client, .get, "/cluster/metrics/server/influx").data
            #expect(influx["type"] == "influxdb" && influx["bucket"] == "faro" && influx["token"] == nil && influx["digest"] != nil)

            #expect(try await api.call(client, .put, "/cluster/metrics/server/carbon", "delete=disable&server=localhost&port=2004").status == .ok)
            let carbon = try await api.call(client, .get, "/cluster/metrics/server/carbon").data
            #expect(carbon["disable"] == nil && carbon["port"] == 2004)
            let stale = try await api.call(client, .put, "/cluster/metrics/server/carbon", "server=localhost&port=2005&digest=0000")
            #expect(stale.status.code == 500 && stale.text.contains("file changed by other user"))

            let wrongType = try await api.call(client, .put, "/cluster/metrics/server/carbon", "server=localhost&port=2004&bucket=x")
            #expect(wrongType.status.code == 400 && wrongType.json["errors"]?["bucket"] != nil, "\(wrongType.text)")
            let otel = try await api.call(client, .post, "/cluster/metrics/server/otel", "type=opentelemetry&server=x&port=1")
            #expect(otel.status.code == 400 && otel.json["errors"]?["type"] != nil, "\(otel.text)")
            let otelOption = try await api.call(client, .post, "/cluster/metrics/server/otel", "type=influxdb&server=x&port=1&otel-path=/x")
            #expect(otelOption.status.code == 400 && otelOption.json["errors"]?["otel-path"] != nil)
            let badPath = try await api.call(client, .post, "/cluster/metrics/server/g", "type=graphite&server=x&port=1&path=a..b")
            #expect(badPath.status.code == 400 && badPath.json["errors"]?["path"] != nil)
            let duplicate = try await api.call(client, .post, "/cluster/metrics/server/carbon", "type=graphite&server=x&port=1")
            #expect(duplicate.status.code == 500 && duplicate.text.contains("already exists"))
            #expect(try await node.store.read("status.cfg")?.text.contains("server x") == false, "refused changes change nothing")

            #expect(try await api.call(client, .delete, "/cluster/metrics/server/influx").status == .ok)
            #expect(try await node.store.read("priv/metricserver/influx.pw") == nil)
            let gone = try await api.call(client, .get, "/cluster/metrics/server/influx")
            #expect(gone.status.code == 500 && gone.text.contains("does not exist"))
        }
    }

    /// A server that accepts connections but never answers: the round is not held up, and the
    /// next round skips it while the first is still on its way.
    @Test func aServerThatDoesNotAnswerNeverSlowsTheLoop() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { _ in MultiThreadedEventLoopGroup.singleton.any().makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { try? silent.close().wait() }
        let port = try #require(silent.localAddress?.port)
        try await node.test { client in
            #expect(try await api.call(client, .post, "/cluster/metrics/server/slow",
                "type=influxdb&server=127.0.0.1&port=\(port)&influxdbproto=http&timeout=20").status == .ok)
            let started = ContinuousClock.now
            await node.services.metrics.collect()
            // Had the round waited for the server, it would have taken its 20 s timeout, and
            // the send would be over.
            #expect(ContinuousClock.now - started < .seconds(15), "the round does not wait for the server")
            #expect(await node.services.metrics.exporter.isSending("slow"))
            let skipped = await node.services.metrics.exporter.send(
                MetricsRound(node: "testnode", time: 0, figures: try #require(await node.services.metrics.board.node), guests: [], storages: []))
            #expect(skipped.isEmpty, "no second round to a server still busy with the first")
        }
    }
}
