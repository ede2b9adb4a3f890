import FaroModel
import Testing

@testable import FaroQMP

@Suite struct QMPMessageTests {
    @Test func classifiesEachKindOfLine() {
        let greeting = #"{"QMP": {"version": {"qemu": {"micro": 1, "minor": 2, "major": 8}, "package": ""}, "capabilities": []}}"#
        #expect(QMPMessage(line: greeting) == .greeting(QMPGreeting(major: 8, minor: 2, micro: 1)))
        #expect(QMPMessage(line: #"{"return": {}, "id": 4}"#) == .reply(id: .int(4), value: .object([:])))
        #expect(
            QMPMessage(line: #"{"id": 5, "error": {"class": "GenericError", "desc": "no such device"}}"#)
                == .failure(id: .int(5), errorClass: "GenericError", description: "no such device"))
        let event = #"{"timestamp": {"seconds": 12, "microseconds": 34}, "event": "SHUTDOWN", "data": {"guest": true}}"#
        #expect(
            QMPMessage(line: event)
                == .event(QMPEvent(name: .shutdown, data: .object(["guest": .bool(true)]), seconds: 12, microseconds: 34)))
        #expect(QMPMessage(line: #"{"event": "STOP"}"#) == .event(QMPEvent(name: .stop)))
        #expect(QMPMessage(line: "{broken") == .unrecognized("{broken"))
        #expect(QMPMessage(line: "[1, 2]") == .unrecognized("[1, 2]"))
        #expect(QMPMessage(line: #"{"QMP": {}}"#) == .unrecognized(#"{"QMP": {}}"#))
    }
}
