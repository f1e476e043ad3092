import ArgumentParser
import ExecLogModel
import ExecLogPricing
import ExecLogSimulation
import ExecLogStore
import Foundation

/// What the search index costs and what it and the trace filters answer in (issue 17). Two stores get
/// the same seed-shaped executions (1.5 KB, 10,000 users), one with the full-text index and one
/// without (`execlogd --no-search-index`), batch by batch interleaved so that both see the same
/// machine: the writer's batch work (rows, pricing, insert, commit) per second, and the bytes per row.
/// Then the queries on the indexed store, each repeated and its median taken, and a prune of the
/// oldest 10 % of both stores.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search")

    @Option(help: "A folder for the two stores.")
    var dir: String

    @Option(help: "Executions per store.")
    var count: Int = 100_000

    @Option(help: "Runs of each query.")
    var repetitions: Int = 21

    @Option(help: "Where to write the figures (JSON).")
    var out: String

    @Flag(help: "Time the queries only, on the indexed store a previous run left in --dir (no inserts, no prune).")
    var queriesOnly = false

    /// In 1 % of the responses, and in a few.
    static let commonWord = "zebra"
    static let rareWord = "quokka"
    static let rareEvery = 20_000
    static let users = 10_000

    func run() throws {
        let indexed = try ExecutionStore(path: dir + "/indexed.db", mode: .create)
        let plain = try ExecutionStore(path: dir + "/plain.db", mode: .create)
        if !queriesOnly { try plain.setSearchIndex(enabled: false) }
        var generator = ExecutionGenerator(seed: 17)
        let start = Date().addingTimeInterval(-30 * 86_400)
        let spacing = 30 * 86_400 / Double(count)
        let clock = ContinuousClock()
        var seconds = (indexed: 0.0, plain: 0.0)
        var sample: Execution?
        var made = 0
        var batchNumber = 0
        while made < count {
            var batch: [Execution] = []
            for _ in 0..<min(1_000, count - made) {
                var execution = generator.next(createdAt: start.addingTimeInterval(Double(made) * spacing))
                execution.userID = "user-\(made % Self.users)"
                if made % 100 == 50, execution.responseContent != nil {
                    execution.responseContent! += " A " + Self.commonWord + " crossed."
                }
                if made % Self.rareEvery == 7 { execution.responseContent = "Found a " + Self.rareWord + "." }
                if made == count / 2 { sample = execution }
                batch.append(execution)
                made += 1
            }
            // Without inserts: the same generator up to the sample, whose trace, session and user are queried.
            if queriesOnly {
                if sample != nil { break }
                continue
            }
            for withIndex in batchNumber % 2 == 0 ? [true, false] : [false, true] {
                let started = clock.now
                try (withIndex ? indexed : plain).insert([StoreBatch(executions: batch, prices: .bundled)])
                let elapsed = started.duration(to: clock.now).seconds
                if withIndex { seconds.indexed += elapsed } else { seconds.plain += elapsed }
            }
            batchNumber += 1
        }
        var results = Results()
        results["rows"] = Double(try indexed.count())
        if !queriesOnly { try measureIngest(&results, seconds: seconds, stores: [("indexed", indexed), ("plain", plain)]) }
        try measureQueries(&results, indexed, sample: sample)
        if !queriesOnly {
            // Retention on both: the index's rows go with theirs, in the same chunks.
            let cutoff = start.addingTimeInterval(Double(count / 10) * spacing)
            try measurePrune(&results, cutoff: cutoff, stores: [("indexed", indexed), ("plain", plain)])
        }
        try results.write(to: out)
    }

    func measureIngest(_ results: inout Results, seconds: (indexed: Double, plain: Double),
                       stores: [(String, ExecutionStore)]) throws {
        results["indexed_events_per_s"] = Double(count) / seconds.indexed
        results["plain_events_per_s"] = Double(count) / seconds.plain
        for (name, store) in stores {
            _ = try store.checkpoint(.truncate)
            let bytes = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
            results["\(name)_bytes_per_row"] = Double(bytes) / Double(count)
        }
    }

    func measureQueries(_ results: inout Results, _ indexed: ExecutionStore, sample: Execution?) throws {
        guard let sample else { throw ValidationError("no sample execution") }
        let queries: [(String, () throws -> Void)] = [
            ("search_common", { _ = try indexed.list(ExecutionFilter(query: Self.commonWord), limit: 50) }),
            ("search_rare", { _ = try indexed.list(ExecutionFilter(query: Self.rareWord), limit: 50) }),
            ("search_phrase", { _ = try indexed.list(ExecutionFilter(query: "\"\(Self.commonWord) crossed\""), limit: 50) }),
            ("search_everywhere", { _ = try indexed.list(ExecutionFilter(query: "incident"), limit: 50) }),
            ("list_trace", { _ = try indexed.list(ExecutionFilter(traceID: sample.traceID), limit: 50) }),
            ("list_session", { _ = try indexed.list(ExecutionFilter(sessionID: sample.sessionID), limit: 50) }),
            ("list_user", { _ = try indexed.list(ExecutionFilter(userID: sample.userID), limit: 50) }),
            ("list_tag", { _ = try indexed.list(ExecutionFilter(tag: "retry"), limit: 50) }),
            ("trace_timeline", { _ = try indexed.timeline(.trace, id: sample.traceID ?? "") }),
            ("session_timeline", { _ = try indexed.timeline(.session, id: sample.sessionID ?? "") }),
            ("stats_user", { _ = try indexed.stats(ExecutionFilter(userID: sample.userID)) }),
            ("top_users_day", {
                _ = try indexed.breakdown(.user, ExecutionFilter(from: sample.createdAt.addingTimeInterval(-86_400), to: sample.createdAt))
            }),
            ("top_users_all", { _ = try indexed.breakdown(.user) }),
        ]
        for (name, query) in queries {
            try query()  // warm: the pages in the cache, as on a store in use
            results["\(name)_ms"] = try measure(repetitions, query).milliseconds(at: 50)
        }
        results["search_common_hits"] = Double(try indexed.count(ExecutionFilter(query: Self.commonWord)))
        results["search_rare_hits"] = Double(try indexed.count(ExecutionFilter(query: Self.rareWord)))

    }

    func measurePrune(_ results: inout Results, cutoff: Date, stores: [(String, ExecutionStore)]) throws {
        let clock = ContinuousClock()
        for (name, store) in stores {
            var chunks = 0
            let started = clock.now
            let deleted = try store.prune(olderThan: cutoff) { _ in chunks += 1 }
            let elapsed = started.duration(to: clock.now).seconds
            results["\(name)_prune_rows_per_s"] = Double(deleted) / elapsed
            results["\(name)_prune_rows_per_chunk"] = Double(deleted) / Double(max(1, chunks))
        }
    }
}
