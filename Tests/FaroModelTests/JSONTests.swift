import FaroModel
import Testing

@Suite struct JSONTests {
    @Test func parsesAndWritesRoundTrip() throws {
        let text = #"{"a":[1,2.5,"x\n\"y\"",true,null],"b":{"c":-3},"d":"ünï"}"#
        let value = try JSONParser.parse(text)
        #expect(value["a"]?.arrayValue?.count == 5)
        #expect(value["b"]?["c"] == .int(-3))
        #expect(JSONWriter.string(value) == text)
    }

    @Test func integersStayIntegers() throws {
        #expect(try JSONParser.parse("42") == .int(42))
        #expect(try JSONParser.parse("4.0") == .double(4))
        #expect(try JSONParser.parse("1e3") == .double(1000))
    }

    @Test(arguments: ["{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "01x", "{}x", "\"\\u12\"", "\"\\ud800\""])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }

    @Test func boundsNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
    }

    @Test func escapesControlCharacters() {
        #expect(JSONWriter.string(.string("a\u{1}b\tc")) == #""a\u0001b\tc""#)
    }

    @Test func prettyPrintsWithSortedKeys() {
        let value: JSONValue = ["b": 1, "a": [true]]
        #expect(JSONWriter.string(value, pretty: true) == "{\n   \"a\": [\n      true\n   ],\n   \"b\": 1\n}")
    }
}

@Suite struct StrictJSONTests {
    @Test func duplicateKeysAreRefusedNamingTheKey() throws {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(#"{"a": 1, "a": 2}"#) }
        do {
            _ = try JSONParser.parse(#"{"max_workers": 4, "max_workers": 5}"#)
        } catch {
            #expect(error.reason == "duplicate key 'max_workers'")
        }
        #expect(try JSONParser.parse(#"{"a": {"b": 1}, "b": {"b": 2}}"#)["b"]?["b"] == 2, "the same key in two objects is fine")
    }

    @Test func numbersBeyondDoubleAreRefused() throws {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse("1e999999") }
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse("-1e400") }
        #expect(try JSONParser.parse("1e19") == .double(1e19))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
    }
}
