import FaroAPISpec
import Foundation
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

/// What a CLI printed, for tests that run a tool without a daemon.
final class CapturedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out = "", err = ""
    var standardOutput: String { lock.withLock { out } }
    var standardError: String { lock.withLock { err } }

    var environment: CLIEnvironment {
        CLIEnvironment(
            root: "/nonexistent", standardOutput: { text in self.lock.withLock { self.out += text } },
            standardError: { text in self.lock.withLock { self.err += text } }, readPassword: { _ in nil })
    }
}

@Suite struct ArgumentErrorTests {
    func run(_ arguments: String...) async -> (Int32, String) {
        let captured = CapturedOutput()
        let status = await Qm.run(arguments, environment: captured.environment)
        return (status, captured.standardError)
    }

    @Test func mistakesAreWordedAsProxmoxsCLIsWordThem() async {
        #expect(await run("start") == (255, "400 not enough arguments\nqm start <vmid> [OPTIONS]\n"))
        #expect(await run("start", "100", "extra") == (255, "400 too many arguments\nqm start <vmid> [OPTIONS]\n"))
        #expect(await run("start", "100", "--bogus", "1")
            == (255, "Unknown option: bogus\n400 unable to parse option\nqm start <vmid> [OPTIONS]\n"))
        #expect(await run("status", "100", "--verbose=maybe") == (255,
            "400 Parameter verification failed.\nverbose: type check ('boolean') failed - got 'maybe'\nqm status <vmid> [OPTIONS]\n"))
        let unknown = await run("frobnicate", "1")
        #expect(unknown.0 == 255)
        #expect(unknown.1.hasPrefix("ERROR: unknown command 'qm frobnicate 1'\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n"))
    }

    @Test func synopsisNamesRequiredOptionsAndOptionalArguments() throws {
        let move = try #require(Qm.tool.commands.first { $0.words == ["disk", "move"] })
        #expect(Qm.tool.synopsis(move, try #require(APISpec.faro.method(move.verb, move.path)))
            == "qm disk move <vmid> <disk> [<storage>] [OPTIONS]")
    }
}
