import ArgumentParser
import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import Foundation

/// Row 2's baseline: the raw SQLite insert limit on this disk, for the rows the emitters send.
///
/// The same generator (same payload size) makes the executions up front; then only the inserts are
/// timed: ExecutionStore.insert of 1,000-row batches, which is one BEGIN IMMEDIATE, one cached
/// prepared INSERT executed per row, and one COMMIT, on a fresh store with the same schema, indexes
/// and synchronous level as execlogd's. It includes binding the Swift values to the statement (the
/// JSON columns serialized), which the writer pays too, so the ratio row 2 prints isolates what the
/// pipeline adds: ZeroMQ, JSON decoding, validation, acks, and four emitter processes on the same two cores.
struct RawInsertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "raw-insert")

    @Option(help: "A store file to create (must not exist).")
    var db: String

    @Option(help: "Executions to insert.")
    var count: Int = 50_000

    @Option(help: "As execlog-loadgen's --payload-bytes.")
    var payloadBytes: Int = 1_000

    @Option(help: "Rows per transaction.")
    var batch: Int = 1_000

    @Option(help: "normal (execlogd's default) or full.")
    var synchronous: String = "normal"

    @Option(help: "Where to write the figures (JSON).")
    var out: String

    func run() throws {
        guard let level = ExecutionStore.Synchronous(rawValue: synchronous) else {
            throw ValidationError("--synchronous: normal or full")
        }
        var options = ExecutionGenerator.Options()
        options.payloadBytes = payloadBytes
        var generator = ExecutionGenerator(seed: 2, options: options)
        let executions = (0..<count).map { _ in generator.next() }
        // What travels on the wire: the compact JSON the emitter sends.
        let jsonBytes = executions.reduce(0) { $0 + $1.jsonData().count }

        let store = try ExecutionStore(path: db, mode: .create, synchronous: level)
        let clock = ContinuousClock()
        let start = clock.now
        var index = 0
        while index < executions.count {
            let end = min(index + batch, executions.count)
            try store.insert(Array(executions[index..<end]))
            index = end
        }
        let seconds = start.duration(to: clock.now).seconds

        var results = Results()
        results["events"] = Double(count)
        results["seconds"] = seconds
        results["events_per_s"] = Double(count) / seconds
        results["mb_per_s"] = Double(jsonBytes) / seconds / 1e6
        results["event_bytes"] = Double(jsonBytes) / Double(count)
        try results.write(to: out)
    }
}
