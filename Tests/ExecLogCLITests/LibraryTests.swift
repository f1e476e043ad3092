import ExecLogCLI
import ExecLogModel
import ExecLogPricing
import ExecLogStore
import ExecLogWire
import Foundation
import Testing

@Suite("TimeArguments")
struct TimeArgumentsTests {
    @Test(
        "durations with a unit",
        arguments: [
            ("45s", 45.0), ("90m", 5_400), ("12h", 43_200), ("30d", 2_592_000), ("2w", 1_209_600), ("1.5h", 5_400),
            ("0s", 0), ("10d", 864_000),
        ])
    func goodDuration(text: String, seconds: Double) throws {
        #expect(try TimeArguments.duration(text) == seconds)
    }

    @Test(
        "durations without a number or a known unit are refused",
        arguments: ["", "30", "30x", "d", "-5d", "+5d", "1e3s", "5 d", " 5d", "5D", "nand", "infd", "1.2.3h", "½d", "٣d", "30dd"])
    func badDuration(text: String) {
        #expect(throws: CLIError.self) { try TimeArguments.duration(text) }
        do {
            _ = try TimeArguments.duration(text)
        } catch {
            #expect(error.description.hasPrefix("invalid duration \(text.debugDescription)"))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test("times: RFC 3339, a date, a date and time without zone, a duration ago")
    func goodTimes() throws {
        let midnight = Date(timeIntervalSince1970: 1_795_737_600)  // 2026-11-27T00:00:00Z
        #expect(try TimeArguments.time("2026-11-27") == midnight)
        #expect(try TimeArguments.time("2026-11-27T10:00:00Z") == midnight.addingTimeInterval(36_000))
        #expect(try TimeArguments.time("2026-11-27T12:00:00+02:00") == midnight.addingTimeInterval(36_000))
        #expect(try TimeArguments.time("2026-11-27T10:00:00") == midnight.addingTimeInterval(36_000))
        #expect(try TimeArguments.time("2026-11-27 10:00") == midnight.addingTimeInterval(36_000))
        #expect(try TimeArguments.time("2026-11-27T10:00:00.250Z") == midnight.addingTimeInterval(36_000.25))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try TimeArguments.time("24h", now: now) == now.addingTimeInterval(-86_400))
        #expect(try TimeArguments.time("7d", now: now) == now.addingTimeInterval(-604_800))
        #expect(try TimeArguments.time("0s", now: now) == now)
    }

    @Test(
        "times that are neither a date nor a duration are refused",
        arguments: [
            "yesterday-ish", "", "yesterday", "2026-02-30", "2026-13-01", "2026-11-27T25:00:00Z", "10:00", "2026/11/27",
            "27-11-2026", "2026-11-27T10:00:00Q", "24", "-24h",
        ])
    func badTime(text: String) {
        #expect(throws: CLIError.self) { try TimeArguments.time(text) }
        do {
            _ = try TimeArguments.time(text)
        } catch {
            #expect(error.description.hasPrefix("invalid time \(text.debugDescription)"))
            #expect(!error.description.contains("\n"))
        }
    }
}

@Suite("Formatting")
struct FormattingTests {
    @Test(
        "count groups thousands",
        arguments: [
            (0, "0"), (7, "7"), (999, "999"), (1_000, "1,000"), (12_345, "12,345"), (1_234_567, "1,234,567"),
            (-1_234, "-1,234"), (-999, "-999"), (Int.max, "9,223,372,036,854,775,807"),
            (Int.min, "-9,223,372,036,854,775,808"),
        ])
    func count(value: Int, text: String) {
        #expect(Formatting.count(value) == text)
    }

    /// The cases the page's formatter is tested against too (Tests/formatting/durations.json).
    static let durationCases: [(Double, String)] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("formatting/durations.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = object["cases"] as? [[Any]]
        else { return [] }
        return cases.compactMap { pair in
            guard pair.count == 2, let ms = (pair[0] as? NSNumber)?.doubleValue, let text = pair[1] as? String else { return nil }
            return (ms, text)
        }
    }()

    @Test func theSharedDurationCasesAreRead() {
        #expect(Self.durationCases.count >= 20)
    }

    @Test("milliseconds at the boundaries the page shares", arguments: durationCases)
    func millisecondsShared(value: Double, text: String) {
        #expect(Formatting.milliseconds(value) == text)
        if value == value.rounded() { #expect(Formatting.milliseconds(Int(value)) == text) }
    }

    @Test(
        "milliseconds of an Int",
        arguments: [
            (nil, "–"), (850, "850 ms"), (59_000, "59.00 s"), (754_000, "12m 34s"), (9_000_000, "2h 30m"),
            (2_232_000_000, "25d 20h"),
        ] as [(Int?, String)])
    func millisecondsInt(value: Int?, text: String) {
        #expect(Formatting.milliseconds(value) == text)
    }

    @Test(
        "milliseconds of a Double",
        arguments: [(nil, "–"), (0, "0 ms"), (12.4, "12 ms"), (850.0, "850 ms"), (1_500, "1.50 s"), (754_000, "12m 34s")]
            as [(Double?, String)])
    func millisecondsDouble(value: Double?, text: String) {
        #expect(Formatting.milliseconds(value) == text)
    }

    @Test func percent() {
        #expect(Formatting.percent(0) == "0.00%")
        #expect(Formatting.percent(0.0312) == "3.12%")
        #expect(Formatting.percent(1) == "100.00%")
    }
}

/// Pages for the renderers, read from a real store so that they are what `list` renders.
private func withPage(
    _ executions: [Execution], limit: Int = 50, _ body: (ExecutionPage) throws -> Void
) throws {
    try withTemporaryFolder { folder in
        let path = folder.appendingPathComponent("page.db").path
        try SeededStore.insert(executions, into: path)
        let page = try ExecutionStore(path: path, mode: .readOnly).list(limit: limit)
        try body(page)
    }
}

private let base = Date(timeIntervalSince1970: 1_795_777_000)

private let sampleExecutions: [Execution] = [
    Execution(
        id: UUID(uuidString: "01a21c58-7419-7000-8000-000000000001")!, usageType: "interview",
        inputTokens: 1_200, outputTokens: 34, totalTokens: 1_234, provider: "anthropic",
        modelName: "claude-sonnet-4-5", executionTimeMs: 1_234, createdAt: base),
    Execution(
        id: UUID(uuidString: "01a21c58-7419-7000-8000-000000000002")!, usageType: "general", provider: "openai",
        modelName: "gpt-5", errorMessage: "rate limited, \"slow down\"\nthen retry", createdAt: base.addingTimeInterval(-60)),
    Execution(
        id: UUID(uuidString: "01a21c58-7419-7000-8000-000000000003")!, usageType: "task_execution",
        inputTokens: 5, outputTokens: 6, totalTokens: 11, provider: "google", modelName: "gemini-2.5-pro",
        executionTimeMs: 80, createdAt: base.addingTimeInterval(-120)),
]

@Suite("ListRenderer")
struct ListRendererTests {
    @Test("CSV: header, CRLF lines, fields with a comma, quote or newline quoted")
    func csv() throws {
        try withPage(sampleExecutions) { page in
            let text = ListRenderer.csv(page)
            #expect(
                text.hasPrefix(
                    "id,created_at,usage_type,provider,model_name,input_tokens,output_tokens,total_tokens,execution_time_ms,status,error_message,total_cost_usd,cost_source,trace_id,session_id,user_id\r\n"
                ))
            #expect(text.contains("\"rate limited, \"\"slow down\"\"\nthen retry\",0,price,,,\r\n"))
            #expect(
                text.contains(
                    "01a21c58-7419-7000-8000-000000000001,2026-11-27T10:56:40.000Z,interview,anthropic,claude-sonnet-4-5,1200,34,1234,1234,ok,,0.00411,price,,,\r\n"
                ))
            let records = parseCSV(text)
            try #require(records.count == 4)
            #expect(records.allSatisfy { $0.count == ListRenderer.csvColumns.count })
            #expect(records[0] == ListRenderer.csvColumns)
            #expect(records[2][0] == "01a21c58-7419-7000-8000-000000000002")
            // A failed call that reported no usage was not billed: $0, priced.
            #expect(records[2][5...] == ["", "", "", "", "error", "rate limited, \"slow down\"\nthen retry", "0", "price", "", "", ""])
            // 1,200 input × $3/M + 34 output × $15/M; 5 × $1.25/M + 6 × $10/M.
            #expect(records[1][11...] == ["0.00411", "price", "", "", ""])
            #expect(records[3][11...] == ["0.00006625", "price", "", "", ""])
            #expect(records.dropFirst().map { $0[0] } == page.executions.map(\.id))
        }
    }

    @Test("CSV of an empty page is the header alone")
    func emptyCSV() throws {
        try withPage([]) { page in
            #expect(ListRenderer.csv(page) == ListRenderer.csvColumns.joined(separator: ",") + "\r\n")
        }
    }

    @Test("JSON: executions and next_cursor, every item key present, nulls written")
    func json() throws {
        try withPage(sampleExecutions, limit: 2) { page in
            let object = try jsonObject(ListRenderer.json(page))
            #expect(Set(object.keys) == ["executions", "next_cursor"])
            let cursor = try #require(object["next_cursor"] as? String)
            #expect(cursor == page.nextCursor?.description)
            #expect(try ListCursor(parsing: cursor) == page.nextCursor)
            let items = try #require(object["executions"] as? [[String: Any]])
            try #require(items.count == 2)
            let keys: Set<String> = [
                "id", "usage_type", "provider", "model_name", "input_tokens", "output_tokens", "total_tokens",
                "error_message", "created_at", "execution_time_ms", "cost_nano_usd", "cost_source", "trace_id",
                "session_id", "user_id",
            ]
            for item in items { #expect(Set(item.keys) == keys) }
            #expect(items[0]["cost_nano_usd"] as? Int == 4_110_000 && items[0]["cost_source"] as? String == "price")
            #expect(items[0]["id"] as? String == "01a21c58-7419-7000-8000-000000000001")
            #expect(items[0]["usage_type"] as? String == "interview")
            #expect(items[0]["provider"] as? String == "anthropic")
            #expect(items[0]["model_name"] as? String == "claude-sonnet-4-5")
            #expect(items[0]["input_tokens"] as? Int == 1_200)
            #expect(items[0]["output_tokens"] as? Int == 34)
            #expect(items[0]["total_tokens"] as? Int == 1_234)
            #expect(items[0]["execution_time_ms"] as? Int == 1_234)
            #expect(items[0]["created_at"] as? String == "2026-11-27T10:56:40.000Z")
            #expect(items[0]["error_message"] is NSNull)
            for key in ["input_tokens", "output_tokens", "total_tokens", "execution_time_ms"] {
                #expect(items[1][key] is NSNull, "\(key)")
            }
            #expect(items[1]["error_message"] as? String == "rate limited, \"slow down\"\nthen retry")
        }
    }

    @Test("JSON of the last page has next_cursor null")
    func jsonLastPage() throws {
        try withPage(sampleExecutions) { page in
            let object = try jsonObject(ListRenderer.json(page))
            #expect(object["next_cursor"] is NSNull)
            #expect((object["executions"] as? [Any])?.count == 3)
        }
        try withPage([]) { page in
            let object = try jsonObject(ListRenderer.json(page))
            #expect(object["next_cursor"] is NSNull)
            #expect((object["executions"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("table without style: the header, one line per execution, no escape codes")
    func plainTable() throws {
        try withPage(sampleExecutions, limit: 2) { page in
            let text = ListRenderer.table(page, style: TerminalStyle(enabled: false))
            #expect(!text.contains("\u{1B}"))
            let lines = text.split(separator: "\n").map(String.init)
            try #require(lines.count == 4)
            let header = lines[0].split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            #expect(header.hasPrefix("Time Usage Type Provider Model Tokens Cost Duration Status"))
            #expect(lines[1].contains("$0.004110"))
            var position = lines[0].startIndex
            for column in ["Time", "Usage Type", "Provider", "Model", "Tokens", "Cost", "Duration", "Status"] {
                let found = try #require(lines[0].range(of: column, range: position..<lines[0].endIndex), "\(column)")
                position = found.upperBound
            }
            #expect(lines[1].contains("interview") && lines[1].contains("1,234 (1,200/34)"))
            #expect(lines[1].contains("1.23 s") && lines[1].contains("OK"))
            #expect(lines[2].contains("ERROR") && lines[2].contains("gpt-5"))
            #expect(lines[3] == "More: --after \(page.nextCursor!.description)")
            #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
        }
    }

    @Test("table with style: bold header, coloured status")
    func styledTable() throws {
        try withPage(sampleExecutions) { page in
            let text = ListRenderer.table(page, style: TerminalStyle(enabled: true))
            #expect(text.hasPrefix("\u{1B}[1mTime"))
            #expect(text.contains("\u{1B}[31mERROR"))
            #expect(text.contains("\u{1B}[32mOK"))
        }
    }

    @Test("table of an empty page says so")
    func emptyTable() throws {
        try withPage([]) { page in
            #expect(ListRenderer.table(page, style: TerminalStyle(enabled: false)) == "No executions match.\n")
        }
    }

    @Test("render dispatches on the format")
    func render() throws {
        try withPage(sampleExecutions) { page in
            let plain = TerminalStyle(enabled: false)
            let csv = try ListRenderer.render(page, format: .csv, style: plain)
            let json = try ListRenderer.render(page, format: .json, style: plain)
            let table = try ListRenderer.render(page, format: .table, style: plain)
            #expect(csv == ListRenderer.csv(page))
            #expect(json == (try ListRenderer.json(page)))
            #expect(table == ListRenderer.table(page, style: plain))
        }
    }
}

@Suite("StatsReport")
struct StatsReportTests {
    static let keys: Set<String> = [
        "total_executions", "total_input_tokens", "total_output_tokens", "total_tokens", "executions_by_provider",
        "executions_by_usage_type", "avg_execution_time_ms", "executions_by_model", "tokens_by_provider",
        "tokens_by_usage_type", "tokens_by_model", "error_count", "error_rate", "p50_execution_time_ms",
        "p95_execution_time_ms", "p99_execution_time_ms", "dropped_by_emitters", "emitters_with_drops",
        "total_cost_nano_usd", "total_cost_usd", "error_cost_nano_usd", "unpriced_executions", "cost_nano_usd_by_provider",
        "cost_nano_usd_by_usage_type", "cost_nano_usd_by_model", "unpriced_executions_by_model",
        "unpriced_executions_by_provider", "unpriced_executions_by_usage_type",
    ]

    @Test("JSON of empty stats: every key, absent average and percentiles as null")
    func emptyJSON() throws {
        let object = try jsonObject(StatsReport.json(ExecutionStats(), drops: EmitterDropTotals()))
        #expect(Set(object.keys) == Self.keys)
        #expect(object["total_executions"] as? Int == 0)
        #expect(object["error_rate"] as? Double == 0)
        for key in ["avg_execution_time_ms", "p50_execution_time_ms", "p95_execution_time_ms", "p99_execution_time_ms"] {
            #expect(object[key] is NSNull, "\(key)")
        }
        #expect((object["executions_by_provider"] as? [String: Any])?.isEmpty == true)
    }

    @Test("JSON carries the values")
    func filledJSON() throws {
        var stats = ExecutionStats()
        stats.totalExecutions = 3
        stats.totalInputTokens = 100
        stats.totalOutputTokens = 20
        stats.totalTokens = 120
        stats.executionsByProvider = ["openai": 2, "anthropic": 1]
        stats.executionsByUsageType = ["general": 3]
        stats.executionsByModel = ["gpt-5": 2, "claude-haiku-4-5": 1]
        stats.tokensByProvider = ["openai": 100, "anthropic": 20]
        stats.errorCount = 1
        stats.errorRate = 1.0 / 3
        stats.avgExecutionTimeMs = 250.5
        stats.p50ExecutionTimeMs = 200
        stats.p95ExecutionTimeMs = 300
        stats.p99ExecutionTimeMs = 301
        let object = try jsonObject(StatsReport.json(stats, drops: EmitterDropTotals()))
        #expect(Set(object.keys) == Self.keys)
        #expect(object["total_executions"] as? Int == 3)
        #expect(object["total_tokens"] as? Int == 120)
        #expect(object["executions_by_provider"] as? [String: Int] == ["openai": 2, "anthropic": 1])
        #expect(object["tokens_by_provider"] as? [String: Int] == ["openai": 100, "anthropic": 20])
        #expect(object["error_count"] as? Int == 1)
        #expect(object["avg_execution_time_ms"] as? Double == 250.5)
        #expect(object["p99_execution_time_ms"] as? Int == 301)
        let decoded = try JSONDecoder().decode(ExecutionStats.self, from: Data(StatsReport.json(stats, drops: EmitterDropTotals()).utf8))
        #expect(decoded == stats)
    }

    @Test("drops reported by emitters: in the JSON beside the stats, and a section of the text")
    func drops() throws {
        let drops = EmitterDropTotals(dropped: 1_234, emitters: 2, reports: 5)
        let object = try jsonObject(StatsReport.json(ExecutionStats(), drops: drops))
        #expect(Set(object.keys) == Self.keys)
        #expect(object["dropped_by_emitters"] as? Int == 1_234)
        #expect(object["emitters_with_drops"] as? Int == 2)
        #expect(object["total_executions"] as? Int == 0)

        let plain = TerminalStyle(enabled: false)
        let text = StatsReport.text(ExecutionStats(), drops: drops, style: plain)
        #expect(text.hasSuffix("\nEmitter drops (time window only)\n  Dropped by emitters   1,234 (from 2 emitters)\n"))
        let none = StatsReport.text(ExecutionStats(), drops: EmitterDropTotals(), style: plain)
        #expect(none.hasSuffix("\n  Dropped by emitters   0\n"))
        let one = StatsReport.text(ExecutionStats(), drops: EmitterDropTotals(dropped: 1, emitters: 1, reports: 1), style: plain)
        #expect(one.contains("Dropped by emitters   1 (from 1 emitter)\n"))
    }

    @Test("text without style has the sections and no escape codes")
    func plainText() {
        var stats = ExecutionStats()
        stats.totalExecutions = 1_234
        stats.errorCount = 12
        stats.errorRate = 12.0 / 1_234
        stats.executionsByProvider = ["openai": 1_234]
        stats.tokensByProvider = ["openai": 99_000]
        let text = StatsReport.text(stats, drops: EmitterDropTotals(), style: TerminalStyle(enabled: false))
        #expect(!text.contains("\u{1B}"))
        for part in ["Executions", "Total", "1,234", "Errors", "12 (0.97%)", "Tokens", "By provider", "99,000"] {
            #expect(text.contains(part), "\(part)")
        }
    }
}
