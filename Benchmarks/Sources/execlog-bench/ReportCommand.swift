import ArgumentParser
import ExecLogStore
import Foundation

/// Prints the one table of scripts/bench from the figures the run left in a folder: each figure beside
/// its baseline measured in the same run, their ratio, the target and whether it is met.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report")

    @Option(help: "The folder of one run's figures (*.json, and record/ from package-benchmark).")
    var results: String

    @Option(help: "quick, full or scale (row 4 on the --scale store only): printed in the title.")
    var mode: String = "quick"

    @Flag(help: "Print every figure of the folder instead of the table.")
    var figures = false

    func run() throws {
        let figures = try Self.load(results)
        let failures = Self.failures(results)
        if self.figures {
            for key in figures.keys.sorted() { print("\(key)\t\(figures[key]!)") }
            return
        }
        func value(_ key: String) -> Double? { figures[key] }
        var table = Table()
        if mode == "scale" {
            addScaleRows(to: &table, value, failures: failures)
            try finish(table, failures: failures)
            return
        }

        // Row 1: package-benchmark's figures, in nanoseconds and allocations per call.
        let base = "record.baseline insert+commit FULL"
        for (label, name) in [("writer up", "record() writer up"), ("writer stopped", "record() writer stopped")] {
            for (percentile, key) in [("p50", "p50"), ("p99", "p99"), ("p99.9", "p99.9")] {
                let figure = value("record.\(name).wallClock.\(key)")
                let baseline = value("\(base).wallClock.\(key)")
                table.add(
                    "1", "record() \(percentile), \(label)", Table.micros(figure), Table.micros(baseline),
                    ratio: Table.ratio(figure, baseline),
                    target: percentile == "p99" ? "≤ 0.001×" : "—",
                    met: percentile == "p99" ? Table.check(Table.ratio(figure, baseline), atMost: 0.001) : "")
            }
            let mallocs = value("record.\(name).mallocCountTotal.p50")
            table.add("1", "allocations per record(), \(label) (p50)", Table.number(mallocs),
                      Table.number(value("\(base).mallocCountTotal.p50")), ratio: nil, target: "—", met: "")
        }

        // Row 1, the sender's side: content privacy (issue 5) against the JSON encoding it adds to.
        let redact = value("privacy.redact_encode_us_per_event"), encode = value("privacy.encode_us_per_event")
        table.add("1", "sender: redact + encode per \(Table.number(value("privacy.event_bytes"))) B event (1 in 10 with secrets)",
                  Table.micros(redact.map { $0 * 1_000 }), "encode only \(Table.micros(encode.map { $0 * 1_000 }))",
                  ratio: Table.ratio(redact, encode), target: "—", met: "")

        // Row 2: through execlogd from 4 emitter processes, against the raw insert limit.
        for (label, key) in [("~1.5 KB events", "small"), ("20 KB events", "large")] {
            let emitted = value("tput-\(key).stored"), seconds = value("tput-\(key).seconds")
            let eventsPerSecond = emitted.flatMap { e in seconds.map { e / $0 } }
            let rawEvents = value("raw-\(key).events_per_s")
            let megabytes = eventsPerSecond.flatMap { e in value("raw-\(key).event_bytes").map { e * $0 / 1e6 } }
            let ratio = Table.ratio(eventsPerSecond, rawEvents)
            table.add("2", "writer events/s, \(label)", Table.number(eventsPerSecond), Table.number(rawEvents),
                      ratio: ratio, target: "≥ 0.85×", met: Table.check(ratio, atLeast: 0.85))
            table.add("2", "writer MB/s, \(label)", Table.number(megabytes, digits: 1),
                      Table.number(value("raw-\(key).mb_per_s"), digits: 1), ratio: ratio, target: "≥ 0.85×",
                      met: Table.check(ratio, atLeast: 0.85))
        }

        addWriterLimitRows(to: &table, value, failures: failures)

        // Cost (issue 16): the writer's batch work priced, against the same work without pricing.
        let priced = value("pricing.priced_events_per_s"), unpriced = value("pricing.unpriced_events_per_s")
        let pricingRatio = Table.ratio(priced, unpriced)
        let missed = (value("pricing.unpriced_in_priced_store") ?? 1) > 0
        table.add("c", "writer rows + inserts/s with pricing (1.5 KB events)", Table.number(priced),
                  "without \(Table.number(unpriced))", ratio: pricingRatio, target: "≥ 0.95×",
                  met: missed ? "FAIL (unpriced rows)" : Table.check(pricingRatio, atLeast: 0.95))

        // Row 3: no baseline.
        for key in ["1k", "10k", "20k"] {
            let achieved = Table.number(value("e2e-\(key).achieved_rate"))
            let missing = value("e2e-\(key).missing") ?? 0
            let note = missing > 0 ? ", \(Int(missing)) never seen" : ""
            let emitters = value("e2e-\(key).emitters").map { ", \(Int($0)) emitters" } ?? ""
            table.add("3", "record() → committed p50 at \(key)/s (achieved \(achieved)/s\(emitters)\(note))",
                      Table.millis(value("e2e-\(key).p50_ms")), "—", ratio: nil, target: "—", met: "")
            let p99 = value("e2e-\(key).p99_ms")
            table.add("3", "record() → committed p99 at \(key)/s", Table.millis(p99), "—", ratio: nil,
                      target: "< 100 ms", met: missing > 0 ? "no" : Table.check(p99, below: 100))
        }

        addQueryRows(to: &table, value, results: "queries", row: "4", failures: failures)

        // Row 5: against the configured bounds.
        // Issue 19, item 4: the growth of the peak RSS (VmHWM) over the process's own with one event,
        // against maxQueueBytes.
        let emitterPeak = value("emitter-mem.peak_rss_bytes"), emitterBase = value("emitter-mem.base_rss_bytes")
        let emitterGrowth = emitterPeak.flatMap { p in emitterBase.map { p - $0 } }
        let emitterBound = value("emitter-mem.queue_bound_bytes")
        table.add("5", "emitter peak RSS growth, writer stopped (\(Table.count(value("emitter-mem.dropped") ?? 0)) dropped: full, or unsent at exit)",
                  Table.mebibytes(emitterGrowth), "bound \(Table.mebibytes(emitterBound))",
                  ratio: Table.ratio(emitterGrowth, emitterBound), target: "≤ 1.25×",
                  met: failures["emitter-mem"].map { "FAIL: \($0)" } ?? Table.check(Table.ratio(emitterGrowth, emitterBound), atMost: 1.25))
        let writerPeak = value("writer-mem.hwm_bytes"), writerBase = value("writer-mem.idle_bytes")
        // DAEMON.md: "about max-pending-events events plus ZeroMQ's buffers, and SQLite's page cache on
        // its writing connection", over the idle daemon.
        let pendingBytes = value("writer-mem.max_pending_events").flatMap { n in value("raw-large.event_bytes").map { n * $0 } }
        let writerBound = writerBase.flatMap { b in pendingBytes.map { b + $0 + Double(ExecutionStore.writerCacheBytes) } }
        table.add("5", "writer RSS peak (VmHWM) at full load", Table.mebibytes(writerPeak),
                  "bound \(Table.mebibytes(writerBound))", ratio: Table.ratio(writerPeak, writerBound),
                  target: "≤ 1.0×", met: Table.check(Table.ratio(writerPeak, writerBound), atMost: 1))

        // Row 6: against the JSON the emitter sends.
        let perRow = value("storage.bytes_per_row"), json = value("storage.json_bytes_per_event")
        table.add("6", "bytes on disk per execution (\(Table.count(value("storage.rows") ?? 0)) rows)",
                  Table.number(perRow), "JSON \(Table.number(json))", ratio: Table.ratio(perRow, json),
                  target: "≤ 1.0×", met: Table.check(Table.ratio(perRow, json), atMost: 1))
        let copies = value("storage.prompt_copies"), promptRows = value("storage.prompt_rows")
        let promptBytes = value("storage.prompt_bytes")
        table.add("6", "copies on disk of a \(Table.number(promptBytes)) B system prompt sent with \(Table.count(promptRows ?? 0)) executions",
                  Table.number(copies, digits: 0), "\(Table.count(promptRows ?? 0)) rows", ratio: Table.ratio(copies, promptRows),
                  target: "≈ 1 copy", met: Table.check(copies, atMost: 2))
        let extra = value("storage.prompt_extra_bytes_per_row")
        table.add("6", "bytes that prompt adds to each row", Table.number(extra, digits: 1),
                  "its size \(Table.number(promptBytes)) B", ratio: Table.ratio(extra, promptBytes), target: "—", met: "")

        addSearchRows(to: &table, value)
        addPageRows(to: &table, value)
        addEmitterCPURows(to: &table, value)

        try finish(table, failures: failures)
    }

    private func finish(_ table: Table, failures: [String: String]) throws {
        print("execlog benchmark, \(mode) run, \(Self.timestamp())")
        print(table.rendered)
        // A step that failed fails the run: its rows say FAIL, and so does the exit status.
        for (step, reason) in failures.sorted(by: { $0.key < $1.key }) { print("FAIL \(step): \(reason)") }
        if table.hasFailure || !failures.isEmpty { throw ExitCode(1) }
    }

    /// Row 7 (issue 17): the search index against the same store without it, and the queries.
    func addSearchRows(to table: inout Table, _ value: (String) -> Double?) {
        let rows = Table.count(value("search.rows") ?? 0)
        let indexed = value("search.indexed_events_per_s"), plain = value("search.plain_events_per_s")
        let ingest = Table.ratio(indexed, plain)
        table.add("7", "writer rows + inserts/s with the search index (1.5 KB events)", Table.number(indexed),
                  "without \(Table.number(plain))", ratio: ingest, target: "≥ 0.85×", met: Table.check(ingest, atLeast: 0.85))
        let bytes = value("search.indexed_bytes_per_row"), plainBytes = value("search.plain_bytes_per_row")
        let size = Table.ratio(bytes, plainBytes)
        table.add("7", "bytes on disk per execution with the search index", Table.number(bytes),
                  "without \(Table.number(plainBytes))", ratio: size, target: "≤ 1.3×", met: Table.check(size, atMost: 1.3))
        let hits = (common: Table.count(value("search.search_common_hits") ?? 0), rare: Table.count(value("search.search_rare_hits") ?? 0))
        let queries: [(key: String, what: String, limit: Double?)] = [
            ("search_common", "search, first page: a word in 1 % of rows (\(hits.common) hits, \(rows) rows)", 50),
            ("search_rare", "search, first page: a word in \(hits.rare) rows", 10),
            ("search_phrase", "search, first page: a phrase in 1 % of rows", 50),
            ("search_everywhere", "search, first page: a word in nearly every row", nil),
            ("list_trace", "list --trace, first page", 10), ("list_session", "list --session, first page", 10),
            ("list_user", "list --user (10,000 users), first page", 10), ("list_tag", "list --tag, first page", 10),
            ("trace_timeline", "execlog trace (the timeline)", 10), ("session_timeline", "execlog session (the timeline)", 10),
            ("stats_user", "stats --user", 10), ("top_users_day", "stats --by user, one day", nil),
            ("top_users_all", "stats --by user, whole store", nil),
        ]
        for query in queries {
            let figure = value("search.\(query.key)_ms")
            table.add("7", query.what, Table.millis(figure), "—", ratio: nil,
                      target: query.limit.map { "< \(Int($0)) ms" } ?? "—",
                      met: query.limit.map { Table.check(figure, below: $0) } ?? "")
        }
        let prune = value("search.indexed_prune_rows_per_s"), plainPrune = value("search.plain_prune_rows_per_s")
        table.add("7", "prune rows/s with the search index (20 ms chunks)", Table.number(prune),
                  "without \(Table.number(plainPrune))", ratio: Table.ratio(prune, plainPrune), target: "—", met: "")
        table.add("7", "prune rows per 20 ms chunk with the search index", Table.number(value("search.indexed_prune_rows_per_chunk")),
                  "without \(Table.number(value("search.plain_prune_rows_per_chunk")))",
                  ratio: Table.ratio(value("search.indexed_prune_rows_per_chunk"), value("search.plain_prune_rows_per_chunk")),
                  target: "—", met: "")
    }

    /// Row 8 (issue 18): the page's first load over the seeded store, against the same page over an empty
    /// store (Chromium, the page's modules, the four API calls with nothing to read).
    func addPageRows(to table: inout Table, _ value: (String) -> Double?) {
        let rows = Table.count(value("page-rows.rows") ?? 0)
        let median = value("page.first_load_ms_median"), empty = value("page-empty.first_load_ms_median")
        table.add("8", "page first load in Chromium, median of 6 (\(rows) rows)", Table.millis(median),
                  "empty store \(Table.millis(empty))", ratio: Table.ratio(median, empty), target: "< 1000 ms",
                  met: Table.check(median, below: 1_000))
        table.add("8", "page first load, slowest of 6", Table.millis(value("page.first_load_ms_max")),
                  "empty store \(Table.millis(value("page-empty.first_load_ms_max")))", ratio: nil, target: "—", met: "")
        table.add("8", "page: last API answer received (median)", Table.millis(value("page.api_done_ms_median")),
                  "empty store \(Table.millis(value("page-empty.api_done_ms_median")))", ratio: nil, target: "—", met: "")
    }

    /// Row e (issue 19): the emitter process's CPU per event through a real execlogd, against the same
    /// events encoded by JSONEncoder in the same process; redaction's share beside it.
    func addEmitterCPURows(to table: inout Table, _ value: (String) -> Double?) {
        func nanos(_ key: String) -> Double? { value("emitter-cpu.\(key)_us_per_event").map { $0 * 1_000 } }
        let figure = nanos("cpu"), baseline = nanos("jsonencoder")
        let events = Table.count(value("emitter-cpu.events") ?? 0)
        table.add("e", "emitter CPU per \(Table.number(value("emitter-cpu.event_bytes"))) B event: record + redact + encode + send (\(events) events)",
                  Table.micros(figure), "JSONEncoder \(Table.micros(baseline))", ratio: Table.ratio(figure, baseline),
                  target: "≤ 10 µs", met: Table.check(figure, atMost: 10_000))
        let redaction = nanos("redaction")
        table.add("e", "emitter CPU per event without redaction (capture full)", Table.micros(nanos("cpu_no_redaction")),
                  "—", ratio: nil, target: "—", met: "")
        table.add("e", "redaction's share: the content filter alone per event", Table.micros(redaction),
                  "of \(Table.micros(figure))", ratio: Table.ratio(redaction, figure), target: "—", met: "")
    }

    /// Every figure of the folder: `file.key` for our own files, `record.<benchmark>.<metric>.<pNN>` for
    /// package-benchmark's.
    static func load(_ folder: String) throws -> [String: Double] {
        var figures: [String: Double] = [:]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for file in files where file.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            let name = String(file.dropLast(5))
            for (key, value) in object {
                if let number = value as? NSNumber { figures["\(name).\(key)"] = number.doubleValue }
            }
        }
        for (key, value) in (try? PackageBenchmarkExport.load(folder + "/record")) ?? [:] {
            figures["record.\(key)"] = value
        }
        return figures
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}

