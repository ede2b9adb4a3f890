import FaroModel
@testable import FaroStorage
import Testing

@Suite struct VolumeNameTests {
    static let accepted: [(String, ContentType, String, Int?, Bool)] = [
        ("100/vm-100-disk-0.qcow2", .images, "qcow2", 100, false),
        ("100/vm-100-disk-1.raw", .images, "raw", 100, false),
        ("100/vm-100-disk-2.vmdk", .images, "vmdk", 100, false),
        ("100/base-100-disk-0.qcow2", .images, "qcow2", 100, true),
        ("100/subvol-100-disk-0.subvol", .images, "subvol", 100, false),
        ("100/my-own-disk.raw", .images, "raw", 100, false),
        ("iso/debian-12.iso", .iso, "iso", nil, false),
        ("iso/INSTALL.IMG", .iso, "iso", nil, false),
        ("vztmpl/debian-12-standard_12.2-1_amd64.tar.zst", .vztmpl, "tzst", nil, false),
        ("vztmpl/alpine.tar.gz", .vztmpl, "tgz", nil, false),
        ("vztmpl/alpine.tar.xz", .vztmpl, "txz", nil, false),
        ("backup/vzdump-qemu-100-2024_01_31-12_00_00.vma.zst", .backup, "vma.zst", 100, false),
        ("backup/vzdump-lxc-101-2024_01_31-12_00_00.tar.gz", .backup, "tar.gz", 101, false),
        ("backup/vzdump-openvz-102-2024_01_31-12_00_00.tgz", .backup, "tgz", 102, false),
        ("backup/some-renamed-file.vma", .backup, "vma", nil, false),
        ("snippets/hook.pl", .snippets, "snippet", nil, false),
        ("import/disk image.qcow2", .import, "qcow2", nil, false),
        ("import/appliance.ova/disk1.vmdk", .import, "ova+vmdk", nil, false),
    ]

    @Test(arguments: accepted) func parses(_ volname: String, _ content: ContentType, _ format: String, _ vmid: Int?, _ base: Bool)
        throws
    {
        let parsed = try VolumeName.parseFileVolume(volname)
        #expect(parsed.content == content)
        #expect(parsed.format == format)
        #expect(parsed.vmid?.rawValue == vmid)
        #expect(parsed.isBase == base)
    }

    @Test func linkedClonesNameTheirBase() throws {
        let parsed = try VolumeName.parseFileVolume("100/base-100-disk-0.qcow2/200/vm-200-disk-0.qcow2")
        #expect(parsed.vmid == VMID(200))
        #expect(parsed.baseVMID == VMID(100))
        #expect(parsed.baseName == "base-100-disk-0.qcow2")
        #expect(parsed.name == "vm-200-disk-0.qcow2")
    }

    static let rejected = [
        "100/vm-100-disk-0.vhdx", "100/vm-101-disk-0.raw", "100/snap-vm-100-disk-0.qcow2", "abc/vm-100-disk-0.raw",
        "iso/x.dvd", "vztmpl/x.zip.gz", "backup/x.vma.xz", "backup/x.vms.gz", "backup/x.tgz.lzo", "backup/x.vma.bz2",
        "iso/../../etc/passwd.iso", "../etc/shadow", "/etc/passwd", "iso//x.iso", "iso/.hidden.iso", "iso/a\u{0}b.iso",
        "iso/nai\u{308}ve.iso", "iso/back\\slash.iso", "100/vm-100-disk-0.qcow2/200/vm-200-disk-0.qcow2",
        "import/a;b.qcow2", "import/x.zip", "", "iso/", "unknown/x.iso", "100", "0100/vm-100-disk-0.raw",
    ]

    @Test(arguments: rejected) func rejects(_ volname: String) {
        #expect(throws: StorageError.unparsableVolumeName(volname)) { try VolumeName.parseFileVolume(volname) }
    }

    @Test func volumeIDsSplitStrictly() throws {
        let volid = try VolumeID(parsing: "local:iso/debian.iso")
        #expect(volid.storage == "local" && volid.name == "iso/debian.iso")
        #expect(try VolumeID(parsing: "local-lvm:vm-100-disk-0").name == "vm-100-disk-0")
        for bad in ["local", ":iso/x.iso", "local:", "1local:iso/x.iso", "lo cal:iso/x.iso", "local:iso/x\n.iso"] {
            #expect(throws: StorageError.invalidVolumeID(bad)) { try VolumeID(parsing: bad) }
        }
    }
}

@Suite struct BackupArchiveTests {
    @Test func standardNamesGiveTypeOwnerAndLocalTime() throws {
        let archive = try #require(BackupArchive(fileName: "vzdump-qemu-100-2024_01_31-12_30_05.vma.zst"))
        #expect(archive.guestType == .qemu)
        #expect(archive.vmid == VMID(100))
        #expect(archive.kind == "vma.zst")
        #expect(archive.logName == "vzdump-qemu-100-2024_01_31-12_30_05.log")
        #expect(archive.notesName == "vzdump-qemu-100-2024_01_31-12_30_05.vma.zst.notes")
        #expect(Pruner.format(archive.ctime!, "%Y-%m-%d %H:%M:%S") == "2024-01-31 12:30:05")
    }

    @Test func otherNamesAreRenamedBackups() throws {
        let renamed = try #require(BackupArchive(fileName: "my-backup.tar.zst"))
        #expect(!renamed.isStandardName)
        #expect(BackupArchive(fileName: "vzdump-qemu-100-2024_13_31-12_30_05.vma")?.isStandardName == false)
        #expect(BackupArchive(fileName: "vzdump-lxc-100-2024_01_31-12_30_05.vma")?.isStandardName == false)
        #expect(BackupArchive(fileName: "notes.txt") == nil)
    }
}
