import ExecLogModel
import ExecLogStore
import Foundation

/// `execlog trace` and `execlog session`: a trace's executions on one time line, a session's grouped by
/// trace (docs/CLI.md).
public enum TimelineReport {
    /// Characters of the widest duration bar.
    static let barWidth = 30

    public static func text(_ timeline: ExecutionTimeline, style: TerminalStyle) -> String {
        guard let start = timeline.start else {
            return "No executions with \(timeline.kind.rawValue) id \(timeline.id).\n"
        }
        var output = style.bold("\(timeline.kind == .trace ? "Trace" : "Session") \(timeline.id)") + "\n"
        output += summary(timeline.totals, spanMs: timeline.spanMs, start: start) + "\n"
        if timeline.truncated {
            output += style.dim("Only the first \(Formatting.count(timeline.entries.count)) executions are shown.") + "\n"
        }
        let groups: [(trace: String?, entries: [ExecutionTimeline.Entry])]
        if timeline.kind == .session {
            // In order of each trace's first call; calls without a trace last.
            var order: [String?] = []
            var byTrace: [String?: [ExecutionTimeline.Entry]] = [:]
            for entry in timeline.entries {
                let key = entry.execution.traceID
                if byTrace[key] == nil { order.append(key) }
                byTrace[key, default: []].append(entry)
            }
            order.sort { ($0 == nil ? 1 : 0) < ($1 == nil ? 1 : 0) }
            groups = order.map { ($0, byTrace[$0] ?? []) }
        } else {
            groups = [(nil, timeline.entries)]
        }
        for group in groups {
            output += "\n"
            if timeline.kind == .session {
                let calls = Formatting.plural(group.entries.count, "call")
                output += style.bold(group.trace.map { "Trace \($0)" } ?? "No trace") + style.dim(" · \(calls)") + "\n"
            }
            output += table(group.entries, spanMs: timeline.spanMs, style: style)
        }
        return output
    }

    /// "5 calls · 1 error · 12,345 tokens · span 3.20 s · $0.0123 · started 2026-11-27 11:55:45"
    static func summary(_ totals: ExecutionTimeline.Totals, spanMs: Int, start: Date) -> String {
        var parts = [Formatting.plural(totals.executions, "call")]
        parts.append(Formatting.plural(totals.errors, "error"))
        parts.append("\(Formatting.count(totals.totalTokens)) tokens")
        parts.append("span \(Formatting.milliseconds(spanMs))")
        if totals.executions > totals.unpricedExecutions {
            parts.append(Money.usdTotal(totals.costNanoUSD) + (totals.unpricedExecutions > 0 ? " (\(totals.unpricedExecutions) unpriced)" : ""))
        }
        parts.append("started \(Formatting.localTime(start))")
        return parts.joined(separator: " · ")
    }

    /// Start offset, duration, bar, model, tokens, status, id.
    static func table(_ entries: [ExecutionTimeline.Entry], spanMs: Int, style: TerminalStyle) -> String {
        let header = ["Start", "Duration", "", "Model", "Tokens", "Status", "ID"]
        let rows = entries.map { entry -> [String] in
            let execution = entry.execution
            return [
                "+" + Formatting.milliseconds(entry.startOffsetMs), Formatting.milliseconds(execution.executionTimeMs),
                bar(offset: entry.startOffsetMs, duration: execution.executionTimeMs ?? 0, span: spanMs),
                execution.modelName, execution.totalTokens.map(Formatting.count) ?? "–",
                execution.isError ? "ERROR" : "OK", execution.id,
            ]
        }
        let table = TextTable(header: header, rows: rows, rightAligned: [0, 1, 4], statusColumn: 5)
        return table.render(style: style).joined(separator: "\n") + "\n"
    }

    /// The call's place on the line: spaces up to its start, then its length, at least one block.
    static func bar(offset: Int, duration: Int, span: Int) -> String {
        guard span > 0 else { return "█" }
        let scale = Double(barWidth) / Double(span)
        let lead = min(barWidth - 1, Int(Double(offset) * scale))
        let length = max(1, min(barWidth - lead, Int((Double(duration) * scale).rounded())))
        return String(repeating: " ", count: lead) + String(repeating: "█", count: length)
            + String(repeating: " ", count: barWidth - lead - length)
    }

    /// The timeline as JSON (`ExecutionTimeline`'s form, the REST API's).
    public static func json(_ timeline: ExecutionTimeline) throws(CLIError) -> String {
        try JSONOutput.text(timeline, what: "the timeline")
    }
}
