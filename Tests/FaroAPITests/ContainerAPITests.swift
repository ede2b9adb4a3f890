import FaroAPI
import FaroAccess
import FaroModel
import FaroSupport
import FaroTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Real containers through the HTTP API: a busybox template built by the tests, created,
/// started, a command run inside, stopped and destroyed, privileged and unprivileged.
@Suite(.serialized) struct ContainerAPITests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// What this machine lacks for real containers, or nil.
    static let missing: String? = {
        if getuid() != 0 { return "root (containers need it)" }
        for tool in ["lxc-start", "lxc-attach", "lxc-info", "lxc-stop"] where !Executables.inPath(tool) {
            return "\(tool) (Debian package lxc)"
        }
        return BusyboxTemplate.missing
    }()

    func withNode(template: Bool = true, _ body: @Sendable (TestNode, any TestClientProtocol) async throws -> Void) async throws {
        let node = try await TestNode()
        defer { node.remove() }
        // The container's root (uid 100000 when unprivileged) must reach its rootfs.
        chmod(node.directory.path, 0o755)
        try await node.services.storage.bootstrap(hasDefaultThinPool: false)
        guard template else { return try await node.test { client in try await body(node, client) } }
        let archive = try await BusyboxTemplate.archive()
        let target = node.services.paths.localStorage + "/template/cache/" + BusyboxTemplate.fileName
        try FileIO.makeDirectory(node.services.paths.localStorage + "/template/cache")
        try FileManager.default.copyItem(atPath: archive, toPath: target)
        try await node.test { client in try await body(node, client) }
    }

    func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ form: String = "") async throws
        -> TestResponse
    {
        try await client.execute(uri: "/api2/json" + uri, method: method, headers: Self.form, body: ByteBuffer(string: form)) { $0 }
    }

    /// Starts a task through the API and waits for it; returns its exit status.
    func runTask(_ node: TestNode, _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, _ form: String = "")
        async throws -> String
    {
        let response = try await call(client, method, uri, form)
        guard response.status == .ok, let text = response.data.stringValue, let upid = UPID(text) else {
            return "request failed: \(response.status) \(response.text)"
        }
        let record = await node.services.tasks.wait(upid)
        return record.status ?? "unknown"
    }

    @Test(.enabled(unlessMissing: missing), arguments: [false, true]) func lifecycle(unprivileged: Bool) async throws {
        try await withNode { node, client in
            let ct = "/nodes/testnode/lxc/200"
            let template = "local:vztmpl/\(BusyboxTemplate.fileName)"
            let created = try await runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=200&ostemplate=\(template)&rootfs=local:0&hostname=bbox&ostype=alpine&memory=128&swap=0"
                    + "&unprivileged=\(unprivileged ? 1 : 0)&password=secret99")
            #expect(created == "OK")
            var response = try await call(client, .get, ct + "/config")
            #expect(response.data["hostname"] == "bbox")
            #expect(response.data["memory"] == 128)
            #expect(response.data["lock"] == nil)
            let rootfs = response.data["rootfs"]?.stringValue ?? ""
            #expect(rootfs == "local:200/subvol-200-disk-0.subvol")
            let volume = node.services.paths.localStorage + "/images/200/subvol-200-disk-0.subvol"
            var info = stat()
            #expect(lstat(volume + "/bin/busybox", &info) == 0)
            #expect(info.st_uid == (unprivileged ? 100_000 : 0), "ownership is shifted for unprivileged containers")
            #expect(try FileIO.readText(volume + "/etc/hostname") == "bbox\n")
            #expect(try FileIO.readText(volume + "/etc/shadow").hasPrefix("root:$6$"))

            #expect(try await runTask(node, client, .post, ct + "/status/start") == "OK")
            response = try await call(client, .get, ct + "/status/current")
            #expect(response.data["status"] == "running")
            #expect(response.data["maxmem"] == .int(128 << 20))
            #expect((response.data["pid"]?.intValue ?? 0) > 0)
            let generated = try FileIO.readText(node.services.paths.lxcPath + "/200/config")
            #expect(generated.contains("lxc.uts.name = bbox\n"))
            #expect(generated.contains("lxc.idmap = u 0 100000 65536\n") == unprivileged)

            let inside = try await node.services.containers.execute(VMID(200)!, ["/bin/hostname"])
            #expect(inside.output == "bbox\n")
            let id = try await node.services.containers.execute(VMID(200)!, ["/bin/id", "-u"])
            #expect(id.output == "0\n")

            response = try await call(client, .delete, ct)
            #expect(response.status == .internalServerError, "a running container is not destroyed without force")

            #expect(try await runTask(node, client, .post, ct + "/status/stop") == "OK")
            response = try await call(client, .get, ct + "/status/current")
            #expect(response.data["status"] == "stopped")

            #expect(try await runTask(node, client, .delete, ct) == "OK")
            #expect(!FileIO.exists(volume))
            #expect(try await node.store.read("nodes/testnode/lxc/200.conf") == nil)
        }
    }

    /// A sized rootfs is a raw image with ext4, loop-mounted for the setup and at start;
    /// a clean shutdown (init's power-off signal) stops it.
    @Test(.enabled(unlessMissing: missing)) func imageRootfsAndShutdown() async throws {
        try await withNode { node, client in
            let ct = "/nodes/testnode/lxc/203"
            let created = try await runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=203&ostemplate=local:vztmpl/\(BusyboxTemplate.fileName)&rootfs=local:1&hostname=imaged&ostype=alpine"
                    + "&unprivileged=1&start=1")
            #expect(created == "OK")
            var response = try await call(client, .get, ct + "/config")
            #expect(response.data["rootfs"] == "local:203/vm-203-disk-0.raw,size=1G")
            response = try await call(client, .get, ct + "/status/current")
            #expect(response.data["status"] == "running", "start=1 starts it after creation")
            #expect(response.data["maxdisk"] == .int(1 << 30))
            let inside = try await node.services.containers.execute(VMID(203)!, ["/bin/cat", "/etc/hostname"])
            #expect(inside.output == "imaged\n")
            let started = ContinuousClock.now
            #expect(try await runTask(node, client, .post, ct + "/status/shutdown", "timeout=20") == "OK")
            #expect(ContinuousClock.now - started < .seconds(20), "init powered off before the timeout")
            response = try await call(client, .get, ct + "/status/current")
            #expect(response.data["status"] == "stopped")
            #expect(try await runTask(node, client, .delete, ct) == "OK")
            #expect(!FileIO.exists(node.services.paths.localStorage + "/images/203/vm-203-disk-0.raw"))
        }
    }

    /// A veth NIC on a bridge the test makes: the container configures its address from the
    /// generated `/etc/network/interfaces`, reaches the host over the bridge, and the counters move.
    @Test(.enabled(unlessMissing: missing ?? (Executables.inPath("ip") ? nil : "ip (iproute2)")))
    func networkOnATestBridge() async throws {
        let bridge = "fbr\(getpid() % 100_000)"
        let runner = SubprocessRunner()
        try await runner.checked(["ip", "link", "add", "name", bridge, "type", "bridge"])
        do {
            try await runner.checked(["ip", "addr", "add", "10.213.77.1/24", "dev", bridge])
            try await runner.checked(["ip", "link", "set", bridge, "up"])
            try await withNode { node, client in
                let ct = "/nodes/testnode/lxc/204"
                let net = "name=eth0,bridge=\(bridge),ip=10.213.77.2/24,gw=10.213.77.1"
                let created = try await runTask(node, client, .post, "/nodes/testnode/lxc",
                    "vmid=204&ostemplate=local:vztmpl/\(BusyboxTemplate.fileName)&rootfs=local:0&ostype=alpine&unprivileged=1"
                        + "&net0=\(net.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                #expect(created == "OK")
                let config = try await call(client, .get, ct + "/config")
                #expect(config.data["net0"]?.stringValue?.contains("hwaddr=BC:24:11:") == true, "a MAC is assigned at creation")
                #expect(try await runTask(node, client, .post, ct + "/status/start") == "OK")
                #expect(try FileIO.readText("/sys/class/net/veth204i0/master/uevent").contains("INTERFACE=\(bridge)"))
                var address = ""
                for _ in 0..<50 {
                    address = try await node.services.containers.execute(VMID(204)!, ["/bin/ip", "-4", "addr", "show", "eth0"]).output
                    if address.contains("10.213.77.2/24") { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(address.contains("inet 10.213.77.2/24"))
                let ping = try await node.services.containers.execute(VMID(204)!, ["/bin/ping", "-c", "2", "-W", "2", "10.213.77.1"])
                #expect(ping.succeeded, "the container reaches the host over the bridge: \(ping.output)")
                let status = try await call(client, .get, ct + "/status/current")
                #expect((status.data["netin"]?.intValue ?? 0) > 0 && (status.data["netout"]?.intValue ?? 0) > 0)
                #expect(try await runTask(node, client, .post, ct + "/status/stop") == "OK")
                #expect(!FileIO.exists("/sys/class/net/veth204i0"))
                #expect(try await runTask(node, client, .delete, ct) == "OK")
            }
        } catch {
            _ = try? await runner.run(["ip", "link", "del", bridge])
            throw error
        }
        _ = try? await runner.run(["ip", "link", "del", bridge])
    }

    @Test(.enabled(unlessMissing: missing)) func failedCreateRemovesWhatItMade() async throws {
        try await withNode { node, client in
            let status = try await runTask(node, client, .post, "/nodes/testnode/lxc",
                "vmid=201&ostemplate=local:vztmpl/missing.tar.gz&rootfs=local:0")
            #expect(status.contains("missing.tar.gz"))
            #expect(try await node.store.read("nodes/testnode/lxc/201.conf") == nil)
            #expect(!FileIO.exists(node.services.paths.localStorage + "/images/201/subvol-201-disk-0.subvol"))
        }
    }

    @Test func configChangesCheckTheDigestAndDelete() async throws {
        try await withNode(template: false) { node, client in
            try await node.store.create("nodes/testnode/lxc/202.conf", data: Array("memory: 512\nhostname: a\ntags: x\n".utf8))
            let ct = "/nodes/testnode/lxc/202/config"
            var response = try await call(client, .get, ct)
            let digest = response.data["digest"]?.stringValue ?? ""
            response = try await call(client, .put, ct, "memory=1024&delete=tags&digest=\(digest)")
            #expect(response.status == .ok)
            response = try await call(client, .put, ct, "memory=2048&digest=\(digest)")
            #expect(response.status == .internalServerError, "a stale digest is refused")
            response = try await call(client, .put, ct, "net0=name=eth0,ip=10.0.0.300/24")
            #expect(response.status == .badRequest)
            response = try await call(client, .get, ct)
            #expect(response.data["memory"] == 1024)
            #expect(response.data["tags"] == nil)
            try await node.store.write("nodes/testnode/lxc/202.conf", text: "memory: 1024\nprotection: 1\n")
            response = try await call(client, .delete, "/nodes/testnode/lxc/202")
            #expect(response.status == .internalServerError)
            #expect(response.text.contains("protection"))
        }
    }
}
