import FaroLXC
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import Testing

@Suite struct ContainerSetupTests {
    @Test func writesHostnameHostsNetworkAndDNS() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = ContainerConfig(options: [
            "hostname": "web", "ostype": "debian", "searchdomain": "example.org", "nameserver": "10.0.0.53 10.0.0.54",
            "net0": "name=eth0,bridge=vmbr0,ip=10.0.0.5/24,gw=10.0.0.1,ip6=auto",
            "net1": "name=eth1,ip6=fd00::5/64,gw6=fd00::1",
        ])
        let setup = ContainerSetup(rootfs: directory.path, owner: UInt32(getuid()), runner: SubprocessRunner())
        try await setup.apply(config, vmid: VMID(100)!, password: nil, sshKeys: "ssh-ed25519 AAAA test")
        #expect(try FileIO.readText(directory.file("etc/hostname")) == "web\n")
        #expect(try FileIO.readText(directory.file("etc/hosts")).contains("127.0.1.1 web.example.org web\n"))
        let interfaces = try FileIO.readText(directory.file("etc/network/interfaces"))
        #expect(interfaces.contains("iface eth0 inet static\n\taddress 10.0.0.5\n\tnetmask 255.255.255.0\n\tgateway 10.0.0.1\n"))
        #expect(interfaces.contains("iface eth0 inet6 auto\n"))
        #expect(interfaces.contains("auto eth1\niface eth1 inet6 static\n\taddress fd00::5\n\tnetmask 64\n\tgateway fd00::1\n"))
        #expect(try FileIO.readText(directory.file("etc/resolv.conf")) == "search example.org\nnameserver 10.0.0.53\nnameserver 10.0.0.54\n")
        #expect(try FileIO.readText(directory.file("root/.ssh/authorized_keys")) == "ssh-ed25519 AAAA test\n")
    }

    @Test func refusesToWriteThroughASymbolicLinkFromTheTemplate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileIO.makeDirectory(directory.file("etc"))
        let outside = directory.file("outside")
        try FileManager.default.createSymbolicLink(atPath: directory.file("etc/hostname"), withDestinationPath: outside)
        let setup = ContainerSetup(rootfs: directory.path, owner: UInt32(getuid()), runner: SubprocessRunner())
        await #expect(throws: LXCError.unsafePath("etc/hostname")) {
            try await setup.apply(ContainerConfig(options: ["ostype": "debian"]), vmid: VMID(100)!, password: nil, sshKeys: nil)
        }
        #expect(!FileIO.exists(outside))
    }

    @Test func detectsTheOSTypeFromTheRootfs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(ContainerSetup.detectOSType(rootfs: directory.path) == "unmanaged")
        try FileIO.makeDirectory(directory.file("etc"))
        try FileIO.writeAtomically(directory.file("etc/alpine-release"), Array("3.19\n".utf8))
        #expect(ContainerSetup.detectOSType(rootfs: directory.path) == "alpine")
    }

    @Test func templateEntriesThatLeaveTheRootAreRejected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileIO.writeAtomically(directory.file("evil"), Array("x".utf8))
        let archive = directory.file("evil.tar.gz")
        try await SubprocessRunner().checked(["tar", "-c", "-z", "-f", archive, "-P", "-C", directory.path, "../\(URL(fileURLWithPath: directory.path).lastPathComponent)/evil"])
        await #expect(throws: LXCError.self) { try await TemplateArchive(path: archive).checkEntries(runner: SubprocessRunner()) }
        #expect(throws: LXCError.self) { try TemplateArchive(path: directory.file("x.zip")) }
    }

    @Test(.enabled(if: getuid() == 0, "needs root to make a device node"))
    func deviceNodesOutsideDevAreRejected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let staging = directory.file("rootfs")
        try FileIO.makeDirectory(staging + "/etc")
        try FileIO.makeDirectory(staging + "/dev")
        #expect(mknod(staging + "/dev/null", S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
        let good = directory.file("good.tar.gz"), bad = directory.file("bad.tar.gz")
        try await SubprocessRunner().checked(["tar", "-c", "-z", "-f", good, "-C", staging, "."])
        try await TemplateArchive(path: good).checkEntries(runner: SubprocessRunner())
        #expect(mknod(staging + "/etc/sda", S_IFBLK | 0o600, dev_t(8 << 8)) == 0)
        try await SubprocessRunner().checked(["tar", "-c", "-z", "-f", bad, "-C", staging, "."])
        await #expect(throws: LXCError.badTemplate(bad, "device node './etc/sda' outside /dev")) {
            try await TemplateArchive(path: bad).checkEntries(runner: SubprocessRunner())
        }
    }
}
