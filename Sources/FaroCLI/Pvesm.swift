import FaroAPISpec
import FaroModel
import FaroSchema

/// `pvesm`: storage definitions, status, content, allocation and pruning, with Proxmox's
/// subcommands and argument shapes. Node-local calls go to `localhost`, as Proxmox's do.
public enum Pvesm {
    static let local: [String: JSONValue] = ["node": "localhost"]

    /// `free`/`path` take a full volume id; the storage part names the path's `{storage}`.
    static let storageFromVolume: @Sendable (inout [String: JSONValue]) -> HTTPVerb? = { parameters in
        if parameters["storage"] == nil, let volume = parameters["volume"]?.stringValue, let colon = volume.firstIndex(of: ":") {
            parameters["storage"] = .string(String(volume[..<colon]))
        }
        return nil
    }

    static let keepOptions: [String: Schema] = Dictionary(uniqueKeysWithValues: PruneKeys.all.map { key in
        (key, key == "keep-all" ? Schema.boolean("Keep every backup.").optional() : Schema.integer("Backups to keep (\(key)).", minimum: 0).optional())
    })

    /// `--keep-last 3 --keep-daily 7` become `prune-backups=keep-daily=7,keep-last=3`;
    /// `--dry-run` only shows what would be removed.
    static let pruneOptions: @Sendable (inout [String: JSONValue]) -> HTTPVerb? = { parameters in
        let keeps = PruneKeys.all.compactMap { key in parameters.removeValue(forKey: key).map { "\(key)=\($0.displayText)" } }
        if !keeps.isEmpty { parameters["prune-backups"] = .string(keeps.joined(separator: ",")) }
        let dryRun = parameters.removeValue(forKey: "dry-run").map { ["1", "true", "yes", "on"].contains($0.displayText.lowercased()) } ?? false
        return dryRun ? .get : .delete
    }

    public static let tool = CommandTableTool(name: "pvesm", commands: [
        CLICommand("status", .get, "/nodes/{node}/storage", fixed: local,
            output: .formatted { storages, _, _ in StorageText.status(storages) }),
        CLICommand("add", .post, "/storage", positional: ["type", "storage"], output: .quiet),
        CLICommand("set", .put, "/storage/{storage}", positional: ["storage"], output: .quiet),
        CLICommand("remove", .delete, "/storage/{storage}", positional: ["storage"], output: .quiet),
        CLICommand("list", .get, "/nodes/{node}/storage/{storage}/content", positional: ["storage"], fixed: local,
            output: .formatted { volumes, _, _ in StorageText.content(volumes) }),
        CLICommand("alloc", .post, "/nodes/{node}/storage/{storage}/content", positional: ["storage", "vmid", "filename", "size"],
            fixed: local, output: .formatted { volid, _, _ in "successfully created '\(volid.displayText)'\n" }),
        CLICommand("free", .delete, "/nodes/{node}/storage/{storage}/content/{volume}", positional: ["volume"],
            fixed: local.merging(["delay": 5]) { first, _ in first }, output: .quiet, prepare: storageFromVolume),
        CLICommand("path", .get, "/nodes/{node}/storage/{storage}/content/{volume}", positional: ["volume"], fixed: local,
            output: .field("path"), prepare: storageFromVolume),
        CLICommand("prune-backups", .delete, "/nodes/{node}/storage/{storage}/prunebackups", positional: ["storage"], fixed: local,
            output: .preview { marks, _, _ in StorageText.prunePreview(marks) },
            extraOptions: keepOptions.merging(["dry-run": Schema.boolean("Only show what would be removed.").optional()]) { first, _ in first },
            prepare: pruneOptions),
        CLICommand("scan lvm", .get, "/nodes/{node}/scan/lvm", fixed: local,
            output: .formatted { groups, _, _ in StorageText.names(groups, key: "vg") }),
        CLICommand("scan lvmthin", .get, "/nodes/{node}/scan/lvmthin", positional: ["vg"], fixed: local,
            output: .formatted { pools, _, _ in StorageText.names(pools, key: "lv") }),
    ])
}

enum PruneKeys {
    static let all = ["keep-all", "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"]
}
