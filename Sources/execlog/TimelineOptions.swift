import ArgumentParser
import ExecLogCLI
import ExecLogStore

/// What `trace` and `session` take: the id, the store, the format.
struct TimelineOptions: ParsableArguments {
    @Argument(help: "The id, as the executions carry it (compared exactly).")
    var id: String

    @OptionGroup var store: StoreOptions

    @Flag(help: "Write the timeline as JSON.")
    var json = false

    /// Prints the timeline, or fails when no execution has the id.
    func show(_ kind: ExecutionTimeline.Kind) throws {
        let timeline = try store.open(.readOnly).timeline(kind, id: id)
        guard !timeline.entries.isEmpty else { throw CLIError("no executions with \(kind.rawValue) id \(id)") }
        print(json ? try TimelineReport.json(timeline) : TimelineReport.text(timeline, style: .standardOutput), terminator: "")
    }
}
