import FaroModel
import FaroStore
import FaroTesting
import Foundation
import Testing

/// Two real daemons on loopback made into a cluster (`pvecm create` on A, `pvecm add` of B):
/// calls for `/nodes/B/...` made to A are checked on A and answered by B.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd"), "etcd-server is not installed"))
struct ForwardingTests {
    /// A and B, with a pve user allowed everything and a ticket from A.
    final class Pair {
        let cluster: ClusterHarness
        var directory: TemporaryDirectory { cluster.directory }
        let a: DaemonProcess
        let b: DaemonProcess
        let ticket: String
        let csrf: String
        let bFingerprint: String
        /// `root@pam!fwd=SECRET`: root's API token, for the node shell (the pam realm only).
        let rootToken: String

        init() async throws {
            cluster = try ClusterHarness(nodes: ["nodea", "nodeb"])
            do {
                try cluster.create("fwd", on: "nodea")
                let joined = try cluster.join("nodeb", to: "nodea", token: true)
                guard joined.status == 0 else { throw PairError(message: "join: \(joined.output)\(joined.error)") }
                a = cluster.node("nodea")
                b = cluster.node("nodeb")
                let rootA = cluster.root("nodea")
                for arguments in [["pveum", "user", "add", "alice@pve", "--password", "alice-secret"],
                    ["pveum", "acl", "modify", "/", "--users", "alice@pve", "--roles", "Administrator"]]
                {
                    let result = try Shell.faro(rootA, arguments)
                    guard result.status == 0 else { throw PairError(message: result.error) }
                }
                let created = try Shell.faro(rootA, ["pveum", "user", "token", "add", "root@pam", "fwd", "--privsep", "0", "--output-format", "json"])
                guard let secret = try JSONParser.parse(created.output)["value"]?.stringValue else { throw PairError(message: created.error) }
                rootToken = "root@pam!fwd=\(secret)"
                bFingerprint = try cluster.fingerprint("nodeb")
                // An impostor: a member whose pinned certificate is not the one its address presents.
                let impostor = try Shell.faro(rootA, [
                    "pvecm", "addnode", "impostor", "--new_node_ip", "127.0.0.1", "--api-port", "\(b.port)",
                    "--etcd-peer", "127.0.0.1:9", "--etcd-client", "127.0.0.1:9",
                ])
                guard impostor.status == 0 else { throw PairError(message: "addnode impostor: \(impostor.error)") }
                let login = try Shell.curl([
                    "-k", "-d", "username=alice@pve", "-d", "password=alice-secret", "https://127.0.0.1:\(a.port)/api2/json/access/ticket",
                ])
                let data = try JSONParser.parse(login.output)["data"]
                guard let ticket = data?["ticket"]?.stringValue, let csrf = data?["CSRFPreventionToken"]?.stringValue else {
                    throw PairError(message: "login failed: \(login.output)")
                }
                self.ticket = ticket
                self.csrf = csrf
            } catch {
                cluster.stop()
                throw error
            }
        }

        func stop() {
            cluster.stop()
        }

        /// curl against `daemon` with alice's ticket; `-i` output (status line, headers, body).
        func call(_ daemon: DaemonProcess, _ method: String, _ path: String, _ extra: [String] = []) throws -> (head: String, body: String) {
            let result = try Shell.curl(
                ["-k", "-i", "-X", method, "-b", "PVEAuthCookie=\(ticket)", "-H", "CSRFPreventionToken: \(csrf)"]
                    + extra + ["https://127.0.0.1:\(daemon.port)/api2/json\(path)"])
            let parts = result.output.components(separatedBy: "\r\n\r\n")
            return (parts.first ?? "", parts.dropFirst().joined(separator: "\r\n\r\n"))
        }

        func data(_ daemon: DaemonProcess, _ method: String, _ path: String, _ extra: [String] = []) throws -> JSONValue? {
            try JSONParser.parse(call(daemon, method, path, extra).body)["data"]
        }
    }

