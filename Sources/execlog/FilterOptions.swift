import ArgumentParser
import ExecLogCLI
import ExecLogStore

/// The filters of `list`, `search` and `stats`.
struct FilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only this usage type (e.g. interview).", valueName: "name"))
    var usageType: String?

    @Option(help: ArgumentHelp("Only this provider (e.g. anthropic).", valueName: "name"))
    var provider: String?

    @Option(help: ArgumentHelp("Only this model (e.g. gpt-5).", valueName: "name"))
    var model: String?

    @Option(help: ArgumentHelp("ok or error.", valueName: "status"))
    var status: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Created at or after: 2026-11-27, 2026-11-27T10:00:00Z, or a duration ago (24h, 7d).", valueName: "time"))
    var from: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Created before (same forms as --from).", valueName: "time"))
    var to: String?

    @Option(help: ArgumentHelp("Only the executions of this trace.", valueName: "id"))
    var trace: String?

    @Option(help: ArgumentHelp("Only the executions of this session.", valueName: "id"))
    var session: String?

    @Option(help: ArgumentHelp("Only this user's executions.", valueName: "id"))
    var user: String?

    @Option(help: ArgumentHelp("Only executions with this tag.", valueName: "tag"))
    var tag: String?

    @Option(help: ArgumentHelp("Only executions whose text matches this search (as `execlog search`).", valueName: "query"))
    var query: String?

    func filter() throws -> ExecutionFilter {
        var filter = ExecutionFilter(
            usageType: usageType, provider: provider, modelName: model, traceID: trace, sessionID: session, userID: user,
            tag: tag, query: query)
        if let status {
            guard let parsed = ExecutionFilter.Status(rawValue: status.lowercased()) else {
                throw CLIError("invalid status \(status.debugDescription): expected ok or error")
            }
            filter.status = parsed
        }
        filter.from = try from.map { try TimeArguments.time($0) }
        filter.to = try to.map { try TimeArguments.time($0) }
        if let from = filter.from, let to = filter.to, from >= to {
            throw CLIError("--from must be earlier than --to")
        }
        return filter
    }
}
