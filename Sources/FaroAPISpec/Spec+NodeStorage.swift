import FaroSchema

extension APISpec {
    static let volumeParameter = Schema.string("Volume identifier.")

    static let storageStatusFields: [String: Schema] = [
        "storage": .string("The storage identifier."), "type": .string("Storage type."),
        "content": .string("Allowed content types."),
        "active": Common.field(.boolean(), "Set when the storage is accessible."),
        "enabled": Common.field(.boolean(), "Set when the storage is enabled (not disabled)."),
        "shared": Common.field(.boolean(), "Shared flag from the storage configuration."),
        "total": Common.field(.integer(), "Total space in bytes."), "used": Common.field(.integer(), "Used space in bytes."),
        "avail": Common.field(.integer(), "Available space in bytes."),
        "used_fraction": Common.field(.number(), "Used fraction (used/total)."),
        "formats": Common.field(.object([:]).allowingAdditional(), "Supported and default image formats (with `format=1`)."),
        "select_existing": Common.field(.boolean(), "Volumes must be selected from existing ones (iSCSI)."),
    ]

    static let contentItem = Schema.object([
        "volid": .string("Volume identifier."), "format": .string("Format (raw, qcow2, subvol, iso, tgz, ...)."),
        "size": .integer("Size in bytes."), "content": .string("Content type."),
        "used": Common.field(.integer(), "Bytes used (thin or sparse volumes use less than `size`)."),
        "vmid": Common.field(.integer(), "Owner guest."), "ctime": Common.field(.integer(), "Creation time (epoch seconds)."),
        "notes": Common.field(.string(), "First line of the notes."), "protected": Common.field(.boolean(), "Protection flag."),
        "parent": Common.field(.string(), "Base volume of a linked clone."),
        "encrypted": Common.field(.string(), "Encryption key fingerprint of a backup."),
        "verification": Common.field(.object([:]).allowingAdditional(), "Last backup verification."),
    ])

