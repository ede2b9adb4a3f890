import FaroModel
import Foundation

/// Replies of a QEMU guest agent for `FakeQMPServer` (started with no greeting): `guest-sync`
/// echoes its id after a stale line a previous client left behind, `guest-ping`, an OS,
/// `guest-exec` of pid 77 whose output is `hi\n`, a file `/etc/hostname` to read and any file
/// to write, a password change, and shutdown and suspend to RAM without an answer; anything
/// else is `CommandNotFound`.
public enum FakeGuestAgent {
    public static func replies(_ request: FakeQMPServer.Request) -> [FakeQMPServer.Action] {
        switch request.command {
        case "guest-sync": return [.line(#"{"return": {}}"#), .reply(request.arguments["id"] ?? .null)]
        case "guest-ping": return [.reply(.object([:]))]
        case "guest-get-osinfo": return [.reply(.object(["id": "faro-fake", "name": "Fake Linux", "kernel-release": "6.1.0"]))]
        case "guest-exec": return [.reply(.object(["pid": 77]))]
        case "guest-exec-status":
            return [.reply(.object(["exited": true, "exitcode": 0, "out-data": .string("aGkK")]))]
        case "guest-file-open":
            guard request.arguments["path"] == "/etc/hostname" || request.arguments["mode"] != "r" else {
                return [.error(class: "GenericError", description: "failed to open file '\(request.arguments["path"]?.stringValue ?? "")'")]
            }
            return [.reply(1000)]
        // `/etc/hostname` holds `fakeguest\n`; reads honour `count`, so a short one is truncated.
        case "guest-file-read":
            let count = min(request.arguments["count"]?.intValue ?? 10, 10)
            let content = Array("fakeguest\n".utf8).prefix(count)
            return [.reply(.object(["count": .int(content.count), "buf-b64": .string(Data(content).base64EncodedString()), "eof": .bool(count >= 10)]))]
        case "guest-file-write":
            return [.reply(.object(["count": .int(request.arguments["buf-b64"]?.stringValue?.count ?? 0), "eof": false]))]
        case "guest-file-close", "guest-set-user-password": return [.reply(.object([:]))]
        // A guest going down does not answer.
        case "guest-shutdown", "guest-suspend-ram": return []
        default: return [.error(class: "CommandNotFound", description: "The command \(request.command) has not been found")]
        }
    }
}
