import FaroAPI
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import HummingbirdTesting
import Testing

/// vzdump's `snapshot` mode for a running container on btrfs (a loop device): storage
/// snapshots of its volumes archived while it runs on, owners, modes, an ACL and an xattr kept
/// through a restore; on the directory storage the fallback to `suspend`.
@Suite(.serialized) struct ContainerBackupSnapshotTests {
    let changes = ContainerChangeAPITests()
    var api: ContainerAPITests { changes.api }
    static let template = ContainerChangeAPITests.template
    static let missing: String? = ContainerSnapshotAPITests.missing ?? {
        let tools = ["setfacl", "getfacl", "setfattr", "getfattr", "zstd"].filter { !Executables.inPath($0) }
        return tools.isEmpty ? nil : tools.joined(separator: ", ")
    }()

    func taskLog(_ client: any TestClientProtocol, _ node: TestNode, _ form: String) async throws -> (status: String, lines: [String]) {
        let response = try await api.call(client, .post, "/nodes/testnode/vzdump", form)
        guard let upid = response.data.stringValue.flatMap(UPID.init) else { return ("request failed: \(response.text)", []) }
        let status = await node.services.tasks.wait(upid).status ?? "unknown"
        let log = try await api.call(client, .get, "/nodes/testnode/tasks/\(upid)/log?limit=1000")
        return (status, log.data.arrayValue?.compactMap { $0["t"]?.stringValue } ?? [])
    }

    func run(_ argv: [String]) async throws -> String { try await SubprocessRunner().checked(argv) }

