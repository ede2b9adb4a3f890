import FaroAPISpec
import FaroClient
import FaroModel
import FaroSchema
import NIOHTTP1

/// One subcommand of an admin CLI (`pveum user add`, `qm start`, ...), mapped onto an API
/// method the way Proxmox's CLI handlers are: positional arguments and fixed parameters fill
/// the method's parameters; every other parameter is an option.
public struct CLICommand: Sendable {
    /// Turns a result into the command's text; gets the options as given (CLI-only ones
    /// included) and the table options (`--noborder`, `--noheader`).
    public typealias Printer = @Sendable (_ result: JSONValue, _ options: [String: JSONValue], _ tables: OutputFormatter) -> String

    public enum Output: Sendable {
        /// Print the result with the output format (tables by default).
        case result
        /// Print nothing on success.
        case quiet
        /// Print one field of an object result.
        case field(String)
        /// The result is a task's UPID: wait for the task, print its log, and exit with its
        /// status, the way Proxmox's CLIs run workers in the foreground.
        case task
        /// Print a string result as it is.
        case text
        /// Print the result in the command's own text form (Proxmox's fixed columns, `key: value`
        /// lines); `--output-format json|json-pretty|yaml` prints the data itself.
        case formatted(Printer)
        /// A dry run's result printed by the printer, or else a task to wait for (`pvesm prune-backups`).
        case preview(Printer)
    }

    public let words: [String]
    public let verb: HTTPVerb
    public let path: String
    public let positional: [String]
    public let fixed: [String: JSONValue]
    public let output: Output
    /// Positional arguments that may be left out.
    public let optionalPositional: Set<String>
    /// Parameters that are read from a prompt when not given (passwords).
    public let prompted: [String]
    /// A password the command asks for on the terminal when the parameters need it: the
    /// parameter and the prompt, or nil when none is needed (`pvecm add --token`).
    public let passwordPrompt: (@Sendable (_ parameters: [String: JSONValue]) -> (name: String, prompt: String)?)?
    /// CLI-only options (not API parameters), which `prepare` folds into the call.
    public let extraOptions: [String: Schema]
    /// Adjusts the parameters before the call; may pick another HTTP verb on the same path.
    public let prepare: (@Sendable (inout [String: JSONValue]) -> HTTPVerb?)?

    public init(
        _ words: String, _ verb: HTTPVerb, _ path: String, positional: [String] = [], fixed: [String: JSONValue] = [:],
        output: Output = .result, optionalPositional: Set<String> = [], prompted: [String] = [],
        passwordPrompt: (@Sendable ([String: JSONValue]) -> (name: String, prompt: String)?)? = nil,
        extraOptions: [String: Schema] = [:], prepare: (@Sendable (inout [String: JSONValue]) -> HTTPVerb?)? = nil
    ) {
        self.passwordPrompt = passwordPrompt
        self.words = words.split(separator: " ").map(String.init)
        self.verb = verb
        self.path = path
        self.positional = positional
        self.fixed = fixed
        self.output = output
        self.optionalPositional = optionalPositional
        self.prompted = prompted
        self.extraOptions = extraOptions
        self.prepare = prepare
    }
}

/// Runs a CLI built from a command table against the local daemon (or `--host`).
public struct CommandTableTool: Sendable {
    public let name: String
    public let commands: [CLICommand]
    public let spec: APISpec

    public init(name: String, commands: [CLICommand], spec: APISpec = .faro) {
        self.name = name
        self.commands = commands
        self.spec = spec
    }

    public func run(_ arguments: [String], environment: CLIEnvironment) async -> Int32 {
        var synopsis: String?
        do {
            var connection = ConnectionOptions()
            var rest = try connection.consume(arguments)
            if rest.isEmpty || rest == ["help"] || rest == ["--help"] {
                environment.standardOutput(help())
                return 0
            }
            guard let command = commands.filter({ rest.starts(with: $0.words) }).max(by: { $0.words.count < $1.words.count }) else {
                let words = "\(name) \(rest.joined(separator: " "))"
                throw UsageError("unknown command '\(words)'\n\n" + help(), proxmox: "ERROR: unknown command '\(words)'\n" + help())
            }
            rest.removeFirst(command.words.count)
            guard let method = spec.method(command.verb, command.path) else {
                throw UsageError("internal error: \(command.verb.rawValue) \(command.path) is not declared")
            }
            synopsis = self.synopsis(command, method)
            if rest.contains("--help") {
                environment.standardOutput(usage(command, method))
                return 0
            }
            var output = OutputOptions()
            rest = try output.consume(rest)
            var parameters = try self.parameters(command, method, rest, environment)
            let given = parameters
            var verb = command.verb
            if let prepare = command.prepare, let other = prepare(&parameters) { verb = other }
            guard let target = spec.method(verb, command.path) else {
                throw UsageError("internal error: \(verb.rawValue) \(command.path) is not declared")
            }
            let call = parameters
            return try await Pvesh.withClient(connection, environment) { client in
                try await self.call(command, target, call, given: given, output: output, client: client, environment: environment)
            }
        } catch let error as UsageError {
            // Proxmox follows an argument error with the command's one-line usage, and its CLIs
            // exit with 255 on every error, usage errors included.
            let text = error.proxmoxText.map { $0 + (synopsis.map { $0 + "\n" } ?? "") }
            environment.standardError(text ?? error.message + "\n")
            return 255
        } catch {
            environment.standardError("\(error)\n")
            return 255
        }
    }

