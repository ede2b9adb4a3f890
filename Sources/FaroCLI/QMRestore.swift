import FaroModel

/// `qmrestore <archive> <vmid> [--storage ID] [--force] [--unique] [--start] [--pool P]`: a VM from a
/// backup through `POST /nodes/{node}/qemu` with `archive`, followed in the foreground.
public enum QMRestore {
    public static let tool = CommandTableTool(name: "qmrestore", commands: [
        CLICommand("", .post, "/nodes/{node}/qemu", positional: ["archive", "vmid"], fixed: ["node": "localhost"], output: .task),
    ])
}
