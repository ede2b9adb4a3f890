import FaroConfig
import FaroGuestSchema
import FaroModel
import FaroStorage
import FaroStore
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
    /// For a restore: unpacks the backup into the mounted root file system (mount points
    /// mounted below it) instead of the template, and no setup runs afterwards.
    /// It returns the lines to log.
    public var restore: (@Sendable (_ rootfs: String) async throws -> [String])?
    /// A restore over an existing container (`force`): its config before `reserveOverwrite`
    /// locked it. It comes back if the restore fails; its replaced volumes go if it succeeds.
    public var replacing: ContainerConfig?

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

    /// Allocates the rootfs and mount point volumes, unpacks the template, runs the setup and
    /// writes the final config. On failure everything made so far is removed again, the config included.
    public func create(_ creation: ContainerCreation, log: @Sendable (String) -> Void) async throws {
        let vmid = creation.vmid
        let replacing = creation.replacing
        var undo: [() async -> Void] = [{
            if let replacing {
                _ = try? await store.write(configPath(vmid), text: replacing.render(), ifRevision: nil)
            } else {
                try? await store.delete(configPath(vmid), ifRevision: nil)
            }
        }]
        do {
            var config = ContainerConfig(options: creation.options)
            try await assignMACAddresses(&config)
            try config.check(isRoot: true)
            let archive = creation.restore == nil ? try await templateArchive(creation.template) : nil
            if config["rootfs"] == nil { config["rootfs"] = "\(creation.storage):4" }
            for key in ["rootfs"] + config.mountPoints.map({ "mp\($0.index)" }) {
                guard let (text, volume) = try await allocateMountPoint(
                    key, config[key]!, vmid: vmid, unprivileged: config.isUnprivileged, log: log)
                else { continue }
                undo.append { try? await freeVolume(volume) }
                config[key] = text
            }
            let rootfs = rootfsMountPoint(vmid)
            try FileIO.makeDirectory(rootfs)
            undo.append { removeContainerDirectory(vmid) }
            try await mountRootfs(vmid, config: config)
            if let restore = creation.restore {
                try await restoreInto(vmid, config: config, restore, log: log)
            } else if let archive {
                try await unpackTemplate(vmid, &config, archive, creation, log: log)
            }
            if let replacing {
                let made = Set(["rootfs"] + config.mountPoints.map { "mp\($0.index)" }).filter { creation.options[$0] != nil }
                try await finishOverwrite(vmid, &config, replacing: replacing, restored: made, log: log)
            } else {
                try await store.write(configPath(vmid), text: config.render(), ifRevision: nil)
            }
        } catch {
            log("creation failed, removing what was made")
            for step in undo.reversed() { await step() }
            throw error
        }
    }

    /// Unpacks a backup with the mount points mounted where it expects them.
    func restoreInto(
        _ vmid: VMID, config: ContainerConfig, _ restore: @Sendable (String) async throws -> [String],
        log: @Sendable (String) -> Void
    ) async throws {
        do {
            let setup = setup(config, vmid: vmid)
            for mount in try await mountPointMounts(vmid, config: config).sorted(by: { $0.target < $1.target }) {
                try FileIO.bindMount(mount.source, at: try setup.directory(mount.target))
            }
            for line in try await restore(rootfsMountPoint(vmid)) { log(line) }
            try await unmountAll(vmid)
        } catch {
            try? await unmountAll(vmid)
            throw error
        }
    }

    func unpackTemplate(
        _ vmid: VMID, _ config: inout ContainerConfig, _ archive: TemplateArchive, _ creation: ContainerCreation, log: @Sendable (String) -> Void
    ) async throws {
        let rootfs = rootfsMountPoint(vmid)
        do {
                log("extracting archive '\(archive.path)'")
                if !archive.skipped.isEmpty { log("leaving out \(archive.skipped.count) members below /dev") }
                try await archive.extract(into: rootfs, unprivileged: config.isUnprivileged, runner: runner)
                if config["ostype"] == nil { config["ostype"] = ContainerSetup.detectOSType(rootfs: rootfs) }
                log("setting up the container (ostype \(config.ostype))")
                try await setup(config, vmid: vmid).apply(config, vmid: vmid, password: creation.password, sshKeys: creation.sshPublicKeys)
                try await unmountRootfs(vmid)
            } catch {
                try? await unmountRootfs(vmid)
                throw error
            }
    }

    /// The setup for the mounted rootfs of a container.
    func setup(_ config: ContainerConfig, vmid: VMID) -> ContainerSetup {
        ContainerSetup(rootfs: rootfsMountPoint(vmid), owner: UInt32(config.isUnprivileged ? LXCConfig.idMapBase : 0), runner: runner)
    }

    /// The template on its storage, checked to be a vztmpl archive whose members may be unpacked.
    func templateArchive(_ template: String) async throws -> TemplateArchive {
        let (plugin, volname) = try await volume(template)
        guard volname.hasPrefix("vztmpl/") else { throw LXCError.badTemplate(template, "not a container template (vztmpl)") }
        let path = try plugin.path(volname)
        guard FileIO.exists(path) else { throw LXCError.badTemplate(template, "no such file '\(path)'") }
        return try await TemplateArchive.checked(path, runner: runner)
    }

    /// NICs without `hwaddr` get a random one under the datacenter's `mac_prefix`, so the
    /// address stays the same across starts.
    func assignMACAddresses(_ config: inout ContainerConfig) async throws {
        let missing = config.networks.filter { $0.values["hwaddr"] == nil }
        guard !missing.isEmpty else { return }
        let datacenter = DatacenterConfig.reading(try await store.read(StoreLayout.datacenterConfig)?.text ?? "").config
        for (index, var net) in missing {
            net["hwaddr"] = datacenter.randomMAC()
            config["net\(index)"] = ContainerSchema.print("net\(index)", net)
        }
    }
}
