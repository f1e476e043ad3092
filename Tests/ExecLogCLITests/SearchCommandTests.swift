import ExecLogCLI
import ExecLogModel
import ExecLogStore
import Foundation
import Testing

/// `execlog search`, `list --query` and the trace, session and user filters, run as a process.
@Suite("execlog search, trace, session")
struct SearchCommandTests {
    /// True when one of the indexed texts of `execution` says `word` (the generator's phrases hold no
    /// longer word that starts with the ones tested).
    static func says(_ execution: Execution, _ word: String) -> Bool {
        var texts = [execution.systemPrompt, execution.responseContent, execution.errorMessage].compactMap { $0 }
        if case .array(let messages) = execution.inputMessages { texts += messages.compactMap { $0["content"]?.stringValue } }
        return texts.contains { $0.lowercased().contains(word) }
    }

    @Test("search: the hits newest first, each with its snippet on the next line, plain on a pipe")
    func table() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = store.expected { Self.says($0, "idempotent") }
            try #require(expected.count > 3)
            let result = try CLI.succeed(["search", "idempotent", "--db", store.path, "--limit", "3"])
            #expect(!result.stdout.contains("\u{1B}"))
            let lines = result.stdout.split(separator: "\n").map(String.init)
            try #require(lines.count == 1 + 3 * 2 + 1, "\(result)")
            for (index, execution) in expected.prefix(3).enumerated() {
                #expect(lines[1 + index * 2].hasSuffix(execution.idString))
                let snippet = lines[2 + index * 2]
                #expect(snippet.hasPrefix("    ") && snippet.lowercased().contains("idempotent"), "\(snippet)")
            }
            #expect(lines.last?.hasPrefix("More: --after ") == true)
        }
    }

    @Test("search --json: the list's page with a snippet per hit; --csv: a snippet column; list --query the same hits")
    func formats() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = store.expected { Self.says($0, "incident") && $0.provider == "openai" }.map(\.idString)
            let page = try ListedPage(try CLI.succeed([
                "search", "incident", "--provider", "openai", "--db", store.path, "--json", "--limit", "500",
            ]))
            #expect(page.ids == expected)
            for item in page.items {
                let segments = try #require(item["snippet"] as? [[String: Any]])
                let matched = segments.filter { $0["match"] as? Bool == true }.compactMap { $0["text"] as? String }
                #expect(matched.map { $0.lowercased() }.contains("incident"), "\(segments)")
            }
            let listed = try ListedPage(try CLI.succeed([
                "list", "--query", "incident", "--provider", "openai", "--db", store.path, "--json", "--limit", "500",
            ]))
            #expect(listed.ids == expected)
            let csv = parseCSV(try CLI.succeed(["search", "incident", "--db", store.path, "--csv", "--limit", "5"]).stdout)
            #expect(csv.first?.last == "snippet")
            #expect(csv.dropFirst().allSatisfy { $0.last?.lowercased().contains("incident") == true })
        }
    }

    @Test("a query FTS5 cannot read is one line and status 1", arguments: [
        ("gpt-4", "put words with punctuation in double quotes"),
        ("nope:word", "a word before a colon names a column"),
        ("\"open", "unterminated string"),
    ])
    func badQuery(_ query: String, _ message: String) throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            _ = try CLI.fail(["search", query, "--db", store.path], messageContains: message)
            _ = try CLI.fail(["list", "--query", query, "--db", store.path], messageContains: "invalid search query")
            _ = try CLI.fail(["stats", "--query", query, "--db", store.path], messageContains: "invalid search query")
            _ = try CLI.fail(["search", "x", "--query", "y", "--db", store.path], messageContains: "give the query once")
        }
    }

    @Test("--trace, --session, --user, --tag select exactly the matching executions, in list and stats")
    func filters() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let sample = try #require(store.expected().first { $0.userID != nil && $0.sessionID != nil })
            let cases: [([String], (Execution) -> Bool)] = [
                (["--trace", sample.traceID ?? ""], { $0.traceID == sample.traceID }),
                (["--session", sample.sessionID ?? ""], { $0.sessionID == sample.sessionID }),
                (["--user", sample.userID ?? ""], { $0.userID == sample.userID }),
                (["--tag", "retry"], { $0.tags.contains("retry") }),
                (["--tag", "retry", "--provider", "google"], { $0.tags.contains("retry") && $0.provider == "google" }),
            ]
            for (arguments, matches) in cases {
                let expected = store.expected(matches)
                let page = try ListedPage(try CLI.succeed(["list", "--db", store.path, "--json", "--limit", "1000"] + arguments))
                #expect(page.ids == expected.map(\.idString), "\(arguments)")
                let stats = try jsonObject(try CLI.succeed(["stats", "--db", store.path, "--json"] + arguments).stdout)
                #expect(stats["total_executions"] as? Int == expected.count, "\(arguments)")
            }
        }
    }

    @Test("trace: the calls in time order with offsets and bars, the totals; --json; an unknown id fails")
    func trace() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let sample = try #require(store.expected().first { $0.traceID != nil })
            let traceID = try #require(sample.traceID)
            let text = try CLI.succeed(["trace", traceID, "--db", store.path]).stdout
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines[0] == "Trace \(traceID)")
            #expect(lines[1].hasPrefix("1 call · \(sample.isError ? "1 error" : "0 errors") · "))
            #expect(lines.contains { $0.hasPrefix("Start") && $0.contains("Duration") && $0.contains("Model") })
            #expect(lines.last?.contains(sample.idString) == true && lines.last?.contains("+0 ms") == true)
            #expect(lines.last?.contains("█") == true)
            let json = try jsonObject(try CLI.succeed(["trace", traceID, "--db", store.path, "--json"]).stdout)
            #expect(json["kind"] as? String == "trace" && json["id"] as? String == traceID)
            let executions = try #require(json["executions"] as? [[String: Any]])
            #expect(executions.map { $0["id"] as? String } == [sample.idString])
            _ = try CLI.fail(["trace", "no-such-trace", "--db", store.path], messageContains: "no executions with trace id no-such-trace")
        }
    }

    @Test("session: the calls grouped by trace")
    func session() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 300)
            let bySession = Dictionary(grouping: store.executions.filter { $0.sessionID != nil }, by: { $0.sessionID! })
            let (sessionID, calls) = try #require(bySession.max { $0.value.count < $1.value.count })
            let text = try CLI.succeed(["session", sessionID, "--db", store.path]).stdout
            #expect(text.hasPrefix("Session \(sessionID)\n\(Formatting.plural(calls.count, "call"))"))
            for call in calls {
                #expect(text.contains(call.idString))
                if let trace = call.traceID { #expect(text.contains("Trace \(trace)")) }
            }
        }
    }

    @Test("stats --by user: the top values by the chosen measure; --json; bad values fail")
    func breakdown() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let json = try jsonObject(try CLI.succeed([
                "stats", "--by", "user", "--sort", "tokens", "--limit", "5", "--db", store.path, "--json",
            ]).stdout)
            let entries = try #require(json["entries"] as? [[String: Any]])
            var tokens: [String: Int] = [:]
            for execution in store.executions {
                guard let user = execution.userID else { continue }
                tokens[user, default: 0] += execution.totalTokens ?? ((execution.inputTokens ?? 0) + (execution.outputTokens ?? 0))
            }
            let top = tokens.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
            #expect(entries.map { $0["key"] as? String } == top.map(\.key))
            #expect(entries.map { $0["total_tokens"] as? Int } == top.map(\.value))
            #expect(json["distinct_values"] as? Int == tokens.count)
            let table = try CLI.succeed(["stats", "--by", "model", "--db", store.path]).stdout
            #expect(table.hasPrefix("Top "))
            #expect(table.split(separator: "\n")[1].hasPrefix("Model"))
            _ = try CLI.fail(["stats", "--by", "planet", "--db", store.path], messageContains: "--by: \"planet\" is not one of")
            _ = try CLI.fail(["stats", "--by", "user", "--sort", "vibes", "--db", store.path], messageContains: "--sort")
        }
    }
}
