import ExecLogCLI
import ExecLogModel
import ExecLogPricing
import ExecLogStore
import ExecLogWire
import Foundation
import Testing

/// 2026-11-27T10:56:40Z, as the other report tests.
private let base = Date(timeIntervalSince1970: 1_795_777_000)

@Suite("ExecutionReport")
struct ExecutionReportTests {
    @Test("text has every section and the error, without escape codes when plain")
    func text() {
        let execution = Execution(
            id: UUID(uuidString: "01a21c58-7419-7000-8000-0000000000ff")!, usageType: "interview",
            inputMessages: [["role": "user", "content": "Hello"]], systemPrompt: "Be brief.", inputTokens: 3,
            provider: "anthropic", modelName: "claude-opus-4-1", temperature: 0.2, errorMessage: "overloaded_error",
            executionTimeMs: 420, createdAt: base, tags: ["retry", "x"])
        let cost = PriceBook.bundled.cost(of: execution, createdAt: Timestamp.format(execution.createdAt))
        let text = ExecutionReport.text(
            ExecutionRecord(execution: execution, cost: cost), prices: .bundled, style: TerminalStyle(enabled: false))
        #expect(!text.contains("\u{1B}"))
        #expect(text.hasPrefix("Execution 01a21c58-7419-7000-8000-0000000000ff\n"))
        for part in [
            "ERROR", "2026-11-27T10:56:40.000Z", "Token usage", "Parameters", "Error", "overloaded_error", "System prompt",
            "Be brief.", "Input messages", "\"Hello\"", "Response", "(none)", "420 ms", "retry, x", "0.2",
            // 3 input tokens at $15 per million: the failed call's tokens were billed.
            "3 tokens × $15/M = $0.000045", "Priced with", "anthropic/claude-opus-4-1",
        ] {
            #expect(text.contains(part), "\(part)")
        }
    }

    @Test("JSON has every field, absent ones as null")
    func json() throws {
        let execution = Execution(
            id: UUID(uuidString: "01a21c58-7419-7000-8000-0000000000fe")!, usageType: "general", provider: "openai",
            modelName: "gpt-5", createdAt: base)
        let object = try jsonObject(ExecutionReport.json(ExecutionRecord(execution: execution, cost: nil)))
        #expect(Set(object.keys) == Set(Execution.fieldNames + ["cost"]))
        #expect(object["cost"] is NSNull)
        #expect(object["id"] as? String == "01a21c58-7419-7000-8000-0000000000fe")
        #expect(object["error_message"] is NSNull)
        #expect(object["tags"] as? [String] == [])
    }

    @Test(arguments: [(0, "0 bytes"), (1_023, "1,023 bytes"), (1_024, "1 KiB"), (1_536, "1.5 KiB"), (32 << 20, "32 MiB"), (3 << 40, "3 TiB")])
    func bytesForPeople(value: Int, text: String) {
        #expect(Formatting.bytes(value) == text)
    }

    @Test func statusShowsTheWritersLimitsAndAnOlderWriterHasNone() throws {
        var status = WriterStatus()
        let plain = TerminalStyle(enabled: false)
        #expect(!StatusReport.text(status, style: plain).contains("Limits"))
        status.limits = WriterStatus.Limits(maxMessageBytes: 64 << 20, maxEventBytes: 32 << 20, maxFieldBytes: 1_536, maxBatchEvents: 500)
        #expect(StatusReport.text(status, style: plain).hasSuffix(
            "  Limits              32 MiB per event, 1.5 KiB per field, 500 events per batch, 64 MiB per frame\n"))
        let decoded = try #require(WriterStatus(json: status.json))
        #expect(decoded.limits == status.limits)
        #expect(WriterStatus(json: Array(#"{"stored":3}"#.utf8))?.limits == nil)
    }
}
