import ArgumentParser
import FaroAPISpec
import FaroCLI
import FaroModel
import FaroServer
import FaroSupport
import Foundation
import Logging

// The multi-call entry point: `faro <tool> ...`, or a symlink named after the tool (`pvesh`).
// This is the only place that reads the environment (FARO_ROOT).


var arguments = Array(CommandLine.arguments.dropFirst())
let invokedAs = URL(fileURLWithPath: CommandLine.arguments.first ?? "faro").lastPathComponent
var root = ProcessInfo.processInfo.environment["FARO_ROOT"] ?? "/"
while let first = arguments.first, first == "--root" || first.hasPrefix("--root=") {
    if first == "--root" {
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data("--root requires a directory\n".utf8))
            exit(2)
        }
        root = arguments[1]
        arguments.removeFirst(2)
    } else {
        root = String(first.dropFirst("--root=".count))
        arguments.removeFirst()
    }
}

let tool: String
if invokedAs == "faro" || invokedAs.hasPrefix("faro") {
    tool = arguments.isEmpty ? "help" : arguments.removeFirst()
} else {
    tool = invokedAs
}

let environment = CLIEnvironment(
    root: root,
    standardOutput: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
    standardError: { text in FileHandle.standardError.write(Data(text.utf8)) },
    readPassword: { prompt in
        if isatty(0) != 0, let raw = getpass(prompt) { return String(cString: raw) }
        return readLine(strippingNewline: true)
    })

switch tool {
case "daemon":
    DaemonCommand.rootDefault = root
    do {
        let command = try DaemonCommand.parse(arguments)
        try await command.run()
    } catch {
        DaemonCommand.exit(withError: error)
    }
case "apidump":
    environment.standardOutput(JSONWriter.string(APISpec.faro.openAPIDocument(), pretty: true) + "\n")
case "pvesh":
    bootstrapLogging(.error)
    exit(await Pvesh.run(arguments, environment: environment))
case "pveum":
    bootstrapLogging(.error)
    exit(await Pveum.tool.run(arguments, environment: environment))
case "pvesm":
    bootstrapLogging(.error)
    exit(await Pvesm.tool.run(arguments, environment: environment))
case "pvecm":
    bootstrapLogging(.error)
    exit(await Pvecm.tool.run(arguments, environment: environment))
case "qm":
    bootstrapLogging(.error)
    exit(await Qm.run(arguments, environment: environment))
case "pct":
    bootstrapLogging(.error)
    exit(await Pct.run(arguments, environment: environment))
case "vzdump":
    bootstrapLogging(.error)
    exit(await VZDump.run(arguments, environment: environment))
case "qmrestore":
    bootstrapLogging(.error)
    exit(await QMRestore.tool.run(arguments, environment: environment))
case "fingerprint":
    if let fingerprint = try? FaroDaemon.certificateFingerprint(root: root) {
        environment.standardOutput(fingerprint + "\n")
    } else {
        environment.standardError("no node certificate under \(root)\n")
        exit(1)
    }
case "help", "--help", "-h":
    environment.standardOutput(
        """
        faro \(FaroVersion.faro): a virtualization platform compatible with Proxmox VE

        USAGE: faro [--root DIR] <TOOL> [ARGUMENTS]

          daemon        run the node daemon (HTTPS API and GUI on port 8006)
          pvesh         call the API from the shell (get|set|create|delete|ls|usage)
          pveum         users, groups, roles, ACLs, pools, realms and API tokens
          pvecm         cluster: create, join, nodes, status, expected votes
          pvesm         storage definitions, status, content, allocation and pruning
          qm            virtual machines: create, configure, start, stop, destroy
          pct           containers: create, configure, start, stop, exec, destroy
          vzdump        back guests up into Proxmox's archive formats
          qmrestore     restore a VM from a backup archive
          apidump       print the OpenAPI 3.1 document of the API
          fingerprint   print the SHA-256 fingerprint of the node certificate

        A symlink named after a tool (e.g. pvesh) runs that tool. FARO_ROOT or --root selects
        the node root (default /).

        """)
default:
    environment.standardError("faro: unknown tool '\(tool)' (try 'faro help')\n")
    exit(2)
}

/// Log to standard error from `level` up.
func bootstrapLogging(_ level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}

/// `faro daemon`: runs the node daemon until SIGTERM or SIGINT.
struct DaemonCommand: AsyncParsableCommand {
    nonisolated(unsafe) static var rootDefault = "/"

    static let configuration = CommandConfiguration(
        commandName: "faro daemon", abstract: "Run the Faro node daemon.")

    @Option(help: "Node root directory; every path of the node lives below it.")
    var root: String = DaemonCommand.rootDefault

    @Option(help: "Node name (default: the name stored under the root, else the short host name).")
    var node: String?

    @Option(help: "Address and port of the HTTPS listener; port 0 picks a free port.")
    var listen: String = "0.0.0.0:8006"

    @Option(name: .customLong("web-root"), help: "Directory with the web GUI's files.")
    var webRoot: String?

    @Option(name: .customLong("auth-delay-ms"), help: .hidden)
    var authDelayMilliseconds: Int = 3000

    /// Tests point the pam realm at a PAM service of their own.
    @Option(name: .customLong("pam-service"), help: .hidden)
    var pamService: String = "faro"

    func validate() throws {
        _ = try listenAddress()
    }

    func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--listen must be HOST:PORT, e.g. 0.0.0.0:8006") }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    func run() async throws {
        bootstrapLogging(.info)
        let address = try listenAddress()
        var configuration = DaemonConfiguration(
            root: root, nodeName: node, listenHost: address.host, listenPort: address.port, webRoot: webRoot)
        configuration.authFailureDelay = .milliseconds(authDelayMilliseconds)
        configuration.pamService = pamService
        try await FaroDaemon.run(configuration, logger: Logger(label: "faro")) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
