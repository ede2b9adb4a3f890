import FaroAPI
import FaroAccess
import FaroLXC
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import HummingbirdTesting
import Testing

/// `pct mount`/`unmount`, volumes moved to another container and clones from a snapshot, with
/// real containers: what a user finds on the host and inside, and bad input refused unchanged.
@Suite(.serialized) struct ContainerVolumeAPITests {
    let changes = ContainerChangeAPITests()
    var api: ContainerAPITests { changes.api }
    static let template = ContainerChangeAPITests.template

    static func message(_ response: TestResponse) -> String { response.json["message"]?.stringValue ?? "" }

    @Test(.enabled(unlessMissing: ContainerAPITests.missing)) func mountOnTheHostAndMoveAVolumeToAnotherContainer() async throws {
        try await changes.withContainers([260, 261]) { node, client in
            let containers = node.services.containers
            let (first, second) = ("/nodes/testnode/lxc/260", "/nodes/testnode/lxc/261")
            let mp0 = ContainerChangeAPITests.encoded("local:1,mp=/data")
            let shared = try TemporaryDirectory()
            defer { shared.remove() }
            let mp2 = ContainerChangeAPITests.encoded("\(shared.path),mp=/shared,ro=1")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=260&ostemplate=\(Self.template)&rootfs=local:0&mp0=\(mp0)&mp2=\(mp2)&hostname=owner&ostype=alpine") == "OK")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=261&ostemplate=\(Self.template)&rootfs=local:0&hostname=taker&ostype=alpine") == "OK")

            var response = try await api.call(client, .post, first + "/mount")
            let rootfs = containers.rootfsMountPoint(VMID(260)!)
            #expect(response.data == .string(rootfs))
            #expect(try FileIO.readText(rootfs + "/etc/hostname") == "owner\n", "the rootfs is on the host")
            #expect(try await containers.runner.run(["mountpoint", "-q", rootfs + "/data"]).succeeded, "mp0 is mounted at its path")
            FileManager.default.createFile(atPath: rootfs + "/data/marker", contents: Data("kept\n".utf8))
            #expect(FileIO.isMountPoint(rootfs + "/shared"), "the read-only bind mount point is mounted")
            let written = open(rootfs + "/shared/written", O_WRONLY | O_CREAT, 0o644)
            let writeError = errno
            if written >= 0 { close(written) }
            #expect(written == -1 && writeError == EROFS, "ro=1 is read-only on the host too")
            #expect(!FileIO.exists(shared.path + "/written"))
            #expect(try await api.call(client, .get, first + "/config").data["lock"] == "mounted")
            response = try await api.call(client, .post, first + "/mount")
            #expect(Self.message(response).hasPrefix("CT 260 is locked (mounted)"))
            response = try await api.call(client, .put, first + "/config", "memory=256")
            #expect(Self.message(response).hasPrefix("CT 260 is locked (mounted)"), "other changes wait for unmount")
            response = try await api.call(client, .post, first + "/unmount")
            #expect(response.status == .ok, "\(response.text)")
            #expect(try await api.call(client, .get, first + "/config").data["lock"] == nil)
            #expect(try await !containers.runner.run(["mountpoint", "-q", rootfs]).succeeded, "unmount leaves nothing mounted")

            let before = try await api.call(client, .get, first + "/config").data
            for (form, parameter, text) in [
                ("volume=mp0&storage=local&target-vmid=261", nil, "either set storage or target-vmid, but not both"),
                ("volume=mp0&target-vmid=260", "target-vmid", "must be different than source VMID to move disk to another container"),
                ("volume=rootfs&target-vmid=261", nil, "Cannot move to/from 'rootfs'"),
                ("volume=mp0&target-vmid=261&target-volume=rootfs", nil, "Cannot move to/from 'rootfs'"),
                ("volume=mp0&target-vmid=299", nil, "could not find CT 299"),
                ("volume=mp3&target-vmid=261", nil, "volume 'mp3' for container '260' does not exist"),
                ("volume=unused0&target-vmid=261&target-volume=mp0", nil, "Moving an unused volume to a used one is not possible"),
                ("volume=mp0&target-vmid=261&target-digest=0123456789abcdef", nil, "Container 261: detected modified configuration"),
                ("volume=mp0", nil, "Provide either a 'storage'"),
            ] {
                response = try await api.call(client, .post, first + "/move_volume", form)
                if let parameter {
                    #expect(response.json["errors"]?[parameter]?.stringValue == text, "\(form): \(response.text)")
                } else {
                    #expect(Self.message(response).hasPrefix(text), "\(form): \(response.text)")
                }
            }
            #expect(try await api.call(client, .get, first + "/config").data == before, "refused moves change nothing")

            #expect(try await api.runTask(node, client, .post, first + "/status/start") == "OK")
            let busy = try await api.call(client, .post, first + "/move_volume", "volume=mp0&target-vmid=261")
            #expect(Self.message(busy).hasPrefix("Cannot move in-use volume while the source CT is running"))
            #expect(try await api.runTask(node, client, .post, first + "/status/stop") == "OK")

