import FaroModel
import Foundation
import Testing

@testable import FaroCLI

/// Lines joined with newlines, each line written out so trailing blanks stay visible.
func lines(_ lines: String...) -> String { lines.map { $0 + "\n" }.joined() }

/// The fixed-column and `key: value` output of qm and pct, compared as exact text.
@Suite struct GuestTextTests {
    @Test func qmListUsesProxmoxsColumns() {
        let vms: JSONValue = [
            ["vmid": 101, "name": "web", "status": "running", "qmpstatus": "paused", "maxmem": 2_147_483_648,
             "maxdisk": 34_359_738_368, "pid": 4242],
            ["vmid": 100, "name": "a-very-long-guest-name-here", "status": "stopped", "maxmem": 536_870_912, "maxdisk": 0],
        ]
        #expect(GuestText.qmList(vms) == lines(
            "      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       ",
            "       100 a-very-long-guest-name-here stopped    512                0.00 0         ",
            "       101 web                  paused     2048              32.00 4242      "))
        #expect(GuestText.qmList([]) == "", "no VMs, no header")
    }

    @Test func pctListUsesProxmoxsColumns() {
        let cts: JSONValue = [
            ["vmid": 300, "status": "running", "name": "ct1"],
            ["vmid": 105, "status": "stopped", "lock": "backup", "name": "db"],
        ]
        #expect(GuestText.pctList(cts) == lines(
            "VMID       Status     Lock         Name                ",
            "105        stopped    backup       db                  ",
            "300        running                 ct1                 "))
        #expect(GuestText.pctList([]) == lines("VMID       Status     Lock         Name                "))
    }

    @Test func configPrintsSortedKeyValueLines() {
        let config: JSONValue = [
            "digest": "abc", "memory": 512, "name": "web", "description": "line one\nsee: here",
            "scsi0": "local:100/vm-100-disk-0.qcow2,size=1G",
        ]
        #expect(GuestText.config(config) == lines(
            "description: line one%0Asee%3A here", "memory: 512", "name: web", "scsi0: local:100/vm-100-disk-0.qcow2,size=1G"))
        let container: JSONValue = ["arch": "amd64", "hostname": "ct", "lxc": [["lxc.cgroup2.devices.allow", "c 10:200 rwm"]]]
        #expect(GuestText.config(container) == lines("arch: amd64", "hostname: ct", "lxc.cgroup2.devices.allow: c 10:200 rwm"))
    }

    @Test func encodeTextEscapesControlColonAndHighBytes() {
        #expect(GuestText.encodeText("a:b\tc 100% é") == "a%3Ab%09c 100% %C3%A9")
    }

    @Test func pendingPrintsCurNewAndDel() {
        let pending: JSONValue = [
            ["key": "memory", "value": 512, "pending": 1024], ["key": "cores", "value": 2],
            ["key": "net1", "pending": "virtio,bridge=vmbr0"], ["key": "onboot", "value": 1, "delete": 1],
            ["key": "digest", "value": "x"], ["key": "description", "value": "a:b", "pending": "c\nd"],
        ]
        #expect(GuestText.pending(pending) == lines(
            "cur cores: 2", "cur description: a%3Ab", "new description: c%0Ad", "cur memory: 512", "new memory: 1024",
            "new net1: virtio,bridge=vmbr0", "del onboot: 1"))
    }

    @Test func statusIsOneLineOrEveryFieldNested() {
        let status: JSONValue = [
            "status": "running", "cpu": 0.1, "maxmem": 536_870_912, "nics": ["tap100i0": ["netin": 10, "netout": 20]],
            "ha": ["managed": 0], "proxmox-support": [:], "name": "web", "running-qemu": "9.2.0", "list": [1, ["a": 1]],
            "lock": nil,
        ]
        #expect(GuestText.status(status, verbose: false) == "status: running\n")
        #expect(GuestText.status(["vmid": 1], verbose: false) == "status: unknown\n")
        #expect(GuestText.status(status, verbose: true, skipping: ["cpu", "relcpu"]) == lines(
            "ha:", "\tmanaged: 0", "list:", "\t1", "\t\ta: 1", "maxmem: 536870912", "name: web", "nics:", "\ttap100i0:",
            "\t\tnetin: 10", "\t\tnetout: 20", "proxmox-support:", "running-qemu: 9.2.0", "status: running"))
    }

    @Test func snapshotsPrintAsATree() {
        let snapshots: JSONValue = [
            ["name": "first", "snaptime": 1_700_000_000, "description": "before upgrade\nmore"],
            ["name": "second", "parent": "first", "snaptime": 1_700_003_600, "description": ""],
            ["name": "branch", "parent": "first", "snaptime": 1_700_001_800, "description": "side"],
            ["name": "current", "parent": "second", "description": "You are here!", "running": 0],
        ]
        #expect(SnapshotTree.render(snapshots, timeZone: TimeZone(identifier: "UTC")!) == lines(
            "`-> first                       2023-11-14 22:13:20     before upgrade",
            "    `-> branch                  2023-11-14 22:43:20     side",
            "    `-> second                  2023-11-14 23:13:20     no-description",
            "        `-> current                                     You are here!"))
        #expect(SnapshotTree.render([["name": "current", "description": "You are here!"]], timeZone: TimeZone(identifier: "UTC")!)
            == "`-> current                                             You are here!\n")
    }

    @Test func agentResultsPrintAsPerlPrettyJSON() {
        #expect(PerlJSON.pretty(["b": [1, "x"], "a": ["c": true], "e": [], "f": [:]]) == lines(
            "{", "   \"a\" : {", "      \"c\" : true", "   },", "   \"b\" : [", "      1,", "      \"x\"", "   ],",
            "   \"e\" : [],", "   \"f\" : {}", "}"))
        #expect(PerlJSON.agentResult(["result": "hello\n"]) == "hello\n")
        #expect(PerlJSON.agentResult(["result": " \n"]) == "")
        #expect(PerlJSON.agentResult(["result": [:]]) == "")
        #expect(PerlJSON.agentResult(["exited": 1, "exitcode": 0]) == lines("{", "   \"exitcode\" : 0,", "   \"exited\" : 1", "}"))
    }
}

