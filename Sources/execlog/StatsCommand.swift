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

    func run() throws {
        let filter = try filters.filter()
        let executionStore = try store.open(.readOnly)
        let stats = try executionStore.stats(filter)
        // Drops have no usage type, provider, model or status: only the time window applies to them.
        let drops = try executionStore.emitterDrops(from: filter.from, to: filter.to)
        print(
            json ? try StatsReport.json(stats, drops: drops) : StatsReport.text(stats, drops: drops, style: .standardOutput),
            terminator: "")
    }
}
