@testable import FaroCLI
import FaroModel
import Foundation
import Testing

/// `pvecm status` and `pvecm nodes` in Proxmox's shapes, from `GET /cluster/config/quorum`.
@Suite struct PvecmTextTests {
    static let state: JSONValue = [
        "cluster_name": "prod-central", "config_version": 3, "quorate": 1, "expected_votes": 3, "total_votes": 2,
        "quorum": 2, "nodeid": 2,
        "members": [
            ["name": "hp1", "ring0_addr": "192.168.15.91", "nodeid": 1, "votes": 1, "online": 1, "local": 0],
            ["name": "hp2", "ring0_addr": "192.168.15.92", "nodeid": 2, "votes": 1, "online": 1, "local": 1],
            ["name": "hp3", "ring0_addr": "192.168.15.93", "nodeid": 3, "votes": 1, "online": 0, "local": 0],
        ],
    ]

    @Test func statusPrintsTheFourBlocksWithTheOnlineMembersByRingAddress() {
        let text = ClusterText.status(Self.state, now: Date(timeIntervalSince1970: 1_631_610_407))
        #expect(text.hasPrefix("""
            Cluster information
            -------------------
            Name:             prod-central
            Config Version:   3
            Transport:        etcd
            Secure auth:      on

            Quorum information
            ------------------
            Date:             
            """))
        #expect(text.hasSuffix("""
            Quorum provider:  etcd raft
            Nodes:            2
            Node ID:          0x00000002
            Quorate:          Yes

            Votequorum information
            ----------------------
            Expected votes:   3
            Highest expected: 3
            Total votes:      2
            Quorum:           2
            Flags:            Quorate

            Membership information
            ----------------------
                Nodeid      Votes Name
            0x00000001          1 192.168.15.91
            0x00000002          1 192.168.15.92 (local)

            """))
    }

    @Test func nodesListsTheOnlineMembersByName() {
        #expect(ClusterText.nodes(Self.state) == """

            Membership information
            ----------------------
                Nodeid      Votes Name
                     1          1 hp1
                     2          1 hp2 (local)

            """)
    }
}
