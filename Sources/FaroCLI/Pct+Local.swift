import FaroModel
import FaroSupport
import Foundation

/// The `pct` commands that work on this node's containers directly through lxc tools:
/// `exec`, `enter` and `console` hand the terminal to lxc, `push`/`pull` copy files.
extension Pct {
    static let localUsage = """
          pct exec <vmid> [--] <command> [ARGS...]
          pct enter <vmid>
          pct console <vmid>
          pct push <vmid> <file> <destination> [--perms <mode>] [--user <uid>] [--group <gid>]
          pct pull <vmid> <path> <destination> [--perms <mode>] [--user <uid>] [--group <gid>]

        """

    static func runLocal(_ command: String, _ arguments: [String], environment: CLIEnvironment) async -> Int32? {
        let paths = NodePaths(root: environment.root)
        switch command {
        case "exec":
            var rest = arguments
            guard let vmid = rest.first.flatMap(VMID.init) else { return usage(environment, "pct exec <vmid> [--] <command> [ARGS...]") }
            rest.removeFirst()
            if rest.first == "--" { rest.removeFirst() }
            guard !rest.isEmpty else { return usage(environment, "missing command") }
            return replaceProcess(execArgv(vmid: vmid, command: rest, paths: paths), environment)
        case "enter":
            guard arguments.count == 1, let vmid = VMID(arguments[0]) else { return usage(environment, "pct enter <vmid>") }
            return replaceProcess(["lxc-attach", "-P", paths.lxcPath, "-n", "\(vmid)", "--clear-env", "--", "/bin/sh", "-l"], environment)
        case "console":
            guard arguments.count == 1, let vmid = VMID(arguments[0]) else { return usage(environment, "pct console <vmid>") }
            return replaceProcess(["lxc-console", "-P", paths.lxcPath, "-n", "\(vmid)", "-t", "0"], environment)
        case "push", "pull":
            guard let transfer = FileTransfer(arguments) else {
                return usage(environment, "pct \(command) <vmid> <source> <destination> [--perms <mode>] [--user <uid>] [--group <gid>]")
            }
            do {
                try await command == "push" ? transfer.push(paths: paths) : transfer.pull(paths: paths)
                return 0
            } catch {
                environment.standardError("\(error)\n")
                return 255
            }
        default:
            return nil
        }
    }

    static func usage(_ environment: CLIEnvironment, _ text: String) -> Int32 {
        environment.standardError("USAGE: \(text)\n")
        return 255
    }

    /// Replaces this process with an lxc tool, so it gets the terminal.
    static func replaceProcess(_ argv: [String], _ environment: CLIEnvironment) -> Int32 {
        let cArguments = argv.map { strdup($0) } + [nil]
        execvp(argv[0], cArguments)
        environment.standardError("unable to run \(argv[0]): \(String(cString: strerror(errno)))\n")
        return 255
    }
}

/// `pct push|pull <vmid> <source> <destination>` with the owner and mode of the written file.
struct FileTransfer {
    var vmid: VMID
    var source: String
    var destination: String
    var perms: String?
    var user: String?
    var group: String?

    init?(_ arguments: [String]) {
        var positional: [String] = []
        var options: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if word.hasPrefix("--") {
                guard index + 1 < arguments.count, ["--perms", "--user", "--group"].contains(word) else { return nil }
                options[String(word.dropFirst(2))] = arguments[index + 1]
                index += 2
            } else {
                positional.append(word)
                index += 1
            }
        }
        guard positional.count == 3, let vmid = VMID(positional[0]) else { return nil }
        if let perms = options["perms"], !perms.allSatisfy({ "01234567".contains($0) }) { return nil }
        (self.vmid, source, destination) = (vmid, positional[1], positional[2])
        (perms, user, group) = (options["perms"], options["user"], options["group"])
    }

    func attach(_ paths: NodePaths, _ command: [String]) -> [String] {
        ["lxc-attach", "-P", paths.lxcPath, "-n", "\(vmid)", "--clear-env", "--"] + command
    }

    /// Writes the local file inside the container as the container's root, then sets owner and mode there.
    func push(paths: NodePaths) async throws {
        let runner = SubprocessRunner()
        let bytes = try FileIO.read(source)
        // The path is an argument of the inner shell, never part of its script.
        _ = try await runner.checked(attach(paths, ["/bin/sh", "-c", "cat > \"$1\"", "pct-push", destination]), input: bytes)
        if user != nil || group != nil {
            _ = try await runner.checked(attach(paths, ["chown", "\(user ?? "0"):\(group ?? "0")", destination]))
        }
        if let perms { _ = try await runner.checked(attach(paths, ["chmod", perms, destination])) }
    }

    /// Reads the file inside the container and writes it here with the given owner and mode.
    func pull(paths: NodePaths) async throws {
        let result = try await SubprocessRunner().run(attach(paths, ["cat", source])).checked()
        let mode = perms.flatMap { mode_t($0, radix: 8) } ?? 0o644
        try FileIO.writeAtomically(destination, result.standardOutput, mode: mode)
        if user != nil || group != nil {
            guard let uid = UInt32(user ?? "0"), let gid = UInt32(group ?? "0") else {
                throw LocalFileError.owner(user ?? "", group ?? "")
            }
            chown(destination, uid, gid)
        }
    }
}

enum LocalFileError: Error, CustomStringConvertible {
    case owner(String, String)
    var description: String {
        switch self {
        case .owner(let user, let group): return "--user and --group take numeric ids (got '\(user)' and '\(group)')"
        }
    }
}