    /// The call's parameters from the positional arguments, the fixed ones, the options and
    /// the prompts.
    func parameters(
        _ command: CLICommand, _ method: APIMethod, _ arguments: [String], _ environment: CLIEnvironment
    ) throws(UsageError) -> [String: JSONValue] {
        var rest = arguments
        var parameters = command.fixed
        for name in command.positional {
            if let value = rest.first, !value.hasPrefix("-") || Int(value) != nil {
                parameters[name] = .string(value)
                rest.removeFirst()
            } else if !command.optionalPositional.contains(name) {
                throw UsageError("missing argument <\(name)>\n\n" + usage(command, method), proxmox: "400 not enough arguments\n")
            }
        }
        let skip = Set(command.positional).union(command.fixed.keys)
        let schema = method.parameters.adding(command.extraOptions)
        parameters.merge(try SchemaArguments.parse(rest, schema: schema, skipping: skip)) { _, new in new }
        for name in command.prompted where parameters[name] == nil {
            guard let value = environment.readPassword("Enter new password: ") else { throw UsageError("no \(name) given") }
            parameters[name] = .string(value)
        }
        if let (name, prompt) = command.passwordPrompt?(parameters), parameters[name] == nil {
            guard let value = environment.readPassword(prompt) else { throw UsageError("no \(name) given") }
            parameters[name] = .string(value)
        }
        return parameters
    }

    func call(
        _ command: CLICommand, _ method: APIMethod, _ parameters: [String: JSONValue], given: [String: JSONValue],
        output: OutputOptions, client: FaroClient, environment: CLIEnvironment
    ) async throws -> Int32 {
        var path = ""
        var query = parameters
        for segment in command.path.split(separator: "/") {
            if segment.hasPrefix("{") {
                let name = String(segment.dropFirst().dropLast())
                guard let value = query.removeValue(forKey: name) else { throw UsageError("missing argument <\(name)>") }
                path += "/" + value.displayText
            } else {
                path += "/" + segment
            }
        }
        let reply = try await client.call(HTTPMethod(rawValue: method.verb.rawValue), path, query)
        guard reply.isSuccess else {
            let usage = reply.errors.isEmpty ? "" : synopsis(command, spec.method(command.verb, command.path) ?? method) + "\n"
            environment.standardError(Self.failureText(reply) + usage)
            return 255
        }
        switch command.output {
        case .quiet: break
        case .field(let key):
            if let value = reply.data[key] { environment.standardOutput(value.displayText + "\n") }
        case .text:
            environment.standardOutput(reply.data.displayText + "\n")
        case .task:
            return try await TaskFollower.follow(reply.data.displayText, client: client, environment: environment)
        case .preview(let printer):
            if case .string(let upid) = reply.data {
                return try await TaskFollower.follow(upid, client: client, environment: environment)
            }
            printResult(reply.data, printer, given: given, output: output, returns: method.returns, environment)
        case .formatted(let printer):
            printResult(reply.data, printer, given: given, output: output, returns: method.returns, environment)
        case .result:
            if !output.quiet { environment.standardOutput(output.formatter.render(reply.data, returns: method.returns)) }
        }
        return 0
    }

    private func printResult(
        _ data: JSONValue, _ printer: CLICommand.Printer, given: [String: JSONValue], output: OutputOptions, returns: Schema,
        _ environment: CLIEnvironment
    ) {
        guard !output.quiet else { return }
        guard output.formatter.format == .text else { return environment.standardOutput(output.formatter.render(data, returns: returns)) }
        environment.standardOutput(printer(data, given, output.formatter))
    }

    /// An API error as Proxmox's CLIs print it: the message alone, or for a parameter error
    /// the status, the message and a line per parameter (`PVE::Exception`'s text).
    static func failureText(_ reply: APIReply) -> String {
        let message = (reply.message ?? reply.reason).trimmingTrailingNewlines()
        let errors = reply.errors
        guard !errors.isEmpty else { return message + "\n" }
        return "\(reply.status) \(message)\n" + errors.keys.sorted().map { "\($0): \(errors[$0]!)\n" }.joined()
    }

    /// The one-line usage Proxmox's CLIs print after an argument error, e.g.
    /// `pveum acl modify <path> --roles <string> [OPTIONS]`.
    func synopsis(_ command: CLICommand, _ method: APIMethod) -> String {
        let fixed = Set(command.positional).union(command.fixed.keys)
        let options = (method.parameters.adding(command.extraOptions).properties ?? [:]).filter { !fixed.contains($0.key) }
        let required = options.filter { !$0.value.isOptional }.keys.sorted().map { "--\($0) \(options[$0]!.typeText)" }
        let positional = command.positional.map { command.optionalPositional.contains($0) ? "[<\($0)>]" : "<\($0)>" }
        let optional = options.values.contains { $0.isOptional } ? ["[OPTIONS]"] : []
        return ([name] + command.words + positional + required + optional).joined(separator: " ")
    }

    func help() -> String {
        "USAGE: \(name) <COMMAND> [ARGS] [OPTIONS]\n\n"
            + commands.map { command in
                "  \(name) \(command.words.joined(separator: " "))"
                    + command.positional.map { command.optionalPositional.contains($0) ? " [<\($0)>]" : " <\($0)>" }.joined()
                    + "\n"
            }.joined()
            + "\n\(name) <COMMAND> --help shows a command's options.\n"
    }

    func usage(_ command: CLICommand, _ method: APIMethod) -> String {
        let head = "\(name) \(command.words.joined(separator: " "))"
            + command.positional.map { " <\($0)>" }.joined()
        let fixed = Set(command.positional).union(command.fixed.keys)
        var reduced = method
        reduced.parameters.properties = (method.parameters.properties ?? [:]).filter { !fixed.contains($0.key) }
        return Usage.text(for: reduced, command: head, verbose: true)
    }
}
