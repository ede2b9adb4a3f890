import FaroConfig
import Foundation
import Testing

@Suite struct SectionConfigTests {
    static let sample = """
        # a comment
        dir: local
        \tpath /var/lib/vz
        \tcontent iso,vztmpl,backup

        lvmthin: local-lvm
        \tthinpool data
        \tvgname pve
        \tcontent rootdir,images

        """

    @Test func parsesAndWritesBackTheSameText() throws {
        let (config, warnings) = SectionConfig.parse(Self.sample)
        #expect(warnings.isEmpty)
        #expect(config.sections.map(\.id) == ["local", "local-lvm"])
        #expect(config[id: "local-lvm"]?["vgname"] == "pve")
        #expect(config[id: "local"]?.type == "dir")
        #expect(try config.text() == Self.sample.replacingOccurrences(of: "# a comment\n", with: ""))
    }

    @Test func keyWithoutValueMeansOneAndSpacesIndentToo() {
        let (config, _) = SectionConfig.parse("dir: backup\n    path /mnt/b\n    shared\n    disable\n")
        #expect(config[id: "backup"]?["shared"] == "1")
        #expect(config[id: "backup"]?["path"] == "/mnt/b")
        #expect(config[id: "backup"]?.keys == ["path", "shared", "disable"])
    }

    @Test func brokenSectionsAreSkippedWithAWarningAndTheRestLoads() {
        let text = "dir local\n\tpath /x\n\ndir: good\n\tpath /y\n\tpath /z\n\ndir: fine\n\tpath /w\n\npath /orphan\n"
        let (config, warnings) = SectionConfig.parse(text)
        #expect(config.sections.map(\.id) == ["fine"])
        #expect(warnings.count == 3)
        #expect(warnings.first?.line == 1)
    }

    @Test func editingKeepsOrderAndRemovesKeys() throws {
        var (config, _) = SectionConfig.parse(Self.sample)
        config[id: "local"]?["content"] = nil
        config[id: "local"]?["shared"] = "1"
        config[id: "local-lvm"] = nil
        config[id: "extra"] = SectionConfig.Section(type: "dir", id: "extra", options: [("path", "/srv")])
        #expect(try config.text() == "dir: local\n\tpath /var/lib/vz\n\tshared 1\n\ndir: extra\n\tpath /srv\n")
    }
}
