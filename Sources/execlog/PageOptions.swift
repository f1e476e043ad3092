import ArgumentParser
import ExecLogCLI
import ExecLogStore

/// How `list` and `search` page and write their results.
struct PageOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "How many executions to show.")
    var limit: String = "50"

    @Option(parsing: .unconditional, help: "How many matching executions to skip first.")
    var offset: String = "0"

    @Option(help: ArgumentHelp("Continue after this cursor (printed at the end of a page).", valueName: "cursor"))
    var after: String?

    @Option(help: ArgumentHelp(
        "Sort by created_at (the default), total_tokens, execution_time_ms or cost_nano_usd; other than created_at, page with --offset.",
        valueName: "key"))
    var sort: ListOrder.Key = .createdAt

    @Option(help: ArgumentHelp("desc (the default: newest, largest first) or asc.", valueName: "direction"))
    var order: ListOrder.Direction = .desc

    @Flag(help: "Write JSON: {\"executions\": [...], \"next_cursor\": ...}.")
    var json = false

    @Flag(help: "Write CSV with a header line.")
    var csv = false

    func validatedLimit() throws -> Int {
        guard let value = Int(limit), value >= 0 else {
            throw CLIError("invalid --limit \(limit.debugDescription): expected a whole number ≥ 0")
        }
        return value
    }

    func validatedOffset() throws -> Int {
        guard let value = Int(offset), value >= 0 else {
            throw CLIError("invalid --offset \(offset.debugDescription): expected a whole number ≥ 0")
        }
        return value
    }

    func cursor() throws -> ListCursor? {
        try after.map { try ListCursor(parsing: $0) }
    }

    var listOrder: ListOrder { ListOrder(sort, order) }

    func format() throws -> ListRenderer.Format {
        guard !(json && csv) else { throw CLIError("--json and --csv cannot be used together") }
        return json ? .json : csv ? .csv : .table
    }
}

extension ListOrder.Key: ExpressibleByArgument {}
extension ListOrder.Direction: ExpressibleByArgument {}
