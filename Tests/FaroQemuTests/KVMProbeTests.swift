import FaroModel
import FaroQemu
import FaroSupport
import FaroTesting
import Testing

/// The probe's decisions, with a fake runner: nothing here starts QEMU.
@Suite struct KVMProbeTests {
    /// A readable file stands in for /dev/kvm and for the kernel.
    func withFiles(_ body: (_ device: String, _ kernel: String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "faro-kvm")
        defer { directory.remove() }
        try FileIO.writeAtomically(directory.file("kvm"), [])
        try FileIO.writeAtomically(directory.file("vmlinuz"), [0x4D, 0x5A])
        try await body(directory.file("kvm"), directory.file("vmlinuz"))
    }

    func probe(device: String, kernel: String, _ handler: @escaping RecordingCommandRunner.Handler) async
        -> (KVMAvailability, [Command])
    {
        let runner = RecordingCommandRunner(handler)
        let answer = await KVMProbe(runner: runner, devicePath: device, kernel: kernel, timeout: .seconds(12)).probe()
        return (answer, await runner.commands)
    }

    @Test func aGuestThatBootsToItsPanicMeansAvailable() async throws {
        try await withFiles { device, kernel in
            let (answer, commands) = await probe(device: device, kernel: kernel) { command in
                .exited(0, command, output: "[    0.9] Kernel panic - not syncing: VFS: Unable to mount root fs\n")
            }
            #expect(answer == .available)
            let command = try #require(commands.first)
            #expect(commands.count == 1)
            #expect(command.executable == "qemu-system-x86_64")
            #expect(command.timeout == .seconds(12))
            #expect(command.arguments.starts(with: ["-accel", "kvm"]))
            #expect(!command.arguments.contains("-cpu"), "-cpu host aborts on nested hosts")
            #expect(command.arguments.contains(kernel) && command.arguments.contains("-no-reboot"))
        }
    }

    @Test func aGuestThatHangsMeansUnavailable() async throws {
        try await withFiles { device, kernel in
            let (answer, _) = await probe(device: device, kernel: kernel) { command in
                CommandResult(command: command, termination: .timedOut(.seconds(12)))
            }
            #expect(answer == .unavailable(.guestHung(after: .seconds(12))))
            #expect(answer.description == "unavailable: a long-mode guest hung under KVM (no boot within 12.0 seconds)")
        }
    }

    @Test func qemuRefusingKVMIsReportedWithItsMessage() async throws {
        try await withFiles { device, kernel in
            let (answer, _) = await probe(device: device, kernel: kernel) { command in
                .exited(1, command, error: "Could not access KVM kernel module: Permission denied\nfailed to initialize kvm\n")
            }
            #expect(
                answer
                    == .unavailable(
                        .qemuFailed(reason: "exit code 1: Could not access KVM kernel module: Permission denied | failed to initialize kvm")))
        }
    }

    @Test func exitingWithoutFinishingTheBootIsNotSuccess() async throws {
        try await withFiles { device, kernel in
            let (answer, _) = await probe(device: device, kernel: kernel) { command in
                .exited(0, command, output: "Linux version 6.1\n")
            }
            #expect(answer == .unavailable(.guestFailed(output: "Linux version 6.1")))
        }
    }

    @Test func missingQemuIsNamed() async throws {
        try await withFiles { device, kernel in
            let (answer, _) = await probe(device: device, kernel: kernel) { command throws(CommandError) in
                throw .notFound(command)
            }
            #expect(answer == .unavailable(.qemuMissing(executable: "qemu-system-x86_64")))
        }
    }

    @Test func noDeviceOrUnopenableDeviceNeedsNoQemu() async throws {
        try await withFiles { device, kernel in
            let directory = String(device.dropLast("/kvm".count))
            let (missing, first) = await probe(device: directory + "/nokvm", kernel: kernel) { .exited(0, $0) }
            #expect(missing == .unavailable(.noDevice(path: directory + "/nokvm")))
            let (unopenable, second) = await probe(device: directory, kernel: kernel) { .exited(0, $0) }
            #expect(unopenable == .unavailable(.cannotOpen(path: directory, reason: "Is a directory")))
            let (noKernel, third) = await probe(device: device, kernel: directory + "/none") { .exited(0, $0) }
            #expect(noKernel == .unavailable(.noProbeKernel(path: directory + "/none")))
            #expect(first.isEmpty && second.isEmpty && third.isEmpty)
        }
    }

    @Test func kvmGuestsAreRefusedWithProxmoxWordingWhereKVMIsMissing() throws {
        let vmid = try #require(VMID(100))
        let broken = KVMAvailability.unavailable(.guestHung(after: .seconds(15)))
        #expect(throws: QemuError.kvmNotAvailable(vmid: vmid, reason: .guestHung(after: .seconds(15)))) {
            try broken.requireForStart(vmid: vmid, kvmEnabled: true)
        }
        #expect(
            QemuError.kvmNotAvailable(vmid: vmid, reason: .guestHung(after: .seconds(15))).description
                == "KVM virtualisation configured, but not available. Either disable in VM configuration or enable in BIOS.")
        try broken.requireForStart(vmid: vmid, kvmEnabled: false)
        try KVMAvailability.available.requireForStart(vmid: vmid, kvmEnabled: true)
    }
}
