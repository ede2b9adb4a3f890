/// `pct restore <vmid> <archive> [--storage ID] [--unique] [--start]`.
extension Pct {
    static let restoreCommand = CLICommand(
        "restore", .post, "/nodes/{node}/lxc", positional: ["vmid", "ostemplate"], fixed: ["node": "localhost", "restore": true],
        output: .task)
}
