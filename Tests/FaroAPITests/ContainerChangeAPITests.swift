import FaroAPI
import FaroLXC
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import HummingbirdTesting
import Testing

/// Config changes on real containers: live cgroup and NIC changes, pending changes applied at
/// the next start, revert, and destroy of a running container only with `force`.
@Suite(.serialized) struct ContainerChangeAPITests {
    let api = ContainerAPITests()
    static let template = "local:vztmpl/\(BusyboxTemplate.fileName)"

    static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    /// Runs `body` on a fresh node and afterwards kills and unmounts the given containers,
    /// also when `body` failed, so no container outlives the test.
    func withContainers(_ vmids: [Int], template: Bool = true, _ body: @Sendable (TestNode, any TestClientProtocol) async throws -> Void)
        async throws
    {
        try await api.withNode(template: template) { node, client in
            do {
                try await body(node, client)
            } catch {
                await Self.kill(node, vmids)
                throw error
            }
            await Self.kill(node, vmids)
        }
    }

    static func kill(_ node: TestNode, _ vmids: [Int]) async {
        let containers = node.services.containers
        for vmid in vmids.compactMap(VMID.init) {
            if (try? await containers.state(vmid).running) == true {
                _ = try? await containers.runner.run(containers.lxc("lxc-stop", vmid, ["--kill"]))
            }
            for directory in ["rootfs"] + (0..<4).map({ "mp\($0)" }) {
                _ = try? await containers.runner.run(["umount", containers.containerDirectory(vmid) + "/" + directory])
            }
        }
    }

    func inside(_ node: TestNode, _ vmid: Int, _ argv: [String]) async throws -> String {
        try await node.services.containers.execute(VMID(vmid)!, argv).output
    }

    @Test(.enabled(unlessMissing: ContainerAPITests.missing ?? (Executables.inPath("nsenter") ? nil : "nsenter (util-linux)")), arguments: [false, true])
    func liveAndPendingChanges(unprivileged: Bool) async throws {
        let bridge = "fbc\(getpid() % 100_000)"
        try await Self.withBridge(bridge) { try await liveAndPendingChanges(unprivileged: unprivileged, bridge: bridge) }
    }

    /// A bridge that exists for the duration of `body`, removed even when it fails.
    static func withBridge(_ name: String, _ body: () async throws -> Void) async throws {
        let runner = SubprocessRunner()
        try await runner.checked(["ip", "link", "add", "name", name, "type", "bridge"])
        do {
            try await body()
        } catch {
            _ = try? await runner.run(["ip", "link", "del", name])
            throw error
        }
        _ = try? await runner.run(["ip", "link", "del", name])
    }