/// `pvesm`'s fixed columns, compared as exact text.
@Suite struct StorageTextTests {
    @Test func statusInKibibytesWithPercent() {
        let storages: JSONValue = [
            ["storage": "local", "type": "dir", "active": 1, "enabled": 1, "total": 100_000_000_000, "used": 12_345_678_901,
             "avail": 87_654_321_099],
            ["storage": "local-lvm", "type": "lvmthin", "active": 1, "enabled": 1, "total": 500_000_000_000, "used": 0,
             "avail": 500_000_000_000],
            ["storage": "off", "type": "dir", "active": 0, "enabled": 0],
            ["storage": "nfs", "type": "nfs", "active": 0, "enabled": 1],
        ]
        #expect(StorageText.status(storages) == lines(
            "Name             Type     Status           Total            Used       Available        %",
            "local             dir     active        97656250        12056327        85599922   12.35%",
            "local-lvm     lvmthin     active       488281250               0       488281250    0.00%",
            "nfs               nfs   inactive               0               0               0    0.00%",
            "off               dir   disabled               0               0               0      N/A"))
    }

    @Test func contentListsGuestVolumesFirst() {
        let volumes: JSONValue = [
            ["volid": "local:100/vm-100-disk-0.qcow2", "format": "qcow2", "content": "images", "size": 34_359_738_368, "vmid": 100],
            ["volid": "local:vztmpl/alpine.tar.xz", "format": "txz", "content": "vztmpl", "size": 3_000_000],
            ["volid": "local:backup/vzdump-qemu-100.vma.zst", "format": "vma.zst", "content": "backup", "size": 1234, "vmid": 100],
            ["volid": "local:iso/debian.iso", "format": "iso", "content": "iso", "size": 659_554_304],
        ]
        #expect(StorageText.content(volumes) == lines(
            "Volid                                Format  Type             Size VMID",
            "local:100/vm-100-disk-0.qcow2        qcow2   images    34359738368 100",
            "local:backup/vzdump-qemu-100.vma.zst vma.zst backup           1234 100",
            "local:iso/debian.iso                 iso     iso         659554304",
            "local:vztmpl/alpine.tar.xz           txz     vztmpl        3000000"))
    }

    @Test func prunePreviewByGuestAndAge() {
        let marks: JSONValue = [
            ["volid": "local:backup/vzdump-lxc-101-2024_05_02-10_00_00.tar.zst", "type": "lxc", "vmid": 101, "ctime": 200, "mark": "keep"],
            ["volid": "local:backup/vzdump-lxc-101-2024_05_01-10_00_00.tar.zst", "type": "lxc", "vmid": 101, "ctime": 100, "mark": "remove"],
            ["volid": "local:backup/vzdump-qemu-100-2024_05_01-10_00_00.vma.zst", "type": "qemu", "vmid": 100, "ctime": 150,
             "mark": "protected"],
            ["volid": "local:backup/other.tar", "type": "unknown", "ctime": 50, "mark": "renamed"],
        ]
        #expect(StorageText.prunePreview(marks) == lines(
            "NOTE: this is only a preview and might not be what a subsequent",
            "prune call does if backups are removed/added in the meantime.",
            "",
            "Backup                                                          Backup-ID Prune-Mark",
            "local:backup/other.tar                                            unknown    renamed",
            "local:backup/vzdump-qemu-100-2024_05_01-10_00_00.vma.zst         qemu/100  protected",
            "local:backup/vzdump-lxc-101-2024_05_01-10_00_00.tar.zst           lxc/101     remove",
            "local:backup/vzdump-lxc-101-2024_05_02-10_00_00.tar.zst           lxc/101       keep"))
        #expect(StorageText.prunePreview([]) == "No backups found\n")
    }

    @Test func scansPrintOneNameALine() {
        #expect(StorageText.names([["vg": "pve"], ["vg": "data"]], key: "vg") == "pve\ndata\n")
    }
}
