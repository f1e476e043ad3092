import ArgumentParser
import ExecLogCLI
import ExecLogStore

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Every execution of a session in time order, grouped by trace, with the session's totals."
    )

    @Argument(help: "The session id (as the executions carry it).")
    var id: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Write the timeline as JSON.")
    var json = false

    func run() throws {
        try TraceCommand.show(.session, id: id, store: store, json: json)
    }
}
