import FaroAPI
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import HummingbirdTesting
import Testing

/// `tag`, `trunks`, `rate` and `firewall` of container NICs as the host shows them once the
/// container runs: VLAN membership on a VLAN-aware test bridge, tc limits on the host veth,
/// and the firewall bridge between the veth and the real bridge.
@Suite(.serialized) struct ContainerNICAPITests {
    let changes = ContainerChangeAPITests()
    var api: ContainerAPITests { changes.api }

    static let missing: String? =
        ContainerAPITests.missing ?? ["ip", "bridge", "tc"].first { !Executables.inPath($0) }.map { "\($0) (iproute2)" }

    func host(_ argv: [String]) async throws -> String { try await SubprocessRunner().run(argv).output }

    @Test(.enabled(unlessMissing: missing)) func vlanRateAndFirewallOnTheHost() async throws {
        let bridge = "fbv\(getpid() % 100_000)", plain = "fbp\(getpid() % 100_000)"
        try await ContainerChangeAPITests.withBridge(plain) {
            try await ContainerChangeAPITests.withBridge(bridge) {
                // Kernels without CONFIG_BRIDGE_VLAN_FILTERING have no VLAN-aware bridges.
                let vlanAware = try await SubprocessRunner().run(["ip", "link", "set", "dev", bridge, "type", "bridge", "vlan_filtering", "1"])
                    .succeeded
                if !vlanAware { print("container NIC test: no VLAN-aware bridges in this kernel; tag and trunks are not checked") }
                try await vlanRateAndFirewall(bridge: bridge, plain: plain, vlanAware: vlanAware)
            }
        }
    }

    func vlanRateAndFirewall(bridge: String, plain: String, vlanAware: Bool) async throws {
        try await changes.withContainers([264, 265]) { node, client in
            let ct = "/nodes/testnode/lxc/264"
            let vlans = vlanAware ? ",tag=5,trunks=7" : ""
            let net0 = ContainerChangeAPITests.encoded("name=eth0,bridge=\(bridge)\(vlans),rate=1")
            let net1 = ContainerChangeAPITests.encoded("name=eth1,bridge=\(bridge),firewall=1" + (vlanAware ? ",tag=6" : ""))
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=264&ostemplate=\(ContainerChangeAPITests.template)&rootfs=local:0&ostype=alpine&net0=\(net0)&net1=\(net1)") == "OK")
            #expect(try await api.runTask(node, client, .post, ct + "/status/start") == "OK")

            if vlanAware {
                let shown = try await host(["bridge", "-j", "vlan", "show", "dev", "veth264i0"])
                let entries = try JSONParser.parse(shown).arrayValue?.first?["vlans"]?.arrayValue ?? []
                let pvid = entries.first { $0["flags"]?.arrayValue?.contains("PVID") == true }
                #expect(pvid?["vlan"] == 5, "tag=5 is the port's untagged VLAN: \(shown)")
                #expect(entries.contains { $0["vlan"] == 7 && $0["flags"]?.arrayValue?.contains("PVID") != true }, "trunks=7 is tagged: \(shown)")
                #expect(!entries.contains { $0["vlan"] == 1 }, "VLAN 1 is gone from the port: \(shown)")
            }

            let qdiscs = try await host(["tc", "qdisc", "show", "dev", "veth264i0"])
            #expect(qdiscs.contains("qdisc htb 1: root") && qdiscs.contains("qdisc ingress ffff:"), "\(qdiscs)")
            for device in ["veth264i0", "ifb264i0"] {
                let classes = try await host(["tc", "class", "show", "dev", device])
                #expect(classes.contains("rate 8388Kbit"), "rate=1 is 1 MiB/s both ways: \(device) \(classes)")
            }
            let filters = try await host(["tc", "filter", "show", "dev", "veth264i0", "ingress"])
            #expect(filters.contains("mirred") && filters.contains("ifb264i0"), "what the container sends goes through the IFB: \(filters)")

            #expect(try FileIO.readText("/sys/class/net/veth264i1/master/uevent").contains("INTERFACE=fwbr264i1"))
            #expect(try FileIO.readText("/sys/class/net/fwln264i1/master/uevent").contains("INTERFACE=fwbr264i1"))
            #expect(try FileIO.readText("/sys/class/net/fwpr264p1/master/uevent").contains("INTERFACE=\(bridge)"))
            if vlanAware {
                let linkVLANs = try await host(["bridge", "-j", "vlan", "show", "dev", "fwpr264p1"])
                let linkPVID = (try JSONParser.parse(linkVLANs).arrayValue?.first?["vlans"]?.arrayValue ?? [])
                    .first { $0["flags"]?.arrayValue?.contains("PVID") == true }
                #expect(linkPVID?["vlan"] == 6, "a firewalled NIC's tag sits on its link to the bridge: \(linkVLANs)")
            }

            // A live rate change reshapes the veth.
            let current = try await api.call(client, .get, ct + "/config").data["net0"]?.stringValue ?? ""
            #expect(current.contains("rate=1"), "\(current)")
            let faster = current.replacingOccurrences(of: "rate=1", with: "rate=2")
            #expect(try await api.call(client, .put, ct + "/config", "net0=" + ContainerChangeAPITests.encoded(faster)).status == .ok)
            #expect(try await host(["tc", "class", "show", "dev", "veth264i0"]).contains("rate 16777Kbit"))

            #expect(try await api.runTask(node, client, .post, ct + "/status/stop") == "OK")
            #expect(!FileIO.exists("/sys/class/net/fwbr264i1") && !FileIO.exists("/sys/class/net/fwpr264p1"), "stop unplugs the firewall bridge")
            #expect(!FileIO.exists("/sys/class/net/ifb264i0"), "and the IFB device")
            #expect(try await api.runTask(node, client, .delete, ct) == "OK")

            let tagged = ContainerChangeAPITests.encoded("name=eth0,bridge=\(plain),tag=5")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=265&ostemplate=\(ContainerChangeAPITests.template)&rootfs=local:0&ostype=alpine&net0=\(tagged)") == "OK")
            let refused = try await api.runTask(node, client, .post, "/nodes/testnode/lxc/265/status/start")
            #expect(refused.contains("bridge '\(plain)' is not VLAN aware"), "\(refused)")
            #expect(try await !node.services.containers.state(VMID(265)!).running)
            #expect(try await api.runTask(node, client, .delete, "/nodes/testnode/lxc/265") == "OK")
        }
    }
}
