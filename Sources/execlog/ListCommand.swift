import ArgumentParser
import ExecLogCLI
import ExecLogStore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List executions, newest first.",
        discussion: "Page with --after and the cursor a page prints; --offset walks skipped rows and gets slow deep down."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: FilterOptions

    @Option(parsing: .unconditional, help: "How many executions to show.")
    var limit: String = "50"

    @Option(parsing: .unconditional, help: "How many matching executions to skip first.")
    var offset: String = "0"

    @Option(help: ArgumentHelp("Continue after this cursor (printed at the end of a page).", valueName: "cursor"))
    var after: String?

    @Flag(help: "Write JSON: {\"executions\": [...], \"next_cursor\": ...}.")
    var json = false

    @Flag(help: "Write CSV with a header line.")
    var csv = false

    func run() throws {
        guard let limit = Int(limit), limit >= 0 else {
            throw CLIError("invalid --limit \(limit.debugDescription): expected a whole number ≥ 0")
        }
        guard let offset = Int(offset), offset >= 0 else {
            throw CLIError("invalid --offset \(offset.debugDescription): expected a whole number ≥ 0")
        }
        guard !(json && csv) else { throw CLIError("--json and --csv cannot be used together") }
        let filter = try filters.filter()
        let cursor = try after.map { try ListCursor(parsing: $0) }
        let page = try store.open(.readOnly).list(filter, limit: limit, offset: offset, after: cursor)
        let format: ListRenderer.Format = json ? .json : csv ? .csv : .table
        print(try ListRenderer.render(page, format: format, style: .standardOutput), terminator: "")
    }
}
