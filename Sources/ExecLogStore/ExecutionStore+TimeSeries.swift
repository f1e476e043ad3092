import GRDB

extension ExecutionStore {
    /// Executions, tokens and errors per UTC hour or day over the executions that match `filter`.
    ///
    /// One pass over the covering index `ai_executions_stats`, grouped by the bucket (a prefix of
    /// `created_at`) and provider: the rows themselves are never read. Bound the time range for hourly
    /// buckets: a year of hours is 8,760 points per provider.
    @available(*, noasync, message: "blocks on SQLite")
    public func timeSeries(_ filter: ExecutionFilter = ExecutionFilter(), bucket: ExecutionTimeSeries.Bucket)
        throws(StoreError) -> ExecutionTimeSeries
    {
        var (conditions, arguments) = filter.sqlConditions
        arguments = [bucket.prefixLength] + arguments
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            var series = ExecutionTimeSeries(bucket: bucket)
            let groups = try Row.fetchCursor(
                db,
                sql: """
                    SELECT substr(created_at, 1, ?) AS bucket, provider, count(*) AS executions,
                           total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens,
                           total(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0)))
                               AS total_tokens,
                           count(error_message) AS errors
                    FROM ai_executions INDEXED BY ai_executions_stats
                    \(whereClause)
                    GROUP BY bucket, provider
                    ORDER BY bucket
                    """,
                arguments: arguments)
            while let row = try groups.next() {
                let start = (row["bucket"] as String) + bucket.startSuffix
                if series.points.last?.start != start { series.points.append(.init(start: start)) }
                let executions: Int = row["executions"]
                let tokens = Int(row["total_tokens"] as Double)
                let errors: Int = row["errors"]
                let index = series.points.count - 1
                series.points[index].executions += executions
                series.points[index].inputTokens += Int(row["input_tokens"] as Double)
                series.points[index].outputTokens += Int(row["output_tokens"] as Double)
                series.points[index].totalTokens += tokens
                series.points[index].errors += errors
                series.points[index].byProvider[row["provider"], default: .init()] = .init(
                    executions: executions, tokens: tokens, errors: errors)
            }
            return series
        }
    }
}
