import FaroAPISpec
import FaroModel
import FaroSupport
import Testing

@testable import FaroCLI

@Suite struct PctTests {
    @Test func everyCommandNamesADeclaredMethod() {
        for command in Pct.tool.commands {
            #expect(APISpec.faro.method(command.verb, command.path) != nil, "pct \(command.words.joined(separator: " "))")
        }
        #expect(Pct.tool.commands.map { $0.words.joined(separator: " ") }.contains("destroy"))
    }

    @Test func execAttachesUnderTheNodesLXCPath() {
        let argv = Pct.execArgv(vmid: VMID(105)!, command: ["/bin/ls", "-l"], paths: NodePaths(root: "/srv/node1"))
        #expect(argv == ["lxc-attach", "-P", "/srv/node1/var/lib/faro/lxc", "-n", "105", "--clear-env", "--", "/bin/ls", "-l"])
    }
}
