import ArgumentParser
import ExecLogCLI
import ExecLogStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Totals, breakdowns and latency percentiles."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: FilterOptions

    @Flag(help: "Write the stats object as JSON.")
    var json = false

    @Option(help: ArgumentHelp(
        "Order of the breakdowns: cost, tokens or executions (default cost); with --by also time (default executions).",
        valueName: "order"))
    var sort: String?

    @Option(help: ArgumentHelp(
        "Instead of the totals, the top values of one dimension: \(ExecutionBreakdown.Dimension.allCases.map(\.rawValue).joined(separator: ", ")).",
        valueName: "dimension"))
    var by: String?

    @Option(parsing: .unconditional, help: "With --by: how many values to show.")
    var limit: String = "20"

    func run() throws {
        let filter = try filters.filter()
        if let by {
            try breakdown(by, filter)
            return
        }
        let sort = sort ?? StatsReport.Sort.cost.rawValue
        guard let order = StatsReport.Sort(rawValue: sort) else {
            throw CLIError("--sort: \(sort.debugDescription) is not one of \(StatsReport.Sort.allCases.map(\.rawValue))", kind: .invalidInput)
        }
        let executionStore = try store.open(.readOnly)
        if filter.query != nil { try SearchCommand.noteIndexBuild(executionStore) }
        let stats = try executionStore.stats(filter)
        // Drops have no usage type, provider, model or status: only the time window applies to them.
        let drops = try executionStore.emitterDrops(from: filter.from, to: filter.to)
        print(
            json ? try StatsReport.json(stats, drops: drops) : StatsReport.text(stats, drops: drops, sort: order, style: .standardOutput),
            terminator: "")
    }

    private func breakdown(_ by: String, _ filter: ExecutionFilter) throws {
        guard let dimension = ExecutionBreakdown.Dimension(rawValue: by) else {
            throw CLIError("--by: \(by.debugDescription) is not one of \(ExecutionBreakdown.Dimension.allCases.map(\.rawValue))")
        }
        let sort = sort ?? ExecutionBreakdown.Measure.executions.rawValue
        guard let measure = ExecutionBreakdown.Measure(rawValue: sort) else {
            throw CLIError("--sort: \(sort.debugDescription) is not one of \(ExecutionBreakdown.Measure.allCases.map(\.rawValue))")
        }
        guard let limit = Int(limit), limit > 0 else {
            throw CLIError("invalid --limit \(limit.debugDescription): expected a whole number > 0")
        }
        let executionStore = try store.open(.readOnly)
        if filter.query != nil { try SearchCommand.noteIndexBuild(executionStore) }
        let breakdown = try executionStore.breakdown(dimension, filter, by: measure, limit: limit)
        print(json ? try BreakdownReport.json(breakdown) : BreakdownReport.text(breakdown, style: .standardOutput), terminator: "")
    }
}
