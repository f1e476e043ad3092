import ExecLogModel
import Foundation
import Testing

/// `JSONValue.parse`: RFC 8259 over UTF-8 bytes, in time linear in the input however deep it nests.
@Suite struct JSONParsingTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    @Test func valuesAndNumbersAsDecodableMadeThem() throws {
        #expect(try Self.parse(#" {"a": [1, -2, 12.0, 1e3, 12.5, 9223372036854775807, 9223372036854775808, true, false, null]} "#)
            == ["a": [1, -2, 12, 1_000, 12.5, .int(Int64.max), .double(9_223_372_036_854_775_808), true, false, nil]])
        #expect(try Self.parse(#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude80\u0000""#) == .string("a\"\\/\u{8}\u{C}\n\r\té🚀\u{0}"))
        #expect(try Self.parse(#"{"k":1,"k":2}"#) == ["k": 2])
        #expect(try Self.parse("\"naïve 日本\"") == "naïve 日本")
    }

    @Test(arguments: [
        "", " ", "{", "[1,]", #"{"a":1,}"#, "{'a':1}", "[1 2]", "01", "1.", ".5", "-", "1e", "+1", "NaN", "Infinity",
        "1e400", "tru", "nul", #""\x""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "\"a\nb\"", "\"open",
        "/* c */ 1", "[1] x", "{} {}", "\u{FEFF}{}",
    ])
    func rejectsWhatIsNotOneJSONValue(_ text: String) {
        #expect(throws: (any Error).self) { try Self.parse(text) }
    }

    @Test func rejectsInvalidUTF8InStrings() throws {
        for invalid: [UInt8] in [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(throws: (any Error).self) { try JSONValue.parse([UInt8(ascii: "\"")] + invalid + [UInt8(ascii: "\"")]) }
            // The same after an escape (strings with one are copied, then checked).
            #expect(throws: (any Error).self) { try JSONValue.parse(Array(#""a\n"#.utf8) + invalid + [UInt8(ascii: "\"")]) }
        }
        #expect(try JSONValue.parse(Array("\"a\u{7F}b\"".utf8)) == "a\u{7F}b", "DEL is ASCII, needs no escape")
    }

    @Test func nestsUpTo512Levels() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try Self.parse(deepest) }
        #expect(throws: (any Error).self) { try Self.parse("[" + deepest + "]") }
    }

    /// Decoding a JSONValue through Decodable alone took about a second for one event whose input_messages
    /// nested 500 deep (cubic in the depth): a batch of such events stalled the writer's socket thread.
    @Test func aDeeplyNestedEventDecodesAsFastAsAFlatOne() throws {
        let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let objects = String(repeating: #"{"a":"#, count: 500) + "1" + String(repeating: "}", count: 500)
        let event = #"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"u","provider":"p","model_name":"m","#
            + #""input_messages":[\#(nested)],"execution_metadata":\#(objects)}"#
        let started = ContinuousClock.now
        for _ in 0..<20 {
            let execution = try Execution.decodeEvent(Data(event.utf8))
            #expect(execution.inputMessages.isArray && execution.executionMetadata?.isObject == true)
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(2), "20 events nested 500 deep took \(elapsed)")
    }
}
