import ExecLogModel
import ExecLogStore
import Foundation
import Testing

/// One `list --json` page as the CLI printed it.
struct ListedPage {
    var ids: [String]
    var items: [[String: Any]]
    var nextCursor: String?

    init(_ result: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let object = try jsonObject(result.stdout, sourceLocation: sourceLocation)
        #expect(Set(object.keys) == ["executions", "next_cursor"], sourceLocation: sourceLocation)
        items = try #require(object["executions"] as? [[String: Any]], sourceLocation: sourceLocation)
        ids = items.compactMap { $0["id"] as? String }
        #expect(ids.count == items.count, sourceLocation: sourceLocation)
        let cursor = try #require(object["next_cursor"], "next_cursor missing", sourceLocation: sourceLocation)
        nextCursor = cursor as? String
        #expect(nextCursor != nil || cursor is NSNull, sourceLocation: sourceLocation)
    }
}

/// A filter given on the command line and the same filter computed by the test.
struct FilterCase: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: @Sendable (Date) -> [String]
    var matches: @Sendable (Execution, Date) -> Bool

    var testDescription: String { name }

    static func day(_ date: Date) -> String { String(Timestamp.format(date).prefix(10)) }

    static let all: [FilterCase] = [
        FilterCase(name: "--usage-type interview", arguments: { _ in ["--usage-type", "interview"] }) { e, _ in
            e.usageType == "interview"
        },
        FilterCase(name: "--provider openai", arguments: { _ in ["--provider", "openai"] }) { e, _ in
            e.provider == "openai"
        },
        FilterCase(name: "--model gpt-5", arguments: { _ in ["--model", "gpt-5"] }) { e, _ in e.modelName == "gpt-5" },
        FilterCase(name: "--status error", arguments: { _ in ["--status", "error"] }) { e, _ in e.isError },
        FilterCase(name: "--status OK (any case)", arguments: { _ in ["--status", "OK"] }) { e, _ in !e.isError },
        FilterCase(
            name: "--from/--to RFC 3339 on row times (from inclusive, to exclusive)",
            arguments: { now in
                [
                    "--from", Timestamp.format(now.addingTimeInterval(-50 * SeededStore.spacing)),
                    "--to", Timestamp.format(now.addingTimeInterval(-20 * SeededStore.spacing)),
                ]
            }
        ) { e, now in
            e.createdAt >= now.addingTimeInterval(-50 * SeededStore.spacing)
                && e.createdAt < now.addingTimeInterval(-20 * SeededStore.spacing)
        },
        FilterCase(
            name: "--from a date --to a date",
            arguments: { now in
                ["--from", day(now.addingTimeInterval(-9 * 86_400)), "--to", day(now.addingTimeInterval(-4 * 86_400))]
            }
        ) { e, now in
            let from = Timestamp.parseLenient(day(now.addingTimeInterval(-9 * 86_400)))!
            let to = Timestamp.parseLenient(day(now.addingTimeInterval(-4 * 86_400)))!
            return e.createdAt >= from && e.createdAt < to
        },
        FilterCase(name: "--from 3d", arguments: { _ in ["--from", "3d"] }) { e, now in
            e.createdAt >= now.addingTimeInterval(-3 * 86_400)
        },
        FilterCase(
            name: "--provider anthropic --status ok --from 10d",
            arguments: { _ in ["--provider", "anthropic", "--status", "ok", "--from", "10d"] }
        ) { e, now in
            e.provider == "anthropic" && !e.isError && e.createdAt >= now.addingTimeInterval(-10 * 86_400)
        },
    ]
}

