import Foundation

/// Row 4: the CLI's queries on a seeded store, against a full scan of the same store; and the same
/// rows for the `--scale` store (issue 19, item 5: 10M rows), with the store's size and seed time.
extension ReportCommand {
    /// The filters `queries` measures, in its order (`list_NAME_ms`, `stats_NAME_ms`).
    static let queryFilters = ["none", "usage_type", "provider", "model", "status", "date_range", "last_7_days"]

    /// `results`: the figures' file name (`queries`, `scale-queries`); `row`: the table's row number.
    func addQueryRows(
        to table: inout Table, _ value: (String) -> Double?, results: String, row: String, failures: [String: String]
    ) {
        func figure(_ key: String) -> Double? { value("\(results).\(key)") }
        // A step that failed says so in each of its rows, not as missing numbers.
        let failed = failures[results].map { "FAIL: \($0)" }
        let rows = figure("rows") ?? 0
        let scan = figure("scan_ms")
        let rowsText = Table.count(rows)
        for name in Self.queryFilters {
            let list = figure("list_\(name)_ms")
            table.add(row, "list first page, filter \(name) (\(rowsText) rows)", Table.millis(list), Table.millis(scan),
                      ratio: Table.ratio(list, scan), target: "< 10 ms", met: failed ?? Table.check(list, below: 10))
        }
        let deep = figure("list_deep_ms")
        table.add(row, "list page at the middle, by cursor", Table.millis(deep), Table.millis(scan),
                  ratio: Table.ratio(deep, scan), target: "< 10 ms", met: failed ?? Table.check(deep, below: 10))
        let show = figure("show_ms")
        let showTarget = row == "4" ? 10.0 : 5.0
        table.add(row, "show by id", Table.millis(show), Table.millis(scan), ratio: Table.ratio(show, scan),
                  target: "< \(Int(showTarget)) ms", met: failed ?? Table.check(show, below: showTarget))
        for name in Self.queryFilters {
            let stats = figure("stats_\(name)_ms")
            // Stats read the daily and hourly rollups, and rows only in the partial hours at the ends
            // of a date range: their cost grows with the days and groups covered, not with the rows
            // (docs/PERFORMANCE.md). The figure is as measured, not scaled.
            table.add(row, "stats, filter \(name) (\(rowsText) rows)", Table.millis(stats), Table.millis(scan),
                      ratio: Table.ratio(stats, scan), target: "< 200 ms", met: failed ?? Table.check(stats, below: 200))
        }
        let percent = (figure("prune_fraction") ?? 0.1) * 100
        let pruneRows = Table.count(figure("prune_rows") ?? 0)
        table.add(row, "prune \(String(format: "%g", percent)) % (\(pruneRows) rows, \(Table.number(figure("prune_chunks"))) chunks), total",
                  Table.seconds(figure("prune_total_s")), "—", ratio: nil, target: "—", met: failed ?? "")
        let chunk = figure("prune_chunk_max_ms")
        table.add(row, "prune: p99 chunk transaction", Table.millis(figure("prune_chunk_p99_ms")), "—",
                  ratio: nil, target: "—", met: failed ?? "")
        table.add(row, "prune: longest chunk transaction (writer blocked at most)", Table.millis(chunk),
                  "p50 \(Table.millis(figure("prune_chunk_p50_ms")))", ratio: nil, target: "≤ 100 ms",
                  met: failed ?? Table.check(chunk, atMost: 100))
    }

    /// `scripts/bench --scale`: the store (seeded once, kept between runs) and row 4 on it.
    func addScaleRows(to table: inout Table, _ value: (String) -> Double?, failures: [String: String]) {
        let rows = value("scale-store.rows")
        let bytes = value("scale-store.bytes")
        table.add("4s", "store size (\(Table.count(rows ?? 0)) rows, .db + WAL)",
                  bytes.map { String(format: "%.1f GB", $0 / 1e9) } ?? "?",
                  "\(Table.number(bytes.flatMap { b in rows.map { b / $0 } })) B/row", ratio: nil, target: "—",
                  met: failures["scale-store"].map { "FAIL: \($0)" } ?? "")
        let seconds = value("scale-store.seed_seconds")
        table.add("4s", "seed time (execlog-loadgen seed, when this store was made)", Table.seconds(seconds),
                  "\(Table.number(seconds.flatMap { s in rows.map { $0 / s } })) rows/s", ratio: nil, target: "—", met: "")
        addQueryRows(to: &table, value, results: "scale-queries", row: "4s", failures: failures)
    }
}
