import Foundation

/// Row 2w (issue 19, target 1): execlogd fed by `writer-feed` against the C program of
/// Benchmarks/CInsertLimit inserting the same rows; the median of each one's runs.
extension ReportCommand {
    func addWriterLimitRows(to table: inout Table, _ value: (String) -> Double?, failures: [String: String]) {
        let seededRows = Table.count(value("limit-seeded-rows.rows") ?? 0)
        let configurations = [
            ("small", "~1.5 KB events, empty store"), ("large", "20 KB events, empty store"),
            ("seeded", "~1.5 KB events, store of \(seededRows) rows"),
        ]
        for (name, label) in configurations {
            let writer = Self.median(runs: "limit-\(name)-d", "events_per_s", value)
            let limit = Self.median(runs: "limit-\(name)-c", "events_per_s", value)
            let megabytes = Self.median(runs: "limit-\(name)-d", "mb_per_s", value)
            let ratio = Table.ratio(writer.median, limit.median)
            // A step that failed says why, in its row; so does a run missing without a reason.
            let met: String
            if let reason = failures["limit-\(name)"] {
                met = "FAIL: \(reason)"
            } else if writer.runs == 0 || writer.runs != limit.runs {
                met = "FAIL: \(writer.runs) runs of execlogd, \(limit.runs) of insert_limit"
            } else {
                met = Table.check(ratio, atLeast: 0.85)
            }
            table.add("2w", "writer at the SQLite limit, \(label) (\(Table.number(megabytes.median, digits: 1)) MB/s, median of \(writer.runs))",
                      Table.number(writer.median), "C \(Table.number(limit.median))", ratio: ratio, target: "≥ 0.85×",
                      met: met)
            // The same C program with the index written by the trigger row by row: what a plain program gets.
            let naive = Self.median(runs: "limit-\(name)-naive", "events_per_s", value)
            table.add("2w", "  the same rows, C indexing row by row (the insert trigger)",
                      Table.number(writer.median), "C \(Table.number(naive.median))",
                      ratio: Table.ratio(writer.median, naive.median), target: "—", met: "")
        }
    }

    /// The median of `key` over the files `prefix-1`, `prefix-2`, … that the run left.
    static func median(runs prefix: String, _ key: String, _ value: (String) -> Double?) -> (median: Double?, runs: Int) {
        var values: [Double] = []
        while let next = value("\(prefix)-\(values.count + 1).\(key)") { values.append(next) }
        guard !values.isEmpty else { return (nil, 0) }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return (sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, sorted.count)
    }

    /// The reasons of the steps that failed (scripts/bench's `failed`): `NAME.failed` files, one line each.
    static func failures(_ folder: String) -> [String: String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var reasons: [String: String] = [:]
        for file in files where file.hasSuffix(".failed") {
            let text = (try? String(contentsOfFile: folder + "/" + file, encoding: .utf8)) ?? "(unreadable reason)"
            reasons[String(file.dropLast(7))] = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return reasons
    }
}
