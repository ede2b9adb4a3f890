import FaroSchema

extension APISpec {
    /// Terminal consoles: a container's console and the node's shell through termproxy.
    static var termproxyMethods: [APIMethod] {
        let vmConsole = PermissionCheck.privileges(path: vmidPath, ["VM.Console"])
        let nodeConsole = PermissionCheck.privileges(path: "/nodes/{node}", ["Sys.Console"])
        let ticketNote = "You also need to pass a valid ticket (vncticket)."
        let returns = Schema.object([
            "user": .string("The user (or API token) the ticket is for."),
            "ticket": .string("The console ticket, for `vncwebsocket` and the first line on the websocket."),
            "port": .integer("The console's number, passed to `vncwebsocket`."),
            "upid": .string("The console task."),
        ])
        func websocket(_ call: String) -> [String: Schema] {
            [
                "port": .integer("Port number returned by the \(call) call.", minimum: 5900, maximum: 5999),
                "vncticket": Schema.string("Ticket from the \(call) call.", maxLength: 512),
            ]
        }
        let websocketDescription = "Upgrades the connection to a websocket carrying a terminal in termproxy's framing: "
            + "the client first sends `USER:TICKET\\n` and gets `OK`, then sends `0:LEN:DATA` (input), "
            + "`1:COLS:ROWS:` (resize) and `2` (keep-alive); the terminal's output comes in binary frames. "
            + "Needs the `vncticket` and `port` of a termproxy call made by the same user less than 40 seconds before."
        return [
            APIMethod(
                .post, "/nodes/{node}/lxc/{vmid}/termproxy", name: "termproxy",
                description: "Prepares a terminal console of a running container (per its `cmode`: a tty, /dev/console "
                    + "or a shell) and a ticket for `vncwebsocket`, valid for 40 seconds. A task runs while it is connected.",
                parameters: .object(vmParameters), returns: returns,
                permissions: .check(vmConsole), protected: true, proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/lxc/{vmid}/vncwebsocket", name: "vncwebsocket",
                description: websocketDescription,
                parameters: .object(vmParameters.merging(websocket("termproxy")) { _, new in new }),
                returns: .object(["port": .string("The console's number.")]),
                permissions: .check(vmConsole, note: ticketNote), proxyTo: "node"),
            APIMethod(
                .post, "/nodes/{node}/termproxy", name: "termproxy",
                description: "Prepares a shell on the node and a ticket for `vncwebsocket`, valid for 40 seconds: root@pam "
                    + "is logged in as root, other users of the PAM realm get the login prompt, other realms are refused.",
                parameters: .object([
                    "node": Common.node,
                    "cmd": Schema.enumeration(["ceph_install", "login", "upgrade"],
                        "Run a specific command or default to login (only login is available).").optional().defaulting("login"),
                    "cmd-opts": Schema.string("Parameters for the command, as NUL-terminated strings.").optional()
                        .defaulting("").requiring("cmd"),
                ]),
                returns: returns, permissions: .check(nodeConsole), protected: true, proxyTo: "node"),
            APIMethod(
                .get, "/nodes/{node}/vncwebsocket", name: "vncwebsocket",
                description: websocketDescription,
                parameters: .object(["node": Common.node].merging(websocket("termproxy")) { _, new in new }),
                returns: .object(["port": .string("The console's number.")]),
                permissions: .check(nodeConsole, note: ticketNote), proxyTo: "node"),
        ]
    }
}