    struct PairError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    func withPair(_ body: (Pair) async throws -> Void) async throws {
        let pair = try await Pair()
        defer { pair.stop() }
        try await body(pair)
    }

    @Test func callsForTheOtherNodeAreAnsweredByIt() async throws {
        try await withPair { pair in
            let direct = try #require(try pair.data(pair.b, "GET", "/nodes/nodeb/status"))
            let forwarded = try #require(try pair.data(pair.a, "GET", "/nodes/nodeb/status"))
            #expect(Set(forwarded.objectValue?.keys ?? [:].keys) == Set(direct.objectValue?.keys ?? [:].keys))
            for key in ["kversion", "pveversion", "cpuinfo", "boot-info"] { #expect(forwarded[key] == direct[key], "\(key)") }

            // A VM created on B through A lives on B only, and its task log is read through A.
            let upid = try #require(try pair.data(pair.a, "POST", "/nodes/nodeb/qemu", ["-d", "vmid=150", "-d", "memory=256"])?.stringValue)
            #expect(upid.hasPrefix("UPID:nodeb:"))
            var status: JSONValue?
            for _ in 0..<100 {
                status = try pair.data(pair.a, "GET", "/nodes/nodeb/tasks/\(upid)/status")
                if status?["status"] == "stopped" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status?["exitstatus"] == "OK", "\(String(describing: status))")
            let log = try #require(try pair.data(pair.a, "GET", "/nodes/nodeb/tasks/\(upid)/log")?.arrayValue)
            #expect(log.last?["t"] == "TASK OK", "\(log)")
            #expect(try pair.data(pair.a, "GET", "/nodes/nodeb/qemu/150/config")?["memory"] == "256")
            #expect(try pair.data(pair.b, "GET", "/nodes/nodeb/qemu/150/config")?["memory"] == "256")
            #expect(try pair.data(pair.a, "GET", "/nodes/nodea/qemu")?.arrayValue?.isEmpty == true)

            // Errors come back with B's status line and body unchanged.
            let missingDirect = try pair.call(pair.b, "GET", "/nodes/nodeb/qemu/999/config")
            let missingForwarded = try pair.call(pair.a, "GET", "/nodes/nodeb/qemu/999/config")
            #expect(missingForwarded.head.components(separatedBy: "\r\n").first == missingDirect.head.components(separatedBy: "\r\n").first)
            #expect(missingForwarded.head.hasPrefix("HTTP/1.1 500 Configuration file 'nodes/nodeb/qemu-server/999.conf' does not exist"),
                "\(missingForwarded.head)")
            #expect(missingForwarded.body == missingDirect.body)
        }
    }

