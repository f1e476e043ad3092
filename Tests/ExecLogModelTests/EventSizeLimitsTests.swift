import ExecLogModel
import Foundation
import Testing

@Suite struct EventSizeLimitsTests {
    static func event(_ extra: String = "") -> [UInt8] {
        Array(#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"u","provider":"p","model_name":"m","input_messages":[]\#(extra)}"#.utf8)
    }

    @Test func anEventAboveMaxEventBytesIsRefusedBeforeItIsParsed() throws {
        let limits = EventSizeLimits(maxEventBytes: 100, maxFieldBytes: 100)
        // Not JSON at all: the size is what refuses it, so it was never parsed.
        let notJSON = [UInt8](repeating: UInt8(ascii: "x"), count: 101)
        #expect(throws: ExecutionError(field: nil, "event of 101 bytes, more than max-event-bytes 100")) {
            try Execution.decodeEvent(notJSON, limits: limits)
        }
        #expect(throws: ExecutionError(field: nil, "invalid JSON: expected a value, found 'x' at byte 0")) {
            try Execution.decodeEvent(notJSON.prefix(100), limits: limits)
        }
    }

    @Test(arguments: [
        (#","system_prompt":"\#(String(repeating: "é", count: 6))""#, "system_prompt", 12),
        (#","response_content":"\#(String(repeating: "r", count: 11))""#, "response_content", 11),
        (#","error_message":"\#(String(repeating: "e", count: 11))""#, "error_message", 11),
        (#","execution_metadata":{"k":"\#(String(repeating: "m", count: 3))"}"#, "execution_metadata", 11),
    ])
    func aFieldAboveMaxFieldBytesIsRefusedAndNamed(extra: String, field: String, bytes: Int) throws {
        let limits = EventSizeLimits(maxEventBytes: 1_000, maxFieldBytes: 10)
        #expect(throws: ExecutionError(field: field, "\(bytes) bytes, more than max-field-bytes 10")) {
            try Execution.decodeEvent(Self.event(extra), limits: limits)
        }
        // Without limits (a library reading an event) only the protocol's own limits apply.
        #expect(throws: Never.self) { try Execution.decodeEvent(Self.event(extra)) }
    }

    /// `9e18` is 4 bytes as received and 19 digits as stored: an event under the field limit can
    /// still hold a JSON field over it, and is measured.
    @Test func numbersThatGrowWhenStoredAreMeasuredAsStored() throws {
        let numbers = Array(repeating: "9e18", count: 20).joined(separator: ",")
        let event = Self.event(#","execution_metadata":{"n":[\#(numbers)]}"#)
        let limits = EventSizeLimits(maxEventBytes: 1_000, maxFieldBytes: event.count)
        #expect(throws: ExecutionError(field: "execution_metadata", "407 bytes, more than max-field-bytes \(event.count)")) {
            try Execution.decodeEvent(event, limits: limits)
        }
    }

    @Test func input_messagesCountAsTheCompactJSONStored() throws {
        // Written with spaces: 4 bytes more as received than as stored (`["abcdefgh"]`, 12 bytes).
        let spaced = Self.event().map { $0 }  // `"input_messages":[]` replaced below
        let text = String(decoding: spaced, as: UTF8.self).replacingOccurrences(
            of: #""input_messages":[]"#, with: #""input_messages":[  "abcdefgh"  ]"#)
        #expect(try Execution.decodeEvent(Array(text.utf8), limits: EventSizeLimits(maxEventBytes: 1_000, maxFieldBytes: 12))
            .inputMessages == ["abcdefgh"])
        #expect(throws: ExecutionError(field: "input_messages", "12 bytes, more than max-field-bytes 11")) {
            try Execution.decodeEvent(Array(text.utf8), limits: EventSizeLimits(maxEventBytes: 1_000, maxFieldBytes: 11))
        }
    }
}
