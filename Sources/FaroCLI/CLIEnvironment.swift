/// What a CLI tool needs from its surroundings: the node root (which locates the local
/// socket) and where its output goes. `main` fills it in; tests capture the output.
public struct CLIEnvironment: Sendable {
    public var root: String
    public var standardOutput: @Sendable (String) -> Void
    public var standardError: @Sendable (String) -> Void
    /// Asks for a password without echo; nil when none can be read.
    public var readPassword: @Sendable (String) -> String?
    /// Reads one line of input without its newline; nil at the end (`qm monitor`).
    public var readLine: @Sendable () -> String? = { Swift.readLine(strippingNewline: true) }

    public init(
        root: String, standardOutput: @escaping @Sendable (String) -> Void,
        standardError: @escaping @Sendable (String) -> Void, readPassword: @escaping @Sendable (String) -> String?
    ) {
        self.root = root
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.readPassword = readPassword
    }

    public var socketPath: String { (root == "/" ? "" : root) + "/run/faro/api.sock" }
}
