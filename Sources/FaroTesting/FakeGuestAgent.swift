import FaroModel

/// Replies of a QEMU guest agent for `FakeQMPServer` (started with no greeting): `guest-sync`
/// echoes its id after a stale line a previous client left behind, `guest-ping`, an OS,
/// `guest-exec` of pid 77 whose output is `hi\n`; anything else is `CommandNotFound`.
public enum FakeGuestAgent {
    public static func replies(_ request: FakeQMPServer.Request) -> [FakeQMPServer.Action] {
        switch request.command {
        case "guest-sync": return [.line(#"{"return": {}}"#), .reply(request.arguments["id"] ?? .null)]
        case "guest-ping": return [.reply(.object([:]))]
        case "guest-get-osinfo": return [.reply(.object(["id": "faro-fake", "name": "Fake Linux", "kernel-release": "6.1.0"]))]
        case "guest-exec": return [.reply(.object(["pid": 77]))]
        case "guest-exec-status":
            return [.reply(.object(["exited": true, "exitcode": 0, "out-data": .string("aGkK")]))]
        default: return [.error(class: "CommandNotFound", description: "The command \(request.command) has not been found")]
        }
    }
}
