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

    func run() throws {
        let execution = try store.open(.readOnly).execution(id)
        print(
            json ? ExecutionReport.json(execution) : ExecutionReport.text(execution, style: .standardOutput),
            terminator: "")
    }
}
