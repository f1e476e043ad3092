import ExecLogModel
import ExecLogStore
import Foundation

/// Writes a page of executions as a table for people, or as JSON or CSV for programs (docs/CLI.md).
public enum ListRenderer {
    public enum Format: String, Sendable, CaseIterable {
        case table, json, csv
    }

    /// `nextOffset`: where the next page starts in an order that pages by offset (`--sort`).
    public static func render(
        _ page: ExecutionPage, format: Format, style: TerminalStyle, search: Bool = false, nextOffset: Int? = nil
    ) throws(CLIError) -> String {
        switch format {
        case .table: table(page, style: style, nextOffset: nextOffset)
        case .json: try json(page)
        case .csv: csv(page, search: search)
        }
    }

    /// Time, Usage Type, Provider, Model, Tokens (total with in/out), Cost, Duration, Status — as the
    /// original page, with the cost.
    public static func table(_ page: ExecutionPage, style: TerminalStyle, nextOffset: Int? = nil) -> String {
        guard !page.executions.isEmpty else { return "No executions match.\n" }
        let header = ["Time", "Usage Type", "Provider", "Model", "Tokens", "Cost", "Duration", "Status", "ID"]
        let rows = page.executions.map { execution -> [String] in
            let time = Timestamp.parse(execution.createdAt).map(Formatting.localTime) ?? execution.createdAt
            let tokens =
                execution.totalTokens.map(Formatting.count).map {
                    "\($0) (\(execution.inputTokens.map(Formatting.count) ?? "–")/\(execution.outputTokens.map(Formatting.count) ?? "–"))"
                } ?? "–"
            return [
                time, execution.usageType, execution.provider, execution.modelName, tokens,
                Money.cell(execution.costNanoUSD, source: execution.costSource), Formatting.milliseconds(execution.executionTimeMs), execution.isError ? "ERROR" : "OK",
                execution.id,
            ]
        }
        let lines = TextTable(header: header, rows: rows, rightAligned: [4, 5, 6], statusColumn: 7).render(style: style)
        var output = lines[0] + "\n"
        for (line, execution) in zip(lines.dropFirst(), page.executions) {
            output += line + "\n"
            if let snippet = execution.snippet { output += "    " + Self.snippet(snippet, style: style) + "\n" }
        }
        if let next = page.nextCursor {
            output += style.dim("More: --after \(next)") + "\n"
        } else if page.hasMore, let nextOffset {
            output += style.dim("More: --offset \(nextOffset)") + "\n"
        }
        return output
    }

    /// `{"executions": [...], "next_cursor": "…" | null}`, one object, keys as the original API.
    public static func json(_ page: ExecutionPage) throws(CLIError) -> String {
        struct Body: Encodable {
            var executions: [ExecutionSummary]
            var nextCursor: String?
            enum CodingKeys: String, CodingKey {
                case executions
                case nextCursor = "next_cursor"
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(executions, forKey: .executions)
                try container.encode(nextCursor, forKey: .nextCursor)
            }
        }
        return try JSONOutput.text(Body(executions: page.executions, nextCursor: page.nextCursor?.description), what: "the executions")
    }

    /// A search hit's snippet on one line, its matches highlighted on a terminal.
    public static func snippet(_ snippet: SearchSnippet, style: TerminalStyle) -> String {
        guard !snippet.segments.isEmpty else { return style.dim("(the match is in a part of the text no snippet shows)") }
        return snippet.segments.map { $0.match ? style.highlight($0.text) : $0.text }.joined()
    }

    public static let csvColumns = [
        "id", "created_at", "usage_type", "provider", "model_name", "input_tokens", "output_tokens", "total_tokens",
        "execution_time_ms", "status", "error_message", "total_cost_usd", "cost_source", "trace_id", "session_id",
        "user_id",
    ]

    /// RFC 4180: a header line, then one line per execution; fields quoted when they hold a comma, quote or newline.
    /// A search's page (`search` true) has a last column, `snippet`, in plain text.
    public static func csv(_ page: ExecutionPage, search: Bool = false) -> String {
        var output = (csvColumns + (search ? ["snippet"] : [])).joined(separator: ",") + "\r\n"
        for execution in page.executions {
            var fields: [String] = [
                execution.id, execution.createdAt, execution.usageType, execution.provider, execution.modelName,
                execution.inputTokens.map(String.init) ?? "", execution.outputTokens.map(String.init) ?? "",
                execution.totalTokens.map(String.init) ?? "", execution.executionTimeMs.map(String.init) ?? "",
                execution.isError ? "error" : "ok", execution.errorMessage ?? "",
                execution.costNanoUSD.map(Money.usdDecimal) ?? "", execution.costSource ?? "", execution.traceID ?? "",
                execution.sessionID ?? "", execution.userID ?? "",
            ]
            if search { fields.append(execution.snippet?.plainText ?? "") }
            output += fields.map(csvField).joined(separator: ",") + "\r\n"
        }
        return output
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
