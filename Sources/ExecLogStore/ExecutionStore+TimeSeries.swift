import ExecLogModel
import Foundation
import GRDB

extension ExecutionStore {
    /// Executions, tokens, errors and cost per UTC hour or day over the executions that match `filter`.
    ///
    /// Like `stats`: whole periods from the rollups (days from `execution_rollups_daily` for daily
    /// buckets, hours from `execution_rollups`), and only the partial hours at the ends of the time
    /// range from the rows. Bound the time range for hourly buckets: a
    /// year of hours is 8,760 points per provider.
    @available(*, noasync, message: "blocks on SQLite")
    public func timeSeries(_ filter: ExecutionFilter = ExecutionFilter(), bucket: ExecutionTimeSeries.Bucket)
        throws(StoreError) -> ExecutionTimeSeries
    {
        let split = StatsTimeSplit(filter, days: bucket == .day)
        return try read { db in
            try Self.checkSearch(filter, db)
            var points: [String: ExecutionTimeSeries.Point] = [:]
            func add(_ row: Row) throws(StoreError) {
                let start = (try row[checked: "bucket"] as String) + bucket.startSuffix
                let executions: Int = try row[checked: "executions"]
                let tokens = Int(saturating: try row[checked: "total_tokens"] as Double)
                let errors: Int = try row[checked: "errors"]
                let provider: String = try row[checked: "provider"]
                let usageType: String = try row[checked: "usage_type"]
                let model: String = try row[checked: "model_name"]
                let cost: Int = try row[checked: "cost_nano_usd"]
                let unpriced: Int = try row[checked: "unpriced_executions"]
                var point = points[start] ?? .init(start: start)
                point.costNanoUSD = point.costNanoUSD.saturatingAdd(cost)
                point.unpricedExecutions = point.unpricedExecutions.saturatingAdd(unpriced)
                point.costByModel[model] = point.costByModel[model, default: 0].saturatingAdd(cost)
                if unpriced > 0 { point.unpricedByModel[model, default: 0] += unpriced }
                point.executions = point.executions.saturatingAdd(executions)
                point.inputTokens = try point.inputTokens.saturatingAdd(Int(saturating: row[checked: "input_tokens"] as Double))
                point.outputTokens = try point.outputTokens.saturatingAdd(Int(saturating: row[checked: "output_tokens"] as Double))
                point.totalTokens = point.totalTokens.saturatingAdd(tokens)
                point.errors = point.errors.saturatingAdd(errors)
                let totals = ExecutionTimeSeries.ProviderTotals(
                    executions: executions, tokens: tokens, errors: errors, costNanoUSD: cost, unpricedExecutions: unpriced)
                point.byProvider[provider, default: .init()].add(totals)
                point.byUsageType[usageType, default: .init()].add(totals)
                points[start] = point
            }
            for range in split.rollupRanges {
                let (conditions, arguments) = Self.rollupConditions(filter, range: range)
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT substr(\(range.level.column), 1, ?) AS bucket, provider, usage_type, model_name,
                               sum(executions) AS executions, total(input_tokens) AS input_tokens,
                               total(output_tokens) AS output_tokens, total(total_tokens) AS total_tokens,
                               sum(failed * executions) AS errors, sum(cost_nano_usd) AS cost_nano_usd,
                               sum(unpriced_executions) AS unpriced_executions
                        FROM \(range.level.table)
                        \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                        GROUP BY bucket, provider, usage_type, model_name
                        """,
                    arguments: [bucket.prefixLength] + arguments)
                while let row = try rows.next() { try add(row) }
            }
            for range in split.rawRanges {
                var rangeFilter = filter
                (rangeFilter.from, rangeFilter.to) = (range.from, range.to)
                let (conditions, arguments) = rangeFilter.sqlConditions
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT substr(created_at, 1, ?) AS bucket, provider, usage_type, model_name, count(*) AS executions,
                               total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens,
                               total(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0)))
                                   AS total_tokens,
                               count(error_message) AS errors, coalesce(sum(cost_nano_usd), 0) AS cost_nano_usd,
                               count(*) - count(cost_nano_usd) AS unpriced_executions
                        FROM ai_executions
                        \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                        GROUP BY bucket, provider, usage_type, model_name
                        """,
                    arguments: [bucket.prefixLength] + arguments)
                while let row = try rows.next() { try add(row) }
            }
            for (start, counts) in try Self.bucketLatency(filter, split: split, bucket: bucket, db) {
                guard let percentiles = LatencyHistogram.percentiles([0.50, 0.95], counts: counts) else { continue }
                points[start]?.p50ExecutionTimeMs = percentiles[0]
                points[start]?.p95ExecutionTimeMs = percentiles[1]
            }
            return ExecutionTimeSeries(bucket: bucket, points: points.values.sorted { $0.start < $1.start })
        }
    }

    /// Each bucket's latency histogram (flat counts, by the bucket's start): the rollups' histograms for
    /// whole periods, the rows' durations for the partial hours at the ends.
    private static func bucketLatency(
        _ filter: ExecutionFilter, split: StatsTimeSplit, bucket: ExecutionTimeSeries.Bucket, _ db: Database
    ) throws -> [String: [Int]] {
        var latency: [String: [Int]] = [:]
        func bucketStart(_ row: Row) throws(StoreError) -> String {
            (try row[checked: "bucket"] as String) + bucket.startSuffix
        }
        for range in split.rollupRanges {
            let (conditions, arguments) = Self.rollupConditions(filter, range: range)
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT substr(\(range.level.column), 1, ?) AS bucket, latency_histogram FROM \(range.level.table)
                    WHERE latency_histogram IS NOT NULL
                    \(conditions.isEmpty ? "" : "AND " + conditions.joined(separator: " AND "))
                    """,
                arguments: [bucket.prefixLength] + arguments)
            while let row = try rows.next() {
                let start = try bucketStart(row)
                guard let blob = try row[checked: "latency_histogram"] as Data? else { continue }
                LatencyHistogram.accumulate(
                    encoded: Array(blob), into: &latency[start, default: [Int](repeating: 0, count: LatencyHistogram.bucketCount)])
            }
        }
        for range in split.rawRanges {
            var rangeFilter = filter
            (rangeFilter.from, rangeFilter.to) = (range.from, range.to)
            var (conditions, arguments) = rangeFilter.sqlConditions
            conditions.append("execution_time_ms IS NOT NULL")
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT substr(created_at, 1, ?) AS bucket, execution_time_ms, count(*) AS n FROM ai_executions
                    WHERE \(conditions.joined(separator: " AND "))
                    GROUP BY bucket, execution_time_ms
                    """,
                arguments: [bucket.prefixLength] + arguments)
            while let row = try rows.next() {
                let start = try bucketStart(row)
                let index = LatencyHistogram.bucket(of: try row[checked: "execution_time_ms"])
                latency[start, default: [Int](repeating: 0, count: LatencyHistogram.bucketCount)][index] += try row[checked: "n"] as Int
            }
        }
        return latency
    }
}
