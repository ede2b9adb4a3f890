import FaroSchema

extension APISpec {
    /// vzdump's options, shared by `POST /nodes/{node}/vzdump` and the backup jobs.
    public static var vzdumpOptions: [String: Schema] {
        let notAvailable = " (not supported by Faro yet)"
        return [
            "vmid": Schema.string("The guests to back up (comma-separated VMIDs).", format: "pve-vmid-list").optional(),
            "all": Schema.boolean("Back up all guests of this node.").optional().defaulting(false),
            "pool": Schema.string("Back up the guests of this pool.").optional(),
            "exclude": Schema.string("Guests to leave out (implies all).", format: "pve-vmid-list").optional(),
            "node": Schema.string("Only run if executed on this node.", format: "pve-node").optional(),
            "storage": storageID.optional().describe("Store the archives on this storage."),
            "dumpdir": Schema.string("Store the archives in this directory (root only).").optional(),
            "mode": Schema.enumeration(["snapshot", "suspend", "stop"], "Backup mode.").optional().defaulting("snapshot"),
            "compress": Schema.enumeration(["0", "1", "gzip", "lzo", "zstd"], "Compress the archive.").optional().defaulting("0"),
            "zstd": Schema.integer("zstd threads; 0 uses half of the cores.", minimum: 0).optional().defaulting(1),
            "pigz": Schema.integer("Use pigz with N threads instead of gzip" + notAvailable + ".", minimum: 0).optional(),
            "remove": Schema.boolean("Prune older backups according to 'prune-backups'.").optional().defaulting(true),
            "prune-backups": pruneBackups.optional().describe("Retention instead of the storage's."),
            "protected": Schema.boolean("Mark the backups as protected.").optional(),
            "notes-template": Schema.string("Notes for the backups; may hold {{cluster}}, {{guestname}}, {{node}}, {{vmid}}.", maxLength: 1024)
                .optional(),
            "stopwait": Schema.integer("Minutes to wait for a guest to stop.", minimum: 0).optional().defaulting(10),
            "lockwait": Schema.integer("Minutes to wait for the node's backup lock.", minimum: 0).optional().defaulting(180),
            "tmpdir": Schema.string("Directory for temporary files (root only).").optional(),
            "stdexcludes": Schema.boolean("Exclude temporary files and logs of containers.").optional().defaulting(true),
            "exclude-path": Schema.array(of: .string(), "Paths to exclude from container backups (shell globs).").optional(),
            "bwlimit": Schema.integer("Limit I/O bandwidth (KiB/s)" + notAvailable + ".", minimum: 0).optional(),
            "ionice": Schema.integer("I/O priority" + notAvailable + ".", minimum: 0, maximum: 8).optional(),
            "script": Schema.string("Hook script" + notAvailable + ".").optional(),
            "quiet": Schema.boolean("Be quiet.").optional(),
            "stdout": Schema.boolean("Write the archive to standard output" + notAvailable + ".").optional(),
            "stop": Schema.boolean("Stop running backup jobs on this host" + notAvailable + ".").optional(),
            "maxfiles": Schema.integer("Deprecated: use 'prune-backups'" + notAvailable + ".", minimum: 1).optional(),
            "mailto": Schema.string("Mail addresses" + notAvailable + ".").optional(),
            "mailnotification": Schema.enumeration(["always", "failure"], "When to mail" + notAvailable + ".").optional(),
            "notification-mode": Schema.enumeration(["auto", "legacy-sendmail", "notification-system"], "Notification system to use.")
                .optional(),
            "fleecing": Schema.string("Backup fleecing options" + notAvailable + ".").optional(),
            "performance": Schema.string("Performance settings" + notAvailable + ".").optional(),
            "pbs-change-detection-mode": Schema.enumeration(["legacy", "data", "metadata"], "PBS only" + notAvailable + ".").optional(),
            "job-id": Schema.string("The backup job this run belongs to (root only).").optional(),
        ]
    }

    public static let vzdumpRefused: Set<String> = [
        "pigz", "bwlimit", "ionice", "script", "stdout", "stop", "maxfiles", "lockwait", "mailto", "mailnotification", "fleecing", "performance",
        "pbs-change-detection-mode",
    ]

    static var vzdumpMethods: [APIMethod] {
        [
            APIMethod(
                .post, "/nodes/{node}/vzdump", name: "vzdump",
                description: "Back guests of this node up into Proxmox's archive formats. Runs as a task.",
                parameters: .object(vzdumpOptions.merging(["node": Common.node]) { _, new in new }),
                returns: .string("The task's UPID, or OK when this node has nothing to do."),
                permissions: .anyUser(filter: "'VM.Backup' on each guest and 'Datastore.AllocateSpace' on the storage; 'prune-backups' needs 'Datastore.Allocate'; 'tmpdir', 'dumpdir' and 'job-id' root@pam only."),
                protected: true, proxyTo: "node"
            ).refusing(vzdumpRefused),
            APIMethod(
                .get, "/nodes/{node}/vzdump/defaults", name: "defaults",
                description: "The node's vzdump defaults: the schema's, then its vzdump.conf, then the storage's backup directory and retention.",
                parameters: .object(["node": Common.node, "storage": storageID.optional().describe("The storage identifier.")]),
                returns: .object(vzdumpOptions.filter { !["vmid", "all", "exclude", "job-id", "stop"].contains($0.key) }
                    .mapValues { $0.type == .boolean ? Schema.integer("0 or 1.").optional() : $0.type == .array ? Schema.string().optional() : $0 }),
                permissions: .anyUser(filter: "'Datastore.Audit' or 'Datastore.AllocateSpace' on the storage; some properties only with 'Sys.Audit' on the node."),
                proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/vzdump/extractconfig", name: "extractconfig",
                description: "The guest config stored in a backup archive.",
                parameters: .object(["node": Common.node, "volume": Schema.string("The backup volume (storage:backup/file).")]),
                returns: .string("The config text."),
                permissions: .anyUser(filter: "'VM.Backup' on the guest the archive belongs to, and access to the volume."),
                protected: true, proxyTo: "node"),
        ]
    }
}
