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

    @Option(help: ArgumentHelp("Order of the breakdowns: cost, tokens or executions.", valueName: "order"))
    var sort: String = StatsReport.Sort.cost.rawValue

    func run() throws {
        guard let order = StatsReport.Sort(rawValue: sort) else {
            throw CLIError("--sort: \(sort.debugDescription) is not one of \(StatsReport.Sort.allCases.map(\.rawValue))", kind: .invalidInput)
        }
        let filter = try filters.filter()
        let executionStore = try store.open(.readOnly)
        let stats = try executionStore.stats(filter)
        // Drops have no usage type, provider, model or status: only the time window applies to them.
        let drops = try executionStore.emitterDrops(from: filter.from, to: filter.to)
        print(
            json ? try StatsReport.json(stats, drops: drops) : StatsReport.text(stats, drops: drops, sort: order, style: .standardOutput),
            terminator: "")
    }
}
