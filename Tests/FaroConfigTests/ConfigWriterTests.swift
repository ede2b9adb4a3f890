import FaroConfig
import Testing

/// What the writers refuse: no value may add a line to a config file, and what was written
/// must read back as written.
@Suite struct ConfigWriterTests {
    @Test func aLineBreakInAnyValueIsRefusedNotWritten() {
        var file = GuestConfigFile()
        file.main.options["nameserver"] = "192.0.2.1\nlxc.mount.entry: /srv mnt/x none bind,create=dir 0 0"
        #expect(throws: GuestConfigError.invalidValue(ConfigLineError(key: "nameserver", character: "\n"))) { try file.render() }
        file.main.options["nameserver"] = "192.0.2.1"
        file.main.options["tags"] = "a\rmp1: /srv,mp=/mnt/y"
        #expect(throws: GuestConfigError.self) { try file.render() }
        file.main.options["tags"] = "a\u{0}"
        #expect(throws: GuestConfigError.self) { try file.render() }
        file.main.options["tags"] = "a"
        file.main.rawLXC = [.init(key: "lxc.apparmor.profile", value: "unconfined\nlxc.mount.entry: /")]
        #expect(throws: GuestConfigError.self) { try file.render() }
        file.main.rawLXC = []
        file.sections = [("snap\n[PENDING", GuestConfigFile.Section())]
        #expect(throws: GuestConfigError.invalidSection("snap\n[PENDING")) { try file.render() }
        file.sections = []
        file.main.options["Bad Key"] = "1"
        #expect(throws: GuestConfigError.invalidKey("Bad Key")) { try file.render() }
    }

    @Test func descriptionsKeepTheirLinesEncoded() throws {
        var file = GuestConfigFile()
        file.main.description = "line one\nlxc.mount.entry: /srv mnt none bind 0 0"
        file.main.options["name"] = "a"
        let text = try file.render()
        #expect(text == "#line one\n#lxc.mount.entry: /srv mnt none bind 0 0\nname: a\n")
        #expect(try GuestConfigFile.parse(text) == file)
    }

    @Test func everyKeyShapeProxmoxWritesReadsBack() throws {
        let config = DatacenterConfig(options: ["u2f": "", "max_workers": "4", "next-id": "lower=100", "webauthn": "rp=x"])
        let text = try config.render()
        #expect(try DatacenterConfig(parsing: text) == config)
        #expect(text.contains("u2f: \n"))
    }

    @Test func aDatacenterValueThatWouldNotReadBackIsRefused() {
        #expect(throws: GuestConfigError.self) { try DatacenterConfig(options: ["keyboard": " de"]).render() }
    }

    @Test func aBrokenLineLeavesTheRestReadable() {
        let (config, problems) = DatacenterConfig.reading("keyboard: de\nthis is broken\nmax_workers: 3\n")
        #expect(config.options == ["keyboard": "de", "max_workers": "3"])
        #expect(problems == [.syntax(line: 2, text: "this is broken")])
    }

    @Test func sectionConfigsRefuseLineBreaks() {
        let config = SectionConfig(sections: [.init(type: "dir", id: "local", options: [("path", "/srv\n\tcontent images")])])
        #expect(throws: ConfigLineError(key: "path", character: "\n")) { try config.text() }
        #expect(ConfigLineError(key: "path", character: "\u{1B}").description == "value of 'path' contains the control character U+001B")
    }
}
