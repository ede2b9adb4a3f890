import FaroAPI
import Testing

/// termproxy's framing as xterm.js clients send it: the first line authenticates, then
/// messages that websocket frames may split or bundle.
@Suite struct TermproxyDecoderTests {
    static func decode(_ chunks: [String]) throws -> [TermproxyMessage] {
        var decoder = TermproxyDecoder()
        return try chunks.flatMap { try decoder.feed(Array($0.utf8)) }
    }

    @Test func firstLineIsTheUserAndTicket() throws {
        #expect(try Self.decode(["root@pam:PVEVNC:6560E1A0::c2lnbmF0dXJl\n"])
            == [.authentication(user: "root@pam", ticket: "PVEVNC:6560E1A0::c2lnbmF0dXJl")])
        #expect(try Self.decode(["alice@pve!tok:PVEVNC:1::x\n2"]) == [.authentication(user: "alice@pve!tok", ticket: "PVEVNC:1::x"), .ping])
    }

    @Test func messagesBundledInOneFrame() throws {
        let messages = try Self.decode(["u@pam:t\n0:3:ls\r1:120:40:20:5:a:b\nc"])
        #expect(messages == [
            .authentication(user: "u@pam", ticket: "t"), .input(Array("ls\r".utf8)), .resize(columns: 120, rows: 40), .ping,
            .input(Array("a:b\nc".utf8)),
        ])
    }

    @Test func messagesSplitAcrossFrames() throws {
        let whole = "u@pam:ticket\n0:6:héllo1:80:24:2"
        let expected: [TermproxyMessage] = [
            .authentication(user: "u@pam", ticket: "ticket"), .input(Array("héllo".utf8)), .resize(columns: 80, rows: 24), .ping,
        ]
        // Every split point, byte by byte: the length counts UTF-8 bytes, not characters.
        let bytes = Array(whole.utf8)
        for split in 1..<bytes.count {
            var decoder = TermproxyDecoder()
            let messages = try decoder.feed(bytes[..<split]) + decoder.feed(bytes[split...])
            #expect(messages == expected, "split at \(split)")
        }
        var decoder = TermproxyDecoder()
        #expect(try bytes.flatMap { try decoder.feed([$0]) } == expected)
    }

    @Test func incompleteMessagesWait() throws {
        var decoder = TermproxyDecoder()
        #expect(try decoder.feed(Array("u@pam:tick".utf8)) == [])
        #expect(try decoder.feed(Array("et\n0:10:abc".utf8)) == [.authentication(user: "u@pam", ticket: "ticket")])
        #expect(try decoder.feed(Array("defghij1:9".utf8)) == [.input(Array("abcdefghij".utf8))])
        #expect(try decoder.feed(Array("9:".utf8)) == [])
        #expect(try decoder.feed(Array("7:".utf8)) == [.resize(columns: 99, rows: 7)])
    }

    @Test func malformedStreamsAreRefused() {
        for stream in ["no-colon\n", ":ticket-without-user\n", "u@pam:t\n3", "u@pam:t\n0:x:", "u@pam:t\n0::", "u@pam:t\n1:80;24:",
            "u@pam:t\n0:99999999999:"]
        {
            #expect(throws: TermproxyError.self, "\(stream)") { try Self.decode([stream]) }
        }
        #expect(throws: TermproxyError.badAuthentication) { try Self.decode([String(repeating: "x", count: 5000)]) }
        #expect(throws: TermproxyError.self) { try Self.decode(["u@pam:t\n0:2000000:"]) }
    }
}
