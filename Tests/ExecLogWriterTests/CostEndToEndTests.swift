import ExecLog
import ExecLogModel
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Cost through the real pipeline: the library records executions with known usage, the real execlogd
/// prices them at ingest, and `execlog stats --json` reports totals that this test computes on its own,
/// from the published prices written out here, to the nanodollar.
@Suite(.timeLimit(.minutes(2)))
struct CostEndToEndTests {
    /// USD per million tokens → nanodollars for `tokens` (exact for these prices and counts).
    static func nano(_ tokens: Int, _ dollarsPerMillion: Double) -> Int { Int((Double(tokens) * dollarsPerMillion * 1_000).rounded()) }

    static let userFile = """
        [[model]]
        provider = "ollama"
        model = "*"
        input = 0
        output = 0

        [[model]]
        provider = "acme"
        model = "acme-ft-1"
        input = 2
        output = 10
        """

    /// Executions with the usage of each provider's API mapped as docs/PROTOCOL.md says, and what each
    /// costs at the published prices (nil: unpriced).
    static func executions(at date: Date) -> [(Execution, Int?)] {
        func execution(_ provider: String, _ model: String, input: Int?, cached: Int? = nil, cacheWrite: Int? = nil,
                       output: Int?, reasoning: Int? = nil, failed: Bool = false, cost: Double? = nil) -> Execution {
            Execution(
                usageType: "cost_test", inputTokens: input, outputTokens: output, provider: provider, modelName: model,
                errorMessage: failed ? "overloaded" : nil, createdAt: date, cachedInputTokens: cached,
                cacheCreationInputTokens: cacheWrite, reasoningTokens: reasoning, costUSD: cost)
        }
        return [
            // Anthropic {input_tokens 1,200, cache_read 30,000, cache_creation 2,000, output 800}.
            (execution("anthropic", "claude-sonnet-4-5", input: 33_200, cached: 30_000, cacheWrite: 2_000, output: 800),
             nano(1_200, 3) + nano(30_000, 0.3) + nano(2_000, 3.75) + nano(800, 15)),
            // OpenAI {prompt_tokens 9,000 with 6,000 cached, completion_tokens 1,500 with 1,000 reasoning}.
            (execution("openai", "gpt-5", input: 9_000, cached: 6_000, output: 1_500, reasoning: 1_000),
             nano(3_000, 1.25) + nano(6_000, 0.125) + nano(1_500, 10)),
            // Google {promptTokenCount 4,000, cachedContentTokenCount 1,000, candidates 300, thoughts 700}.
            (execution("google", "gemini-2.5-flash", input: 4_000, cached: 1_000, output: 1_000, reasoning: 700),
             nano(3_000, 0.3) + nano(1_000, 0.03) + nano(1_000, 2.5)),
            // A failed call still billed for its prompt.
            (execution("openai", "gpt-5", input: 2_000, output: 0, failed: true), nano(2_000, 1.25)),
            (execution("acme", "acme-ft-1", input: 1_000, output: 1_000), nano(1_000, 2) + nano(1_000, 10)),
            (execution("ollama", "llama3.1:8b", input: 50_000, output: 5_000), 0),
            (execution("openrouter-ish", "gpt-5", input: 100, output: 100, cost: 0.000321), 321_000),
            (execution("nobody", "mystery-model", input: 100, output: 100), nil),
        ]
    }

    @Test func statsTotalsEqualAnIndependentSumAndAReloadChangesThePrices() throws {
        let folder = try TemporaryFolder()
        let prices = folder.path("prices.toml")
        try Self.userFile.write(toFile: prices, atomically: true, encoding: .utf8)
        let daemon = try Daemon(folder: folder, extraArguments: ["--prices", prices])
        try daemon.waitUntilReady()
        let log = ExecutionLogger(configuration: .init(endpoint: daemon.ipcEndpoint))
        let cases = Self.executions(at: Date())
        for (execution, _) in cases { log.record(execution) }
        #expect(log.flushBlocking(timeout: .seconds(20)))

        let expected = cases.compactMap(\.1).reduce(0, +)
        let errorCost = Self.nano(2_000, 1.25)
        var stats = try Self.stats(daemon.storePath)
        #expect(stats["total_executions"] as? Int == cases.count)
        #expect(stats["total_cost_nano_usd"] as? Int == expected, "independent sum \(expected)")
        #expect(stats["error_cost_nano_usd"] as? Int == errorCost)
        #expect(stats["unpriced_executions"] as? Int == 1)
        #expect((stats["unpriced_executions_by_model"] as? [String: Int]) == ["mystery-model": 1])
        #expect((stats["unpriced_executions_by_provider"] as? [String: Int]) == ["nobody": 1])

        // The user's price changes; SIGHUP: executions from then on are priced with the new file.
        try Self.userFile.replacingOccurrences(of: "input = 2", with: "input = 4").write(toFile: prices, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(Poll.until(timeout: 10) { daemon.log.contains("prices reloaded") ? true : nil } == true, "\(daemon.log)")
        var repriced = cases[4].0
        repriced.id = .v7()
        log.record(repriced)
        // A file that no longer parses: the last good prices stay.
        try "[[model]\n".write(toFile: prices, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(Poll.until(timeout: 10) { daemon.log.contains("prices not reloaded") ? true : nil } == true, "\(daemon.log)")
        var afterBadFile = cases[4].0
        afterBadFile.id = .v7()
        log.record(afterBadFile)
        #expect(log.flushBlocking(timeout: .seconds(20)))
        let newCost = Self.nano(1_000, 4) + Self.nano(1_000, 10)
        stats = try Self.stats(daemon.storePath)
        #expect(stats["total_cost_nano_usd"] as? Int == expected + 2 * newCost)
        log.shutdownBlocking(timeout: .seconds(5))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test func aBadPriceFileStopsTheDaemonBeforeItListens() throws {
        let folder = try TemporaryFolder()
        let prices = folder.path("prices.toml")
        try "[[model]]\nprovider = \"a\"\nmodel = \"b\"\ninput = \"cheap\"\noutput = 1\n".write(toFile: prices, atomically: true, encoding: .utf8)
        let daemon = try Daemon(folder: folder, extraArguments: ["--prices", prices])
        #expect(daemon.waitForExit() == 64)
        #expect(daemon.log.contains("prices: \(prices):4: model 1: input: must be a number"), "\(daemon.log)")
    }

    /// `execlog stats --json` on the store, as a person would run it.
    static func stats(_ store: String) throws -> [String: Any] {
        let process = try ChildProcess(product: "execlog", ["stats", "--json", "--db", store])
        #expect(process.waitForExit(timeout: 20) == 0, "\(process.stderr)")
        return try #require(JSONSerialization.jsonObject(with: Data(process.stdout.utf8)) as? [String: Any])
    }
}
