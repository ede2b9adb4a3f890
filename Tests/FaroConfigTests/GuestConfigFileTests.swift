import FaroConfig
import Testing

@Suite struct GuestConfigFileTests {
    let sample = """
        #Web server%0Awith a % sign
        #second line ünïcode
        boot: order=scsi0;ide2;net0
        cores: 2
        memory: 2048
        net0: virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=1
        parent: snap1
        scsi0: local:100/vm-100-disk-0.qcow2,size=32G

        [PENDING]
        delete: net1,!serial0
        memory: 4096

        [snap1]
        cores: 1
        snaptime: 1737500000

        """

    @Test func parsesSections() throws {
        let file = try GuestConfigFile.parse(sample)
        #expect(file.main.options["cores"] == "2")
        #expect(file.main.options["net0"] == "virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=1")
        #expect(file.main.description == "Web server\nwith a % sign\nsecond line ünïcode")
        #expect(file[section: "pending"]?.options["delete"] == "net1,!serial0")
        #expect(file.sections.map(\.name) == ["PENDING", "snap1"])
    }

    @Test func roundTrips() throws {
        let file = try GuestConfigFile.parse(sample)
        let again = try GuestConfigFile.parse(file.render())
        #expect(again == file)
        #expect(try file.render().hasPrefix("#Web server\n#with a %25 sign\n#second line %C3%BCn%C3%AFcode\nboot:"))
    }

    @Test func acceptsDescriptionKey() throws {
        let file = try GuestConfigFile.parse("description: hello\nname: a\n")
        #expect(file.main.description == "hello")
        #expect(file.main.options == ["name": "a"])
    }

    @Test func rejectsGarbage() {
        #expect(throws: GuestConfigError.syntax(line: 2, text: "this is not a key")) {
            try GuestConfigFile.parse("name: a\nthis is not a key\n")
        }
        #expect(throws: GuestConfigError.self) { try GuestConfigFile.parse("Name: a\n") }
    }
}
