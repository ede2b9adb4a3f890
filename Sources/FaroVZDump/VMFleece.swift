import FaroModel
import FaroQMP
import FaroQemu
import FaroSupport

/// A point-in-time view of a running VM's disks, with what QEMU 7.2 has: per disk a temporary
/// qcow2 overlay whose backing is the live disk, a `blockdev-backup` with `sync=none` that copies
/// each block into the overlay before the guest overwrites it, and the overlay exported read-only
/// over QEMU's NBD server. Reading the export gives the disk as it was at `setUp`.
struct VMFleece {
    let vmid: VMID
    let vms: VMService
    let runner: any CommandRunner
    let work: String
    let disks: [VMDiskSelection.Disk]

    var socket: String { work + "/nbd.sock" }
    func node(_ disk: VMDiskSelection.Disk) -> String { "fleece-\(disk.key)" }

    /// Sets the view up; returns each disk's size as QEMU sees it.
    func setUp() async throws -> [String: UInt64] {
        let devices = try await vms.runtime.withMonitor(vmid) { try await $0.execute("query-block").arrayValue ?? [] }
        var sizes: [String: UInt64] = [:]
        var backing: [String: String] = [:]
        for disk in disks {
            guard let inserted = devices.first(where: { $0["device"]?.stringValue == disk.deviceName })?["inserted"],
                let nodeName = inserted["node-name"]?.stringValue, let size = inserted["image"]?["virtual-size"]?.intValue
            else { throw VZDumpError.failed("drive '\(disk.key)' is not attached to the running VM") }
            sizes[disk.key] = UInt64(size)
            backing[disk.key] = nodeName
            try await runner.checked(["qemu-img", "create", "-q", "-f", "qcow2", overlay(disk), "\(size)"])
        }
        do {
            try await vms.runtime.withMonitor(vmid) { client in
                for disk in disks {
                    try await client.execute("blockdev-add", arguments: [
                        "driver": "qcow2", "node-name": .string(node(disk)),
                        "file": ["driver": "file", "filename": .string(overlay(disk))], "backing": .string(backing[disk.key]!),
                    ])
                    try await client.execute("blockdev-backup", arguments: [
                        "job-id": .string(node(disk)), "device": .string(disk.deviceName), "target": .string(node(disk)), "sync": "none",
                    ])
                }
                try await client.execute("nbd-server-start", arguments: ["addr": ["type": "unix", "data": ["path": .string(socket)]]])
                for disk in disks {
                    try await client.execute("block-export-add", arguments: [
                        "type": "nbd", "id": .string(node(disk)), "node-name": .string(node(disk)),
                        "name": .string(disk.deviceName), "writable": false,
                    ])
                }
            }
        } catch {
            await tearDown()
            throw error
        }
        return sizes
    }

    /// Removes exports, jobs, overlays; what was never set up is skipped.
    func tearDown() async {
        _ = try? await vms.runtime.withMonitor(vmid) { client in
            for disk in disks { _ = try? await client.execute("block-export-del", arguments: ["id": .string(node(disk)), "mode": "hard"]) }
            _ = try? await client.execute("nbd-server-stop")
            for disk in disks { _ = try? await client.execute("block-job-cancel", arguments: ["device": .string(node(disk)), "force": true]) }
            // The job lets go of its target only once it has ended.
            for _ in 0..<50 {
                let jobs = (try? await client.execute("query-block-jobs").arrayValue) ?? []
                if !jobs.contains(where: { $0["device"]?.stringValue?.hasPrefix("fleece-") == true }) { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
            for disk in disks { _ = try? await client.execute("blockdev-del", arguments: ["node-name": .string(node(disk))]) }
        }
        for disk in disks { FileIO.remove(overlay(disk)) }
    }

    func overlay(_ disk: VMDiskSelection.Disk) -> String { work + "/fleece-\(disk.key).qcow2" }
}
