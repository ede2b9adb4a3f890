import FaroSupport
import FaroTesting
import Testing

@Suite struct KernelFileTests {
    @Test func mountPointsComeFromMountInfoWithEscapesUndone() {
        let table = """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            97 22 254:0 /srv/images/subvol-100-disk-0 /var/lib/lxc/100/rootfs rw - ext4 /dev/vda rw
            98 22 0:45 / /mnt/with\\040space\\011tab rw - tmpfs tmpfs rw
            99 22 0:46 / /mnt/back\\134slash rw - tmpfs tmpfs rw
            """
        #expect(FileIO.mountPoints(mountInfo: table) == ["/", "/var/lib/lxc/100/rootfs", "/mnt/with space\ttab", "/mnt/back\\slash"])
    }

    @Test func mountSourcesAreTheFieldAfterTheFileSystemType() {
        let table = """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
            97 22 7:3 / /var/lib/faro/lxc/223/rootfs rw,relatime shared:7 master:2 - ext4 /dev/loop3 rw
            98 22 0:45 / /mnt/x rw - fuse.sshfs user@host:/with\\040space rw
            """
        #expect(FileIO.mountSources(mountInfo: table) == ["/dev/vda", "/dev/loop3", "user@host:/with space"])
    }

    @Test func theRootIsAMountPointAndAFreshDirectoryIsNot() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(FileIO.isMountPoint("/"))
        #expect(FileIO.isMountPoint("/proc"))
        #expect(!FileIO.isMountPoint(directory.path))
        #expect(!FileIO.isMountPoint(directory.path + "/missing"))
    }

    @Test func executablesAreFoundInPathOnlyWhenTheyAreRunnableFiles() {
        #expect(Executables.path(of: "sh").map { $0.hasSuffix("/sh") } == true)
        #expect(Executables.path(of: "faro-no-such-tool") == nil)
        // A directory of that name in PATH (/usr/bin/X11 style) is no program.
        #expect(Executables.path(of: ".") == nil)
    }
}
