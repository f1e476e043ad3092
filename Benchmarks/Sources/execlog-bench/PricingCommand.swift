import ArgumentParser
import ExecLogModel
import ExecLogPricing
import ExecLogSimulation
import ExecLogStore
import Foundation

/// What pricing costs the writer (issue 16: within 5 %). The writer's own work per batch, in this
/// process: making the rows (`StoreBatch`, where each execution is priced) and inserting them in one
/// transaction, once with the bundled prices and once without pricing, into two fresh stores, the two
/// interleaved batch by batch so that both see the same machine. Decoding the events, which both pay
/// alike, is left out: the ratio is stricter than the daemon's would be.
struct PricingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pricing")

    @Option(help: "A folder for the two stores.")
    var dir: String

    @Option(help: "Executions per store.")
    var count: Int = 50_000

    @Option(help: "As execlog-loadgen's --payload-bytes.")
    var payloadBytes: Int = 300

    @Option(help: "Where to write the figures (JSON).")
    var out: String

    func run() throws {
        var options = ExecutionGenerator.Options()
        options.payloadBytes = payloadBytes
        var generator = ExecutionGenerator(seed: 3, options: options)
        let executions = (0..<count).map { _ in generator.next() }
        let priced = try ExecutionStore(path: dir + "/priced.db", mode: .create)
        let unpriced = try ExecutionStore(path: dir + "/unpriced.db", mode: .create)
        let book = PriceBook.bundled
        // Loaded and its lookups warm before the clock, as in a writer that has run a while.
        _ = try StoreBatch(executions: Array(executions.prefix(100)), prices: book)
        let clock = ContinuousClock()
        var seconds = (priced: 0.0, unpriced: 0.0)
        var index = 0
        var batchNumber = 0
        while index < executions.count {
            let batch = Array(executions[index..<min(index + 1_000, executions.count)])
            // Alternate which goes first, so that neither always runs on a cooler cache.
            for pricing in batchNumber % 2 == 0 ? [true, false] : [false, true] {
                let start = clock.now
                let rows = StoreBatch(executions: batch, prices: pricing ? book : nil)
                try (pricing ? priced : unpriced).insert([rows])
                let elapsed = start.duration(to: clock.now).seconds
                if pricing { seconds.priced += elapsed } else { seconds.unpriced += elapsed }
            }
            index += batch.count
            batchNumber += 1
        }
        let stats = try priced.stats()
        var results = Results()
        results["events"] = Double(count)
        results["priced_events_per_s"] = Double(count) / seconds.priced
        results["unpriced_events_per_s"] = Double(count) / seconds.unpriced
        results["unpriced_in_priced_store"] = Double(stats.unpricedExecutions)
        try results.write(to: out)
    }
}
