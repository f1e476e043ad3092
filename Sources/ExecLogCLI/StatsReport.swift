import ExecLogStore
import Foundation

/// `execlog stats`: totals and breakdowns as a readable report, or the stats object as JSON.
///
/// Drops reported by emitters come along: they have no usage type, provider, model or status, so
/// only the time window applies to them.
public enum StatsReport {
    /// How breakdown rows are ordered: what costs most first (the default), or by tokens or executions.
    public enum Sort: String, Sendable, CaseIterable {
        case cost, tokens, executions
    }

    public static func text(
        _ stats: ExecutionStats, drops: EmitterDropTotals, sort: Sort = .cost, style: TerminalStyle
    ) -> String {
        var output = style.bold("Executions") + "\n"
        func field(_ name: String, _ value: String) {
            output += "  " + name.padding(toLength: 22, withPad: " ", startingAt: 0) + value + "\n"
        }
        field("Total", Formatting.count(stats.totalExecutions))
        let errors = "\(Formatting.count(stats.errorCount)) (\(Formatting.percent(stats.errorRate)))"
        field("Errors", stats.errorCount > 0 ? style.red(errors) : errors)
        field("Avg execution time", Formatting.milliseconds(stats.avgExecutionTimeMs))
        field(
            "p50 / p95 / p99",
            [stats.p50ExecutionTimeMs, stats.p95ExecutionTimeMs, stats.p99ExecutionTimeMs]
                .map { Formatting.milliseconds($0) }.joined(separator: " / "))
        output += "\n" + style.bold("Cost") + "\n"
        field("Total", Money.usdTotal(stats.totalCostNanoUSD))
        field("Of failed calls", Money.usdTotal(stats.errorCostNanoUSD))
        if stats.unpricedExecutions > 0 {
            // Never a silent $0: say how many calls the total leaves out, and of which models.
            let models = stats.unpricedByModel.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
                .map { "\($0.key) \(Formatting.count($0.value))" }.joined(separator: ", ")
            field("Unpriced", style.red("\(Formatting.plural(stats.unpricedExecutions, "execution")) not in the total") + " (\(models); see execlog prices check)")
        }
        output += "\n" + style.bold("Tokens") + "\n"
        field("Input", Formatting.count(stats.totalInputTokens))
        field("Output", Formatting.count(stats.totalOutputTokens))
        field("Total", Formatting.count(stats.totalTokens))
        for (title, breakdown) in [
            ("By provider", Breakdown(executions: stats.executionsByProvider, tokens: stats.tokensByProvider,
                                      cost: stats.costByProvider, unpriced: stats.unpricedByProvider)),
            ("By usage type", Breakdown(executions: stats.executionsByUsageType, tokens: stats.tokensByUsageType,
                                        cost: stats.costByUsageType, unpriced: stats.unpricedByUsageType)),
            ("By model", Breakdown(executions: stats.executionsByModel, tokens: stats.tokensByModel,
                                   cost: stats.costByModel, unpriced: stats.unpricedByModel)),
        ] {
            Self.breakdown(title, breakdown, totals: stats, sort: sort, into: &output, style: style)
        }
        output += "\n" + style.bold("Emitter drops") + style.dim(" (time window only)") + "\n"
        let dropped = drops.dropped == 0
            ? "0"
            : style.red(Formatting.count(drops.dropped))
                + " (from \(Formatting.count(drops.emitters)) emitter\(drops.emitters == 1 ? "" : "s"))"
        field("Dropped by emitters", dropped)
        return output
    }

    /// One breakdown's numbers by name.
    struct Breakdown {
        var executions: [String: Int]
        var tokens: [String: Int]
        var cost: [String: Int]
        /// Executions without a known cost, by name: their rows are marked, never a silent $0.
        var unpriced: [String: Int]
    }

    /// A table of name, executions, tokens, cost and share of the cost, in `sort`'s order.
    private static func breakdown(
        _ title: String, _ breakdown: Breakdown, totals: ExecutionStats, sort: Sort, into output: inout String,
        style: TerminalStyle
    ) {
        guard !breakdown.executions.isEmpty else { return }
        output += "\n" + style.bold(title) + "\n"
        let key: (String) -> Int = { name in
            switch sort {
            case .cost: breakdown.cost[name] ?? 0
            case .tokens: breakdown.tokens[name] ?? 0
            case .executions: breakdown.executions[name] ?? 0
            }
        }
        let names = breakdown.executions.keys.sorted { (key($0), $1) > (key($1), $0) }
        let header = ["name", "executions", "tokens", "cost", "share"]
        let rows = names.map { name -> [String] in
            let cost = breakdown.cost[name] ?? 0
            let unpriced = breakdown.unpriced[name] ?? 0
            let amount = unpriced == 0
                ? Money.usdTotal(cost)
                : unpriced == breakdown.executions[name] ? "unpriced" : Money.usdTotal(cost) + "*"
            let share = totals.totalCostNanoUSD > 0 ? Double(cost) / Double(totals.totalCostNanoUSD) : 0
            return [
                name, Formatting.count(breakdown.executions[name] ?? 0), Formatting.count(breakdown.tokens[name] ?? 0),
                amount, Formatting.percent(share),
            ]
        }
        let table = TextTable(header: header, rows: rows, rightAligned: Set(1..<header.count), indent: "  ", dimHeader: true)
        output += table.render(style: style).joined(separator: "\n") + "\n"
        if rows.contains(where: { $0[3].hasSuffix("*") }) {
            output += style.dim("  * some of its executions are unpriced: not in this amount") + "\n"
        }
    }

    public static func json(_ stats: ExecutionStats, drops: EmitterDropTotals) throws(CLIError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return String(decoding: try encoder.encode(Output(stats: stats, drops: drops)), as: UTF8.self) + "\n"
        } catch {
            throw CLIError("cannot write the stats as JSON: \(error)", kind: .unavailable)
        }
    }

    /// The stats object with the drop keys beside its own, in one flat object.
    private struct Output: Encodable {
        var stats: ExecutionStats
        var drops: EmitterDropTotals

        enum CodingKeys: String, CodingKey {
            case droppedByEmitters = "dropped_by_emitters"
            case emittersWithDrops = "emitters_with_drops"
        }

        func encode(to encoder: any Encoder) throws {
            try stats.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(drops.dropped, forKey: .droppedByEmitters)
            try container.encode(drops.emitters, forKey: .emittersWithDrops)
        }
    }
}
