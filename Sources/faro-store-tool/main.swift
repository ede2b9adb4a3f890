import FaroStore
import FaroTesting
import Foundation

// Test and benchmark helper for the config store (not installed, not part of `faro`).
//   faro-store-tool torture DATABASE
//       rewrites a set of files in a loop until killed; every version of a file is one
//       repeated byte, so the crash-safety test can spot a torn write.
//   faro-store-tool seed-guests DATABASE NODE COUNT
//       writes COUNT VM configs (VMIDs from 100) for NODE, for benchmarks.
//   faro-store-tool publish-status DATABASE NODE SECONDS
//       publishes the status of a simulated NODE (its guest configs in DATABASE, the first
//       running, one finished task) into a SQLite store for SECONDS, then stops renewing its
//       2 s lease, as a node that went away: for the GUI tests of a cluster.
//   faro-store-tool cluster-status-bench NODES GUESTS SECONDS
//       NODES simulated nodes with GUESTS guests each publish status to a real 3-member etcd
//       while an observer lists /cluster/resources; prints key=value figures.
//   faro-store-tool test-guest
//       prepares the test guest (FaroTesting.TestGuest) and prints its kernel and initramfs
//       paths, one a line, for the Python tests that boot a VM.

let arguments = Array(CommandLine.arguments.dropFirst())

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

switch (arguments.first, arguments.count) {
case ("torture", 2):
    let store = try SQLiteConfigStore(path: arguments[1])
    FileHandle.standardOutput.write(Data("ready\n".utf8))
    var round: UInt8 = 0
    while true {
        round = round &+ 1
        for index in 0..<8 {
            let byte = UInt8(ascii: "a") + round % 26
            try await store.write(
                "nodes/n/qemu-server/\(100 + index).conf", data: [UInt8](repeating: byte, count: 200_000), ifRevision: nil)
        }
    }
case ("seed-guests", 4):
    guard let count = Int(arguments[3]), count > 0 else { fail("COUNT must be a positive number") }
    let store = try SQLiteConfigStore(path: arguments[1])
    for index in 0..<count {
        let vmid = 100 + index
        let config = """
            boot: order=scsi0;net0
            cores: \(1 + index % 4)
            memory: \(512 * (1 + index % 8))
            name: bench-\(vmid)
            net0: virtio=BC:24:11:\(String(format: "%02X:%02X:%02X", (index >> 16) & 0xFF, (index >> 8) & 0xFF, index & 0xFF)),bridge=vmbr0
            scsi0: local:\(vmid)/vm-\(vmid)-disk-0.qcow2,size=\(8 + index % 24)G
            scsihw: virtio-scsi-single
            tags: bench;group\(index % 10)

            """
        try await store.create("nodes/\(arguments[2])/qemu-server/\(vmid).conf", data: Array(config.utf8))
    }
    print("wrote \(count) guest configs")
case ("publish-status", 4):
    guard let seconds = Int(arguments[3]), seconds > 0 else { fail("SECONDS must be a positive number") }
    let store = try SQLiteConfigStore(path: arguments[1])
    let vmids = try await store.keys(prefix: "nodes/\(arguments[2])/").compactMap { StorePath.guestVMID($0.path) }
    let node = SimulatedNode(name: arguments[2], vmids: vmids, running: min(1, vmids.count))
    FileHandle.standardOutput.write(Data("publishing\n".utf8))
    try await node.run(
        store: store, ttl: .seconds(2), interval: .seconds(1), until: .now + .seconds(seconds), counters: Counters())
case ("cluster-status-bench", 4):
    guard let nodes = Int(arguments[1]), let guests = Int(arguments[2]), let seconds = Int(arguments[3]), nodes > 0, guests > 0, seconds > 0
    else { fail("NODES, GUESTS and SECONDS must be positive numbers") }
    try await ClusterStatusBench.run(nodes: nodes, guests: guests, seconds: seconds)
case ("test-guest", 1):
    let guest = try await TestGuest.shared()
    print(guest.kernel)
    print(guest.initramfs)
default:
    fail(
        "usage: faro-store-tool torture DATABASE | seed-guests DATABASE NODE COUNT | publish-status DATABASE NODE SECONDS"
            + " | cluster-status-bench NODES GUESTS SECONDS | test-guest")
}
