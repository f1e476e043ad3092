import ExecLogModel
import Foundation
import GRDB

extension ExecutionStore {
    /// Totals, breakdowns and latency percentiles over the executions that match `filter`.
    ///
    /// Whole hours come from the hourly rollups (`execution_rollups`, a few rows per hour whatever the
    /// number of executions); only the part of the time range that does not fall on whole hours, at most
    /// an hour at each end, is read from `ai_executions` through its `created_at` index. Counts and token
    /// sums are exact; percentiles are within 1 % (see `LatencyHistogram`).
    @available(*, noasync, message: "blocks on SQLite")
    public func stats(_ filter: ExecutionFilter = ExecutionFilter()) throws(StoreError) -> ExecutionStats {
        let split = StatsTimeSplit(from: filter.from, to: filter.to)
        return try read { db in
            var groups: [StatsGroup: ExecutionRollups.Totals] = [:]
            // The rollups' histograms go straight into flat counts: decoding each into a dictionary
            // cost most of the time on stores with tens of thousands of rollup rows.
            var latency = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
            if let hours = split.wholeHours {
                try Self.addRollups(filter, hours: hours, into: &groups, latency: &latency, db)
            }
            for range in split.rawRanges {
                var rangeFilter = filter
                (rangeFilter.from, rangeFilter.to) = (range.from, range.to)
                try Self.addRows(rangeFilter, into: &groups, db)
            }
            for totals in groups.values {
                for (bucket, count) in totals.latency.counts { latency[bucket] += count }
            }
            return ExecutionStats(groups, latency: latency)
        }
    }

    /// The rollup rows of the whole hours in `hours` that match the filter's other fields.
    private static func addRollups(
        _ filter: ExecutionFilter, hours: StatsTimeSplit.Hours, into groups: inout [StatsGroup: ExecutionRollups.Totals],
        latency: inout [Int], _ db: Database
    ) throws {
        let (conditions, arguments) = rollupConditions(filter, hours: hours)
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT provider, usage_type, model_name, failed, executions, input_tokens, output_tokens, total_tokens,
                       timed_executions, execution_time_ms_sum, latency_histogram
                FROM execution_rollups
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                """,
            arguments: arguments)
        while let row = try rows.next() {
            let group = StatsGroup(
                provider: row["provider"], usageType: row["usage_type"], modelName: row["model_name"], failed: row["failed"])
            var totals = groups[group, default: .init()]
            totals.executions += row["executions"] as Int
            totals.inputTokens = totals.inputTokens.saturatingAdd(row["input_tokens"])
            totals.outputTokens = totals.outputTokens.saturatingAdd(row["output_tokens"])
            totals.totalTokens = totals.totalTokens.saturatingAdd(row["total_tokens"])
            totals.timedExecutions += row["timed_executions"] as Int
            totals.executionTimeMsSum = totals.executionTimeMsSum.saturatingAdd(row["execution_time_ms_sum"])
            groups[group] = totals
            if let blob = row["latency_histogram"] as Data? {
                LatencyHistogram.accumulate(encoded: Array(blob), into: &latency)
            }
        }
    }

    /// The WHERE conditions on `execution_rollups` for the whole hours `hours` and the filter's other fields.
    static func rollupConditions(_ filter: ExecutionFilter, hours: StatsTimeSplit.Hours) -> ([String], StatementArguments) {
        let comparisons: [(comparison: String, value: (any DatabaseValueConvertible)?)] = [
            ("hour >=", hours.first), ("hour <", hours.end), ("usage_type =", filter.usageType),
            ("provider =", filter.provider), ("model_name =", filter.modelName),
            ("failed =", filter.status.map { $0 == .error }),
        ]
        var conditions: [String] = []
        var arguments = StatementArguments()
        for (comparison, value) in comparisons {
            guard let value else { continue }
            conditions.append(comparison + " ?")
            arguments += [value]
        }
        return (conditions, arguments)
    }

    /// The executions themselves, for the part of a range that is not whole hours.
    private static func addRows(
        _ filter: ExecutionFilter, into groups: inout [StatsGroup: ExecutionRollups.Totals], _ db: Database
    ) throws {
        let (conditions, arguments) = filter.sqlConditions
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT provider, usage_type, model_name, error_message IS NOT NULL AS failed, execution_time_ms,
                       count(*) AS n, total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens,
                       total(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0))) AS total_tokens
                FROM ai_executions
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                GROUP BY provider, usage_type, model_name, failed, execution_time_ms
                """,
            arguments: arguments)
        while let row = try rows.next() {
            let group = StatsGroup(
                provider: row["provider"], usageType: row["usage_type"], modelName: row["model_name"], failed: row["failed"])
            groups[group, default: .init()].add(row)
        }
    }
}