@Suite("execlog list")
struct ListCommandTests {
    @Test("table: header, one line per execution up to the limit, a More line, no escape codes on a pipe")
    func table() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let result = try CLI.succeed(["list", "--db", store.path])
            #expect(!result.stdout.contains("\u{1B}"))
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            try #require(lines.count == 53, "\(result)")
            let header = lines[0].split(separator: " ").joined(separator: " ")
            #expect(header == "Time Usage Type Provider Model Tokens Cost Duration Status ID")
            #expect(lines[52] == "")
            let expected = store.expected()
            for (line, execution) in zip(lines[1...50], expected) {
                #expect(line.hasSuffix(execution.idString), "\(line)")
                #expect(line.contains(execution.isError ? "ERROR" : "OK"))
                #expect(line.contains(execution.modelName))
            }
            let more = lines[51]
            #expect(more.hasPrefix("More: --after "))
            // The cursor a table prints is the one the JSON page carries.
            let json = try ListedPage(try CLI.succeed(["list", "--db", store.path, "--json"]))
            #expect(more == "More: --after \(json.nextCursor ?? "?")")
        }
    }

    @Test("table: a short page has no More line; no match says so")
    func tableEnds() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let all = try CLI.succeed(["list", "--db", store.path])
            #expect(all.stdout.split(separator: "\n").count == 1 + 20 + SeededStore.handMadeCount)
            #expect(!all.stdout.contains("More:"))
            let none = try CLI.succeed(["list", "--db", store.path, "--provider", "nobody"])
            #expect(none.stdout == "No executions match.\n")
        }
    }

    @Test("--json: the limit, newest first, the fields as stored")
    func json() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = store.expected()
            let defaultPage = try ListedPage(try CLI.succeed(["list", "--db", store.path, "--json"]))
            #expect(defaultPage.ids == expected.prefix(50).map(\.idString))
            #expect(defaultPage.nextCursor != nil)

            let page = try ListedPage(try CLI.succeed(["list", "--db", store.path, "--json", "--limit", "17"]))
            #expect(page.ids == expected.prefix(17).map(\.idString))
            let times = page.items.compactMap { $0["created_at"] as? String }
            #expect(times == times.sorted(by: >))
            for (item, execution) in zip(page.items, expected) {
                #expect(item["usage_type"] as? String == execution.usageType)
                #expect(item["provider"] as? String == execution.provider)
                #expect(item["model_name"] as? String == execution.modelName)
                #expect(item["input_tokens"] as? Int == execution.inputTokens)
                #expect(item["output_tokens"] as? Int == execution.outputTokens)
                #expect(item["total_tokens"] as? Int == execution.totalTokensOrSum)
                #expect(item["execution_time_ms"] as? Int == execution.executionTimeMs)
                #expect(item["error_message"] as? String == execution.errorMessage)
                #expect((item["error_message"] is NSNull) == !execution.isError)
                #expect(item["created_at"] as? String == Timestamp.format(execution.createdAt))
            }

            let everything = try ListedPage(try CLI.succeed(["list", "--db", store.path, "--json", "--limit", "1000"]))
            #expect(everything.ids == expected.map(\.idString))
            #expect(everything.nextCursor == nil)
            // The row with every optional field absent has its keys, as null.
            let nulls = try #require(everything.items.first { $0["id"] as? String == SeededStore.nullsID.uuidString.lowercased() })
            for key in ["input_tokens", "output_tokens", "total_tokens", "execution_time_ms", "error_message"] {
                #expect(nulls[key] is NSNull, "\(key)")
            }

            let skipped = try ListedPage(
                try CLI.succeed(["list", "--db", store.path, "--json", "--limit", "10", "--offset", "295"]))
            #expect(skipped.ids == expected[295...].prefix(10).map(\.idString))
        }
    }

    @Test("filters select exactly the executions the test computes", arguments: FilterCase.all)
    func filter(_ filter: FilterCase) throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = store.expected { filter.matches($0, store.now) }
            let page = try ListedPage(
                try CLI.succeed(["list", "--db", store.path, "--json", "--limit", "1000"] + filter.arguments(store.now)))
            #expect(page.ids == expected.map(\.idString))
            #expect(page.nextCursor == nil)
            #expect(!expected.isEmpty)
        }
    }

    @Test("--csv: header, one record per execution, the nasty error message quoted")
    func csv() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let result = try CLI.succeed(["list", "--db", store.path, "--csv", "--limit", "40"])
            #expect(
                result.stdout.hasPrefix(
                    "id,created_at,usage_type,provider,model_name,input_tokens,output_tokens,total_tokens,execution_time_ms,status,error_message,total_cost_usd,cost_source,trace_id,session_id,user_id\r\n"
                ))
            // Every record ends in CRLF and none of these 40 holds a line break: 41 lines.
            let expected = store.expected().prefix(40)
            let breaks = expected.filter { $0.errorMessage?.contains("\n") == true }.count
            #expect(result.stdout.components(separatedBy: "\r\n").count - 1 == 41)
            let records = parseCSV(result.stdout)
            #expect(records.count == 41)
            #expect(records.allSatisfy { $0.count == 16 })
            #expect(records.dropFirst().map { $0[0] } == expected.map(\.idString))
            #expect(breaks == 1, "the hand-made error with a newline is among the newest rows")

            let nasty = try #require(records.first { $0[0] == SeededStore.nastyErrorID.uuidString.lowercased() })
            #expect(nasty[9] == "error")
            #expect(nasty[10] == SeededStore.nastyError)
            // Only input tokens given: the stored total is them, as stats count it.
            #expect(nasty[5] == "12" && nasty[6] == "" && nasty[7] == "12" && nasty[8] == "")
            let quoted = "\"" + SeededStore.nastyError.replacingOccurrences(of: "\"", with: "\"\"") + "\","
            #expect(result.stdout.contains("," + quoted))
            for (record, execution) in zip(records.dropFirst(), expected) {
                #expect(record[1] == Timestamp.format(execution.createdAt))
                #expect(record[9] == (execution.isError ? "error" : "ok"))
                #expect(record[10] == (execution.errorMessage ?? ""))
                #expect(record[7] == execution.totalTokensOrSum.map(String.init) ?? "")
            }
        }
    }

    static let pagingCases: [(FilterCase, Int)] = [
        // 43 ends the first page between two rows that share a created_at (only the id orders them).
        (FilterCase(name: "everything", arguments: { _ in [] }) { _, _ in true }, 43),
        (FilterCase(name: "--provider openai", arguments: { _ in ["--provider", "openai"] }) { e, _ in e.provider == "openai" }, 25),
        (FilterCase(name: "--status error", arguments: { _ in ["--status", "error"] }) { e, _ in e.isError }, 8),
        (
            FilterCase(name: "--model gpt-5 --from 5d", arguments: { _ in ["--model", "gpt-5", "--from", "5d"] }) { e, now in
                e.modelName == "gpt-5" && e.createdAt >= now.addingTimeInterval(-5 * 86_400)
            }, 2
        ),
    ]

    @Test("paging with --after walks every row of a filter exactly once, in order", arguments: pagingCases)
    func paging(filter: FilterCase, limit: Int) throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = store.expected { filter.matches($0, store.now) }.map(\.idString)
            #expect(expected.count > limit)
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let arguments =
                    ["list", "--db", store.path, "--json", "--limit", String(limit)] + filter.arguments(store.now)
                    + (cursor.map { ["--after", $0] } ?? [])
                let page = try ListedPage(try CLI.succeed(arguments))
                #expect(!page.ids.isEmpty)
                #expect(page.ids.count == limit || page.nextCursor == nil)
                seen += page.ids
                cursor = page.nextCursor
                pages += 1
            } while cursor != nil && pages <= expected.count
            #expect(seen == expected)
            if filter.name == "everything" {
                let pair = store.executions.filter { $0.createdAt == store.now.addingTimeInterval(-38 * SeededStore.spacing) }
                #expect(pair.count == 2 && Set(pair.map(\.idString)) == Set(expected[42...43]))
            }
            #expect(Set(seen).count == seen.count)
            #expect(pages == (expected.count + limit - 1) / limit)
        }
    }
}
