import FaroAPISpec
import Testing

@testable import FaroCLI

@Suite struct QmTests {
    @Test func everyCommandNamesADeclaredMethod() {
        for command in Qm.tool.commands {
            #expect(APISpec.faro.method(command.verb, command.path) != nil, "qm \(command.words.joined(separator: " "))")
        }
        #expect(Qm.tool.commands.contains { $0.words == ["guest", "cmd"] })
    }

    @Test func terminalEscapeKeysAreControlCharacters() {
        #expect(Qm.escapeKey("^O") == 0x0f)
        #expect(Qm.escapeKey("^a") == 0x01)
        #expect(Qm.escapeKey("0") == 0, "0 turns the escape key off")
        #expect(Qm.escapeKey("O") == nil)
        #expect(Qm.escapeKey("^OO") == nil)
    }

    @Test func diskCommandsTakeProxmoxsArgumentShapes() {
        let help = Qm.tool.help()
        for line in [
            "qm clone <vmid> <newid>\n", "qm template <vmid>\n", "qm move-disk <vmid> <disk> [<storage>]\n",
            "qm move_disk <vmid> <disk> [<storage>]\n", "qm disk move <vmid> <disk> [<storage>]\n", "qm unlink <vmid>\n",
            "qm disk unlink <vmid>\n",
        ] {
            #expect(help.contains("  " + line), "\(line)")
        }
        let clone = Qm.tool.commands.first { $0.words == ["clone"] }!
        let usage = Qm.tool.usage(clone, APISpec.faro.method(clone.verb, clone.path)!)
        for option in ["--full", "--storage", "--format", "--name", "--snapname", "--pool", "--target", "--bwlimit"] {
            #expect(usage.contains(option), "\(option) in \(usage)")
        }
        #expect(!usage.contains("--newid"))
    }
}
