import FaroSchema

extension APISpec {
    static let storageTypes = [
        "btrfs", "cephfs", "cifs", "dir", "esxi", "iscsi", "iscsidirect", "lvm", "lvmthin", "nfs", "pbs", "rbd", "zfs", "zfspool",
    ]

    static let storageID = Schema.string("The storage identifier.", format: "pve-storage-id")

    static let pruneBackups = Schema.string("Retention: how many backups to keep, newest first per period.")
        .with {
            $0.format = .propertyString([
                "keep-all": Schema.boolean("Keep every backup; conflicts with the other options.").optional(),
                "keep-last": Schema.integer("Keep the newest N backups.", minimum: 0).optional(),
                "keep-hourly": Schema.integer("Keep the newest backup of each of the last N hours.", minimum: 0).optional(),
                "keep-daily": Schema.integer("Keep the newest backup of each of the last N days.", minimum: 0).optional(),
                "keep-weekly": Schema.integer("Keep the newest backup of each of the last N ISO weeks.", minimum: 0).optional(),
                "keep-monthly": Schema.integer("Keep the newest backup of each of the last N months.", minimum: 0).optional(),
                "keep-yearly": Schema.integer("Keep the newest backup of each of the last N years.", minimum: 0).optional(),
            ])
        }

    static let bandwidthLimit = Schema.string("I/O bandwidth limits in KiB/s.").with {
        $0.format = .propertyString(
            Dictionary(uniqueKeysWithValues: ["default", "clone", "migration", "move", "restore"].map {
                ($0, Schema.number("Limit for \($0) operations in KiB/s.", minimum: 0).optional())
            }))
    }

    /// Options a storage definition can carry: the union over all storage types, as Proxmox
    /// declares them. Which ones a type accepts is checked by the storage service.
    static var storageOptions: [String: Schema] {
        let text = { (description: String) in Schema.string(description).optional() }
        let flag = { (description: String) in Schema.boolean(description).optional() }
        return [
            "content": Schema.string("Allowed content types (`none` for no content).", format: "pve-storage-content-list").optional(),
            "content-dirs": Schema.string("Overrides for the content directories, e.g. `backup=dumps`.", format: "pve-dir-override-list").optional(),
            "nodes": Schema.string("The nodes on which the storage exists.", format: "pve-node-list").optional(),
            "disable": flag("Disable the storage."),
            "shared": flag("The same content is reachable from every node."),
            "path": Schema.string("File system path.", format: "pve-storage-path").optional(),
            "mkdir": flag("Create the directory and its subdirectories when missing (deprecated).").defaulting(true),
            "create-base-path": flag("Create the base directory when missing.").defaulting(true),
            "create-subdirs": flag("Create the default subdirectories.").defaulting(true),
            "is_mountpoint": text("The path is (or lies below) an externally managed mount point: `yes`, or the mount point.")
                .defaulting("no"),
            "format": Schema.enumeration(["raw", "qcow2", "subvol", "vmdk"], "Default image format.").optional(),
            "preallocation": Schema.enumeration(["off", "metadata", "falloc", "full"], "Preallocation for raw and qcow2 images.")
                .defaulting("metadata").optional(),
            "prune-backups": pruneBackups.optional(),
            "max-protected-backups": Schema.integer("Protected backups allowed per guest (-1: unlimited).", minimum: -1).optional(),
            "bwlimit": bandwidthLimit.optional(),
            "vgname": Schema.string("LVM volume group name.", format: "pve-storage-vgname").optional(),
            "thinpool": Schema.string("LVM thin pool name.", format: "pve-storage-vgname").optional(),
            "base": Schema.string("Base volume the volume group sits on.", format: "pve-volume-id").optional(),
            "saferemove": flag("Zero the data of removed volumes."),
            "saferemove_throughput": text("Throughput limit for zeroing removed volumes."),
            "saferemove-stepsize": Schema.enumeration(["1", "2", "4", "8", "16", "32"], "Zeroing step size in MiB.")
                .defaulting("32").optional(),
            "tagged_only": flag("Only use volumes tagged `pve-vm-ID`."),
            "nocow": flag("Set the NOCOW flag on image files.").defaulting(false),
            "snapshot-as-volume-chain": flag("Take snapshots as a chain of volumes.").defaulting(false),
            "server": Schema.string("Server address.", format: "pve-storage-server").optional(),
            "export": Schema.string("NFS export path.", format: "pve-storage-path").optional(),
            "options": Schema.string("Mount options.", format: "pve-storage-options").optional(),
            "share": text("CIFS share."), "domain": text("CIFS domain."), "username": text("User name."),
            "password": text("Password."), "smbversion": Schema.enumeration(["default", "2.0", "2.1", "3", "3.0", "3.11"], "SMB version.")
                .defaulting("default").optional(),
            "subdir": Schema.string("Subdirectory to mount.", format: "pve-storage-path").optional(),
            "portal": Schema.string("iSCSI portal.", format: "pve-storage-portal-dns").optional(),
            "target": text("iSCSI target."), "pool": text("Pool."), "data-pool": text("Data pool (erasure coding)."),
            "namespace": text("Namespace."), "monhost": Schema.string("Monitor addresses.", format: "pve-storage-portal-dns-list").optional(),
            "keyring": text("Client keyring."), "krbd": flag("Use the kernel RBD client.").defaulting(false),
            "fs-name": Schema.string("Ceph file system name.", format: "pve-configid").optional(), "fuse": flag("Mount through FUSE."),
            "mountpoint": Schema.string("Mount point.", format: "pve-storage-path").optional(),
            "datastore": text("Backup server datastore."), "fingerprint": text("Server certificate SHA-256 fingerprint."),
            "encryption-key": text("Encryption key."), "master-pubkey": text("Master public key (PEM, base64)."),
            "port": Schema.integer("Port.", minimum: 1, maximum: 65535).optional(),
            "blocksize": text("Block size."), "sparse": flag("Use sparse volumes."), "nowritecache": flag("Disable write caching."),
            "comstar_hg": text("COMSTAR host group."), "comstar_tg": text("COMSTAR target group."),
            "lio_tpg": text("LIO target portal group."), "iscsiprovider": text("iSCSI provider."),
            "authsupported": text("Supported authentication."),
            "zfs-base-path": Schema.string("Base path of ZFS block devices.", format: "pve-storage-path").optional(),
            "skip-cert-verification": flag("Skip TLS certificate verification.").defaulting(false),
        ]
    }

