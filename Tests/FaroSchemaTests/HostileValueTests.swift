import FaroModel
import FaroSchema
import Testing

/// Values an attacker sends: numbers past `Int`, control characters, line breaks.
@Suite struct HostileValueTests {
    let schema = Schema.object([
        "count": Schema.integer(minimum: 1).optional(),
        "ratio": Schema.number(minimum: 0).optional(),
        "name": Schema.string().optional(),
        "net0": Schema.propertyString(["bridge": Schema.string().optional()]).optional(),
        "notes": Schema.string().multiline().optional(),
    ])

    func errors(_ input: [String: JSONValue]) -> [String: String] {
        do {
            _ = try SchemaValidator.validateParameters(input, schema: schema)
            return [:]
        } catch {
            return error.errors
        }
    }

    @Test func integersThatDoNotFitAreRefusedNotTrapped() {
        for value: JSONValue in [.double(1e19), .double(-1e19), .double(9_223_372_036_854_775_808), .string("1e19"),
            .string("9223372036854775808"), .string("-9223372036854775809"), .double(.infinity), .double(.nan)]
        {
            #expect(errors(["count": value])["count"]?.hasPrefix("type check ('integer') failed") == true, "\(value)")
        }
        #expect(errors(["count": .double(5)]).isEmpty, "a whole double still counts")
        #expect(errors(["ratio": .double(.infinity)])["ratio"] != nil)
        #expect(errors(["ratio": .string("1e999999")])["ratio"] != nil)
    }

    @Test func controlCharactersAreRefusedInEveryString() {
        #expect(errors(["name": "192.0.2.1\nlxc.mount.entry: /x mnt none bind 0 0"])["name"] == "value must be a single line")
        #expect(errors(["name": "a\rb"])["name"] == "value must be a single line")
        #expect(errors(["name": "a\u{0}b"])["name"] == "value must not contain control characters")
        #expect(errors(["name": "a\u{1B}[2Jb"])["name"] == "value must not contain control characters")
        #expect(errors(["name": "a\u{7F}"])["name"] == "value must not contain control characters")
        #expect(errors(["net0": "bridge=vmbr0\nmp1: /x,mp=/y"])["net0"] == "value must be a single line")
        #expect(errors(["name": "tab\there"])["name"] == "value must not contain control characters")
        #expect(errors(["name": "ünïcode is fine"]).isEmpty)
    }

    @Test func multilineTextsTakeLineBreaksButNoOtherControls() {
        #expect(errors(["notes": "first line\nsecond\r\n\tindented"]).isEmpty)
        #expect(errors(["notes": "nul \u{0} inside"])["notes"] == "value must not contain control characters")
    }

    @Test func aRepeatedParameterIsNamedByItsCountNotEchoed() {
        let many = JSONValue.array(Array(repeating: .string("x"), count: 10_000))
        #expect(errors(["name": many])["name"] == "type check ('string') failed - got a list of 10000 values")
    }
}