/// The breakdown stats sum from: one per provider × usage type × model × status.
struct StatsGroup: Hashable {
    var provider: String
    var usageType: String
    var modelName: String
    var failed: Bool
}

/// Splits a stats time range into whole hours (read from the rollups) and the rest (read from rows).
struct StatsTimeSplit {
    /// A range of rollup hours, as `created_at` prefixes: from `first` (included) to `end` (excluded);
    /// nil bounds are open.
    struct Hours {
        var first: String?
        var end: String?
    }

    var wholeHours: Hours?
    var rawRanges: [(from: Date?, to: Date?)] = []

    init(from: Date?, to: Date?) {
        // Whole hours start at or after `from` and end at or before `to`.
        let firstStart = from.map { Self.hourStart(of: $0, roundingUp: true) }
        let lastEnd = to.map { Self.hourStart(of: $0, roundingUp: false) }
        if let firstStart, let lastEnd, firstStart >= lastEnd {
            // Within one hour, or across a single boundary: all from rows.
            rawRanges = [(from, to)]
            return
        }
        wholeHours = Hours(first: firstStart.map(Self.hourText), end: lastEnd.map(Self.hourText))
        if let from, let firstStart, from < firstStart { rawRanges.append((from, firstStart)) }
        if let to, let lastEnd, lastEnd < to { rawRanges.append((lastEnd, to)) }
    }

    static func hourStart(of date: Date, roundingUp: Bool) -> Date {
        let hours = date.timeIntervalSince1970 / 3_600
        return Date(timeIntervalSince1970: (roundingUp ? hours.rounded(.up) : hours.rounded(.down)) * 3_600)
    }

    static func hourText(_ date: Date) -> String {
        String(Timestamp.format(date).utf8.prefix(13))!
    }
}

extension ExecutionStats {
    /// Totals and breakdowns summed from the groups; percentiles from the flat latency counts.
    init(_ groups: [StatsGroup: ExecutionRollups.Totals], latency: [Int]) {
        self.init()
        var timed = 0
        var timeSum = 0
        for (group, totals) in groups where totals.executions > 0 {
            totalExecutions += totals.executions
            totalInputTokens = totalInputTokens.saturatingAdd(totals.inputTokens)
            totalOutputTokens = totalOutputTokens.saturatingAdd(totals.outputTokens)
            totalTokens = totalTokens.saturatingAdd(totals.totalTokens)
            executionsByProvider[group.provider, default: 0] += totals.executions
            executionsByUsageType[group.usageType, default: 0] += totals.executions
            executionsByModel[group.modelName, default: 0] += totals.executions
            tokensByProvider[group.provider, default: 0] = tokensByProvider[group.provider, default: 0].saturatingAdd(totals.totalTokens)
            tokensByUsageType[group.usageType, default: 0] = tokensByUsageType[group.usageType, default: 0].saturatingAdd(totals.totalTokens)
            tokensByModel[group.modelName, default: 0] = tokensByModel[group.modelName, default: 0].saturatingAdd(totals.totalTokens)
            if group.failed { errorCount += totals.executions }
            timed += totals.timedExecutions
            timeSum = timeSum.saturatingAdd(totals.executionTimeMsSum)
        }
        if totalExecutions > 0 { errorRate = Double(errorCount) / Double(totalExecutions) }
        guard timed > 0 else { return }
        avgExecutionTimeMs = Double(timeSum) / Double(timed)
        if let percentiles = LatencyHistogram.percentiles([0.50, 0.95, 0.99], counts: latency) {
            p50ExecutionTimeMs = percentiles[0]
            p95ExecutionTimeMs = percentiles[1]
            p99ExecutionTimeMs = percentiles[2]
        }
    }
}
