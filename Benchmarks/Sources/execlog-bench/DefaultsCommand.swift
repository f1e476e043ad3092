import ArgumentParser
import ExecLog
import ExecLogStore
import ExecLogWriter
import Foundation

/// The bounds scripts/bench measures against, read from the code's own defaults (the emitter's
/// `ExecutionLoggerConfiguration`, the writer's `WriterConfiguration`, the store's page cache) rather
/// than numbers copied into the script, so that a changed default changes the bound it is held to.
struct DefaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "defaults")

    @Option(help: "Print only this figure's value (e.g. max_pending_events).")
    var key: String?

    @Option(help: "Also write the figures (JSON) here.")
    var out: String?

    func run() throws {
        let emitter = ExecutionLoggerConfiguration()
        let writer = WriterConfiguration(endpoints: [], storePath: "")
        var results = Results()
        results["max_queue_bytes"] = Double(emitter.maxQueueBytes)
        results["max_batch_events"] = Double(emitter.maxBatchEvents)
        results["max_batch_bytes"] = Double(emitter.maxBatchBytes)
        results["max_in_flight_batches"] = Double(emitter.maxInFlightBatches)
        results["max_pending_events"] = Double(writer.maxPendingEvents)
        results["commit_events"] = Double(writer.commitEvents)
        results["writer_cache_bytes"] = Double(ExecutionStore.writerCacheBytes)
        if let out { try results.write(to: out) }
        if let key {
            guard let value = results[key] else { throw ValidationError("no default named \(key)") }
            print(Int(value))
        } else {
            for (name, value) in results.values.sorted(by: { $0.key < $1.key }) { print("\(name)\t\(Int(value))") }
        }
    }
}
