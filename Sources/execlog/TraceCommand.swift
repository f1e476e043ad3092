import ArgumentParser
import ExecLogStore

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Every execution of a trace in time order, as a timeline, with the trace's totals."
    )

    @OptionGroup var options: TimelineOptions

    func run() throws { try options.show(.trace) }
}
