import FaroAPI
import FaroModel
import FaroTesting
import Foundation
import HummingbirdTesting
import Testing

/// A start that lxc refuses says why: lxc's first error, not "The container failed to start".
@Suite(.serialized) struct ContainerStartErrorTests {
    let api = ContainerAPITests()

    @Test(.enabled(if: ContainerAPITests.missing == nil, "needs root, the lxc tools and a static busybox"))
    func aFailedStartNamesLXCsReasonInTheTaskAndItsLog() async throws {
        try await api.withNode { node, client in
            let template = "local:vztmpl/\(BusyboxTemplate.fileName)"
            let created = try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=283&ostemplate=\(template)&rootfs=local:0&hostname=denied&unprivileged=1&memory=64")
            #expect(created == "OK")
            // The container's root (uid 100000) can no longer reach its rootfs below the node root.
            chmod(node.directory.path, 0o700)
            defer { chmod(node.directory.path, 0o755) }
            let response = try await api.call(client, .post, "/nodes/testnode/lxc/283/status/start")
            let upid = try #require(response.data.stringValue.flatMap(UPID.init), "\(response.text)")
            let record = await node.services.tasks.wait(upid)
            let status = record.status ?? ""
            #expect(status.hasPrefix("startup for container '283' failed: "), "\(status)")
            #expect(status.contains("Please grant it x access"), "lxc's reason, not its last line: \(status)")
            let log = try await node.services.tasks.readWholeLog(upid)
            #expect(log.contains("lxc: ") && log.contains("Please grant it x access"), "\(log)")
        }
    }
}

/// A container's block I/O comes from its cgroup, as the GUI's graphs and the exporter read it.
@Suite(.serialized) struct ContainerDiskCounterTests {
    let api = ContainerAPITests()

    @Test(.enabled(if: ContainerAPITests.missing == nil, "needs root, the lxc tools and a static busybox"))
    func directWritesInsideShowAsDiskwrite() async throws {
        try await ContainerChangeAPITests().withContainers([284]) { node, client in
            let template = "local:vztmpl/\(BusyboxTemplate.fileName)"
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=284&ostemplate=\(template)&rootfs=local:0&hostname=io&memory=64") == "OK")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc/284/status/start") == "OK")
            let before = try await api.call(client, .get, "/nodes/testnode/lxc/284/status/current").data["diskwrite"]?.intValue ?? -1
            _ = try await node.services.containers.execute(
                VMID(284)!, ["/bin/busybox", "dd", "if=/dev/zero", "of=/root/io-test", "bs=1M", "count=8", "oflag=direct"])
            let after = try await api.call(client, .get, "/nodes/testnode/lxc/284/status/current").data["diskwrite"]?.intValue ?? -1
            #expect(before >= 0 && after - before >= 8 << 20, "diskwrite \(before) → \(after)")
            let readBefore = try await api.call(client, .get, "/nodes/testnode/lxc/284/status/current").data["diskread"]?.intValue ?? -1
            _ = try await node.services.containers.execute(
                VMID(284)!, ["/bin/busybox", "dd", "if=/root/io-test", "of=/dev/null", "bs=1M", "iflag=direct"])
            let readAfter = try await api.call(client, .get, "/nodes/testnode/lxc/284/status/current").data["diskread"]?.intValue ?? -1
            #expect(readBefore >= 0 && readAfter - readBefore >= 8 << 20, "diskread \(readBefore) → \(readAfter)")
            let listed = try await api.call(client, .get, "/cluster/resources?type=vm").data.arrayValue?.first { $0["vmid"] == 284 }
            #expect((listed?["diskwrite"]?.intValue ?? 0) >= 8 << 20, "the same figure in /cluster/resources: \(String(describing: listed))")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc/284/status/stop") == "OK")
        }
    }
}

/// Cgroups an earlier run left behind (a crashed monitor, a start killed half-way) do not stop
/// the next start: lxc is told the exact cgroup names, so it would not pick others.
@Suite(.serialized) struct ContainerLeftoverCgroupTests {
    let api = ContainerAPITests()

    @Test(.enabled(if: ContainerAPITests.missing == nil, "needs root, the lxc tools and a static busybox"))
    func emptyCgroupsOfAnEarlierRunAreRemovedBeforeAStart() async throws {
        try await ContainerChangeAPITests().withContainers([286]) { (node: TestNode, client: any TestClientProtocol) async throws in
            let template = "local:vztmpl/\(BusyboxTemplate.fileName)"
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=286&ostemplate=\(template)&rootfs=local:0&hostname=leftover&memory=64") == "OK")
            let root = node.services.containers.cgroupRoot
            // What a crashed run leaves: the monitor's cgroup in some hierarchies, the payload's
            // with its inner `ns` in others.
            let unified = FileManager.default.fileExists(atPath: root + "/cgroup.controllers")
            let hierarchies = unified ? [""] : ["pids", "systemd", "memory"].map { "/" + $0 }
            var planted: [String] = []
            for hierarchy in hierarchies {
                for name in ["lxc.monitor/286", "lxc/286/ns"] {
                    let path = root + hierarchy + "/" + name
                    if (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil {
                        planted.append(path)
                    }
                }
            }
            #expect(!planted.isEmpty, "cgroups to leave behind under \(root)")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc/286/status/start") == "OK")
            #expect(try await api.runTask(node, client, .post, "/nodes/testnode/lxc/286/status/stop") == "OK")
            // Whatever the start did not clean up (with the fix: nothing) goes, deepest first.
            for path in planted { rmdir(path); if path.hasSuffix("/ns") { rmdir(String(path.dropLast(3))) } }
        }
    }
}