/// A plain-text table with aligned columns.
struct Table {
    private var rows: [[String]] = [["#", "what", "figure", "baseline (same run)", "ratio", "target", "met"]]

    mutating func add(_ number: String, _ what: String, _ figure: String, _ baseline: String, ratio: Double?,
                      target: String, met: String) {
        rows.append([number, what, figure, baseline, ratio.map(Self.ratioText) ?? "—", target, met])
    }

    /// A row whose figure is missing or whose step failed.
    var hasFailure: Bool { rows.dropFirst().contains { $0[6].hasPrefix("FAIL") } }

    var rendered: String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: " | ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-")
        return ([line(rows[0]), rule] + rows.dropFirst().map(line)).joined(separator: "\n")
    }

    static func ratio(_ figure: Double?, _ baseline: Double?) -> Double? {
        guard let figure, let baseline, baseline > 0 else { return nil }
        return figure / baseline
    }

    static func ratioText(_ ratio: Double) -> String {
        ratio >= 0.01 ? String(format: "%.2f×", ratio) : String(format: "%.5f×", ratio)
    }

    // A figure that is missing (its step failed) is a FAIL, never a blank that could read as a pass.
    static func check(_ value: Double?, atMost limit: Double) -> String { value.map { $0 <= limit ? "yes" : "NO" } ?? "FAIL" }
    static func check(_ value: Double?, atLeast limit: Double) -> String { value.map { $0 >= limit ? "yes" : "NO" } ?? "FAIL" }
    static func check(_ value: Double?, below limit: Double) -> String { value.map { $0 < limit ? "yes" : "NO" } ?? "FAIL" }

    static func number(_ value: Double?, digits: Int = 0) -> String {
        value.map { String(format: "%.\(digits)f", $0) } ?? "?"
    }
    static func count(_ value: Double) -> String {
        value >= 1_000_000 ? String(format: "%gM", value / 1e6) : value >= 1_000 ? String(format: "%gk", value / 1e3) : String(Int(value))
    }
    /// Nanoseconds, shown in microseconds.
    static func micros(_ nanoseconds: Double?) -> String {
        nanoseconds.map { String(format: $0 < 10_000 ? "%.2f µs" : "%.0f µs", $0 / 1_000) } ?? "?"
    }
    static func millis(_ value: Double?) -> String {
        value.map { String(format: $0 < 10 ? "%.2f ms" : "%.0f ms", $0) } ?? "?"
    }
    static func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "?" }
    static func mebibytes(_ value: Double?) -> String { value.map { String(format: "%.0f MiB", $0 / 1_048_576) } ?? "?" }
}
