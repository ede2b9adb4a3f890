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
}
