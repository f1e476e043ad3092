import ExecLogModel
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
                var totals = point.byProvider[provider, default: .init()]
                totals.executions = totals.executions.saturatingAdd(executions)
                totals.tokens = totals.tokens.saturatingAdd(tokens)
                totals.errors = totals.errors.saturatingAdd(errors)
                totals.costNanoUSD = totals.costNanoUSD.saturatingAdd(cost)
                totals.unpricedExecutions = totals.unpricedExecutions.saturatingAdd(unpriced)
                point.byProvider[provider] = totals
                points[start] = point
            }
            for range in split.rollupRanges {
                let (conditions, arguments) = Self.rollupConditions(filter, range: range)
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT substr(\(range.level.column), 1, ?) AS bucket, provider, model_name,
                               sum(executions) AS executions, total(input_tokens) AS input_tokens,
                               total(output_tokens) AS output_tokens, total(total_tokens) AS total_tokens,
                               sum(failed * executions) AS errors, sum(cost_nano_usd) AS cost_nano_usd,
                               sum(unpriced_executions) AS unpriced_executions
                        FROM \(range.level.table)
                        \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                        GROUP BY bucket, provider, model_name
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
                        SELECT substr(created_at, 1, ?) AS bucket, provider, model_name, count(*) AS executions,
                               total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens,
                               total(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0)))
                                   AS total_tokens,
                               count(error_message) AS errors, coalesce(sum(cost_nano_usd), 0) AS cost_nano_usd,
                               count(*) - count(cost_nano_usd) AS unpriced_executions
                        FROM ai_executions
                        \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                        GROUP BY bucket, provider, model_name
                        """,
                    arguments: [bucket.prefixLength] + arguments)
                while let row = try rows.next() { try add(row) }
            }
            return ExecutionTimeSeries(bucket: bucket, points: points.values.sorted { $0.start < $1.start })
        }
    }
}
