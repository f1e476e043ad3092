import ExecLogModel
import ExecLogPricing
import ExecLogStore
import Foundation

/// Everything about one execution, for `execlog show`.
public enum ExecutionReport {
    /// `prices`: the prices in force, to show each component's rate (nil: amounts only).
    public static func text(_ record: ExecutionRecord, prices: PriceBook?, style: TerminalStyle) -> String {
        let execution = record.execution
        var output = ""
        func section(_ title: String) { output += "\n" + style.bold(title) + "\n" }
        func field(_ name: String, _ value: String?) {
            guard let value else { return }
            output += "  " + name.padding(toLength: 20, withPad: " ", startingAt: 0) + value + "\n"
        }
        func block(_ text: String) {
            output += text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
                .joined(separator: "\n") + "\n"
        }

        output += style.bold("Execution \(execution.idString)") + "\n"
        field("Status", execution.isError ? style.red("ERROR") : style.green("OK"))
        field(
            "Created",
            "\(Timestamp.format(execution.createdAt))  (\(Formatting.localTime(execution.createdAt)) \(Formatting.localZoneName(execution.createdAt)))"
        )
        field("Usage type", execution.usageType)
        field("Provider", execution.provider)
        field("Model", execution.modelName)
        field("AI model id", execution.aiModelID?.canonicalString)
        field("Duration", Formatting.milliseconds(execution.executionTimeMs))
        field("Time to first token", execution.timeToFirstTokenMs.map { Formatting.milliseconds($0) })
        field("Trace", execution.traceID)
        field("Session", execution.sessionID)
        field("User", execution.userID)
        field("Tags", execution.tags.isEmpty ? nil : execution.tags.joined(separator: ", "))

        section("Token usage")
        field("Input", execution.inputTokens.map(Formatting.count) ?? "–")
        field("Cached input", execution.cachedInputTokens.map(Formatting.count))
        field("Cache writes", execution.cacheCreationInputTokens.map(Formatting.count))
        field("Output", execution.outputTokens.map(Formatting.count) ?? "–")
        field("Reasoning", execution.reasoningTokens.map(Formatting.count))
        field("Total", execution.totalTokens.map(Formatting.count) ?? "–")

        section("Cost")
        for (name, value) in CostReport.lines(record, prices: prices, style: style) { field(name, value) }

        section("Parameters")
        field("Temperature", execution.temperature.map { String($0) } ?? "–")
        field("Max tokens", execution.maxTokens.map(Formatting.count) ?? "–")
        field("Finish reason", execution.finishReason)
        if let metadata = execution.executionMetadata {
            output += "  Metadata\n"
            block("  " + pretty(metadata).replacingOccurrences(of: "\n", with: "\n  "))
        }

        if let error = execution.errorMessage {
            section(style.red("Error"))
            block(style.red(error))
        }
        section("System prompt")
        block(execution.systemPrompt ?? style.dim("(none)"))
        section("Input messages")
        block(pretty(execution.inputMessages))
        section("Response")
        block(execution.responseContent ?? style.dim("(none)"))
        return output
    }

    /// The execution as one JSON object with every field (absent ones as null), and its stored cost
    /// under `cost` (null for a row not priced yet).
    public static func json(_ record: ExecutionRecord) -> String {
        record.jsonObject().prettySerialized() + "\n"
    }

    static func pretty(_ value: JSONValue) -> String {
        value.prettySerialized()
    }
}