            let digest = try await api.call(client, .get, second + "/config").data["digest"]?.stringValue ?? ""
            let moved = try await api.runTask(node, client, .post, first + "/move_volume",
                "volume=mp0&target-vmid=261&target-volume=mp1&target-digest=\(digest)")
            #expect(moved == "OK")
            #expect(try await api.call(client, .get, first + "/config").data["mp0"] == nil)
            #expect(try await api.call(client, .get, second + "/config").data["mp1"] == "local:261/vm-261-disk-1.raw,mp=/data,size=1G")
            let images = node.services.paths.localStorage + "/images"
            #expect(!FileIO.exists(images + "/260/vm-260-disk-1.raw") && FileIO.exists(images + "/261/vm-261-disk-1.raw"))
            #expect(try await api.runTask(node, client, .post, second + "/status/start") == "OK")
            #expect(try await changes.inside(node, 261, ["/bin/cat", "/data/marker"]) == "kept\n", "the files came along")
            let again = try await api.call(client, .post, first + "/move_volume", "volume=mp1&target-vmid=261")
            #expect(Self.message(again).hasPrefix("volume 'mp1' for container '260' does not exist"))
            for vmid in [260, 261] {
                #expect(try await api.runTask(node, client, .delete, "/nodes/testnode/lxc/\(vmid)?force=1") == "OK")
            }
            #expect(!FileIO.exists(images + "/261/vm-261-disk-1.raw"), "the moved volume belongs to its new owner")
        }
    }

    @Test(.enabled(unlessMissing: ContainerSnapshotAPITests.missing)) func cloneFromASnapshotIntoAPool() async throws {
        let fileSystem = try await LoopFileSystem(type: "btrfs", sizeMiB: 300)
        defer { fileSystem.unmount() }
        chmod(fileSystem.mountPoint, 0o755)
        try await changes.withContainers([262, 263]) { node, client in
            var response = try await api.call(client, .post, "/storage", "storage=btr&type=btrfs&path=\(fileSystem.mountPoint)&content=rootdir,images")
            #expect(response.status == .ok, "\(response.text)")
            try await node.access.updateConfig { $0.pools["lab"] = UserConfig.Pool() }
            let ct = "/nodes/testnode/lxc/262"
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=262&ostemplate=\(Self.template)&rootfs=btr:0&hostname=origin&ostype=alpine&unprivileged=1&start=1") == "OK")
            _ = try await node.services.containers.execute(VMID(262)!, ["/bin/sh", "-c", "echo one > /root/state"])
            #expect(try await api.runTask(node, client, .post, ct + "/snapshot", "snapname=first") == "OK")
            _ = try await node.services.containers.execute(VMID(262)!, ["/bin/sh", "-c", "echo two > /root/state"])
            #expect(try await api.call(client, .put, ct + "/config", "hostname=renamed").status == .ok)

            for (form, parameter, text) in [
                ("newid=263&target=othernode", "target", "no such cluster node 'othernode'"),
                ("newid=263&snapname=nope", "snapname", "snapshot 'nope' does not exist"),
                ("newid=263&pool=nopool", "pool", "pool 'nopool' does not exist"),
            ] {
                response = try await api.call(client, .post, ct + "/clone", form)
                #expect(response.json["errors"]?[parameter]?.stringValue == text, "\(form): \(response.text)")
            }
            response = try await api.call(client, .post, ct + "/clone", "newid=263")
            #expect(Self.message(response).contains("is running"), "without a snapshot a running CT is not copied")
            #expect(try await node.store.read("nodes/testnode/lxc/263.conf") == nil)

            let cloned = try await api.runTask(node, client, .post, ct + "/clone",
                "newid=263&snapname=first&target=testnode&pool=lab&bwlimit=1000")
            #expect(cloned == "OK")
            response = try await api.call(client, .get, "/nodes/testnode/lxc/263/config")
            #expect(response.data["hostname"] == "origin", "the clone has the snapshot's config")
            #expect(response.data["rootfs"] == "btr:263/subvol-263-disk-0.subvol", "\(response.data)")
            #expect(response.data["parent"] == nil && response.data["snaptime"] == nil)
            #expect(try await node.access.configuration().pools["lab"]?.vms == [VMID(263)!])
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc/263/status/start") == "OK")
            #expect(try await changes.inside(node, 263, ["/bin/cat", "/root/state"]) == "one\n", "the clone has the snapshot's files")
            #expect(try await changes.inside(node, 262, ["/bin/cat", "/root/state"]) == "two\n")
            for vmid in [263, 262] {
                #expect(try await api.runTask(node, client, .delete, "/nodes/testnode/lxc/\(vmid)?force=1&purge=1") == "OK")
            }
            #expect(try await node.access.configuration().pools["lab"]?.vms == [])
        }
    }
}
