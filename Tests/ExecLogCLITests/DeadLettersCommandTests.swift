import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Testing

/// `execlog dead-letters`: why events were rejected, and a purge.
@Suite("execlog dead-letters") struct DeadLettersCommandTests {
    static func store(_ folder: TemporaryFolder) throws -> String {
        let path = folder.path("s.db")
        let letters = [
            DeadLetter(
                receivedAt: Date(timeIntervalSince1970: 1_790_000_000), reason: "usage_type: must not be empty",
                eventID: "0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f\u{1B}]0;owned\u{7}",
                payload: Array("{\"id\":\"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f\",\"usage_type\":\"\",\"note\":\"line1\nline2\"}".utf8)),
            DeadLetter(
                receivedAt: Date(timeIntervalSince1970: 1_790_000_060), reason: "invalid JSON: expected a value, found 'x' at byte 0",
                payload: Array(repeating: UInt8(ascii: "x"), count: 300) + [0x1B, 0xFF]),
        ]
        try ExecutionStore(path: path, mode: .create).insert([], deadLetters: letters)
        return path
    }

    @Test func listsTheNewestFirstWithReasonSizeIdAndAPayloadPrefix() throws {
        let folder = try TemporaryFolder()
        let path = try Self.store(folder)
        let output = try CLI.succeed(["dead-letters", "--db", path]).stdout
        #expect(output.hasPrefix("2 dead letters, "))
        let newest = try #require(output.range(of: "invalid JSON"))
        let older = try #require(output.range(of: "usage_type: must not be empty"))
        #expect(newest.lowerBound < older.lowerBound)
        #expect(output.contains("id 0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f\\u{1b}]0;owned\\u{7}"), "the id escaped: \(output)")
        #expect(output.contains(#""note":"line1\nline2"}"#), "a newline shown as \\n: \(output)")
        #expect(output.contains(String(repeating: "x", count: 120) + "…"), "a prefix, not all 302 bytes")
        #expect(!output.contains("\u{1B}") && !output.contains("\u{7}"), "no raw control characters reach the terminal")
    }

    @Test func jsonHasTheCountsAndEveryField() throws {
        let folder = try TemporaryFolder()
        let path = try Self.store(folder)
        let output = try CLI.succeed(["dead-letters", "--db", path, "--json", "--limit", "1"]).stdout
        let body = try JSONValue.parse(Data(output.utf8))
        #expect(body["count"] == 2)
        guard case .array(let items)? = body["dead_letters"] else {
            Issue.record("no dead_letters array: \(output)")
            return
        }
        #expect(items.count == 1)
        #expect(items[0]["reason"]?.stringValue?.hasPrefix("invalid JSON") == true)
        #expect(items[0]["payload_size"] == 302)
        #expect(items[0]["event_id"] == .null)
        #expect(items[0]["received_at"] == "2026-09-21T14:14:20.000Z")
    }

    @Test func purgeEmptiesThemAndSaysHowMany() throws {
        let folder = try TemporaryFolder()
        let path = try Self.store(folder)
        #expect(try CLI.succeed(["dead-letters", "--db", path, "--purge", "--yes"]).stdout == "Deleted 2 dead letters.\n")
        #expect(try ExecutionStore(path: path, mode: .readOnly).deadLetterTotals() == DeadLetterTotals())
        #expect(try CLI.succeed(["dead-letters", "--db", path, "--purge"]).stdout == "No dead letters.\n")
        #expect(try CLI.succeed(["dead-letters", "--db", path]).stdout.hasPrefix("0 dead letters"))
    }

    @Test func badArgumentsAreOneLine() throws {
        let folder = try TemporaryFolder()
        let path = try Self.store(folder)
        try CLI.fail(["dead-letters", "--db", path, "--limit", "0"], messageContains: "invalid --limit 0")
        try CLI.fail(["dead-letters", "--db", path, "--purge", "--json"], messageContains: "--purge and --json")
        try CLI.fail(["dead-letters", "--db", folder.path("none.db")], messageContains: "no execlog store at")
    }
}
