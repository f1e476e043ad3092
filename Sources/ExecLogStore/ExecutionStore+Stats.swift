import ExecLogModel
import Foundation
import GRDB

extension ExecutionStore {
    /// Totals, breakdowns and latency percentiles over the executions that match `filter`.
    ///
    /// Whole days come from the daily rollups (`execution_rollups_daily`) and the whole hours of partial
    /// days from the hourly ones (`execution_rollups`): a few rows per period whatever the number of
    /// executions. Only the part of the time range that does not fall on whole hours, at most an hour
    /// at each end, is read from `ai_executions` through its `created_at` index. Counts and token
    /// sums are exact; percentiles are within 1 % (see `LatencyHistogram`).
    @available(*, noasync, message: "blocks on SQLite")
    public func stats(_ filter: ExecutionFilter = ExecutionFilter()) throws(StoreError) -> ExecutionStats {
        try read { db in
            try Self.checkSearch(filter, db)
            let (groups, latency) = try Self.statsGroups(filter, db)
            return ExecutionStats(groups, latency: latency)
        }
    }

    /// The totals of each provider × usage type × model × status that `filter` matches, and the
    /// latency histogram's counts: what stats and breakdowns sum from.
    static func statsGroups(_ filter: ExecutionFilter, _ db: Database) throws -> ([StatsGroup: ExecutionRollups.Totals], [Int]) {
        let split = StatsTimeSplit(filter)
        do {
            var groups: [StatsGroup: ExecutionRollups.Totals] = [:]
            // The rollups' histograms go straight into flat counts: decoding each into a dictionary
            // cost most of the time on stores with tens of thousands of rollup rows.
            var latency = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
            for range in split.rollupRanges {
                try Self.addRollups(filter, range: range, into: &groups, latency: &latency, db)
            }
            for range in split.rawRanges {
                var rangeFilter = filter
                (rangeFilter.from, rangeFilter.to) = (range.from, range.to)
                try Self.addRows(rangeFilter, into: &groups, db)
            }
            for totals in groups.values {
                for (bucket, count) in totals.latency.counts { latency[bucket] = latency[bucket].saturatingAdd(count) }
            }
            return (groups, latency)
        }
    }

