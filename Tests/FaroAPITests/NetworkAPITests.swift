import FaroAPI
import FaroModel
import FaroSupport
import FaroTesting
import Testing

/// `GET /nodes/{node}/network` lists the host's bridges and Ethernet devices from sysfs.
@Suite struct NetworkAPITests {
    /// A sysfs tree with a bridge (two ports, up), a stopped bridge, a physical NIC, loopback and a veth.
    static func makeSysfs(_ directory: TemporaryDirectory) throws -> String {
        let root = directory.file("sys-class-net")
        func device(_ name: String, flags: String, type: String = "1", bridge: [String]? = nil, physical: Bool = false)
            throws
        {
            try FileIO.makeDirectory(root + "/" + name)
            try FileIO.writeAtomically(root + "/\(name)/flags", Array("\(flags)\n".utf8))
            try FileIO.writeAtomically(root + "/\(name)/type", Array("\(type)\n".utf8))
            if let bridge {
                try FileIO.makeDirectory(root + "/\(name)/bridge")
                try FileIO.makeDirectory(root + "/\(name)/brif")
                for port in bridge { try FileIO.makeDirectory(root + "/\(name)/brif/\(port)") }
            }
            if physical { try FileIO.makeDirectory(root + "/\(name)/device") }
        }
        try FileIO.makeDirectory(root)
        try device("vmbr0", flags: "0x1003", bridge: ["tap100i0", "eno1"])
        try device("vmbr1", flags: "0x1002", bridge: [])
        try device("eno1", flags: "0x1003", physical: true)
        try device("lo", flags: "0x9", type: "772")
        try device("veth100i0", flags: "0x1003")
        return root
    }

    @Test func bridgesAndDevicesInProxmoxsShape() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let interfaces = HostInterfaces(directory: try Self.makeSysfs(directory))
        #expect(interfaces.list().map(\.name) == ["eno1", "vmbr0", "vmbr1"])
        let bridge = try #require(interfaces.list().first { $0.name == "vmbr0" })
        #expect(bridge == .init(name: "vmbr0", kind: .bridge, isUp: true, ports: ["eno1", "tap100i0"]))
        #expect(interfaces.list().first { $0.name == "vmbr1" }?.isUp == false)
    }

    @Test func theTypeFilterNarrowsTheList() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sysfs = try Self.makeSysfs(directory)
        let node = try await TestNode(sysClassNet: sysfs)
        defer { node.remove() }
        try await node.test { client in
            let all = try await client.call(.get, "/nodes/testnode/network")
            #expect(all.status == .ok)
            #expect(all.data.arrayValue?.compactMap { $0["iface"]?.stringValue } == ["eno1", "vmbr0", "vmbr1"])
            let bridges =
                try await client.call(.get, "/nodes/testnode/network", ["type": "any_bridge"]).data.arrayValue ?? []
            #expect(bridges.compactMap { $0["iface"]?.stringValue } == ["vmbr0", "vmbr1"])
            #expect(bridges.first?["type"]?.stringValue == "bridge")
            #expect(bridges.first?["active"]?.intValue == 1)
            #expect(bridges.first?["bridge_ports"]?.stringValue == "eno1 tap100i0")
            let eth = try await client.call(.get, "/nodes/testnode/network", ["type": "eth"]).data.arrayValue ?? []
            #expect(eth.compactMap { $0["iface"]?.stringValue } == ["eno1"])
            let bonds = try await client.call(.get, "/nodes/testnode/network", ["type": "bond"]).data.arrayValue
            #expect(bonds == [])
            #expect(try await client.call(.get, "/nodes/testnode/network", ["type": "wifi"]).status == .badRequest)
        }
    }

    @Test func anyUserMayListTheBridges() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let node = try await TestNode(sysClassNet: try Self.makeSysfs(directory))
        defer { node.remove() }
        let responder = try await node.responder(as: "guest@pve", role: "PVEVMUser", on: "/vms/100")
        try await node.test(responder) { client in
            let bridges = try await client.call(.get, "/nodes/testnode/network", ["type": "bridge"])
            #expect(bridges.status == .ok)
            #expect(bridges.data.arrayValue?.count == 2)
        }
    }
}
