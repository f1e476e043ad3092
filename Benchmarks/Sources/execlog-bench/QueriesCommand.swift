import ArgumentParser
import ExecLogModel
import ExecLogStore
import Foundation
import GRDB

/// Row 4: the queries the CLI makes, in-process through ExecutionStore (no process start counted), on
/// a store seeded with `execlog-loadgen seed`; then a prune of its oldest 10 % (`--prune-fraction`).
///
/// Each query runs `--repetitions` times and its median is reported. The baseline is what a query
/// costs without an index: a `NOT INDEXED` count over the whole table with the usage-type filter.
struct QueriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queries")

    @Option(help: "A store seeded by execlog-loadgen seed (it is pruned at the end).")
    var db: String

    @Option(help: "Runs of each query.")
    var repetitions: Int = 21

    @Option(help: "The share of the rows, oldest first, that the prune at the end deletes.")
    var pruneFraction: Double = 0.1

    @Option(help: "Where to write the figures (JSON).")
    var out: String

    func validate() throws {
        guard pruneFraction > 0, pruneFraction < 1 else {
            throw ValidationError("--prune-fraction must be between 0 and 1 (exclusive)")
        }
    }

    func run() throws {
        var results = Results()
        let store = try ExecutionStore(path: db, mode: .readOnly)
        var configuration = Configuration()
        configuration.readonly = true
        let raw = try DatabaseQueue(path: db, configuration: configuration)
        let rows = try store.count()
        results["rows"] = Double(rows)

        // Filter values the generator uses; the date range is one day, ten days back (seed spreads 30 days).
        let now = Date()
        let filters: [(String, ExecutionFilter)] = [
            ("none", ExecutionFilter()),
            ("usage_type", ExecutionFilter(usageType: "interview")),
            ("provider", ExecutionFilter(provider: "anthropic")),
            ("model", ExecutionFilter(modelName: "gpt-5")),
            ("status", ExecutionFilter(status: .error)),
            ("date_range", ExecutionFilter(from: now.addingTimeInterval(-10 * 86_400), to: now.addingTimeInterval(-9 * 86_400))),
            ("last_7_days", ExecutionFilter(from: now.addingTimeInterval(-7 * 86_400), to: now)),
        ]
        for (name, filter) in filters {
            results["list_\(name)_ms"] = try measure(repetitions) { _ = try store.list(filter, limit: 50) }
                .milliseconds(at: 50)
        }

        // A page in the middle of the newest-first order, reached by its cursor.
        let middle = try raw.read { db in
            try Row.fetchOne(
                db, sql: "SELECT created_at, id FROM ai_executions ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?",
                arguments: [rows / 2])
        }
        if let middle {
            let cursor = ListCursor(createdAt: middle["created_at"], id: middle["id"])
            results["list_deep_ms"] = try measure(repetitions) { _ = try store.list(limit: 50, after: cursor) }
                .milliseconds(at: 50)
        }

        // Show by full id, for ids spread over the table.
        let maxRowID = try raw.read { db in try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM ai_executions") } ?? 0
        var ids: [String] = []
        var random = SystemRandomNumberGenerator()
        while ids.count < repetitions, maxRowID > 0 {
            let rowID = Int64.random(in: 1...maxRowID, using: &random)
            if let id = try raw.read({ db in
                try String.fetchOne(db, sql: "SELECT id FROM ai_executions WHERE rowid = ?", arguments: [rowID])
            }) { ids.append(id) }
        }
        var next = 0
        results["show_ms"] = try measure(ids.count) {
            _ = try store.execution(ids[next])
            next += 1
        }.milliseconds(at: 50)

        for (name, filter) in filters {
            results["stats_\(name)_ms"] = try measure(max(3, repetitions / 4)) { _ = try store.stats(filter) }
                .milliseconds(at: 50)
        }

        // Baseline: the usage-type filter without any index, i.e. a read of every row.
        results["scan_ms"] = try measure(3) {
            _ = try raw.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions NOT INDEXED WHERE usage_type = 'interview'")
            }
        }.milliseconds(at: 50)

        // Prune the oldest `pruneFraction` one chunk (transaction) at a time, timing each: the longest chunk is the
        // longest the writer can wait for the lock because of a prune.
        let cutoffText = try raw.read { db in
            try String.fetchOne(db, sql: "SELECT created_at FROM ai_executions ORDER BY created_at LIMIT 1 OFFSET ?",
                                arguments: [Int(Double(rows) * pruneFraction)])
        }
        if let cutoffText, let cutoff = Timestamp.parse(cutoffText) {
            let writer = try ExecutionStore(path: db, mode: .readWrite)
            var chunks = LatencyHistogram()
            var deleted = 0
            let clock = ContinuousClock()
            let start = clock.now
            // Each chunk's transaction, BEGIN to the end of COMMIT: the time it holds the write lock.
            deleted = try writer.prune(olderThan: cutoff) { chunks.record($0.transaction) }
            results["prune_rows"] = Double(deleted)
            results["prune_fraction"] = pruneFraction
            results["prune_total_s"] = start.duration(to: clock.now).seconds
            results["prune_chunks"] = Double(chunks.count)
            results["prune_chunk_p50_ms"] = chunks.milliseconds(at: 50)
            results["prune_chunk_p99_ms"] = chunks.milliseconds(at: 99)
            results["prune_chunk_max_ms"] = chunks.milliseconds(at: 100)
        }
        try results.write(to: out)
    }
}
