import FaroClient

/// `--output-format`, `--noborder`, `--noheader`, `--quiet`, `--human-readable`, `--noproxy`.
struct OutputOptions {
    var formatter = OutputFormatter()
    var quiet = false

    /// Removes the output options from `arguments` and returns the rest.
    mutating func consume(_ arguments: [String]) throws(UsageError) -> [String] {
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.drop(while: { $0 == "-" }))
            switch name.split(separator: "=", maxSplits: 1).first.map(String.init) ?? name {
            case "output-format":
                let value: String
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                } else {
                    index += 1
                    guard index < arguments.count else { throw UsageError("option '--output-format' requires a value") }
                    value = arguments[index]
                }
                guard let format = OutputFormatter.Format(rawValue: value) else {
                    throw UsageError("invalid output format '\(value)' (text, json, json-pretty or yaml)")
                }
                formatter.format = format
            case "noborder": formatter.border = false
            case "noheader": formatter.header = false
            case "quiet": quiet = true
            case "human-readable", "noproxy": break
            default: rest.append(argument)
            }
            index += 1
        }
        return rest
    }
}

/// `--host`, `--user`, `--token`: where the CLI sends its calls. Without `--host` it uses the
/// local daemon's socket under the node root.
struct ConnectionOptions {
    var host: String?
    var user: String?
    var token: String?

    mutating func consume(_ arguments: [String]) throws(UsageError) -> [String] {
        var index = 0
        while index < arguments.count, ["--host", "--user", "--token"].contains(arguments[index]) {
            guard index + 1 < arguments.count else { throw UsageError("option '\(arguments[index])' requires a value") }
            switch arguments[index] {
            case "--host": host = arguments[index + 1]
            case "--user": user = arguments[index + 1]
            default: token = arguments[index + 1]
            }
            index += 2
        }
        return Array(arguments[index...])
    }

    func client(_ environment: CLIEnvironment) async throws -> FaroClient {
        guard let host else {
            if user != nil || token != nil { throw UsageError("--user and --token need --host") }
            return FaroClient(endpoint: .socket(path: environment.socketPath))
        }
        if let token { return FaroClient(endpoint: .https(host: host), credentials: .token(token)) }
        guard let user else { throw UsageError("--host needs --user or --token") }
        guard let password = environment.readPassword("Password for \(user): ") else {
            throw UsageError("no password given")
        }
        let anonymous = FaroClient(endpoint: .https(host: host))
        do {
            let client = try await anonymous.login(username: user, password: password)
            await anonymous.shutdown()
            return client
        } catch {
            await anonymous.shutdown()
            throw error
        }
    }
}
