import FaroAPI
import FaroLXC
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import HummingbirdTesting
import Testing

/// Snapshots, templates, clones and resize of real containers: btrfs on a loop device for
/// what needs snapshots, the directory storage for raw images.
@Suite(.serialized) struct ContainerSnapshotAPITests {
    let changes = ContainerChangeAPITests()
    var api: ContainerAPITests { changes.api }
    static let template = ContainerChangeAPITests.template

    static let missing: String? = ContainerAPITests.missing ?? LoopFileSystem.unavailableReason(type: "btrfs")

    func inside(_ node: TestNode, _ vmid: Int, _ argv: [String]) async throws -> String {
        try await node.services.containers.execute(VMID(vmid)!, argv).output
    }

    @Test(.enabled(unlessMissing: missing)) func snapshotRollbackTemplateAndClonesOnBtrfs() async throws {
        let fileSystem = try await LoopFileSystem(type: "btrfs", sizeMiB: 400)
        defer { fileSystem.unmount() }
        chmod(fileSystem.mountPoint, 0o755)
        try await changes.withContainers([220, 221, 222]) { node, client in
            var response = try await api.call(client, .post, "/storage", "storage=btr&type=btrfs&path=\(fileSystem.mountPoint)&content=rootdir,images")
            #expect(response.status == .ok, "\(response.text)")
            let ct = "/nodes/testnode/lxc/220"
            let created = try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=220&ostemplate=\(Self.template)&rootfs=btr:0&hostname=snappy&ostype=alpine&unprivileged=1")
            #expect(created == "OK")
            #expect(try await api.runTask(node, client, .post, ct + "/status/start") == "OK")
            _ = try await node.services.containers.execute(VMID(220)!, ["/bin/sh", "-c", "echo one > /root/state"])

            response = try await api.call(client, .get, ct + "/feature?feature=snapshot")
            #expect(response.data == ["hasFeature": true], "btrfs subvolumes snapshot: \(response.text)")
            #expect(try await api.call(client, .get, ct + "/feature?feature=clone").data == ["hasFeature": false], "not a template")
            #expect(try await api.runTask(node, client, .post, ct + "/snapshot", "snapname=first&description=before") == "OK")
            #expect(try await api.call(client, .get, ct + "/feature?feature=copy&snapname=first").data == ["hasFeature": true])
            response = try await api.call(client, .get, ct + "/snapshot")
            let names = response.data.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["first", "current"], "the list ends with current")
            #expect(response.data.arrayValue?.last?["parent"] == "first")
            response = try await api.call(client, .get, ct + "/snapshot/first/config")
            #expect(response.data["hostname"] == "snappy" && response.data["description"] == "before")

            _ = try await node.services.containers.execute(VMID(220)!, ["/bin/sh", "-c", "echo two > /root/state"])
            #expect(try await api.runTask(node, client, .post, ct + "/snapshot/first/rollback", "start=1") == "OK")
            #expect(try await inside(node, 220, ["/bin/cat", "/root/state"]) == "one\n", "the rollback restores the files")
            #expect(try await api.runTask(node, client, .delete, ct + "/snapshot/first") == "OK")
            response = try await api.call(client, .get, ct + "/snapshot")
            #expect(response.data.arrayValue?.count == 1)

            #expect(try await api.runTask(node, client, .post, ct + "/status/stop") == "OK")
            response = try await api.call(client, .post, ct + "/template")
            #expect(response.status == .ok, "\(response.text)")
            response = try await api.call(client, .get, ct + "/config")
            #expect(response.data["template"] == 1)
            #expect(response.data["rootfs"]?.stringValue?.contains("basevol-220-disk-0") == true)
            #expect(try await api.call(client, .get, ct + "/feature?feature=clone").data == ["hasFeature": true])
            #expect(try await api.runTask(node, client, .post, ct + "/status/start").contains("template"))

            #expect(try await api.runTask(node, client, .post, ct + "/clone", "newid=221&hostname=linked") == "OK")
            #expect(try await api.runTask(node, client, .post, ct + "/clone", "newid=222&hostname=copied&full=1&storage=local") == "OK")
            response = try await api.call(client, .get, "/nodes/testnode/lxc/221/config")
            #expect(response.data["rootfs"]?.stringValue?.hasPrefix("btr:220/basevol-220-disk-0.subvol/221/") == true, "\(response.data)")
            response = try await api.call(client, .get, "/nodes/testnode/lxc/222/config")
            #expect(response.data["rootfs"] == "local:222/subvol-222-disk-0.subvol")
            for (vmid, hostname) in [(221, "linked"), (222, "copied")] {
                #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc/\(vmid)/status/start") == "OK")
                #expect(try await inside(node, vmid, ["/bin/hostname"]) == "\(hostname)\n")
                #expect(try await inside(node, vmid, ["/bin/cat", "/root/state"]) == "one\n", "the clone has the template's files")
                #expect(try await inside(node, vmid, ["/bin/id", "-u"]) == "0\n")
                #expect(try await api.runTask(node, client, .delete, "/nodes/testnode/lxc/\(vmid)?force=1") == "OK")
            }
            #expect(try await api.runTask(node, client, .delete, ct) == "OK")
        }
    }

    @Test(.enabled(unlessMissing: ContainerAPITests.missing)) func rawImagesResizeAndRefuseSnapshots() async throws {
        try await changes.withContainers([223]) { node, client in
            let ct = "/nodes/testnode/lxc/223"
            let created = try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=223&ostemplate=\(Self.template)&rootfs=local:1&mp0=\(ContainerChangeAPITests.encoded("local:1,mp=/data"))"
                    + "&hostname=grow&ostype=alpine")
            #expect(created == "OK")
            var response = try await api.call(client, .get, ct + "/config")
            #expect(response.data["mp0"] == "local:223/vm-223-disk-1.raw,mp=/data,size=1G")
            response = try await api.call(client, .get, ct + "/feature?feature=snapshot")
            #expect(response.data == ["hasFeature": false], "raw images on a directory have no snapshots: \(response.text)")
            #expect(try await api.call(client, .get, ct + "/feature?feature=copy").data == ["hasFeature": true])
            let snapshot = try await api.runTask(node, client, .post, ct + "/snapshot", "snapname=no")
            #expect(snapshot.contains("snapshot feature is not available"), "\(snapshot)")
            response = try await api.call(client, .get, ct + "/config")
            #expect(response.data["lock"] == nil, "a refused snapshot leaves no lock")

            #expect(try await api.runTask(node, client, .put, ct + "/resize", "disk=rootfs&size=%2B1G") == "OK")
            #expect(try await api.runTask(node, client, .put, ct + "/resize", "disk=rootfs&size=1G").contains("shrinking"))
            #expect(try await api.runTask(node, client, .post, ct + "/status/start") == "OK")
            let online = try await api.runTask(node, client, .put, ct + "/resize", "disk=mp0&size=3G")
            #expect(online == "OK", "online through the loop device, else at the next start")
            #expect(try await api.runTask(node, client, .post, ct + "/status/reboot", "timeout=5") == "OK")
            response = try await api.call(client, .get, ct + "/config")
            #expect(response.data["rootfs"] == "local:223/vm-223-disk-0.raw,size=2G")
            #expect(response.data["mp0"] == "local:223/vm-223-disk-1.raw,mp=/data,size=3G")
            let mounts = try await inside(node, 223, ["/bin/cat", "/proc/mounts"])
            #expect(mounts.contains(" /data ext4 "), "the mount point is mounted inside: \(mounts)")
            var fs = statvfs()
            #expect(statvfs(node.services.containers.rootfsMountPoint(VMID(223)!), &fs) == 0)
            #expect(UInt64(fs.f_blocks) * UInt64(fs.f_frsize) > 3 << 29, "the rootfs file system grew past 1.5 GiB")
            #expect(statvfs(node.services.containers.containerDirectory(VMID(223)!) + "/mp0", &fs) == 0)
            #expect(UInt64(fs.f_blocks) * UInt64(fs.f_frsize) > 5 << 29, "the mount point grew past 2.5 GiB")

            #expect(try await api.runTask(node, client, .post, ct + "/status/suspend") == "OK")
            let frozen = try FileIO.readText(node.services.containers.cgroupRoot + "/freezer/lxc/223/freezer.state")
            #expect(frozen.hasPrefix("FROZEN"))
            response = try await api.call(client, .get, ct + "/status/current")
            #expect(response.data["status"] == "running", "a suspended container still counts as running")
            let resumed = try await api.runTask(node, client, .post, ct + "/status/resume")
            #expect(resumed == "OK")
            #expect(try await api.runTask(node, client, .post, ct + "/move_volume", "volume=rootfs&storage=extra").contains("running"))
            #expect(try await api.runTask(node, client, .post, ct + "/status/stop") == "OK")

            let extra = node.directory.file("extra")
            response = try await api.call(client, .post, "/storage", "storage=extra&type=dir&path=\(extra)&content=rootdir,images")
            #expect(response.status == .ok, "\(response.text)")
            #expect(try await api.runTask(node, client, .post, ct + "/move_volume", "volume=rootfs&storage=extra&delete=1") == "OK")
            #expect(try await api.runTask(node, client, .post, ct + "/move_volume", "volume=mp0&storage=extra") == "OK")
            response = try await api.call(client, .get, ct + "/config")
            #expect(response.data["rootfs"] == "extra:223/vm-223-disk-0.raw,size=2G")
            #expect(response.data["mp0"] == "extra:223/vm-223-disk-1.raw,mp=/data,size=3G")
            #expect(response.data["unused0"] == "local:223/vm-223-disk-1.raw", "without delete the old volume stays as unused0")
            #expect(!FileIO.exists(node.services.paths.localStorage + "/images/223/vm-223-disk-0.raw"), "delete=1 frees the old rootfs")
            #expect(try await api.runTask(node, client, .post, ct + "/status/start") == "OK")
            #expect(try await inside(node, 223, ["/bin/cat", "/etc/hostname"]) == "grow\n", "the moved rootfs boots")
            #expect(try await api.runTask(node, client, .delete, ct + "?force=1") == "OK")
            #expect(!FileIO.exists(node.services.paths.localStorage + "/images/223/vm-223-disk-1.raw"), "unused volumes go with the CT")
            #expect(!FileIO.exists(extra + "/images/223/vm-223-disk-0.raw"))
        }
    }
}
