import FaroQemu
import FaroSupport
import FaroTesting
import Testing

/// The probe with real QEMU and the test kernel.
@Suite(.serialized) struct RealKVMProbeTests {
    static let missing = TestGuest.missingRequirements()
    static let skipMessage = Comment(rawValue: "needs " + missing.joined(separator: ", "))

    @Test(.enabled(if: missing.isEmpty, skipMessage))
    func theProbeGuestBootsUnderTCG() async throws {
        // Checks the probe's guest and success rule on any machine: TCG always works.
        let guest = try await TestGuest.shared()
        let probe = KVMProbe(
            runner: SubprocessRunner(), devicePath: "/dev/kvm", kernel: guest.kernel, timeout: .seconds(90), accelerator: "tcg")
        let started = ContinuousClock.now
        let answer = await probe.probe()
        print("probe guest under TCG: \(answer) in \(ContinuousClock.now - started)")
        #expect(answer == .available)
    }

    @Test(.enabled(if: missing.isEmpty, skipMessage))
    func theKVMProbeAnswersWithinItsTimeout() async throws {
        let guest = try await TestGuest.shared()
        let probe = KVMProbe(runner: SubprocessRunner(), devicePath: "/dev/kvm", kernel: guest.kernel, timeout: .seconds(15))
        let started = ContinuousClock.now
        let answer = await probe.probe()
        let elapsed = ContinuousClock.now - started
        print("KVM probe on this machine: \(answer) in \(elapsed)")
        // The timeout plus slack for a busy machine: the point is that it comes back at all.
        #expect(elapsed < .seconds(45), "the probe must never hang")
        if case .unavailable(.guestHung) = answer {
            #expect(elapsed >= .seconds(15), "a hang is only declared after the full timeout")
        }
    }
}
