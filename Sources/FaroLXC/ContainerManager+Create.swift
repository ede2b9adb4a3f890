import FaroModel
import FaroStorage
import FaroSupport
import Foundation

/// What `POST /nodes/{node}/lxc` asks for beyond the config options.
public struct ContainerCreation: Sendable {
    public var vmid: VMID
    /// Config options as given (`rootfs` as `STORAGE:SIZE_GiB` or an existing volume).
    public var options: [String: String]
    public var template: String
    /// Default storage for `rootfs` when it is not given.
    public var storage: String
    public var password: String?
    public var sshPublicKeys: String?

    public init(
        vmid: VMID, options: [String: String], template: String, storage: String = "local", password: String? = nil,
        sshPublicKeys: String? = nil
    ) {
        self.vmid = vmid
        self.options = options
        self.template = template
        self.storage = storage
        self.password = password
        self.sshPublicKeys = sshPublicKeys
    }
}

extension ContainerManager {
    /// Creates the config with lock `create` (the VMID must be free cluster-wide). Call before
    /// starting the task so a taken VMID fails the request itself.
    public func reserve(_ creation: ContainerCreation) async throws {
        var config = ContainerConfig(options: creation.options)
        config["lock"] = "create"
        do {
            try await store.create(configPath(creation.vmid), data: Array(config.render().utf8))
        } catch {
            throw LXCError.alreadyExists(creation.vmid)
        }
    }

    /// Allocates the rootfs, unpacks the template, runs the setup and writes the final config.
    /// On failure everything made so far is removed again, the config included.
    public func create(_ creation: ContainerCreation, log: @Sendable (String) -> Void) async throws {
        let vmid = creation.vmid
        var undo: [() async -> Void] = [{ try? await store.delete(configPath(vmid), ifRevision: nil) }]
        do {
            var config = ContainerConfig(options: creation.options)
            assignMACAddresses(&config)
            let (templatePath, archive) = try await templateArchive(creation.template)
            let (plugin, volname, sizeGiB) = try await allocateRootfs(creation, log: log)
            undo.append { try? await plugin.free(volname) }
            config["rootfs"] = ContainerSchema.print(
                "rootfs", ["volume": "\(plugin.id):\(volname)", "size": sizeGiB > 0 ? "\(sizeGiB)G" : nil].compactMapValues { $0 })
            let owner = config.isUnprivileged ? LXCConfig.idMapBase : 0
            let rootfs = rootfsMountPoint(vmid)
            try FileIO.makeDirectory(rootfs)
            undo.append { removeContainerDirectory(vmid) }
            let isImage = !volname.contains("subvol-")
            if isImage {
                try await runner.checked(["mkfs.ext4", "-q", "-F", "-E", "root_owner=\(owner):\(owner)", try plugin.path(volname)])
            }
            try await mountRootfs(vmid, plugin: plugin, volname: volname)
            do {
                if !isImage, owner != 0 { try await runner.checked(["chown", "\(owner):\(owner)", rootfs]) }
                log("extracting archive '\(templatePath)'")
                try await archive.extract(into: rootfs, unprivileged: config.isUnprivileged, runner: runner)
                if config["ostype"] == nil { config["ostype"] = ContainerSetup.detectOSType(rootfs: rootfs) }
                log("setting up the container (ostype \(config.ostype))")
                let setup = ContainerSetup(rootfs: rootfs, owner: UInt32(owner), runner: runner)
                try await setup.apply(config, vmid: vmid, password: creation.password, sshKeys: creation.sshPublicKeys)
                try await unmountRootfs(vmid)
            } catch {
                try? await unmountRootfs(vmid)
                throw error
            }
            try await store.write(configPath(vmid), text: config.render(), ifRevision: nil)
        } catch {
            log("creation failed, removing what was made")
            for step in undo.reversed() { await step() }
            throw error
        }
    }

    /// The template's path on its storage, checked to be a vztmpl archive.
    func templateArchive(_ template: String) async throws -> (String, TemplateArchive) {
        let (plugin, volname) = try await volume(template)
        guard volname.hasPrefix("vztmpl/") else { throw LXCError.badTemplate(template, "not a container template (vztmpl)") }
        let path = try plugin.path(volname)
        guard FileIO.exists(path) else { throw LXCError.badTemplate(template, "no such file '\(path)'") }
        let archive = try TemplateArchive(path: path)
        try await archive.checkEntries(runner: runner)
        return (path, archive)
    }

    /// `STORAGE:SIZE` allocates a new volume: size 0 gives a directory (subvolume), a size
    /// in GiB a raw image that gets an ext4 file system.
    func allocateRootfs(_ creation: ContainerCreation, log: @Sendable (String) -> Void) async throws
        -> (any StoragePlugin, String, Int)
    {
        let given = creation.options["rootfs"].map { try? ContainerSchema.parse("rootfs", $0) } ?? nil
        let spec = given?["volume"] ?? "\(creation.storage):4"
        guard let colon = spec.firstIndex(of: ":"), let size = Int(spec[spec.index(after: colon)...]), size >= 0 else {
            throw LXCError.invalidOption("rootfs", "expected STORAGE:SIZE_IN_GiB, got '\(spec)'")
        }
        let plugin = try await storage.plugin(String(spec[..<colon]))
        let format: VolumeFormat = size == 0 ? .subvol : .raw
        let volname = try await plugin.allocate(vmid: creation.vmid, name: nil, format: format, sizeKiB: UInt64(size) << 20)
        log("allocated volume '\(plugin.id):\(volname)'")
        return (plugin, volname, size)
    }

    /// NICs without `hwaddr` get a random one under Proxmox's prefix (BC:24:11), so the
    /// address stays the same across starts.
    func assignMACAddresses(_ config: inout ContainerConfig) {
        for (index, var net) in config.networks where net["hwaddr"] == nil {
            let tail = (0..<3).map { _ in
                let hex = String(UInt8.random(in: 0...255), radix: 16, uppercase: true)
                return hex.count == 1 ? "0" + hex : hex
            }
            net["hwaddr"] = (["BC", "24", "11"] + tail).joined(separator: ":")
            config["net\(index)"] = ContainerSchema.print("net\(index)", net)
        }
    }
}
