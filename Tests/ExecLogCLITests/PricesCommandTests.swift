import ExecLogModel
import ExecLogPricing
import ExecLogStore
import Foundation
import Testing

/// `execlog prices`, `prices check` and `reprice`, run as a person runs them, on a real store.
@Suite("execlog prices and reprice")
struct PricesCommandTests {
    static func executions() -> [Execution] {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        return (0..<40).map { (index: Int) -> Execution in
            let known = index < 30
            let created = now.addingTimeInterval(-Double(index) * 60)
            return Execution(
                usageType: "u\(index % 2)", inputTokens: 1_000 + index, outputTokens: 100,
                provider: known ? "openai" : "acme", modelName: known ? "gpt-5" : "acme-ft-1", createdAt: created)
        }
    }

    @Test("prices lists the bundled and the user's prices; a bad file is one line")
    func list() throws {
        try withTemporaryFolder { folder in
            let result = try CLI.succeed(["prices", "--provider", "openai", "--model", "gpt-5-mini", "--json"])
            let rows = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            let row = try #require(rows.first { $0["model"] as? String == "gpt-5-mini" })
            #expect(row["input"] as? String == "0.25" && row["output"] as? String == "2")
            #expect((row["source"] as? String)?.hasPrefix("genai-prices ") == true)

            let file = folder.appendingPathComponent("p.toml").path
            try "[[model]]\nprovider = \"acme\"\nmodel = \"acme-*\"\ninput = 2\noutput = 10\n".write(toFile: file, atomically: true, encoding: .utf8)
            let table = try CLI.succeed(["prices", "--prices", file, "--provider", "acme"]).stdout
            #expect(table.contains("acme-*") && table.contains("$10") && table.contains("p.toml"))
            try "[[model]]\nprovider = \"acme\"\n".write(toFile: file, atomically: true, encoding: .utf8)
            try CLI.fail(["prices", "--prices", file], messageContains: "\(file):1: model 1: needs model")
        }
    }

    @Test("reprice reads every row once, however many share a time, across slices and transactions")
    func repriceKeyset() throws {
        try withTemporaryFolder { folder in
            let db = folder.appendingPathComponent("same.db").path
            let at = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down) - 3_600)
            var executions = Self.executions()
            executions = (0..<1_050).map { (index: Int) -> Execution in
                var execution = executions[index % 30]
                execution.id = UUID.v7(at: at)
                execution.createdAt = at
                return execution
            }
            let store = try ExecutionStore(path: db, mode: .create)
            try store.insert(executions, prices: nil)
            var progressCalls = 0
            let result = try store.reprice(prices: .bundled, sliceSize: 100) { _ in progressCalls += 1 }
            #expect(result.examined == 1_050 && result.changed == 1_050 && result.unpriced == 0)
            #expect(try store.stats().unpricedExecutions == 0)
            #expect(try store.reprice(prices: .bundled, sliceSize: 100).changed == 0)
        }
    }

    @Test("rows stored before costs are unpriced until reprice; check fails only for models without a price; reprice is idempotent")
    func checkAndReprice() throws {
        try withTemporaryFolder { folder in
            let db = folder.appendingPathComponent("s.db").path
            let executions = Self.executions()
            // As a store upgraded from before costs: rows without a cost.
            try ExecutionStore(path: db, mode: .create).insert(executions, prices: nil)
            var stats = try jsonObject(CLI.succeed(["stats", "--db", db, "--json"]).stdout)
            #expect(stats["unpriced_executions"] as? Int == 40)
            #expect(stats["total_cost_nano_usd"] as? Int == 0)

            // gpt-5 has a price now (reprice would fix it); acme-ft-1 has none: exit 1.
            let check = try CLI.run(["prices", "check", "--db", db])
            #expect(check.status == 1, "\(check)")
            #expect(check.stdout.contains("acme/acme-ft-1: no price, 10 executions unpriced"))
            #expect(check.stdout.contains("openai/gpt-5: priced now, 30 executions without a cost"))

            let first = try CLI.succeed(["reprice", "--db", db]).stdout
            #expect(first == "Repriced 40 executions: 40 changed, 10 without a known cost.\n")
            let second = try CLI.succeed(["reprice", "--db", db]).stdout
            #expect(second == "Repriced 40 executions: 0 changed, 10 without a known cost.\n", "idempotent")
            stats = try jsonObject(CLI.succeed(["stats", "--db", db, "--json"]).stdout)
            // gpt-5 at $1.25 and $10 per million: computed here from the published price.
            let expected = executions.prefix(30).reduce(0) { $0 + ($1.inputTokens! * 1_250 + 100 * 10_000) }
            #expect(stats["total_cost_nano_usd"] as? Int == expected)
            #expect(stats["unpriced_executions"] as? Int == 10)

            // The user's price for acme, then a reprice of acme only: check passes, totals add up.
            let file = folder.appendingPathComponent("p.toml").path
            try "[[model]]\nprovider = \"acme\"\nmodel = \"acme-ft-1\"\ninput = 2\noutput = 10\n".write(toFile: file, atomically: true, encoding: .utf8)
            let acme = try CLI.succeed(["reprice", "--db", db, "--prices", file, "--provider", "acme"]).stdout
            #expect(acme == "Repriced 10 executions: 10 changed, 0 without a known cost.\n")
            #expect(try CLI.run(["prices", "check", "--db", db]).status == 0)
            stats = try jsonObject(CLI.succeed(["stats", "--db", db, "--json"]).stdout)
            let acmeCost = executions.suffix(10).reduce(0) { $0 + ($1.inputTokens! * 2_000 + 100 * 10_000) }
            #expect(stats["total_cost_nano_usd"] as? Int == expected + acmeCost)
            #expect(stats["unpriced_executions"] as? Int == 0)
            // The rollups moved with the rows: a rebuild from the rows gives the same stats.
            try CLI.succeed(["migrate", "--db", db, "--rebuild-rollups"])
            #expect(try jsonObject(CLI.succeed(["stats", "--db", db, "--json"]).stdout)["total_cost_nano_usd"] as? Int == expected + acmeCost)
        }
    }
}
