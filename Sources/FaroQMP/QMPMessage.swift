import FaroModel

/// One line from the monitor, classified. Pure, so the protocol rules are tested without a socket.
enum QMPMessage: Sendable, Equatable {
    case greeting(QMPGreeting)
    /// `{"return": ..., "id": N}`
    case reply(id: JSONValue?, value: JSONValue)
    /// `{"error": {"class": ..., "desc": ...}, "id": N}`
    case failure(id: JSONValue?, errorClass: String, description: String)
    case event(QMPEvent)
    /// Valid JSON that is none of the above, or not JSON at all.
    case unrecognized(String)

    init(line: String) {
        guard let value = try? JSONParser.parse(line), case .object(let object) = value else {
            self = .unrecognized(line)
            return
        }
        if let result = object["return"] {
            self = .reply(id: object["id"], value: result)
        } else if let error = object["error"] {
            self = .failure(
                id: object["id"], errorClass: error["class"]?.stringValue ?? "GenericError",
                description: error["desc"]?.stringValue ?? JSONWriter.string(error))
        } else if let name = object["event"]?.stringValue {
            let stamp = object["timestamp"]
            self = .event(
                QMPEvent(
                    name: QMPEvent.Name(rawValue: name), data: object["data"] ?? .object([:]),
                    seconds: stamp?["seconds"]?.intValue ?? 0, microseconds: stamp?["microseconds"]?.intValue ?? 0))
        } else if let greeting = QMPGreeting(value) {
            self = .greeting(greeting)
        } else {
            self = .unrecognized(line)
        }
    }
}
