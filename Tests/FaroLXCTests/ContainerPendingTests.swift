import FaroConfig
import FaroLXC
import Testing

/// `[pve:pending]` values and deletions, applying them, the snapshot tree and cross-option checks.
@Suite struct ContainerPendingTests {
    @Test func queuedChangesWaitAndApplyInOrder() throws {
        var config = try ContainerConfig.parse("hostname: a\nmemory: 512\ntags: x\n")
        config.queue("hostname", "b")
        config.queue("tags", nil)
        #expect(try config.render().contains("[pve:pending]\ndelete: tags\nhostname: b\n"))
        #expect(config.effective("hostname") == "b" && config.effective("tags") == nil && config["tags"] == "x")
        config.revert("tags")
        #expect(config.pendingDeletes.isEmpty)
        config.applyPending()
        #expect(config["hostname"] == "b" && config["tags"] == "x" && !config.hasPending)
        #expect(try !config.render().contains("pve:pending"), "an empty pending section goes away")
    }

    @Test func aReplacedMountPointVolumeBecomesUnused() throws {
        var config = try ContainerConfig.parse("mp0: local:100/vm-100-disk-1.raw,mp=/data,size=1G\nmp1: /srv,mp=/srv\n")
        config.set("mp0", "local:100/vm-100-disk-2.raw,mp=/data,size=2G")
        #expect(config["unused0"] == "local:100/vm-100-disk-1.raw")
        config.set("mp0", nil)
        #expect(config["unused1"] == "local:100/vm-100-disk-2.raw")
        config.set("mp1", nil)
        #expect(config["unused2"] == nil, "a bind mount owns no volume")
    }

    @Test func snapshotsFormATreeAndDeletingOneReparents() throws {
        var file = try GuestConfigFile.parse("memory: 512\nlock: snapshot\n")
        file.addSnapshot("one", description: "first", time: 10)
        file.main.options["memory"] = "1024"
        file.addSnapshot("two", description: nil, time: 20)
        #expect(file[section: "two"]?.options["parent"] == "one" && file.main.options["parent"] == "two")
        #expect(file[section: "one"]?.options["lock"] == nil && file[section: "one"]?.options["snaptime"] == "10")
        let restored = file.restoreSnapshot("one", pendingSection: "pve:pending")
        #expect(restored)
        #expect(file.main.options["memory"] == "512" && file.main.options["parent"] == "one")
        file.removeSnapshot("one")
        #expect(file[section: "two"]?.options["parent"] == nil && file.main.options["parent"] == nil)
    }

    @Test func checksNamesAndMountPaths() throws {
        func problem(_ text: String, isRoot: Bool = true) -> String? {
            do {
                try ContainerConfig.parse(text).check(isRoot: isRoot)
                return nil
            } catch { return String(describing: error) }
        }
        #expect(problem("net0: name=eth0\nnet1: name=eth1\nmp0: local:1,mp=/srv/data\n") == nil)
        #expect(problem("net0: name=eth0\nnet1: name=eth0\n")?.contains("duplicate interface name 'eth0'") == true)
        #expect(problem("mp0: local:1,mp=/srv/../../etc\n")?.contains("'..'") == true)
        #expect(problem("mp0: local:1,mp=/\n")?.contains("absolute path below /") == true)
        #expect(problem("mp0: local:1,mp=/a\nmp1: local:1,mp=/a/\n")?.contains("also used by mp0") == true)
        #expect(problem("mp0: /srv/share,mp=/share\n", isRoot: false)?.contains("only root") == true)
        #expect(problem("mp0: /srv/share,mp=/share\n", isRoot: true) == nil)
    }
}
