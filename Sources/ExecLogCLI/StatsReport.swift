import ExecLogStore
import Foundation

/// `execlog stats`: totals and breakdowns as a readable report, or the stats object as JSON.
///
/// Drops reported by emitters come along: they have no usage type, provider, model or status, so
/// only the time window applies to them.
public enum StatsReport {
    public static func text(_ stats: ExecutionStats, drops: EmitterDropTotals, style: TerminalStyle) -> String {
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
        output += "\n" + style.bold("Tokens") + "\n"
        field("Input", Formatting.count(stats.totalInputTokens))
        field("Output", Formatting.count(stats.totalOutputTokens))
        field("Total", Formatting.count(stats.totalTokens))
        breakdown("By provider", stats.executionsByProvider, stats.tokensByProvider, total: stats.totalExecutions, into: &output, style: style)
        breakdown("By usage type", stats.executionsByUsageType, stats.tokensByUsageType, total: stats.totalExecutions, into: &output, style: style)
        breakdown("By model", stats.executionsByModel, stats.tokensByModel, total: stats.totalExecutions, into: &output, style: style)
        output += "\n" + style.bold("Emitter drops") + style.dim(" (time window only)") + "\n"
        let dropped = drops.dropped == 0
            ? "0"
            : style.red(Formatting.count(drops.dropped))
                + " (from \(Formatting.count(drops.emitters)) emitter\(drops.emitters == 1 ? "" : "s"))"
        field("Dropped by emitters", dropped)
        return output
    }

    /// A table of name, executions, share and tokens, most tokens first: what costs money comes first.
    private static func breakdown(
        _ title: String, _ executions: [String: Int], _ tokens: [String: Int], total: Int, into output: inout String,
        style: TerminalStyle
    ) {
        guard !executions.isEmpty else { return }
        output += "\n" + style.bold(title) + "\n"
        let names = executions.keys.sorted { (tokens[$0] ?? 0, $1) > (tokens[$1] ?? 0, $0) }
        let nameWidth = max(names.map(\.count).max() ?? 0, 4)
        let rows = names.map { name -> (String, String, String, String) in
            let count = executions[name] ?? 0
            return (
                name, Formatting.count(count), Formatting.percent(total > 0 ? Double(count) / Double(total) : 0),
                Formatting.count(tokens[name] ?? 0)
            )
        }
        let countWidth = max(rows.map(\.1.count).max() ?? 0, "executions".count)
        let tokenWidth = max(rows.map(\.3.count).max() ?? 0, "tokens".count)
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        output += style.dim(
            "  " + "name".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + pad("executions", countWidth)
                + "  " + pad("share", 7) + "  " + pad("tokens", tokenWidth)) + "\n"
        for (name, count, share, tokenCount) in rows {
            output += "  " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + pad(count, countWidth)
                + "  " + pad(share, 7) + "  " + pad(tokenCount, tokenWidth) + "\n"
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
