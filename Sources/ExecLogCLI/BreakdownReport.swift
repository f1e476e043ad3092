import ExecLogStore
import Foundation

/// `execlog stats --by DIMENSION`: the top values, one line each (docs/CLI.md).
public enum BreakdownReport {
    public static func text(_ breakdown: ExecutionBreakdown, style: TerminalStyle) -> String {
        guard !breakdown.entries.isEmpty else { return "No executions match.\n" }
        let name = breakdown.dimension.rawValue.replacingOccurrences(of: "-", with: " ")
        var output = style.bold(
            "Top \(breakdown.entries.count) of \(Formatting.count(breakdown.distinctValues)) by \(breakdown.measure.rawValue)")
            + "\n"
        let header = [name.prefix(1).uppercased() + name.dropFirst(), "Executions", "Errors", "Tokens", "Time", "Avg", "Cost"]
        let rows = breakdown.entries.map { entry -> [String] in
            let average = entry.executions > 0 ? entry.executionTimeMs / entry.executions : nil
            let cost = entry.unpricedExecutions == entry.executions
                ? "–" : Money.usdTotal(entry.costNanoUSD) + (entry.unpricedExecutions > 0 ? "*" : "")
            return [
                entry.key, Formatting.count(entry.executions), Formatting.count(entry.errors),
                Formatting.count(entry.totalTokens), Formatting.milliseconds(entry.executionTimeMs),
                Formatting.milliseconds(average), cost,
            ]
        }
        let table = TextTable(header: header, rows: rows, rightAligned: Set(1..<header.count))
        output += table.render(style: style).joined(separator: "\n") + "\n"
        if breakdown.entries.contains(where: { $0.unpricedExecutions > 0 && $0.unpricedExecutions < $0.executions }) {
            output += style.dim("* some executions have no price: the cost is of the priced ones") + "\n"
        }
        return output
    }

    public static func json(_ breakdown: ExecutionBreakdown) throws(CLIError) -> String {
        try JSONOutput.text(breakdown, what: "the breakdown")
    }
}
