import FaroSchema

extension APISpec {
    static var backupJobFields: [String: Schema] {
        [
            "schedule": Schema.string("When the job runs, as a calendar event (e.g. 'sat 02:00', '*/15', 'daily').", maxLength: 128)
                .optional(),
            "starttime": Schema.string("Deprecated: the time of day (HH:MM); use schedule.").optional(),
            "dow": Schema.string("Deprecated: the weekdays with starttime (e.g. 'mon,wed').").optional(),
            "enabled": Schema.boolean("Whether the job runs.").optional().defaulting(true),
            "comment": Schema.string("A comment.", maxLength: 512).optional(),
            "repeat-missed": Schema.boolean("Run once at start when runs were missed while the node was down.").optional()
                .defaulting(false),
        ]
    }

    static var backupJobMethods: [APIMethod] {
        // A job's id is its own `id`, and a job writes archives, never to standard output.
        let options = vzdumpOptions.merging(backupJobFields) { _, new in new }.filter { $0.key != "job-id" && $0.key != "stdout" }
        let id = Schema.string("The job's id.", maxLength: 50)
        let job = Schema.object(["id": .string("The job's id."), "schedule": .string("Calendar event."),
                                 "enabled": .boolean("Whether the job runs.")]).allowingAdditional()
        let audit = Permissions.check(.privileges(path: "/", ["Sys.Audit"]))
        let modify = Permissions.check(.privileges(path: "/", ["Sys.Modify"]), note: "storage: Datastore.Allocate; pool: VM.Backup on it")
        return [
            APIMethod(.get, "/cluster/backup", name: "index", description: "The backup jobs, with their next run.",
                      returns: .array(of: job).with { $0.childLink = "{id}" }, permissions: audit),
            APIMethod(.post, "/cluster/backup", name: "create_job", description: "Create a backup job.",
                      parameters: .object(options.merging(["id": id.optional()]) { _, new in new }), returns: .null,
                      permissions: modify, protected: true).refusing(vzdumpRefused.subtracting(["stdout"])),
            APIMethod(.get, "/cluster/backup/{id}", name: "read_job", description: "A backup job.",
                      parameters: .object(["id": id]), returns: job, permissions: audit),
            APIMethod(.put, "/cluster/backup/{id}", name: "update_job", description: "Change a backup job.",
                      parameters: .object(options.merging([
                          "id": id, "delete": Schema.string("Options to remove (comma-separated).", format: "pve-configid-list").optional(),
                      ]) { _, new in new }),
                      returns: .null, permissions: modify, protected: true).refusing(vzdumpRefused.subtracting(["stdout"])),
            APIMethod(.delete, "/cluster/backup/{id}", name: "delete_job", description: "Remove a backup job.",
                      parameters: .object(["id": id]), returns: .null, permissions: modify, protected: true),
            APIMethod(.get, "/cluster/backup/{id}/included_volumes", name: "get_volume_backup_included",
                      description: "The guests and volumes the job backs up, and why.",
                      parameters: .object(["id": id]),
                      returns: .object(["children": .array(of: Schema.object([:]).allowingAdditional(), "Guests with their volumes.")]),
                      permissions: audit),
        ]
    }
}