    /// The rollup rows of the whole periods in `range` that match the filter's other fields.
    private static func addRollups(
        _ filter: ExecutionFilter, range: StatsTimeSplit.RollupRange,
        into groups: inout [StatsGroup: ExecutionRollups.Totals], latency: inout [Int], _ db: Database
    ) throws {
        let (conditions, arguments) = rollupConditions(filter, range: range)
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT provider, usage_type, model_name, failed, executions, input_tokens, output_tokens, total_tokens,
                       timed_executions, execution_time_ms_sum, latency_histogram, cost_nano_usd, unpriced_executions
                FROM \(range.level.table)
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                """,
            arguments: arguments)
        while let row = try rows.next() {
            let group = try StatsGroup(
                provider: row[checked: "provider"], usageType: row[checked: "usage_type"], modelName: row[checked: "model_name"], failed: row[checked: "failed"])
            var totals = groups[group, default: .init()]
            totals.executions = try totals.executions.saturatingAdd(row[checked: "executions"])
            totals.inputTokens = try totals.inputTokens.saturatingAdd(row[checked: "input_tokens"])
            totals.outputTokens = try totals.outputTokens.saturatingAdd(row[checked: "output_tokens"])
            totals.totalTokens = try totals.totalTokens.saturatingAdd(row[checked: "total_tokens"])
            totals.timedExecutions = try totals.timedExecutions.saturatingAdd(row[checked: "timed_executions"])
            totals.executionTimeMsSum = try totals.executionTimeMsSum.saturatingAdd(row[checked: "execution_time_ms_sum"])
            totals.costNanoUSD = try totals.costNanoUSD.saturatingAdd(row[checked: "cost_nano_usd"])
            totals.unpricedExecutions = try totals.unpricedExecutions.saturatingAdd(row[checked: "unpriced_executions"])
            groups[group] = totals
            if let blob = try row[checked: "latency_histogram"] as Data? {
                LatencyHistogram.accumulate(encoded: Array(blob), into: &latency)
            }
        }
    }

    /// The WHERE conditions on a rollup table for the periods of `range` and the filter's other fields.
    static func rollupConditions(_ filter: ExecutionFilter, range: StatsTimeSplit.RollupRange) -> ([String], StatementArguments) {
        let period = range.level.column
        let comparisons: [(comparison: String, value: (any DatabaseValueConvertible)?)] = [
            ("\(period) >=", range.first), ("\(period) <", range.end), ("usage_type =", filter.usageType),
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
                       total(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0))) AS total_tokens,
                       coalesce(sum(cost_nano_usd), 0) AS cost_nano_usd, count(*) - count(cost_nano_usd) AS unpriced_executions
                FROM ai_executions
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                GROUP BY provider, usage_type, model_name, failed, execution_time_ms
                """,
            arguments: arguments)
        while let row = try rows.next() {
            let group = try StatsGroup(
                provider: row[checked: "provider"], usageType: row[checked: "usage_type"], modelName: row[checked: "model_name"], failed: row[checked: "failed"])
            try groups[group, default: .init()].add(row)
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

/// Splits a stats time range into whole days (read from the daily rollups), whole hours (the hourly
/// rollups) and the rest (rows): at most two partial hours of rows and two partial days of hours.
struct StatsTimeSplit {
    /// Whole periods of one rollup level, as `created_at` prefixes: from `first` (included) to `end`
    /// (excluded); nil bounds are open.
    struct RollupRange: Equatable {
        var level: ExecutionRollups.Level
        var first: String?
        var end: String?
    }

    var rollupRanges: [RollupRange] = []
    var rawRanges: [(from: Date?, to: Date?)] = []

    /// The split of a filter's time range; all rows when the filter has a field the rollups do not
    /// break down by (`ExecutionFilter.needsRows`). `days` false keeps to hours (an hourly time series
    /// cannot use days).
    init(_ filter: ExecutionFilter, days: Bool = true) {
        if filter.needsRows {
            self.init()
            rawRanges = [(filter.from, filter.to)]
        } else {
            self.init(from: filter.from, to: filter.to, days: days)
        }
    }

    private init() {}

    init(from: Date?, to: Date?, days: Bool = true) {
        // Whole hours start at or after `from` and end at or before `to`; whole days likewise within them.
        let hourFirst = from.map { Self.periodStart(of: $0, seconds: 3_600, roundingUp: true) }
        let hourEnd = to.map { Self.periodStart(of: $0, seconds: 3_600, roundingUp: false) }
        if let hourFirst, let hourEnd, hourFirst >= hourEnd {
            // Within one hour, or across a single boundary: all from rows.
            rawRanges = [(from, to)]
            return
        }
        if let from, let hourFirst, from < hourFirst { rawRanges.append((from, hourFirst)) }
        if let to, let hourEnd, hourEnd < to { rawRanges.append((hourEnd, to)) }

        let dayFirst = hourFirst.map { Self.periodStart(of: $0, seconds: 86_400, roundingUp: true) }
        let dayEnd = hourEnd.map { Self.periodStart(of: $0, seconds: 86_400, roundingUp: false) }
        if !days || (dayFirst != nil && dayEnd != nil && dayFirst! >= dayEnd!) {
            rollupRanges = [Self.range(.hourly, hourFirst, hourEnd)]
            return
        }
        if let hourFirst, let dayFirst, hourFirst < dayFirst { rollupRanges.append(Self.range(.hourly, hourFirst, dayFirst)) }
        if let hourEnd, let dayEnd, dayEnd < hourEnd { rollupRanges.append(Self.range(.hourly, dayEnd, hourEnd)) }
        rollupRanges.append(Self.range(.daily, dayFirst, dayEnd))
    }

    private static func range(_ level: ExecutionRollups.Level, _ first: Date?, _ end: Date?) -> RollupRange {
        func text(_ date: Date) -> String { level.period(of: Timestamp.format(date)) }
        return RollupRange(level: level, first: first.map(text), end: end.map(text))
    }

    /// UTC hours and days are whole multiples of their length since the epoch (no leap seconds in Unix time).
    static func periodStart(of date: Date, seconds: Double, roundingUp: Bool) -> Date {
        let periods = date.timeIntervalSince1970 / seconds
        return Date(timeIntervalSince1970: (roundingUp ? periods.rounded(.up) : periods.rounded(.down)) * seconds)
    }
}

extension ExecutionStats {
    /// Adds a group's value to the three breakdowns it belongs to: by provider, usage type and model.
    private static func add(
        _ value: Int, _ group: StatsGroup, _ byProvider: inout [String: Int], _ byUsageType: inout [String: Int],
        _ byModel: inout [String: Int]
    ) {
        byProvider[group.provider, default: 0] = byProvider[group.provider, default: 0].saturatingAdd(value)
        byUsageType[group.usageType, default: 0] = byUsageType[group.usageType, default: 0].saturatingAdd(value)
        byModel[group.modelName, default: 0] = byModel[group.modelName, default: 0].saturatingAdd(value)
    }

    /// Totals and breakdowns summed from the groups; percentiles from the flat latency counts.
    init(_ groups: [StatsGroup: ExecutionRollups.Totals], latency: [Int]) {
        self.init()
        var timed = 0
        var timeSum = 0
        for (group, totals) in groups where totals.executions > 0 {
            totalExecutions = totalExecutions.saturatingAdd(totals.executions)
            totalInputTokens = totalInputTokens.saturatingAdd(totals.inputTokens)
            totalOutputTokens = totalOutputTokens.saturatingAdd(totals.outputTokens)
            totalTokens = totalTokens.saturatingAdd(totals.totalTokens)
            Self.add(totals.executions, group, &executionsByProvider, &executionsByUsageType, &executionsByModel)
            Self.add(totals.totalTokens, group, &tokensByProvider, &tokensByUsageType, &tokensByModel)
            if group.failed {
                errorCount = errorCount.saturatingAdd(totals.executions)
                errorCostNanoUSD = errorCostNanoUSD.saturatingAdd(totals.costNanoUSD)
            }
            totalCostNanoUSD = totalCostNanoUSD.saturatingAdd(totals.costNanoUSD)
            unpricedExecutions = unpricedExecutions.saturatingAdd(totals.unpricedExecutions)
            Self.add(totals.costNanoUSD, group, &costByProvider, &costByUsageType, &costByModel)
            Self.add(totals.unpricedExecutions, group, &unpricedByProvider, &unpricedByUsageType, &unpricedByModel)
            timed = timed.saturatingAdd(totals.timedExecutions)
            timeSum = timeSum.saturatingAdd(totals.executionTimeMsSum)
        }
        unpricedByProvider = unpricedByProvider.filter { $0.value > 0 }
        unpricedByUsageType = unpricedByUsageType.filter { $0.value > 0 }
        unpricedByModel = unpricedByModel.filter { $0.value > 0 }
        if totalExecutions > 0 { errorRate = Double(errorCount) / Double(totalExecutions) }
        guard timed > 0 else { return }
        avgExecutionTimeMs = Self.average(sum: timeSum, count: timed)
        if let percentiles = LatencyHistogram.percentiles([0.50, 0.95, 0.99], counts: latency) {
            p50ExecutionTimeMs = percentiles[0]
            p95ExecutionTimeMs = percentiles[1]
            p99ExecutionTimeMs = percentiles[2]
        }
    }
}
