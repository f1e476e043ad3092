import ExecLogCLI
import ExecLogModel
import ExecLogPricing
import ExecLogStore
import Foundation
import Testing

/// The stats of `executions` as the test computes them itself, following docs of `ExecutionStats`:
/// a missing total_tokens counts as input + output, percentiles are nearest-rank.
func computedStats(_ executions: [Execution]) -> ExecutionStats {
    var stats = ExecutionStats()
    var durations: [Int] = []
    for execution in executions {
        let tokens = execution.totalTokens ?? ((execution.inputTokens ?? 0) + (execution.outputTokens ?? 0))
        stats.totalExecutions += 1
        stats.totalInputTokens += execution.inputTokens ?? 0
        stats.totalOutputTokens += execution.outputTokens ?? 0
        stats.totalTokens += tokens
        stats.executionsByProvider[execution.provider, default: 0] += 1
        stats.executionsByUsageType[execution.usageType, default: 0] += 1
        stats.executionsByModel[execution.modelName, default: 0] += 1
        stats.tokensByProvider[execution.provider, default: 0] += tokens
        stats.tokensByUsageType[execution.usageType, default: 0] += tokens
        stats.tokensByModel[execution.modelName, default: 0] += tokens
        if execution.isError { stats.errorCount += 1 }
        // Each row's cost as the writer computes it (CostArithmeticTests checks that against hand
        // arithmetic): here what is checked is that the rollups sum them exactly.
        let cost = PriceBook.bundled.cost(of: execution, createdAt: Timestamp.format(execution.createdAt))
        if let amount = cost.totalNanoUSD {
            stats.totalCostNanoUSD += amount
            if execution.isError { stats.errorCostNanoUSD += amount }
        } else {
            stats.unpricedExecutions += 1
            stats.unpricedByProvider[execution.provider, default: 0] += 1
            stats.unpricedByUsageType[execution.usageType, default: 0] += 1
            stats.unpricedByModel[execution.modelName, default: 0] += 1
        }
        stats.costByProvider[execution.provider, default: 0] += cost.totalNanoUSD ?? 0
        stats.costByUsageType[execution.usageType, default: 0] += cost.totalNanoUSD ?? 0
        stats.costByModel[execution.modelName, default: 0] += cost.totalNanoUSD ?? 0
        if let duration = execution.executionTimeMs { durations.append(duration) }
    }
    if stats.totalExecutions > 0 { stats.errorRate = Double(stats.errorCount) / Double(stats.totalExecutions) }
    if !durations.isEmpty {
        durations.sort()
        stats.avgExecutionTimeMs = ExecutionStats.average(sum: durations.reduce(0, +), count: durations.count)
        func rank(_ p: Double) -> Int { durations[max(1, Int((Double(durations.count) * p).rounded(.up))) - 1] }
        stats.p50ExecutionTimeMs = rank(0.50)
        stats.p95ExecutionTimeMs = rank(0.95)
        stats.p99ExecutionTimeMs = rank(0.99)
    }
    return stats
}

