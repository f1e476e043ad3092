import ArgumentParser
import ExecLogStore

struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Every execution of a session in time order, grouped by trace, with the session's totals."
    )

    @OptionGroup var options: TimelineOptions

    func run() throws { try options.show(.session) }
}
