import Crypto
import FaroSupport
import Foundation

/// A small bootable guest for real QEMU tests: Debian's `linux-image-amd64` kernel and a
/// busybox initramfs whose init prints `readyMarker` on the serial console (ttyS0) and powers
/// off when the ACPI power button is pressed (`system_powerdown`). A shell reads commands
/// from the serial port, so tests can look at and change the guest's state (its RAM-backed
/// root file system) through the console.
///
/// How the power button works: the initramfs carries the kernel's `evdev` and `button`
/// modules; init loads them and starts busybox `acpid`, which runs `/etc/acpi/PWRF/00000080`
/// on the power-button key, and that script prints `poweroffMarker` and calls `poweroff -f`.
/// The kernel then powers the machine off through ACPI and QEMU exits (SHUTDOWN event with
/// `guest: true`, reason `guest-shutdown`). Under TCG the marker appears about 6 s after
/// QEMU starts on an idle 2-core machine, 10–18 s while the whole test suite runs.
///
/// Assets are cached in a `TestAssetCache`: the kernel per Debian package version, the
/// initramfs under the hash of its bytes, so only the first run downloads anything.
public struct TestGuest: Sendable {
    public let kernel: String
    public let initramfs: String
    /// Debian's kernel release, such as `6.1.0-57-amd64`.
    public let kernelRelease: String

    public static let readyMarker = "FARO-TEST-GUEST-READY"
    public static let poweroffMarker = "FARO-TEST-GUEST-POWEROFF"
    /// Kernel command line: console on the first serial port, and reboot (QEMU exits with
    /// `-no-reboot`) instead of hanging should the kernel panic.
    public static let kernelCommandLine = "console=ttyS0 quiet panic=-1"

    /// What this machine lacks to build and boot the guest, for a skip message; empty when
    /// everything is there. (`make test` installs all of it through scripts/install-deps.sh.)
    public static func missingRequirements(busybox: String = "/bin/busybox") -> [String] {
        var missing: [String] = []
        if !Executables.inPath("qemu-system-x86_64") { missing.append("qemu-system-x86_64 (Debian package qemu-system-x86)") }
        if !ELFFile.isStaticExecutable(busybox) { missing.append("a static busybox at \(busybox) (Debian package busybox-static)") }
        if !Executables.inPath("apt-get") || !Executables.inPath("dpkg-deb") { missing.append("apt-get and dpkg-deb") }
        return missing
    }

    /// The guest in the default cache, prepared once per test process however many tests
    /// ask at the same time.
    public static func shared() async throws -> TestGuest {
        try await sharedPreparation.value
    }

    private static let sharedPreparation = Task { try await prepare() }

    /// Finds or builds the kernel and initramfs under `cacheDirectory`.
    public static func prepare(
        cacheDirectory: String = TestAssetCache.default().directory, runner: any CommandRunner = SubprocessRunner(),
        busybox: String = "/bin/busybox"
    ) async throws -> TestGuest {
        try FileIO.makeDirectory(cacheDirectory)
        let kernel = try await DebianKernel.fetch(into: cacheDirectory, runner: runner)
        guard ELFFile.isStaticExecutable(busybox) else { throw TestGuestError.busyboxNotStatic(path: busybox) }
        let image = try initramfs(busybox: FileIO.read(busybox), modules: kernel.modules)
        let digest = SHA256.hash(data: image).prefix(12).map { String(format: "%02x", $0) }.joined()
        let name = "initramfs-\(digest).cpio"
        let path = try await TestAssetCache(directory: cacheDirectory).asset(name) { path in
            (try? FileIO.read(path)) == image
        } build: { work in
            try FileIO.writeAtomically(work + "/" + name, image)
            return work + "/" + name
        }
        return TestGuest(kernel: kernel.image, initramfs: path, kernelRelease: kernel.release)
    }

    /// The QEMU options that boot this guest: kernel, initramfs and command line.
    public var qemuArguments: [String] {
        ["-kernel", kernel, "-initrd", initramfs, "-append", Self.kernelCommandLine]
    }

    static func initramfs(busybox: [UInt8], modules: [(name: String, path: String)]) throws -> [UInt8] {
        var archive = CPIOArchive()
        for directory in ["bin", "dev", "proc", "sys", "tmp", "etc", "etc/acpi", "etc/acpi/PWRF", "lib", "lib/modules"] {
            archive.addDirectory(directory)
        }
        archive.addCharacterDevice("dev/console", major: 5, minor: 1)
        archive.addFile("bin/busybox", busybox, mode: 0o755)
        archive.addSymlink("bin/sh", target: "busybox")
        for module in modules { archive.addFile("lib/modules/" + module.name, try FileIO.read(module.path)) }
        archive.addFile("init", Array(initScript.utf8), mode: 0o755)
        archive.addFile("etc/acpi/PWRF/00000080", Array(powerButtonScript.utf8), mode: 0o755)
        return archive.finished()
    }

    static let initScript = """
        #!/bin/sh
        /bin/busybox --install -s /bin
        export PATH=/bin
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        insmod /lib/modules/evdev.ko
        insmod /lib/modules/button.ko
        # devtmpfs makes the button's event node asynchronously; acpid only watches the
        # nodes that exist when it starts.
        for i in $(seq 50); do ls /dev/input/event* >/dev/null 2>&1 && break; sleep 0.1; done
        acpid -f -c /etc/acpi -l /dev/null &
        # The marker says the guest answers the power button, so wait until acpid holds it.
        for i in $(seq 50); do ls -l /proc/$!/fd 2>/dev/null | grep -q /dev/input/event && break; sleep 0.1; done
        (while true; do sh </dev/ttyS0 >/dev/ttyS0 2>&1; done) &
        echo \(readyMarker)
        while true; do sleep 3600; done

        """

    static let powerButtonScript = """
        #!/bin/sh
        echo \(poweroffMarker) > /dev/console
        poweroff -f

        """
}

/// Why the test guest could not be prepared.
public enum TestGuestError: Error, CustomStringConvertible {
    case busyboxNotStatic(path: String)
    case kernelPackageUnknown(output: String)
    case kernelFilesMissing(package: String, missing: [String])

    public var description: String {
        switch self {
        case .busyboxNotStatic(let path): return "\(path) is not a static executable (install busybox-static)"
        case .kernelPackageUnknown(let output): return "cannot tell which kernel linux-image-amd64 depends on: \(output)"
        case .kernelFilesMissing(let package, let missing): return "\(package) lacks \(missing.joined(separator: ", "))"
        }
    }
}