    static var nodeStorageMethods: [APIMethod] {
        let base: [String: Schema] = ["node": Common.node, "storage": storageID]
        let audit = PermissionCheck.privileges(
            path: "/storage/{storage}", ["Datastore.Audit", "Datastore.AllocateSpace"], any: true)
        let checksum: [String: Schema] = [
            "checksum": Schema.string("The expected checksum of the file.").optional(),
            "checksum-algorithm": Schema.enumeration(["md5", "sha1", "sha224", "sha256", "sha384", "sha512"], "Checksum algorithm.")
                .requiring("checksum").optional(),
        ]
        let fileContent = Schema.enumeration(["iso", "vztmpl", "import"], "Content type.").with { $0.format = .named("pve-storage-content") }
        return [
            APIMethod(
                .get, "/nodes/{node}/storage", name: "index", description: "Storages usable on the node, with their status.",
                parameters: .object([
                    "node": Common.node, "storage": storageID.optional().describe("Only this storage."),
                    "content": Schema.string("Only storages that hold this content type.", format: "pve-storage-content-list").optional(),
                    "enabled": Schema.boolean("Only enabled storages.").defaulting(false).optional(),
                    "format": Schema.boolean("Include the supported formats.").defaulting(false).optional(),
                    "target": Schema.string("With another node: only shared storages usable on both.", format: "pve-node").optional(),
                ]),
                returns: .array(of: .object(storageStatusFields)).with { $0.childLink = "{storage}" },
                permissions: .anyUser(filter: "Only storages on which you have 'Datastore.Audit' or 'Datastore.AllocateSpace'."),
                proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/storage/{storage}", name: "diridx", description: "Directory index of one storage on the node.",
                parameters: .object(base), returns: .index(), permissions: .check(audit)),
            APIMethod(
                .get, "/nodes/{node}/storage/{storage}/status", name: "read_status", description: "Status and space of one storage.",
                parameters: .object(base), returns: .object(storageStatusFields), permissions: .check(audit), protected: true,
                proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/storage/{storage}/content", name: "index", description: "List the volumes on a storage.",
                parameters: .object(base.merging([
                    "content": Schema.string("Only this content type.", format: "pve-storage-content").optional(),
                    "vmid": Common.vmid.optional().describe("Only volumes of this guest."),
                ]) { first, _ in first }),
                returns: .array(of: contentItem).with { $0.childLink = "{volid}" }, permissions: .check(audit), protected: true,
                proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/storage/{storage}/content", name: "create", description: "Allocate a disk image.",
                parameters: .object(base.merging([
                    "filename": Schema.string("The name of the image to create (`vm-<vmid>-disk-N[.fmt]`)."),
                    "size": Schema.string("Size in KiB, or with suffix `M` or `G`.", pattern: "\\d+[MG]?"),
                    "vmid": Common.vmid.describe("The guest that owns the image."),
                    "format": Schema.enumeration(["raw", "qcow2", "subvol", "vmdk"], "Image format.").requiring("size").optional(),
                ]) { first, _ in first }),
                returns: .string("The volume identifier."),
                permissions: .check(.privileges(path: "/storage/{storage}", ["Datastore.AllocateSpace"])), protected: true,
                proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/storage/{storage}/content/{volume}", name: "info", description: "Details of one volume.",
                parameters: .object(volumeParameters),
                returns: .object([
                    "path": .string("Path of the volume on the node."), "size": .integer("Size in bytes."),
                    "used": .integer("Bytes used."), "format": .string("Format."),
                    "notes": Common.field(.string(), "Notes."), "protected": Common.field(.boolean(), "Protection flag."),
                ]),
                permissions: .anyUser(filter: "You need read access to the volume."), protected: true, proxyTo: "node"),
            APIMethod(
                .put, "/nodes/{node}/storage/{storage}/content/{volume}", name: "updateattributes",
                description: "Change a volume's notes or protection.",
                parameters: .object(volumeParameters.merging([
                    "notes": Schema.string("The new notes.").multiline().optional(),
                    "protected": Schema.boolean("Protection (backups only).").optional(),
                ]) { first, _ in first }),
                permissions: .anyUser(filter: "You need read access to the volume."), protected: true, proxyTo: "node"),
            APIMethod(
                .delete, "/nodes/{node}/storage/{storage}/content/{volume}", name: "delete", description: "Delete a volume.",
                parameters: .object(volumeParameters.merging([
                    "delay": Schema.integer("Wait this many seconds for the task; answer null when it finished.", minimum: 1, maximum: 30)
                        .optional()
                ]) { first, _ in first }),
                returns: Schema.string().optional(),
                permissions: .anyUser(filter: "'Datastore.Allocate' on the storage, or 'Datastore.AllocateSpace' plus 'VM.Backup' for backups."),
                protected: true, proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/storage/{storage}/content/{volume}", name: "copy", description: "Copy a volume.",
                parameters: .object(volumeParameters.merging([
                    "target": Schema.string("Target volume identifier."),
                    "target_node": Schema.string("Target node (default: this node).", format: "pve-node").optional(),
                ]) { first, _ in first }),
                returns: .string("Task id."), permissions: .rootOnly, protected: true, proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/storage/{storage}/upload", name: "upload",
                description: "Upload an ISO image, container template or import file (multipart/form-data, field `filename` holds the file).",
                parameters: .object(base.merging(checksum) { first, _ in first }.merging([
                    "content": fileContent,
                    "filename": Schema.string("The name of the file to create; unusual characters are replaced."),
                    "tmpfilename": Schema.string("Set by the server to the spooled upload; not for clients.").optional(),
                ]) { first, _ in first }),
                returns: .string("Task id."),
                permissions: .check(.privileges(path: "/storage/{storage}", ["Datastore.AllocateTemplate"])), protected: true,
                proxyTo: "node", uploadField: "filename"),
            APIMethod(
                .post, "/nodes/{node}/storage/{storage}/download-url", name: "download_url",
                description: "Download a file from an http(s) URL into the storage.",
                parameters: .object(base.merging(checksum) { first, _ in first }.merging([
                    "content": fileContent, "filename": Schema.string("The name of the file to create; unusual characters are replaced."),
                    "url": Schema.string("The URL to download from.", pattern: "https?://.*"),
                    "verify-certificates": Schema.boolean("Verify the server's TLS certificate.").defaulting(true).optional(),
                    "compression": Schema.enumeration(["gz", "lzo", "zst", "bz2"], "Decompress the download with this algorithm.").optional(),
                ]) { first, _ in first }),
                returns: .string("Task id."),
                permissions: .check(.and([
                    .privileges(path: "/storage/{storage}", ["Datastore.AllocateTemplate"]),
                    .or([.privileges(path: "/", ["Sys.Audit", "Sys.Modify"]), .privileges(path: "/nodes/{node}", ["Sys.AccessNetwork"])]),
                ])),
                protected: true, proxyTo: "node"),
        ] + pruneMethods + scanMethods
    }

    static var volumeParameters: [String: Schema] {
        ["node": Common.node, "storage": storageID.optional(), "volume": volumeParameter]
    }
}