    func liveAndPendingChanges(unprivileged: Bool, bridge: String) async throws {
        try await withContainers([210]) { node, client in
            let ct = "/nodes/testnode/lxc/210"
            let created = try await api.runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=210&ostemplate=\(Self.template)&rootfs=local:0&hostname=before&ostype=alpine&memory=128&swap=64"
                    + "&unprivileged=\(unprivileged ? 1 : 0)")
            #expect(created == "OK")
            let started = try await api.runTask(node, client, .post, ct + "/status/start")
            #expect(started == "OK")
            let containers = node.services.containers
            let resources = try await api.call(client, .get, "/cluster/resources?type=vm")
            let entry = resources.data.arrayValue?.first { $0["id"] == "lxc/210" }
            #expect(entry?["status"] == "running", "/cluster/resources sees the start: \(resources.text)")
            #expect((entry?["mem"]?.intValue ?? 0) > 0 && (entry?["uptime"]?.intValue ?? -1) >= 0)

            var response = try await api.call(client, .put, ct + "/config", "memory=192&swap=32&cores=1&hostname=after")
            #expect(response.status == .ok, "\(response.text)")
            let limit = try FileIO.readText(containers.cgroupRoot + "/memory/lxc/210/memory.limit_in_bytes")
            #expect(limit.trimmingCharacters(in: .whitespacesAndNewlines) == String(192 << 20), "memory changes live")
            let cpus = try FileIO.readText(containers.cgroupRoot + "/cpuset/lxc/210/ns/cpuset.cpus")
            #expect(cpus.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "cores pins the CPUs live")
            response = try await api.call(client, .get, ct + "/pending")
            let hostname = response.data.arrayValue?.first { $0["key"] == "hostname" }
            #expect(hostname?["value"] == "before" && hostname?["pending"] == "after", "a host name change waits for the restart")
            response = try await api.call(client, .get, ct + "/config?current=1")
            #expect(response.data["hostname"] == "before" && response.data["memory"] == 192)
            response = try await api.call(client, .get, ct + "/config")
            #expect(response.data["hostname"] == "after", "without current=1 the pending values show")

            let net = Self.encoded("name=eth1,bridge=\(bridge),ip=10.214.5.2/24")
            response = try await api.call(client, .put, ct + "/config", "net1=\(net)")
            #expect(response.status == .ok, "\(response.text)")
            #expect(try await inside(node, 210, ["/bin/ip", "-4", "addr", "show", "eth1"]).contains("inet 10.214.5.2/24"))
            #expect(try FileIO.readText("/sys/class/net/veth210i1/master/uevent").contains("INTERFACE=\(bridge)"))
            response = try await api.call(client, .put, ct + "/config", "delete=net1")
            #expect(response.status == .ok, "\(response.text)")
            #expect(!FileIO.exists("/sys/class/net/veth210i1"), "a removed NIC goes at once")

            response = try await api.call(client, .put, ct + "/config", "revert=hostname")
            response = try await api.call(client, .get, ct + "/config")
            #expect(response.data["hostname"] == "before", "revert drops the pending change")
            response = try await api.call(client, .put, ct + "/config", "hostname=again&tags=live")
            response = try await api.call(client, .get, ct + "/config?current=1")
            #expect(response.data["tags"] == "live", "tags apply at once")

            response = try await api.call(client, .delete, ct)
            #expect(response.status == .internalServerError)
            #expect(response.text.contains("CT 210 is running"))
            #expect(try await api.runTask(node, client, .post, ct + "/status/reboot", "timeout=5") == "OK")
            #expect(try await inside(node, 210, ["/bin/hostname"]) == "again\n", "pending changes apply at the next start")
            response = try await api.call(client, .get, ct + "/pending")
            #expect(response.data.arrayValue?.contains { $0["pending"] != nil } == false)
            let destroyed = try await api.runTask(node, client, .delete, ct + "?force=1&purge=1")
            #expect(destroyed == "OK")
            #expect(try await node.store.read("nodes/testnode/lxc/210.conf") == nil)
        }
    }

    @Test func badConfigsAreRefusedAndChangeNothing() async throws {
        try await api.withNode(template: false) { node, client in
            try await node.store.create("nodes/testnode/lxc/211.conf", data: Array("memory: 512\nnet0: name=eth0,bridge=vmbr0\n".utf8))
            let ct = "/nodes/testnode/lxc/211/config"
            let before = try await node.store.read("nodes/testnode/lxc/211.conf")?.text
            let cases: [(String, String)] = [
                ("net1=\(Self.encoded("name=eth0,bridge=vmbr0"))", "duplicate interface name 'eth0'"),
                ("mp0=\(Self.encoded("/srv,mp=/data/../../etc"))", "'..'"),
                ("mp0=\(Self.encoded("/srv,mp=data"))", "absolute"),
                ("net1=\(Self.encoded("name=eth1,ip=10.0.0.1"))", "net1"),
                ("unprivileged=1", "read-only option"),
                ("delete=rootfs", "unable to delete 'rootfs'"),
                ("delete=bogus", "invalid configuration ID 'bogus'"),
                ("memory=256&delete=memory", "at the same time"),
            ]
            for (form, message) in cases {
                let response = try await api.call(client, .put, ct, form)
                #expect(response.status == .badRequest, "\(form)")
                #expect(response.text.contains(message), "\(form): \(response.text)")
            }
            #expect(try await node.store.read("nodes/testnode/lxc/211.conf")?.text == before)
        }
    }
}
