import FaroSchema

extension APISpec {
    static var qemuConsoleMethods: [APIMethod] {
        let console = PermissionCheck.privileges(path: vmidPath, ["VM.Console"])
        return [
            APIMethod(
                .post, "/nodes/{node}/qemu/{vmid}/vncproxy", name: "vncproxy",
                description: "Prepares a VNC console of a running VM: a one-time VNC password set in QEMU and a ticket for "
                    + "`vncwebsocket`, valid for 40 seconds. A task runs while the console is connected.",
                parameters: .object(
                    vmParameters.merging([
                        "websocket": Schema.boolean("Prepare for a websocket upgrade (always possible).").optional(),
                        "generate-password": Schema.boolean("Deprecated: a password is always generated.").optional()
                            .defaulting(0),
                    ]) { _, new in new }),
                returns: .object([
                    "user": .string("The user the ticket is for."),
                    "ticket": .string("The ticket for `vncwebsocket` (`vncticket`)."),
                    "cert": .string("The node's TLS certificate (PEM)."),
                    "port": .integer("The console's number, passed to `vncwebsocket`."),
                    "upid": .string("The console task."),
                    "password": Schema.string("The VNC password (printable ASCII).").optional(),
                ]),
                permissions: .check(console), protected: true, proxyTo: "node"
            ),
            APIMethod(
                .get, "/nodes/{node}/qemu/{vmid}/vncwebsocket", name: "vncwebsocket",
                description: "Upgrades the connection to a websocket carrying the VM's VNC stream (binary frames). Needs the "
                    + "`vncticket` and `port` of a `vncproxy` call made by the same user less than 40 seconds before.",
                parameters: .object(
                    vmParameters.merging([
                        "port": .integer("Port number returned by the vncproxy call.", minimum: 5900, maximum: 5999),
                        "vncticket": Schema.string("Ticket from the vncproxy call.", maxLength: 512),
                    ]) { _, new in new }),
                returns: .object(["port": .string("The console's number.")]),
                permissions: .check(console, note: "You also need to pass a valid ticket (vncticket)."), proxyTo: "node"
            ),
            APIMethod(
                .put, "/nodes/{node}/qemu/{vmid}/sendkey", name: "vm_sendkey",
                description: "Send a key combination to a running VM, in QEMU's monitor notation: key names joined by `-` "
                    + "(`ctrl-alt-delete`, `shift-a`, `kp_enter`), or key codes such as `0x1d`.",
                parameters: .object(
                    vmParameters.merging([
                        "key": .string("The key (qemu monitor encoding)."),
                        "skiplock": skiplock,
                    ]) { _, new in new }),
                returns: .null,
                permissions: .check(console), protected: true, proxyTo: "node"
            ),
        ]
    }
}
