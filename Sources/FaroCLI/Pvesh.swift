import FaroAPISpec
import FaroClient
import FaroModel
import FaroSchema
import NIOHTTP1

/// `pvesh`: the API from the shell, built from the method table. `get|set|create|delete`
/// call a method, `ls` lists a directory's children with their methods, `usage` shows the
/// options. It talks to the local daemon through its socket, or over HTTPS with `--host`.
public enum Pvesh {
    static let commands: [String: HTTPVerb] = ["get": .get, "set": .put, "create": .post, "delete": .delete]

    public static func run(_ arguments: [String], environment: CLIEnvironment, spec: APISpec = .faro) async -> Int32 {
        do {
            var connection = ConnectionOptions()
            var rest = try connection.consume(arguments)
            guard let command = rest.first else { throw UsageError(overview) }
            rest.removeFirst()
            if command == "help" || command == "--help" {
                environment.standardOutput(overview + "\n")
                return 0
            }
            guard let path = rest.first, path.hasPrefix("/") else {
                throw UsageError("pvesh \(command): missing API path (e.g. /nodes)")
            }
            rest.removeFirst()
            switch command {
            case "usage":
                return try usage(path: path, arguments: rest, environment: environment, spec: spec)
            case "ls":
                var output = OutputOptions()
                rest = try output.consume(rest)
                guard rest.isEmpty else { throw UsageError("unexpected argument '\(rest[0])'") }
                return try await withClient(connection, environment) { client in
                    try await list(path: path, client: client, environment: environment, spec: spec)
                }
            default:
                guard let verb = commands[command] else { throw UsageError("unknown command '\(command)'\n\n" + overview) }
                var output = OutputOptions()
                rest = try output.consume(rest)
                return try await withClient(connection, environment) { client in
                    try await call(verb, path: path, arguments: rest, output: output, client: client,
                        environment: environment, spec: spec)
                }
            }
        } catch let error as UsageError {
            environment.standardError(error.message + "\n")
            return 255
        } catch {
            environment.standardError("\(error)\n")
            return 255
        }
    }

    static let overview = """
        USAGE: pvesh <COMMAND> <API_PATH> [OPTIONS]

          pvesh get <path> [OPTIONS] [FORMAT_OPTIONS]     call GET on <path>
          pvesh set <path> [OPTIONS] [FORMAT_OPTIONS]     call PUT on <path>
          pvesh create <path> [OPTIONS] [FORMAT_OPTIONS]  call POST on <path>
          pvesh delete <path> [OPTIONS] [FORMAT_OPTIONS]  call DELETE on <path>
          pvesh ls <path> [FORMAT_OPTIONS]                list child objects on <path>
          pvesh usage <path> [--verbose] [--command get]  help for the methods of <path>

        FORMAT_OPTIONS: --output-format text|json|json-pretty|yaml, --noborder, --noheader, --quiet,
          --human-readable, --noproxy
        Remote use: pvesh --host HOST[:PORT] (--user USER | --token USER@REALM!ID=SECRET) <COMMAND> ...
        """

    static func resolve(_ path: String, spec: APISpec) throws -> PathTree.Node {
        guard let node = spec.tree.match(path)?.node else { throw UsageError("no such resource '\(path)'") }
        return node
    }

    static func call(
        _ verb: HTTPVerb, path: String, arguments: [String], output: OutputOptions, client: FaroClient,
        environment: CLIEnvironment, spec: APISpec
    ) async throws -> Int32 {
        let node = try resolve(path, spec: spec)
        guard let method = node.methods[verb] else {
            throw UsageError("no '\(verb.rawValue)' handler for '\(path)'")
        }
        let parameters = try SchemaArguments.parse(arguments, schema: method.parameters, skipping: Set(method.pathVariables))
        let reply = try await client.call(HTTPMethod(rawValue: verb.rawValue), path, parameters)
        guard reply.isSuccess else {
            environment.standardError(failureText(reply))
            return 255
        }
        if !output.quiet {
            environment.standardOutput(output.formatter.render(reply.data, returns: method.returns))
        }
        return 0
    }

    static func failureText(_ reply: APIReply) -> String {
        var text = (reply.message ?? reply.reason).trimmingTrailingNewlines() + " (\(reply.status))\n"
        let errors = reply.errors
        if !errors.isEmpty {
            text += "\n" + errors.keys.sorted().map { "\($0): \(errors[$0]!)" }.joined(separator: "\n") + "\n"
        }
        return text
    }

    static func list(path: String, client: FaroClient, environment: CLIEnvironment, spec: APISpec) async throws -> Int32 {
        let node = try resolve(path, spec: spec)
        guard let method = node.methods[.get], let link = method.returns.childLink else {
            throw UsageError("'\(path)' is not a directory")
        }
        let reply = try await client.call(.GET, path, [:])
        guard reply.isSuccess else {
            environment.standardError(failureText(reply))
            return 255
        }
        let key = String(link.dropFirst().dropLast())
        var lines: [String] = []
        for item in reply.data.arrayValue ?? [] {
            guard let name = item[key]?.displayText else { continue }
            let child = spec.tree.match(path + "/" + name)?.node
            let flags = (child?.hasChildren == true ? "D" : "-")
                + (child?.methods[.get] != nil ? "r" : "-") + (child?.methods[.put] != nil ? "w" : "-")
                + (child?.methods[.post] != nil ? "c" : "-") + (child?.methods[.delete] != nil ? "d" : "-")
            lines.append(flags + "        " + name)
        }
        environment.standardOutput(lines.sorted { $0.dropFirst(13) < $1.dropFirst(13) }.map { $0 + "\n" }.joined())
        return 0
    }

    static func usage(path: String, arguments: [String], environment: CLIEnvironment, spec: APISpec) throws -> Int32 {
        var verbose = false
        var only: String?
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "-v", "--verbose", "-verbose": verbose = true
            case "--command", "-command":
                index += 1
                guard index < arguments.count else { throw UsageError("option '--command' requires a value") }
                only = arguments[index]
            default: throw UsageError("unexpected argument '\(arguments[index])'")
            }
            index += 1
        }
        let node = try resolve(path, spec: spec)
        var texts: [String] = []
        for (verb, word) in Usage.verbs where only == nil || only == word {
            guard let method = node.methods[verb] else { continue }
            texts.append(Usage.text(for: method, command: "pvesh \(word) \(path)", verbose: verbose))
        }
        guard !texts.isEmpty else { throw UsageError("no methods for '\(path)'") }
        environment.standardOutput(texts.joined(separator: "\n"))
        return 0
    }

    static func withClient(
        _ options: ConnectionOptions, _ environment: CLIEnvironment, _ body: (FaroClient) async throws -> Int32
    ) async throws -> Int32 {
        let client = try await options.client(environment)
        do {
            let status = try await body(client)
            await client.shutdown()
            return status
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var copy = self
        while copy.last == "\n" { copy.removeLast() }
        return copy
    }
}