@Suite("execlog stats")
struct StatsCommandTests {
    /// Checks the printed object against the test's own numbers, key by key, then as a whole.
    func expectStats(_ result: CLIResult, equal expected: ExecutionStats, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let object = try jsonObject(result.stdout, sourceLocation: sourceLocation)
        #expect(Set(object.keys) == StatsReportTests.keys, sourceLocation: sourceLocation)
        #expect(object["total_executions"] as? Int == expected.totalExecutions, sourceLocation: sourceLocation)
        #expect(object["total_input_tokens"] as? Int == expected.totalInputTokens, sourceLocation: sourceLocation)
        #expect(object["total_output_tokens"] as? Int == expected.totalOutputTokens, sourceLocation: sourceLocation)
        #expect(object["total_tokens"] as? Int == expected.totalTokens, sourceLocation: sourceLocation)
        #expect(object["error_count"] as? Int == expected.errorCount, sourceLocation: sourceLocation)
        #expect(
            object["executions_by_provider"] as? [String: Int] == expected.executionsByProvider,
            sourceLocation: sourceLocation)
        #expect(
            object["executions_by_usage_type"] as? [String: Int] == expected.executionsByUsageType,
            sourceLocation: sourceLocation)
        var decoded = try JSONDecoder().decode(ExecutionStats.self, from: Data(result.stdout.utf8))
        // Percentiles come from histograms with buckets under 1 % wide; everything else is exact.
        for path in [\ExecutionStats.p50ExecutionTimeMs, \.p95ExecutionTimeMs, \.p99ExecutionTimeMs] {
            guard let value = decoded[keyPath: path], let exact = expected[keyPath: path] else { continue }
            #expect(abs(value - exact) <= exact / 100 + 1, sourceLocation: sourceLocation)
            decoded[keyPath: path] = exact
        }
        #expect(decoded == expected, sourceLocation: sourceLocation)
    }

    @Test("stats --json equals the test's own totals over everything inserted")
    func all() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = computedStats(store.executions)
            #expect(expected.errorCount > 5 && expected.errorCount < expected.totalExecutions)
            #expect(expected.totalExecutions == 300 + SeededStore.handMadeCount)
            try expectStats(try CLI.succeed(["stats", "--db", store.path, "--json"]), equal: expected)
        }
    }

    @Test("stats --json with a filter", arguments: FilterCase.all)
    func filtered(_ filter: FilterCase) throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = computedStats(store.executions.filter { filter.matches($0, store.now) })
            try expectStats(
                try CLI.succeed(["stats", "--db", store.path, "--json"] + filter.arguments(store.now)), equal: expected)
        }
    }

    @Test("stats text: totals with thousands separators, breakdowns, no escape codes on a pipe")
    func text() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = computedStats(store.executions)
            let result = try CLI.succeed(["stats", "--db", store.path])
            #expect(!result.stdout.contains("\u{1B}"))
            for part in [
                "Executions", "Tokens", "By provider", "By usage type", "By model",
                Formatting.count(expected.totalTokens), Formatting.count(expected.totalInputTokens),
                "\(expected.errorCount) (\(Formatting.percent(expected.errorRate)))",
            ] {
                #expect(result.stdout.contains(part), "\(part)")
            }
        }
    }

    @Test("drops reported by emitters: counted by the time window only, whatever the other filters")
    func emitterDrops() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let writable = try ExecutionStore(path: store.path, mode: .readWrite)
            let day: TimeInterval = 86_400
            // Two emitters within the last day, one ten days ago, and a report that counts no drop.
            let reports = [
                DropReport(emitter: "host-a/1", dropped: 7, queueFull: 7, until: store.now.addingTimeInterval(-3_600)),
                DropReport(emitter: "host-b/2", dropped: 5, spoolFull: 5, until: store.now.addingTimeInterval(-60)),
                DropReport(emitter: "host-a/1", dropped: 3, queueFull: 3, until: store.now.addingTimeInterval(-10 * day)),
                DropReport(emitter: "host-c/3", dropped: 0, until: store.now.addingTimeInterval(-120)),
            ]
            #expect(try writable.insert(reports.map { StoredDropReport($0) }) == 4)

            let all = try jsonObject(CLI.succeed(["stats", "--db", store.path, "--json"]).stdout)
            #expect(all["dropped_by_emitters"] as? Int == 15)
            #expect(all["emitters_with_drops"] as? Int == 2)

            let lastDay = try CLI.succeed(["stats", "--db", store.path, "--json", "--from", "1d", "--provider", "none"])
            let object = try jsonObject(lastDay.stdout)
            #expect(object["total_executions"] as? Int == 0)
            #expect(object["dropped_by_emitters"] as? Int == 12)
            #expect(object["emitters_with_drops"] as? Int == 2)

            let old = try CLI.succeed(["stats", "--db", store.path, "--to", "2d"])
            #expect(old.stdout.contains("Emitter drops (time window only)\n  Dropped by emitters   3 (from 1 emitter)\n"), "\(old)")
        }
    }

    @Test("stats of an empty selection: zeros and nulls")
    func empty() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let result = try CLI.succeed(["stats", "--db", store.path, "--json", "--model", "no-such-model"])
            try expectStats(result, equal: ExecutionStats())
            let object = try jsonObject(result.stdout)
            #expect(object["p50_execution_time_ms"] is NSNull)
            #expect(object["avg_execution_time_ms"] is NSNull)
        }
    }
}