    /// Options that only exist when a storage is created.
    static let storageCreateOnly: Set<String> = [
        "path", "vgname", "thinpool", "base", "export", "share", "portal", "target", "iscsiprovider", "datastore",
        "authsupported",
    ]

    static var storageMethods: [APIMethod] {
        let allocate = PermissionCheck.privileges(path: "/storage", ["Datastore.Allocate"])
        var create = storageOptions
        create["storage"] = storageID
        create["type"] = Schema.enumeration(storageTypes, "Storage type.")
        var update = storageOptions.filter { !storageCreateOnly.contains($0.key) }
        update["storage"] = storageID
        update["delete"] = Schema.string("Options to remove.", format: "pve-configid-list").optional()
        update["digest"] = Schema.string("Only change the configuration if it still has this SHA-1 digest.", maxLength: 64).optional()
        let result = Schema.object([
            "storage": .string("The storage identifier."), "type": .string("Storage type."),
            "config": Common.field(.object([:]).allowingAdditional(), "Configuration the server generated."),
        ])
        return [
            APIMethod(
                .get, "/storage", name: "index", description: "List the storage definitions.",
                parameters: .object(["type": Schema.enumeration(storageTypes, "Only storages of this type.").optional()]),
                returns: .array(of: .object(["storage": .string()]).allowingAdditional()).with { $0.childLink = "{storage}" },
                permissions: .anyUser(filter: "Only storages on which you have 'Datastore.Audit' or 'Datastore.AllocateSpace'.")),
            APIMethod(
                .post, "/storage", name: "create", description: "Add a storage definition.", parameters: .object(create),
                returns: result, permissions: .check(allocate), protected: true),
            APIMethod(
                .get, "/storage/{storage}", name: "read", description: "A storage definition.",
                parameters: .object(["storage": storageID]), returns: .object([:]).allowingAdditional(),
                permissions: .check(.privileges(path: "/storage/{storage}", ["Datastore.Allocate"]))),
            APIMethod(
                .put, "/storage/{storage}", name: "update", description: "Change a storage definition.", parameters: .object(update),
                returns: result, permissions: .check(allocate), protected: true),
            APIMethod(
                .delete, "/storage/{storage}", name: "delete", description: "Remove a storage definition (the data stays).",
                parameters: .object(["storage": storageID]), permissions: .check(allocate), protected: true),
        ]
    }
}
