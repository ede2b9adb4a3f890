import FaroTesting
import Foundation
import Testing

/// qm, pct, pvesm and pveum print what Proxmox's print, so scripts that parse them keep
/// working: the real daemon under a temporary root, driven by the real CLI.
@Suite(.serialized) struct ProxmoxShapedCLITests {
    @Test func guestCommandsPrintProxmoxsText() async throws {
        try await withDaemon { daemon in
            func run(_ arguments: String...) throws -> Shell.Result { try Shell.faro(daemon.root, arguments) }
            #expect(try run("qm", "list").output == "", "no VMs, no header")
            let create = try run("qm", "create", "150", "--name", "probe", "--memory", "64", "--kvm", "0")
            #expect(create.status == 0 && create.output.isEmpty, "\(create.output)\(create.error)")
            #expect(try run("qm", "list").output
                == "      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n"
                + "       150 probe                stopped    64                 0.00 0         \n")
            #expect(try run("qm", "status", "150").output == "status: stopped\n")
            let verbose = try run("qm", "status", "150", "--verbose").output
            #expect(verbose.contains("status: stopped\n") && verbose.contains("name: probe\n") && !verbose.contains("cpu:"), "\(verbose)")

            let config = try run("qm", "config", "150").output
            let keys = config.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
            #expect(config.contains("memory: 64\n") && config.contains("name: probe\n") && !config.contains("digest"), "\(config)")
            #expect(keys == keys.sorted(), "sorted key: value lines: \(config)")
            #expect(try run("qm", "config", "150", "--output-format", "json").output.contains("\"memory\":\"64\""))

            #expect(try run("qm", "set", "150", "--description", "line one\nline: two").output
                == "update VM 150: -description line one\nline: two\n", "the task log's first line, as Proxmox's")
            #expect(try run("qm", "config", "150").output.contains("description: line one%0Aline%3A two\n"))
            let pending = try run("qm", "pending", "150").output
            #expect(pending.contains("cur memory: 64\n") && pending.contains("cur description: line one%0Aline%3A two\n"), "\(pending)")
            #expect(try run("qm", "listsnapshot", "150").output
                == "`-> current                                             You are here!\n")

            let missing = try run("qm", "config", "999")
            #expect(missing.status == 255)
            #expect(missing.error == "Configuration file 'nodes/testnode/qemu-server/999.conf' does not exist\n")
            #expect(try run("qm", "destroy", "150").output == "")

            #expect(try run("pct", "list").output == "VMID       Status     Lock         Name                \n")
        }
    }

    @Test func storageCommandsPrintProxmoxsText() async throws {
        try await withDaemon { daemon in
            func run(_ arguments: String...) throws -> Shell.Result { try Shell.faro(daemon.root, arguments) }
            let status = try run("pvesm", "status").output.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(status.first == "Name         Type     Status           Total            Used       Available        %", "\(status)")
            let local = status.first { $0.hasPrefix("local ") }.map(String.init) ?? ""
            #expect(local.hasPrefix("local         dir     active ") && local.hasSuffix("%") && local.count == 85, "\(local)")

            #expect(try run("pvesm", "alloc", "local", "150", "", "1M").output == "successfully created 'local:150/vm-150-disk-0.raw'\n")
            #expect(try run("pvesm", "list", "local").output == """
                Volid                       Format  Type         Size VMID
                local:150/vm-150-disk-0.raw raw     images    1048576 150

                """)
            #expect(try run("pvesm", "path", "local:150/vm-150-disk-0.raw").output
                == daemon.root + "/var/lib/vz/images/150/vm-150-disk-0.raw\n")
            #expect(try run("pvesm", "prune-backups", "local", "--keep-last", "1", "--dry-run", "1").output == "No backups found\n")
            #expect(try run("pvesm", "free", "local:150/vm-150-disk-0.raw").output == "")

            let permissions = try run("pveum", "user", "permissions", "root@pam").output
            #expect(permissions.hasPrefix("┌─") && permissions.contains("│ ACL path"), "\(permissions)")
            #expect(permissions.contains(" │ Datastore.Allocate (*)"), "\(permissions)")
            #expect(permissions.hasSuffix("Permissions marked with '(*)' have the 'propagate' flag set.\n"))
        }
    }
}
