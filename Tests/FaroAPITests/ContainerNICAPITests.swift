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

    static var missing: String? {
        ContainerAPITests.missing ?? ["ip", "bridge", "tc"].first { !Executables.inPath($0) }.map { "\($0) (iproute2)" }
    }

    func host(_ argv: [String]) async throws -> String { try await SubprocessRunner().run(argv).output }

    @Test func vlanRateAndFirewallOnTheHost() async throws {
        if let missing = Self.missing {
            print("skipping container NIC test: missing \(missing)")
            return
        }
        let bridge = "fbv\(getpid() % 100_000)", plain = "fbp\(getpid() % 100_000)"
        try await ContainerChangeAPITests.withBridge(plain) {
            try await ContainerChangeAPITests.withBridge(bridge) {
                try await SubprocessRunner().checked(["ip", "link", "set", "dev", bridge, "type", "bridge", "vlan_filtering", "1"])
                try await vlanRateAndFirewall(bridge: bridge, plain: plain)
            }
        }
    }

    func vlanRateAndFirewall(bridge: String, plain: String) async throws {
        try await changes.withContainers([264, 265]) { node, client in
            let ct = "/nodes/testnode/lxc/264"
            let net0 = ContainerChangeAPITests.encoded("name=eth0,bridge=\(bridge),tag=5,trunks=7,rate=1")
            let net1 = ContainerChangeAPITests.encoded("name=eth1,bridge=\(bridge),firewall=1,tag=6")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=264&ostemplate=\(ContainerChangeAPITests.template)&rootfs=local:0&ostype=alpine&net0=\(net0)&net1=\(net1)") == "OK")
            #expect(try await api.runTask(node, client, .post, ct + "/status/start") == "OK")

            let vlans = try await host(["bridge", "-j", "vlan", "show", "dev", "veth264i0"])
            let entries = try JSONParser.parse(vlans).arrayValue?.first?["vlans"]?.arrayValue ?? []
            let pvid = entries.first { $0["flags"]?.arrayValue?.contains("PVID") == true }
            #expect(pvid?["vlan"] == 5, "tag=5 is the port's untagged VLAN: \(vlans)")
            #expect(entries.contains { $0["vlan"] == 7 && $0["flags"] == nil }, "trunks=7 is tagged: \(vlans)")
            #expect(!entries.contains { $0["vlan"] == 1 }, "VLAN 1 is gone from the port: \(vlans)")

            let qdiscs = try await host(["tc", "qdisc", "show", "dev", "veth264i0"])
            #expect(qdiscs.contains("qdisc htb 1: root") && qdiscs.contains("qdisc ingress ffff:"), qdiscs)
            for device in ["veth264i0", "ifb264i0"] {
                let classes = try await host(["tc", "class", "show", "dev", device])
                #expect(classes.contains("rate 8388Kbit"), "rate=1 is 1 MiB/s both ways: \(device) \(classes)")
            }
            let filters = try await host(["tc", "filter", "show", "dev", "veth264i0", "ingress"])
            #expect(filters.contains("mirred") && filters.contains("ifb264i0"), "what the container sends goes through the IFB: \(filters)")

            #expect(try FileIO.readText("/sys/class/net/veth264i1/master/uevent").contains("INTERFACE=fwbr264i1"))
            #expect(try FileIO.readText("/sys/class/net/fwln264i1/master/uevent").contains("INTERFACE=fwbr264i1"))
            #expect(try FileIO.readText("/sys/class/net/fwpr264p1/master/uevent").contains("INTERFACE=\(bridge)"))
            let linkVLANs = try await host(["bridge", "-j", "vlan", "show", "dev", "fwpr264p1"])
            let linkPVID = (try JSONParser.parse(linkVLANs).arrayValue?.first?["vlans"]?.arrayValue ?? [])
                .first { $0["flags"]?.arrayValue?.contains("PVID") == true }
            #expect(linkPVID?["vlan"] == 6, "a firewalled NIC's tag sits on its link to the bridge: \(linkVLANs)")

            // A live rate change reshapes the veth.
            #expect(try await api.call(client, .put, ct + "/config",
                "net0=" + ContainerChangeAPITests.encoded("name=eth0,bridge=\(bridge),tag=5,trunks=7,rate=2")).status == .ok)
            #expect(try await host(["tc", "class", "show", "dev", "veth264i0"]).contains("rate 16777Kbit"))

            #expect(try await api.runTask(node, client, .post, ct + "/status/stop") == "OK")
            #expect(!FileIO.exists("/sys/class/net/fwbr264i1") && !FileIO.exists("/sys/class/net/fwpr264p1"), "stop unplugs the firewall bridge")
            #expect(!FileIO.exists("/sys/class/net/ifb264i0"), "and the IFB device")
            #expect(try await api.runTask(node, client, .delete, ct) == "OK")

            let tagged = ContainerChangeAPITests.encoded("name=eth0,bridge=\(plain),tag=5")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=265&ostemplate=\(ContainerChangeAPITests.template)&rootfs=local:0&ostype=alpine&net0=\(tagged)") == "OK")
            let refused = try await api.runTask(node, client, .post, "/nodes/testnode/lxc/265/status/start")
            #expect(refused.contains("bridge '\(plain)' is not VLAN aware"), refused)
            #expect(try await !node.services.containers.state(VMID(265)!).running)
            #expect(try await api.runTask(node, client, .delete, "/nodes/testnode/lxc/265") == "OK")
        }
    }
}
