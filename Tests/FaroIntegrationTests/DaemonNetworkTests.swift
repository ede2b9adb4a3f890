import FaroModel
import FaroTesting
import Foundation
import Testing

/// The HTTPS listener and the daemon's life cycle.
@Suite(.serialized) struct DaemonNetworkTests {
    @Test func httpsRequiresAnIdentityAndSpeaksTLS12And13() async throws {
        try await withDaemon { daemon in
            let url = "https://127.0.0.1:\(daemon.port)"
            let anonymous = try Shell.curl(["-k", "-i", url + "/api2/json/version"])
            #expect(anonymous.output.hasPrefix("HTTP/1.1 401 No ticket\r\n"), "\(anonymous.output)")
            #expect(anonymous.output.hasSuffix("\r\n\r\n"), "401 must have an empty body")

            let openapi = try Shell.curl(["-k", url + "/api2/openapi.json"])
            #expect(try JSONParser.parse(openapi.output)["openapi"] == "3.1.0")

            let tls12 = try Shell.curl(["-k", "--tlsv1.2", "--tls-max", "1.2", "-o", "/dev/null", "-w", "%{http_code}", url + "/"])
            #expect(tls12.output == "200")
            let tls13 = try Shell.curl(["-k", "--tlsv1.3", "-o", "/dev/null", "-w", "%{http_code}", url + "/"])
            #expect(tls13.output == "200")
            let tls11 = try Shell.curl(["-k", "--tlsv1.1", "--tls-max", "1.1", "-o", "/dev/null", url + "/"])
            #expect(tls11.status != 0, "TLS 1.1 must be refused")

            let fingerprint = try Shell.faro(daemon.root, ["fingerprint"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            let served = try Shell.run("/bin/bash", ["-c",
                "openssl s_client -connect 127.0.0.1:\(daemon.port) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256"])
            #expect(served.output.contains(fingerprint), "\(served.output) vs \(fingerprint)")
        }
    }

    @Test func malformedAndStalledClientsDoNotHurtOthers() async throws {
        try await withDaemon { daemon in
            // A client that starts a TLS connection and never finishes the handshake,
            // one that sends garbage, and one that sends junk over the local socket.
            let stalled = try Shell.run("/bin/bash", ["-c",
                "exec 3<>/dev/tcp/127.0.0.1/\(daemon.port); printf '\\x16\\x03\\x01' >&3; sleep 15 >/dev/null 2>&1 & echo started"])
            #expect(stalled.output.contains("started"))
            _ = try Shell.run("/bin/bash", ["-c", "head -c 65536 /dev/urandom > /dev/tcp/127.0.0.1/\(daemon.port)"])
            let junk = try Shell.curl(["--unix-socket", daemon.socketPath, "-X", "BREW", "http://localhost/api2/json/version"])
            #expect(junk.status == 0)
            let garbage = try Shell.run("/usr/bin/python3", ["-c", """
                import socket
                s = socket.socket(socket.AF_UNIX); s.connect('\(daemon.socketPath)')
                s.sendall(b'NOT HTTP AT ALL\\r\\n\\r\\n'); print(s.recv(100)[:12])
                """])
            #expect(garbage.status == 0)

            let local = try Shell.curl(["--unix-socket", daemon.socketPath, "http://localhost/api2/json/version"])
            #expect(try JSONParser.parse(local.output)["data"]?["release"] == "8.4")
            let remote = try Shell.curl(["-k", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(daemon.port)/api2/json/nodes"])
            #expect(remote.output == "401")
        }
    }

    @Test func localSocketIsRootOnly() async throws {
        try await withDaemon { daemon in
            let socket = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
            #expect((socket[.posixPermissions] as? Int) == 0o600)
            let runDir = try FileManager.default.attributesOfItem(atPath: daemon.root + "/run/faro")
            #expect((runDir[.posixPermissions] as? Int) == 0o700)
            let nobody = try Shell.run("/usr/sbin/runuser", ["-u", "nobody", "--", "/usr/bin/curl", "-sS",
                "--unix-socket", daemon.socketPath, "http://localhost/api2/json/version"])
            #expect(nobody.status != 0, "an unprivileged user reached the socket: \(nobody.output)")
        }
    }

    @Test func sigtermStopsCleanlyAndStateSurvivesARestart() async throws {
        let directory = try TemporaryDirectory(prefix: "faro-it")
        defer { directory.remove() }
        let first = try DaemonProcess(root: directory.path, node: "keeper")
        try first.start()
        let fingerprint = try Shell.faro(directory.path, ["fingerprint"]).output
        #expect(first.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: first.socketPath))

        // Without --node the stored name is used; the certificate stays the same.
        let second = try DaemonProcess(root: directory.path, node: "keeper")
        try second.start()
        second.kill()
        #expect(try Shell.faro(directory.path, ["fingerprint"]).output == fingerprint)

        let renamed = try Shell.run(DaemonProcess.binaryPath(), ["daemon", "--root", directory.path, "--node", "other", "--listen", "127.0.0.1:0"])
        #expect(renamed.status != 0)
        #expect(renamed.error.contains("this root belongs to node 'keeper', not 'other'"))

        let third = try DaemonProcess(root: directory.path, node: "keeper")
        try third.start()
        defer { third.kill() }
        let nodes = try Shell.faro(directory.path, ["pvesh", "get", "/nodes", "--output-format", "json"])
        #expect(nodes.output.contains("\"node\":\"keeper\""))
    }
}
