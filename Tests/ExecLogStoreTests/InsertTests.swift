import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Testing

@Suite struct InsertTests {
    @Test func theSameBatchTwiceGivesOneRowPerExecution() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let batch = Fixtures.executions(500)
        #expect(try store.insert(batch) == InsertResult(stored: 500, duplicates: 0))
        #expect(try store.insert(batch) == InsertResult(stored: 0, duplicates: 500))
        #expect(try store.count() == 500)
    }

    @Test func aMixedBatchCountsNewAndKnownIds() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let executions = Fixtures.executions(100)
        try store.insert(Array(executions[0..<60]))
        #expect(try store.insert(Array(executions[40..<100])) == InsertResult(stored: 40, duplicates: 20))
        // A duplicate inside one batch is a duplicate too.
        #expect(try store.insert([executions[0], executions[0]]) == InsertResult(stored: 0, duplicates: 2))
        #expect(try store.count() == 100)
    }

    @Test func unicodeAndAOneMegabytePromptRoundTripByteForByte() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let unit = "naïve café 日本語 Ελληνικά עברית 🚀👩‍💻 \u{1F}\"\\\n\t"
        let megabyte = String(repeating: unit, count: 1_048_576 / unit.utf8.count + 1)
        let execution = Execution(
            usageType: "générál", inputMessages: [["role": "user", "content": .string(megabyte)]],
            systemPrompt: megabyte, responseContent: "✓ " + unit, provider: "anthropic", modelName: "claude-sonnet-4-5",
            executionMetadata: ["emoji": "🎉"], createdAt: Date(timeIntervalSince1970: 1_790_000_000.25),
            tags: ["ü", "日本"])
        #expect(megabyte.utf8.count > 1_048_576)
        try store.insert([execution])
        let stored = try store.execution(execution.idString)
        // Compared as Bools: a failing == on megabytes would make the test framework diff them for minutes.
        #expect(Bool(stored == execution))
        #expect(Bool(Array(stored.systemPrompt!.utf8) == Array(megabyte.utf8)))
        guard case .array(let messages) = stored.inputMessages, case .string(let content)? = messages[0]["content"]
        else { Issue.record("input_messages lost its shape"); return }
        #expect(Bool(Array(content.utf8) == Array(megabyte.utf8)))
    }

    @Test func aNULCharacterSurvivesInJSONAndBecomesAReplacementCharacterInPlainText() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let execution = Execution(
            usageType: "general", inputMessages: [["content": "a\u{0}b"]], systemPrompt: "before\u{0}after",
            provider: "openai", modelName: "gpt-5")
        try store.insert([execution])
        let stored = try store.execution(execution.idString)
        #expect(stored.systemPrompt == "before\u{FFFD}after")
        #expect(stored.inputMessages == [["content": "a\u{0}b"]])
    }

    @Test func deadLettersKeepReasonAndABoundedPayload() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: DeadLetter.payloadLimit * 2)
        let result = try store.insert(
            Fixtures.executions(3),
            deadLetters: [
                DeadLetter(reason: "id: not a UUID", eventID: nil, payload: Array("{\"id\":1}".utf8)),
                DeadLetter(reason: "too big", eventID: "abc", payload: big),
            ])
        #expect(result.stored == 3)
        let letters = try store.deadLetters()
        #expect(letters.count == 2)
        #expect(letters[0].reason == "too big" && letters[0].eventID == "abc")
        #expect(letters[0].payloadSize == big.count && letters[0].payload.count == DeadLetter.payloadLimit)
        #expect(letters[1].payload == Array("{\"id\":1}".utf8))
        #expect(try store.deadLetterCount() == 2)
    }

    @Test func aSecondWriterWaitsForTheFirstInsteadOfFailing() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.db")
        let daemon = try ExecutionStore(path: path, mode: .create)
        let cli = try ExecutionStore(path: path, mode: .readWrite)
        let executions = Fixtures.executions(2_000)
        let group = DispatchGroup()
        let failures = LockedCounter()
        for chunk in stride(from: 0, to: 2_000, by: 100) {
            DispatchQueue.global().async(group: group) {
                do {
                    try (chunk % 200 == 0 ? daemon : cli).insert(Array(executions[chunk..<chunk + 100]))
                } catch {
                    failures.increment()
                }
            }
        }
        group.wait()
        #expect(failures.value == 0)
        #expect(try daemon.count() == 2_000)
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