    @Test func permissionIsCheckedHereAndUnknownWrongOrLoopingTargetsAreRefused() async throws {
        try await withPair { pair in
            // No ticket: A refuses before anything reaches B.
            let anonymous = try Shell.curl(["-k", "-i", "https://127.0.0.1:\(pair.a.port)/api2/json/nodes/nodeb/status"])
            #expect(anonymous.output.hasPrefix("HTTP/1.1 401 No ticket"))

            let unknown = try pair.call(pair.a, "GET", "/nodes/nodec/status")
            #expect(unknown.head.hasPrefix("HTTP/1.1 500 no such cluster node 'nodec'"), "\(unknown.head)")

            let impostor = try pair.call(pair.a, "GET", "/nodes/impostor/status")
            #expect(impostor.head.hasPrefix("HTTP/1.1 595 node 'impostor' presented certificate fingerprint \(pair.bFingerprint)"),
                "\(impostor.head)")

            // A request that was already forwarded once is never forwarded again.
            let loop = try pair.call(pair.a, "GET", "/nodes/nodeb/status", ["-H", "PVEDisableProxy: true"])
            #expect(loop.head.hasPrefix("HTTP/1.1 500 proxy loop detected"), "\(loop.head)")
            let local = try pair.call(pair.a, "GET", "/nodes/nodea/version", ["-H", "PVEDisableProxy: true"])
            #expect(local.head.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func uploadsStreamToTheOtherNode() async throws {
        try await withPair { pair in
            let image = pair.directory.file("big.iso")
            let size = 96 << 20
            #expect(FileManager.default.createFile(atPath: image, contents: nil))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: image))
            let chunk = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            for _ in 0..<(size >> 20) { handle.write(chunk) }
            try handle.close()
            let before = try Self.peakResident(pair.a.process.processIdentifier)

            let reply = try pair.call(pair.a, "POST", "/nodes/nodeb/storage/local/upload", ["-F", "content=iso", "-F", "filename=@\(image);filename=big.iso"])
            let upid = try #require(try JSONParser.parse(reply.body)["data"]?.stringValue, "\(reply)")
            #expect(upid.hasPrefix("UPID:nodeb:"))
            let target = pair.b.root + "/var/lib/vz/template/iso/big.iso"
            for _ in 0..<200 where (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) != size {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try FileManager.default.attributesOfItem(atPath: target)[.size] as? Int == size)
            #expect(FileManager.default.contentsEqual(atPath: target, andPath: image))
            #expect(!FileManager.default.fileExists(atPath: pair.a.root + "/var/lib/vz/template/iso/big.iso"))
            // A passed the file on as it came: its peak memory grew by far less than the file.
            let after = try Self.peakResident(pair.a.process.processIdentifier)
            #expect(after - before < size / 3, "A's peak RSS grew by \((after - before) >> 20) MiB for a \(size >> 20) MiB upload")
        }
    }

    @Test func aConsoleWebsocketThroughAReachesTheConsoleOnB() async throws {
        try await withPair { pair in
            let authorization = "Authorization: PVEAPIToken=\(pair.rootToken)"
            let reply = try Shell.curl(["-k", "-X", "POST", "-H", authorization, "https://127.0.0.1:\(pair.a.port)/api2/json/nodes/nodeb/termproxy"])
            let proxy = try #require(try JSONParser.parse(reply.output)["data"], "\(reply.output)")
            let port = try #require(proxy["port"]?.displayText)
            let ticket = try #require(proxy["ticket"]?.stringValue)
            let user = try #require(proxy["user"]?.stringValue)
            #expect(proxy["upid"]?.stringValue?.hasPrefix("UPID:nodeb:") == true)
            // The websocket goes to A for node B; B's console answers the ticket line with OK,
            // then the node shell on B asks the token (which is not root itself) to log in.
            let script = """
                import ssl, sys, urllib.parse, websocket
                query = urllib.parse.urlencode({"port": sys.argv[2], "vncticket": sys.argv[3]})
                ws = websocket.create_connection(
                    f"wss://127.0.0.1:{sys.argv[1]}/api2/json/nodes/nodeb/vncwebsocket?{query}",
                    header=[sys.argv[4]], subprotocols=["binary"], sslopt={"cert_reqs": ssl.CERT_NONE}, timeout=15)
                ws.send_binary(f"{sys.argv[5]}:{sys.argv[3]}\\n".encode())
                print(ws.recv())
                seen = b""
                while b"login:" not in seen:
                    seen += ws.recv()
                print("SHELL-ANSWERED")
                ws.close()
                """
            let result = try Shell.run("/usr/bin/env", ["python3", "-c", script, "\(pair.a.port)", port, ticket, authorization, user])
            #expect(result.output.hasPrefix("b'OK'\nSHELL-ANSWERED"), "\(result.output) \(result.error) A: \(pair.a.log.suffix(1500)) B: \(pair.b.log.suffix(1500))")

            // A console is claimed once: the same ticket does not open it again.
            let again = try Shell.run("/usr/bin/env", ["python3", "-c", script, "\(pair.a.port)", port, ticket, authorization, user])
            #expect(again.status != 0)
        }
    }

    /// `VmHWM` of a process in bytes.
    static func peakResident(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}
