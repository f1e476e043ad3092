import ArgumentParser
import ExecLogCLI
import ExecLogStore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show everything about one execution."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The execution's id, or a unique prefix of it.")
    var id: String

    @Flag(help: "Write the execution as one JSON object.")
    var json = false

    @OptionGroup var prices: PriceOptions

    func run() throws {
        let record = try store.open(.readOnly).record(id)
        guard !json else { return print(ExecutionReport.json(record), terminator: "") }
        print(ExecutionReport.text(record, prices: try prices.book(), style: .standardOutput), terminator: "")
    }
}
