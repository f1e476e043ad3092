import ArgumentParser
import ExecLog
import ExecLogModel
import ExecLogSimulation
import Foundation
import GRDB
import Logging
import Synchronization

/// Row 3: latency from record() to committed, at a fixed rate spread over `--emitters` loggers (4, as
/// a worker fleet on the machine would be), through a real execlogd.
///
/// SQLite keeps no commit time, so this process watches for it: a second thread holds a read-only
/// connection to the daemon's store and, every millisecond, reads the rows inserted since its last
/// look (`rowid > last`, a seek on the table's b-tree). A row a reader can see is committed. Each
/// execution's latency is the time it was first seen minus the time just before its record() call,
/// both on this process's monotonic clock. The watcher's period and the cost of its query (well under
/// a millisecond) are included: the figure is an upper bound by about 1 ms.
struct EndToEndCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "e2e")

    @Option(help: "execlogd's endpoint.")
    var endpoint: String

    @Option(help: "execlogd's store (a fresh one: its rowids start after what it holds).")
    var db: String

    @Option(help: "Executions per second.")
    var rate: Double = 1_000

    @Option(help: "How long to record, in seconds.")
    var seconds: Double = 10

    @Option(help: "Emitters (ExecutionLoggers, each with its sender thread and socket) the calls are spread over.")
    var emitters: Int = 4

    @Option(help: "Where to write the figures (JSON).")
    var out: String

    func run() throws {
        let count = Int(rate * seconds)
        var options = ExecutionGenerator.Options()
        options.payloadBytes = 300  // ~1.5 KB of JSON on average, as row 2's small events
        var generator = ExecutionGenerator(seed: 3, options: options)
        var executions = (0..<count).map { _ in generator.next() }
        for index in executions.indices { executions[index].id = .v7() }
        var indexByID: [String: Int] = [:]
        for (index, execution) in executions.enumerated() { indexByID[execution.idString] = index }

        // Instants on the monotonic clock: recorded by this thread, seen by the watcher.
        let recordedAt = Mutex([ContinuousClock.Instant?](repeating: nil, count: count))
        let seenAt = Mutex([ContinuousClock.Instant?](repeating: nil, count: count))
        let stop = Atomic(false)

        var configuration = Configuration()
        configuration.readonly = true
        let reader = try DatabaseQueue(path: db, configuration: configuration)
        let lastRowID = try reader.read { db in try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM ai_executions") } ?? 0
        let watcher = Thread { [indexByID] in
            var last = lastRowID
            while !stop.load(ordering: .relaxed) {
                let rows = (try? reader.read { db in
                    try Row.fetchAll(db, sql: "SELECT rowid, id FROM ai_executions WHERE rowid > ? ORDER BY rowid",
                                     arguments: [last])
                }) ?? []
                let now = ContinuousClock.now
                if !rows.isEmpty {
                    seenAt.withLock { seen in
                        for row in rows {
                            if let index = indexByID[row["id"] as String], seen[index] == nil { seen[index] = now }
                        }
                    }
                    last = rows.last!["rowid"]
                }
                usleep(1_000)
            }
        }
        watcher.start()

        let logs = (0..<max(1, emitters)).map { _ in
            ExecutionLogger(
                configuration: ExecutionLoggerConfiguration(endpoint: endpoint),
                logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        }
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<count {
            // A fixed schedule: sleep when the next call is more than half a millisecond away, else go.
            let due = start + .nanoseconds(Int64(Double(index) * 1e9 / rate))
            let ahead = clock.now.duration(to: due)
            if ahead > .microseconds(500) { Thread.sleep(forTimeInterval: ahead.seconds) }
            var execution = executions[index]
            execution.createdAt = Date()
            let now = clock.now
            recordedAt.withLock { $0[index] = now }
            logs[index % logs.count].record(execution)
        }
        let recordSeconds = start.duration(to: clock.now).seconds

        // Wait until every execution has been seen, or 30 s.
        let deadline = clock.now + .seconds(30)
        while clock.now < deadline, seenAt.withLock({ $0.contains(where: { $0 == nil }) }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop.store(true, ordering: .relaxed)
        for log in logs { log.shutdownBlocking(timeout: .seconds(5)) }

        var histogram = LatencyHistogram()
        var missing = 0
        let recorded = recordedAt.withLock { $0 }
        let seen = seenAt.withLock { $0 }
        for index in 0..<count {
            guard let from = recorded[index], let to = seen[index] else { missing += 1; continue }
            histogram.record(from.duration(to: to))
        }
        var results = Results()
        results["rate"] = rate
        results["achieved_rate"] = Double(count) / recordSeconds
        results["p50_ms"] = histogram.milliseconds(at: 50)
        results["p99_ms"] = histogram.milliseconds(at: 99)
        results["max_ms"] = histogram.milliseconds(at: 100)
        results["missing"] = Double(missing)
        results["emitters"] = Double(logs.count)
        try results.write(to: out)
    }
}