    @Test(.enabled(unlessMissing: missing)) func snapshotModeReadsBtrfsSnapshotsOfARunningContainer() async throws {
        let fileSystem = try await LoopFileSystem(type: "btrfs", sizeMiB: 400)
        defer { fileSystem.unmount() }
        // The container's root (uid 100000) mounts mp0 from there: every directory on the way must let it through.
        chmod(fileSystem.mountPoint, 0o755)
        chmod((fileSystem.mountPoint as NSString).deletingLastPathComponent, 0o755)
        try await changes.withContainers([3250, 3251, 3252]) { node, client in
            let response = try await api.call(client, .post, "/storage", "storage=btr&type=btrfs&path=\(fileSystem.mountPoint)&content=rootdir,images")
            #expect(response.status == .ok, "\(response.text)")
            let mp0 = ContainerChangeAPITests.encoded("btr:0,mp=/mnt/data,backup=1")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=3250&ostemplate=\(Self.template)&rootfs=btr:0&mp0=\(mp0)&hostname=snapbk&ostype=alpine&unprivileged=1&start=1") == "OK")
            let containers = node.services.containers
            _ = try await containers.execute(VMID(3250)!, ["/bin/sh", "-c",
                "echo kept > /root/owned && chown 1234:2345 /root/owned && chmod 0741 /root/owned && echo data > /mnt/data/file"])
            let config = try await api.call(client, .get, "/nodes/testnode/lxc/3250/config").data
            let rootVolume = try #require(config["rootfs"]?.stringValue?.split(separator: ",").first.map(String.init))
            let rootPath = try await node.services.storage.plugin("btr").path(String(rootVolume.dropFirst("btr:".count)))
            _ = try await run(["setfacl", "-m", "u:\(100_000 + 1500):r", rootPath + "/root/owned"])
            _ = try await run(["setfattr", "-n", "user.faro", "-v", "kept", rootPath + "/root/owned"])

            let (status, log) = try await taskLog(client, node, "vmid=3250&mode=snapshot&storage=local&compress=zstd")
            #expect(status == "OK", "\(log)")
            for line in ["INFO: backup mode: snapshot", "INFO: create storage snapshot 'vzdump'", "INFO: cleanup temporary 'vzdump' snapshot",
                         "INFO: including mount point mp0 ('/mnt/data') in backup"] {
                #expect(log.contains(line), "\(line): \(log)")
            }
            #expect(!log.contains("INFO: trying 'suspend' mode instead"))
            #expect(try await containers.state(VMID(3250)!).running, "the container ran on")
            let snapshots = try await run(["btrfs", "subvolume", "list", "-o", fileSystem.mountPoint + "/images/3250"])
            #expect(!snapshots.contains("@vzdump"), "the snapshots are gone: \(snapshots)")
            let mounts = try FileIO.readText("/proc/self/mountinfo")
            #expect(!mounts.contains("vzsnap0"), "nothing stays mounted")

            let dump = node.services.paths.localStorage + "/dump"
            let archive = try #require(try FileManager.default.contentsOfDirectory(atPath: dump).first { $0.hasSuffix(".tar.zst") })
            let members = try await run(["tar", "--zstd", "-tvf", dump + "/" + archive, "--numeric-owner"])
            #expect(members.contains("./mnt/data/file"), "the mount point's snapshot is in the archive")
            #expect(members.split(separator: "\n").contains { $0.hasPrefix("-rwxr----x 1234/2345") && $0.hasSuffix(" ./root/owned") },
                "owners as the container sees them: \(members)")

            // Restored as a new container on btrfs: the same owners, mode, ACL and xattr.
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=3251&ostemplate=local:backup/\(archive)&restore=1&storage=btr") == "OK")
            let restored = try await api.call(client, .get, "/nodes/testnode/lxc/3251/config").data
            let restoredVolume = try #require(restored["rootfs"]?.stringValue?.split(separator: ",").first.map(String.init))
            let restoredPath = try await node.services.storage.plugin("btr").path(String(restoredVolume.dropFirst("btr:".count)))
            var info = stat()
            #expect(lstat(restoredPath + "/root/owned", &info) == 0)
            #expect(info.st_uid == 101_234 && info.st_gid == 102_345 && info.st_mode & 0o7777 == 0o741)
            #expect(try await run(["getfacl", "-n", "-p", restoredPath + "/root/owned"]).contains("user:101500:r--"))
            #expect(try await run(["getfattr", "-n", "user.faro", "--only-values", restoredPath + "/root/owned"]) == "kept")
            #expect(!FileIO.exists(restoredPath + "/mnt/data/file"), "mp0 is its own volume, not in the rootfs")
            let restoredMP = try #require(restored["mp0"]?.stringValue?.split(separator: ",").first.map(String.init))
            let mpPath = try await node.services.storage.plugin("btr").path(String(restoredMP.dropFirst("btr:".count)))
            #expect(try await run(["cat", mpPath + "/file"]) == "data\n")

            // force: refused for a running CT and without force; over the stopped 3251 the
            // new volumes replace the old ones only once the restore succeeded.
            var refused = try await api.call(client, .post, "/nodes/testnode/lxc", "vmid=3250&ostemplate=local:backup/\(archive)&restore=1&force=1")
            #expect(ContainerVolumeAPITests.message(refused).contains("can't overwrite running container"), "\(refused.text)")
            refused = try await api.call(client, .post, "/nodes/testnode/lxc", "vmid=3251&ostemplate=local:backup/\(archive)&restore=1")
            #expect(ContainerVolumeAPITests.message(refused).contains("already exists"), "\(refused.text)")
            let broken = dump + "/vzdump-lxc-3251-2020_01_01-00_00_00.tar.zst"
            let whole = try FileIO.read(dump + "/" + archive)
            try FileIO.writeAtomically(broken, Array(whole.prefix(whole.count / 2)))
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=3251&ostemplate=local:backup/\((broken as NSString).lastPathComponent)&restore=1&force=1&storage=btr") != "OK")
            let unchanged = try await api.call(client, .get, "/nodes/testnode/lxc/3251/config").data
            #expect(unchanged["rootfs"] == restored["rootfs"] && unchanged["lock"] == nil, "a failed restore leaves the CT as it was")
            #expect(FileIO.exists(restoredPath + "/root/owned"))
            FileIO.remove(broken)
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=3251&ostemplate=local:backup/\(archive)&restore=1&force=1&storage=btr&hostname=again") == "OK")
            let replaced = try await api.call(client, .get, "/nodes/testnode/lxc/3251/config").data
            #expect(replaced["hostname"] == "again" && replaced["lock"] == nil)
            #expect(replaced["rootfs"] != restored["rootfs"] && replaced["unused0"] == nil, "\(replaced)")
            #expect(!FileIO.exists(restoredPath) && !FileIO.exists(mpPath), "the old volumes are gone")
            let newRoot = try #require(replaced["rootfs"]?.stringValue?.split(separator: ",").first.map(String.init))
            let newRootPath = try await node.services.storage.plugin("btr").path(String(newRoot.dropFirst("btr:".count)))
            #expect(try await run(["getfattr", "-n", "user.faro", "--only-values", newRootPath + "/root/owned"]) == "kept")

            // On the directory storage there is no storage snapshot: Proxmox's fallback.
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=3252&ostemplate=\(Self.template)&rootfs=local:0&hostname=dirbk&ostype=alpine&unprivileged=1&start=1") == "OK")
            let fallback = try await taskLog(client, node, "vmid=3252&mode=snapshot&storage=local")
            #expect(fallback.status == "OK", "\(fallback.lines)")
            #expect(fallback.lines.contains("INFO: mode failure - some volumes do not support snapshots"))
            #expect(fallback.lines.contains("INFO: trying 'suspend' mode instead") && fallback.lines.contains("INFO: backup mode: suspend"))
        }
    }
}
