import ArgumentParser
import ExecLogCLI
import ExecLogStore

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Every execution of a trace in time order, as a timeline, with the trace's totals."
    )

    @Argument(help: "The trace id (as the executions carry it).")
    var id: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Write the timeline as JSON.")
    var json = false

    func run() throws {
        try Self.show(.trace, id: id, store: store, json: json)
    }

    /// Shared with `session`: prints the timeline, or fails when no execution has the id.
    static func show(_ kind: ExecutionTimeline.Kind, id: String, store: StoreOptions, json: Bool) throws {
        let timeline = try store.open(.readOnly).timeline(kind, id: id)
        guard !timeline.entries.isEmpty else { throw CLIError("no executions with \(kind.rawValue) id \(id)") }
        print(json ? try TimelineReport.json(timeline) : TimelineReport.text(timeline, style: .standardOutput), terminator: "")
    }
}
