import FaroAPI
import FaroModel
import FaroSupport
import Foundation
import Testing

/// `bios: ovmf` with `efidisk0`: the variables disk is allocated at the template's size with
/// the template copied in, shown with its size, freed with the VM; bad values are refused
/// before anything is made.
@Suite struct QemuFirmwareAPITests {
    static let ovmfInstalled = FileManager.default.fileExists(atPath: "/usr/share/OVMF/OVMF_VARS_4M.ms.fd")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/qemu-img")

    @Test(.enabled(if: ovmfInstalled, "needs the ovmf package and qemu-img"))
    func efiDiskGetsTheVariablesTemplate() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        let images = NodePaths(root: node.directory.path).localStorage + "/images/100"
        try await node.test { client in
            let created = try await QemuAPITests.task(node, client, .post, "", [
                "vmid": "100", "bios": "ovmf", "machine": "q35", "scsi0": "local:1",
                "efidisk0": "local:1,efitype=4m,pre-enrolled-keys=1",
            ])
            #expect(created == "OK")
            let config = try await QemuAPITests.call(client, .get, "/100/config")
            #expect(config.data["efidisk0"] == "local:100/vm-100-disk-1.raw,efitype=4m,pre-enrolled-keys=1,size=528K")
            let variables = try FileIO.read(images + "/vm-100-disk-1.raw")
            #expect(variables == (try FileIO.read("/usr/share/OVMF/OVMF_VARS_4M.ms.fd")))

            let command = try await node.services.vms.command(VMID(100)!)
            #expect(command.contains("if=pflash,unit=0,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"))
            #expect(command.contains("if=pflash,unit=1,id=drive-efidisk0,format=raw,size=540672,file=\(images)/vm-100-disk-1.raw"))

            #expect(try await QemuAPITests.task(node, client, .post, "/100/clone", ["newid": "101", "full": "1"]) == "OK")
            let clone = try await QemuAPITests.call(client, .get, "/101/config")
            #expect(clone.data["efidisk0"]?.stringValue?.hasPrefix("local:101/vm-101-disk-") == true, "\(clone.data)")
            #expect(try await QemuAPITests.task(node, client, .delete, "/101") == "OK")

            #expect(try await QemuAPITests.task(node, client, .delete, "/100") == "OK")
            #expect(FileIO.listDirectory(images).isEmpty)
        }
    }

    @Test func badEFIDisksAreRefusedAndLeaveNothing() async throws {
        let node = try await TestNode()
        defer { node.remove() }
        try await node.test { client in
            for value in ["none", "local:1,efitype=8m", "nowhere:1", "local:iso/x.iso", "local:1,media=cdrom"] {
                let reply = try await QemuAPITests.call(client, .post, "", ["vmid": "100", "bios": "ovmf", "efidisk0": value])
                #expect(reply.status == 400, "\(value)")
                #expect(reply.errors?["efidisk0"] != nil, "\(value) → \(String(describing: reply.errors))")
                #expect(try await node.store.read("nodes/testnode/qemu-server/100.conf") == nil)
            }
            let images = NodePaths(root: node.directory.path).localStorage + "/images/100"
            #expect(FileIO.listDirectory(images).isEmpty)
        }
    }
}
