import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Testing

/// The page in a real browser: headless Chromium, driven by Tests/browser/dashboard_test.py (Selenium),
/// over a live `execlog serve` on a store seeded by `execlog-loadgen seed`.
///
/// Chromium that cannot run here (not installed, or it cannot start) is a failure with the reason, never a
/// skip: scripts/install-dependencies --tests installs it. Screenshots go to EXECLOG_SCREENSHOT_DIR when set, else to a temp folder that is removed.
@Suite(.serialized) struct BrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Python, Selenium and Chromium together; the script itself is bounded by `timeout`, which ends its
    /// whole process group (chromedriver and Chromium with it).
    static let scriptTimeout = 150

    /// The executions whose cost the seed never makes, written the way the seed writes (`ExecutionStore.insert`,
    /// which prices them with the bundled table), newer than every seeded one: a model no price knows, a call
    /// with cache writes and reasoning, an amount given by the caller, a success without usage.
    static let costCases: [String: Execution] = {
        let now = Date()
        func execution(_ secondsAgo: Double, _ provider: String, _ model: String, input: Int?, output: Int?) -> Execution {
            Execution(
                id: .v7(at: now.addingTimeInterval(-secondsAgo)), usageType: "general",
                inputMessages: [["role": "user", "content": "What did this cost?"]], responseContent: "Something.",
                inputTokens: input, outputTokens: output, totalTokens: input.flatMap { i in output.map { i + $0 } },
                provider: provider, modelName: model, executionTimeMs: 900, createdAt: now.addingTimeInterval(-secondsAgo))
        }
        var rich = execution(120, "anthropic", "claude-sonnet-4-5", input: 20_000, output: 1_500)
        rich.cachedInputTokens = 8_000
        rich.cacheCreationInputTokens = 4_000
        rich.reasoningTokens = 600
        var caller = execution(180, "openai", "gpt-5-mini", input: 1_000, output: 200)
        caller.costUSD = 0.001234567
        var unpriced = execution(60, "nobody", "mystery-model", input: 1_200, output: 300)
        unpriced.responseContent = "<img src=x> Something about a <b>zebra</b>."
        let cases = [
            "unpriced": unpriced,
            "priced": rich,
            "caller": caller,
            "no_usage": execution(240, "openai", "gpt-5", input: nil, output: nil),
        ]
        // One session of two traces (three calls and one), for the timelines; a user id with HTML in it, for the
        // page to show as text.
        return cases.mapValues { execution in
            var execution = execution
            execution.sessionID = "browser-session"
            execution.traceID = execution.modelName == "gpt-5" ? "browser-trace-2" : "browser-trace-1"
            execution.userID = "<b>browser</b> user"
            return execution
        }
    }()

    /// Filter values with a space and a '+' (each of the three in two executions, together in one), a 100-character
    /// model name, and a conversation with a code block and HTML in it: older than the cost cases, on the first page.
    static let longModel = "a-very-long-model-name-" + String(repeating: "x", count: 100 - 23 - 4) + "-end"
    static let filterCases: [String: Execution] = {
        let now = Date()
        func execution(_ secondsAgo: Double, _ usageType: String, _ provider: String, _ model: String) -> Execution {
            Execution(
                id: .v7(at: now.addingTimeInterval(-secondsAgo)), usageType: usageType,
                inputMessages: [["role": "user", "content": "Which filter am I in?"]], responseContent: "This one.",
                inputTokens: 300, outputTokens: 40, totalTokens: 340, provider: provider, modelName: model,
                executionTimeMs: 1_234, createdAt: now.addingTimeInterval(-secondsAgo))
        }
        var all = execution(300, "code review", "azure openai", "c++ helper")
        all.systemPrompt = "You review code.\nBe brief."
        all.inputMessages = [
            ["role": "system", "content": "Answer in <b>plain</b> text."],
            ["role": "user", "content": "Review this:\n```swift\nlet a = \"<b>x</b>\"\nprint(a)\n```\nThanks <img src=x>"],
            ["role": "assistant", "content": "Line one\nLine two"],
        ]
        all.responseContent = "Looks fine.\n```\nlet b = 2\n```"
        all.traceID = "browser-filter-trace"
        all.sessionID = "browser-filter-session"
        return [
            "all": all,
            "usage": execution(310, "code review", "openai", "gpt-5-mini"),
            "provider": execution(320, "general", "azure openai", "gpt-4.1"),
            "model": execution(330, "general", "anthropic", "c++ helper"),
            "long": execution(340, "general", "openai", longModel),
        ]
    }()

    static func addCostCases(store path: String) throws {
        let store = try ExecutionStore(path: path, mode: .readWrite)
        let cases = Array(costCases.values) + Array(filterCases.values)
        let result = try store.insert(cases.sorted { $0.createdAt < $1.createdAt })
        #expect(result.stored == cases.count)
    }

    static func createEmptyStore(path: String) throws {
        _ = try ExecutionStore(path: path, mode: .create)
    }

    /// What the store says, for the script to compare with what the page shows.
    static func expectations(store path: String) throws -> Data {
        let store = try ExecutionStore(path: path, mode: .readOnly)
        let stats = try store.stats()
        let usageType = try #require(stats.executionsByUsageType.max { $0.value < $1.value }?.key)
        let filter = ExecutionFilter(usageType: usageType)
        let newest = try #require(store.list(limit: 1).executions.first)
        let filteredNewest = try #require(store.list(filter, limit: 1).executions.first)
        let execution = try store.execution(filteredNewest.id)
        // Each case's stored cost (the record's `cost` object: source, amounts by component, price_ref).
        func ids(_ names: String...) -> [String] {
            names.map { filterCases[$0]!.idString }.sorted(by: >)
        }
        var costCases: [String: Any] = [:]
        for (name, execution) in Self.costCases {
            let record = try JSONSerialization.jsonObject(with: Data(store.record(execution.idString).jsonObject().serializedBytes()))
            costCases[name] = ["id": execution.idString, "cost": (record as? [String: Any])?["cost"] ?? NSNull()]
        }
        let expect: [String: Any] = [
            "total_executions": stats.totalExecutions,
            "total_tokens": stats.totalTokens,
            "total_input_tokens": stats.totalInputTokens,
            "avg_execution_time_ms": stats.avgExecutionTimeMs ?? NSNull(),
            "newest_id": newest.id,
            "filter_usage_type": usageType,
            "filtered_total": try store.count(filter),
            "filtered_newest_id": filteredNewest.id,
            "filtered_newest": try JSONSerialization.jsonObject(with: execution.jsonData(includeNulls: true)),
            "total_cost_nano_usd": stats.totalCostNanoUSD,
            "error_cost_nano_usd": stats.errorCostNanoUSD,
            "unpriced_executions": stats.unpricedExecutions,
            "cost_cases": costCases,
            "filter_cases": [
                "usage_type": ["code review": ids("all", "usage")],
                "provider": ["azure openai": ids("all", "provider")],
                "model_name": ["c++ helper": ids("all", "model")],
            ],
            "long_model": ["id": filterCases["long"]!.idString, "name": longModel],
            "conversation_id": filterCases["all"]!.idString,
        ]
        return try JSONSerialization.data(withJSONObject: expect)
    }

    @Test(.timeLimit(.minutes(5)))
    func thePageShowsTheStoreFiltersAndOpensAnExecution() async throws {
        let folder = try TemporaryFolder()
        let store = folder.path("seeded.db")
        let seed = try ChildProcess(
            try Products.url("execlog-loadgen"), ["seed", "--db", store, "--count", "3000", "--days", "10"])
        #expect(await seed.waitForExit(timeout: 120) == 0, "seed: \(seed.stderr)")
        try Self.addCostCases(store: store)

        let expectFile = folder.path("expect.json")
        try Self.expectations(store: store).write(to: URL(fileURLWithPath: expectFile))
        let screenshots = ProcessInfo.processInfo.environment["EXECLOG_SCREENSHOT_DIR"] ?? folder.path("")

        // A copy of the store for a second server that the script stops (the page's stale marks) and starts again on
        // the same port; an empty store for a third (what the page says when nothing is logged yet).
        let staleStore = folder.path("stale.db")
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: store + suffix) {
            try FileManager.default.copyItem(atPath: store + suffix, toPath: staleStore + suffix)
        }
        let emptyStore = folder.path("empty.db")
        try Self.createEmptyStore(path: emptyStore)

        let (server, base) = try await ServeCommandTests.serve(["--db", store])
        defer { server.signal(SIGTERM) }
        let (staleServer, staleBase) = try await ServeCommandTests.serve(["--db", staleStore])
        defer { staleServer.signal(SIGTERM) }
        let (emptyServer, emptyBase) = try await ServeCommandTests.serve(["--db", emptyStore])
        defer { emptyServer.signal(SIGTERM) }
        let restart = try String(
            decoding: JSONSerialization.data(withJSONObject: [
                try Products.url("execlog").path, "serve", "--db", staleStore, "--port", "\(try #require(staleBase.port))",
            ]), as: UTF8.self)

        let script = Self.root.appendingPathComponent("Tests/browser/dashboard_test.py").path
        let browser = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            ["-k", "10", "\(Self.scriptTimeout)", "python3", script, "--url", base.absoluteString + "/",
             "--expect", expectFile, "--screenshots", screenshots, "--stale-url", staleBase.absoluteString + "/",
             "--stale-pid", "\(staleServer.pid)", "--stale-command", restart, "--empty-url", emptyBase.absoluteString + "/"])
        let status = await browser.waitForExit(timeout: TimeInterval(Self.scriptTimeout + 20))
        let output = browser.stdout
        #expect(status == 0, "browser test: \(output)\n\(browser.stderr.suffix(3_000))")
        #expect(output.contains("\"passed\": true"), "\(output)")
        print("browser test: \(output.split(separator: "\n").last ?? ""), screenshots in \(screenshots)")
        #expect(await server.stop() == 0, "execlog serve did not stop cleanly: \(server.stderr)")
        #expect(await emptyServer.stop() == 0, "execlog serve (empty store) did not stop cleanly: \(emptyServer.stderr)")
    }
}
