import ArgumentParser
import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import Foundation

/// Fills a store directly, without the daemon: for trying queries on millions of executions.
struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Write simulated executions straight into a store (no daemon), spread over past days."
    )

    @Option(help: "The store file (created when missing).")
    var db: String

    @Option(help: "How many executions.")
    var count: Int = 10_000

    @Option(help: "Spread created_at evenly over this many past days.")
    var days: Double = 30

    @Option(help: "Executions per transaction.")
    var batch: Int = 5_000

    @OptionGroup var generatorOptions: GeneratorOptions

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be ≥ 0") }
        guard batch > 0 else { throw ValidationError("--batch must be > 0") }
        guard days > 0 else { throw ValidationError("--days must be > 0") }
    }

    func run() throws {
        let store = try ExecutionStore(path: db, mode: .create)
        var generator = generatorOptions.generator()
        let end = Date()
        let step = days * 86_400 / Double(max(count, 1))
        let start = end.addingTimeInterval(-days * 86_400)
        let clock = ContinuousClock()
        let began = clock.now
        var written = InsertResult()
        var index = 0
        while index < count {
            let size = min(batch, count - index)
            let executions = (0..<size).map { offset in
                generator.next(createdAt: start.addingTimeInterval(Double(index + offset) * step))
            }
            let result = try store.insert(executions)
            written.stored += result.stored
            written.duplicates += result.duplicates
            index += size
            if index % 100_000 < size || index == count {
                let seconds = (clock.now - began) / .seconds(1)
                print("  \(index) / \(count)  (\(Int(Double(index) / max(seconds, 0.001))) per second)")
            }
        }
        print("Seeded \(db): \(written.stored) stored, \(written.duplicates) duplicates.")
    }
}
