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
        let stats = try store.open(.readOnly).stats(try filters.filter())
        print(json ? StatsReport.json(stats) : StatsReport.text(stats, style: .standardOutput), terminator: "")
    }
}
