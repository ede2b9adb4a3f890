import FaroSchema

extension APISpec {
    static let taskListItem = Schema.object([
        "upid": .string("The task's unique ID."),
        "node": .string("Node the task runs on."),
        "pid": .integer("Process id of the worker."),
        "pstart": .integer("Start time of the worker process in clock ticks."),
        "starttime": .integer("Start time (epoch)."),
        "type": .string("Task type, e.g. `qmstart`."),
        "id": .string("Object id the task works on (a VMID or empty)."),
        "user": .string("Who started the task."),
        "tokenid": Common.field(.string(), "The API token that started the task."),
        "endtime": Common.field(.integer(), "End time (epoch)."),
        "status": Common.field(.string(), "Exit status once the task ended: `OK`, `WARNINGS: n` or the error."),
    ])

    static var taskMethods: [APIMethod] {
        let nodeAndUPID = Schema.object(["node": Common.node, "upid": Common.upid])
        return [
            APIMethod(
                .get, "/nodes/{node}/tasks", name: "node_tasks",
                description: "The tasks of one node, newest first.",
                parameters: .object([
                    "node": Common.node,
                    "start": Schema.integer("Skip this many tasks.", minimum: 0).defaulting(0).optional(),
                    "limit": Schema.integer("Return at most this many tasks.", minimum: 0).defaulting(50).optional(),
                    "userfilter": Schema.string("Only tasks of users whose id contains this text.").optional(),
                    "typefilter": Schema.string("Only tasks of this type (e.g. `qmstart`).").optional(),
                    "vmid": Common.vmid.describe("Only tasks for this guest.").optional(),
                    "since": Schema.integer("Only tasks started at or after this epoch.").optional(),
                    "until": Schema.integer("Only tasks started at or before this epoch.").optional(),
                    "errors": Schema.boolean("Only tasks that failed.").defaulting(false).optional(),
                    "source": Schema.enumeration(["archive", "active", "all"], "Finished tasks, running tasks, or both.")
                        .defaulting("archive").optional(),
                    "statusfilter": Schema.string("Only tasks with one of these states.", format: "pve-task-status-type-list")
                        .optional(),
                ]),
                returns: Schema.array(of: taskListItem).with { $0.childLink = "{upid}" },
                permissions: .anyUser(filter: "Lists the caller's own tasks, or all with 'Sys.Audit' on /nodes/<node>."),
                proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/tasks/{upid}", name: "upid_index",
                description: "Directory index of one task.",
                parameters: nodeAndUPID,
                returns: .index(link: "{name}"),
                permissions: .anyUser(filter: nil)
            ),
            APIMethod(
                .delete, "/nodes/{node}/tasks/{upid}", name: "stop_task",
                description: "Stop a running task: its worker is cancelled and its subprocesses are killed.",
                parameters: nodeAndUPID,
                permissions: .anyUser(filter: "The owner may stop a task; others need 'Sys.Modify' on /nodes/<node>."),
                protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/tasks/{upid}/log", name: "read_task_log",
                description: "Lines of a task's log, numbered from 1.",
                parameters: nodeAndUPID.adding([
                    "start": Schema.integer("First line to return (0-based).", minimum: 0).defaulting(0).optional(),
                    "limit": Schema.integer("Return at most this many lines.", minimum: 0).defaulting(50).optional(),
                    "download": Schema.boolean("Return the whole log file as text.").optional(),
                ]),
                returns: .array(of: .object([
                    "n": .integer("Line number (1-based)."),
                    "t": .string("Line text."),
                ])),
                permissions: .anyUser(filter: "The owner may read a task; others need 'Sys.Audit' on /nodes/<node>."),
                protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/tasks/{upid}/status", name: "read_task_status",
                description: "Whether a task runs, and its exit status once it stopped.",
                parameters: nodeAndUPID,
                returns: .object([
                    "upid": .string("The task's unique ID."),
                    "node": .string("Node."),
                    "pid": .integer("Worker process id."),
                    "pstart": .integer("Worker process start in clock ticks."),
                    "starttime": .integer("Start time (epoch)."),
                    "type": .string("Task type."),
                    "id": .string("Object id."),
                    "user": .string("Who started it."),
                    "status": .enumeration(["running", "stopped"], "Run state."),
                    "exitstatus": Common.field(.string(), "Only once stopped: `OK`, `WARNINGS: n` or the error text."),
                ]),
                permissions: .anyUser(filter: "The owner may read a task; others need 'Sys.Audit' on /nodes/<node>."),
                protected: true, proxyTo: "node"
            ),
        ]
    }
}
