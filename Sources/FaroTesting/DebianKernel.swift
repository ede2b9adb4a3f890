import FaroSupport
import Foundation

/// Debian's current `linux-image-amd64` kernel and the two modules the test guest loads,
/// fetched with `apt-get download` and unpacked with `dpkg-deb -x` into a `TestAssetCache`
/// (nothing is installed on the host).
struct DebianKernel {
    let release: String
    let image: String
    let modules: [(name: String, path: String)]

    static let modulePaths = ["drivers/input/evdev.ko", "drivers/acpi/button.ko"]

    static func fetch(into cache: String, runner: any CommandRunner) async throws -> DebianKernel {
        guard let package = try? await currentPackage(runner: runner) else {
            // No package lists (offline, no apt-get update): any kernel fetched before will do.
            if let cached = FileIO.listDirectory(cache).sorted().last(where: { $0.hasPrefix("linux-image-") }),
                let kernel = cachedKernel(cache + "/" + cached, package: cached)
            {
                return kernel
            }
            throw TestGuestError.kernelPackageUnknown(output: "apt-cache gave no answer")
        }
        let directory = try await TestAssetCache(directory: cache).asset(package) { directory in
            cachedKernel(directory, package: package) != nil
        } build: { work in
            try await download(package, into: work, runner: runner)
        }
        guard let kernel = cachedKernel(directory, package: package) else {
            throw TestGuestError.kernelFilesMissing(package: package, missing: ["files in \(directory)"])
        }
        return kernel
    }

    /// Downloads and unpacks `package` under `work`; returns the directory holding the kernel
    /// image and the modules.
    private static func download(_ package: String, into work: String, runner: any CommandRunner) async throws -> String {
        try await runner.run(Command("apt-get", ["download", "-q", package], workingDirectory: work)).checked()
        guard let deb = FileIO.listDirectory(work).first(where: { $0.hasSuffix(".deb") }) else {
            throw TestGuestError.kernelFilesMissing(package: package, missing: ["the .deb file"])
        }
        try await runner.run(Command("dpkg-deb", ["-x", work + "/" + deb, work + "/root"])).checked()
        let release = String(package.dropFirst("linux-image-".count))
        let sources = ["boot/vmlinuz-\(release)"] + modulePaths.map { "lib/modules/\(release)/kernel/" + $0 }
        let missing = sources.filter { !FileIO.exists(work + "/root/" + $0) }
        guard missing.isEmpty else { throw TestGuestError.kernelFilesMissing(package: package, missing: missing) }
        let staging = work + "/" + package
        try FileIO.makeDirectory(staging)
        for source in sources {
            let name = String(source.split(separator: "/").last!)
            try FileIO.writeAtomically(staging + "/" + name, FileIO.read(work + "/root/" + source))
        }
        return staging
    }

    /// `linux-image-6.1.0-57-amd64`: what the `linux-image-amd64` metapackage points at now.
    static func currentPackage(runner: any CommandRunner) async throws -> String {
        let result = try await runner.run(Command("apt-cache", ["depends", "linux-image-amd64"])).checked()
        guard
            let line = result.output.split(separator: "\n").first(where: {
                $0.contains("Depends: linux-image-")
            }),
            let name = line.split(separator: " ").last.map(String.init), name.hasPrefix("linux-image-")
        else { throw TestGuestError.kernelPackageUnknown(output: result.output) }
        return name
    }

    private static func cachedKernel(_ directory: String, package: String) -> DebianKernel? {
        let release = String(package.dropFirst("linux-image-".count))
        let image = directory + "/vmlinuz-\(release)"
        let modules = modulePaths.map { path in
            let name = String(path.split(separator: "/").last!)
            return (name: name, path: directory + "/" + name)
        }
        guard FileIO.exists(image), modules.allSatisfy({ FileIO.exists($0.path) }) else { return nil }
        return DebianKernel(release: release, image: image, modules: modules)
    }
}
