import ExecLogModel
import ExecLogSimulation
import Foundation

enum Fixtures {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// `count` executions, one a minute from `start`, from a seeded generator.
    static func executions(_ count: Int, seed: UInt64 = 7, errorRatio: Double = 0.1) -> [Execution] {
        var options = ExecutionGenerator.Options()
        options.errorRatio = errorRatio
        options.payloadBytes = 200
        var generator = ExecutionGenerator(seed: seed, options: options)
        return (0..<count).map { generator.next(createdAt: start.addingTimeInterval(Double($0) * 60)) }
    }
}
