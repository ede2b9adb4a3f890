import FaroConfig
import FaroModel
import FaroQemu
import Foundation
import Testing

/// Golden tests: each `Golden/NAME.conf` must turn into exactly `Golden/NAME.cmd` (the
/// `qm showcmd --pretty` layout, one option per line). A mismatch writes `NAME.cmd.actual`
/// beside it, so a deliberate change is reviewed with `diff` and copied over.
@Suite struct QemuCommandTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    static func context(vmid: Int = 8006) -> QemuCommandContext {
        QemuCommandContext(vmid: VMID(vmid)!, runDir: "/run/faro/qemu") { volume in
            let (storage, name) = (volume.split(separator: ":")[0], volume.split(separator: ":")[1])
            guard storage == "local" else { throw VMConfigError.unparsable("no storage \(storage)") }
            return name.hasPrefix("iso/") ? "/var/lib/vz/template/\(name)" : "/var/lib/vz/images/\(name)"
        }
    }

    static func pretty(_ argv: [String]) -> String {
        var lines = [argv[0]]
        var index = 1
        while index < argv.count {
            var line = argv[index]
            if index + 1 < argv.count, !argv[index + 1].hasPrefix("-") {
                line += " " + argv[index + 1]
                index += 1
            }
            lines.append("  " + line)
            index += 1
        }
        return lines.joined(separator: " \\\n") + "\n"
    }

    @Test(arguments: ["simple", "tcg-q35", "args", "ovmf", "ovmf-q35-temporary"])
    func configMatchesGoldenCommand(_ name: String) throws {
        let text = try String(contentsOfFile: "\(Self.directory)/\(name).conf", encoding: .utf8)
        let argv = try QemuCommand.build(try VMConfig(parsing: text), context: Self.context())
        let actual = Self.pretty(argv)
        let expected = try? String(contentsOfFile: "\(Self.directory)/\(name).cmd", encoding: .utf8)
        if actual != expected { try actual.write(toFile: "\(Self.directory)/\(name).cmd.actual", atomically: true, encoding: .utf8) }
        #expect(actual == expected, "see Golden/\(name).cmd.actual")
    }

    @Test func kvmIsTheDefaultAndTCGNeedsKVMOff() throws {
        let kvm = try QemuCommand.build(try VMConfig(parsing: "memory: 512\n"), context: Self.context())
        #expect(kvm.suffix(2) == ["-accel", "kvm"])
        #expect(kvm.contains("kvm64,enforce,+kvm_pv_eoi,+kvm_pv_unhalt,+lahf_lm,+sep"))
        let tcg = try QemuCommand.build(try VMConfig(parsing: "kvm: 0\n"), context: Self.context())
        #expect(tcg.suffix(2) == ["-accel", "tcg"])
        #expect(!tcg.joined(separator: " ").contains("vhost=on"))
    }

    @Test func microarchitectureLevelsBecomeQemu64WithTheirFlags() throws {
        let argv = try QemuCommand.build(try VMConfig(parsing: "cpu: x86-64-v2-AES\nkvm: 0\n"), context: Self.context())
        let cpu = argv[argv.firstIndex(of: "-cpu")! + 1]
        #expect(cpu == "qemu64,+lahf_lm,+sep,+cx16,+popcnt,+pni,+sse4.1,+sse4.2,+ssse3,+aes")
    }

    @Test func unknownStorageFailsTheBuild() throws {
        let config = try VMConfig(parsing: "scsi0: nowhere:100/vm-100-disk-0.raw\n")
        #expect(throws: VMConfigError.self) { try QemuCommand.build(config, context: Self.context()) }
    }

    @Test func bootOrderGivesBootIndexesInListOrder() throws {
        let config = try VMConfig(parsing: "boot: order=net0;virtio1\nvirtio1: local:1/vm-1-disk-0.raw\nnet0: virtio=BC:24:11:00:00:09,bridge=vmbr0\n")
        let argv = try QemuCommand.build(config, context: Self.context())
        #expect(argv.contains { $0.hasPrefix("virtio-net-pci,") && $0.hasSuffix("bootindex=100") })
        #expect(argv.contains { $0.hasPrefix("virtio-blk-pci,") && $0.contains("bootindex=101") })
    }

    @Test func multiQueueNICsGetVectorsAndTheBridgesMTUReachesTheGuest() throws {
        var context = Self.context()
        context.bridgeMTU = { $0 == "vmbr0" ? 9000 : nil }
        let config = try VMConfig(parsing: "net0: virtio=BC:24:11:00:00:09,bridge=vmbr0,queues=4\nnet1: virtio=BC:24:11:00:00:0A,bridge=vmbr0,mtu=1400\n")
        let argv = try QemuCommand.build(config, context: context)
        let nic0 = try #require(argv.first { $0.hasPrefix("virtio-net-pci,mac=BC:24:11:00:00:09") })
        #expect(nic0.contains(",id=net0,mq=on,vectors=10,rx_queue_size=1024,tx_queue_size=256") && nic0.hasSuffix(",host_mtu=9000"))
        #expect(argv.contains { $0.hasPrefix("type=tap,id=net0,") && $0.hasSuffix(",queues=4") })
        #expect(argv.contains { $0.hasPrefix("virtio-net-pci,mac=BC:24:11:00:00:0A") && $0.hasSuffix(",host_mtu=1400") })
    }
}
