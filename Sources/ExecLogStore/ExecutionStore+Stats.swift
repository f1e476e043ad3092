import GRDB

extension ExecutionStore {
    /// Totals, breakdowns and latency percentiles over the executions that match `filter`.
    ///
    /// Two passes over the covering index `ai_executions_stats`, never over the rows: one grouped by
    /// provider × usage type × model × status (a few hundred groups at most) from which every total and
    /// breakdown is summed, and one grouped by duration for exact percentiles.
    @available(*, noasync, message: "blocks on SQLite")
    public func stats(_ filter: ExecutionFilter = ExecutionFilter()) throws(StoreError) -> ExecutionStats {
        let (conditions, arguments) = filter.sqlConditions
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            var stats = ExecutionStats()
            var timedCount = 0
            var timeSum = 0
            let groups = try Row.fetchCursor(
                db,
                sql: """
                    SELECT provider, usage_type, model_name, error_message IS NOT NULL AS failed,
                           count(*) AS executions, total(input_tokens) AS input_tokens,
                           total(output_tokens) AS output_tokens,
                           total(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0)))
                               AS total_tokens,
                           count(execution_time_ms) AS timed, total(execution_time_ms) AS time_sum
                    FROM ai_executions INDEXED BY ai_executions_stats
                    \(whereClause)
                    GROUP BY provider, usage_type, model_name, failed
                    """,
                arguments: arguments)
            while let row = try groups.next() {
                let executions: Int = row["executions"]
                let tokens = Int(row["total_tokens"] as Double)
                let provider: String = row["provider"]
                let usageType: String = row["usage_type"]
                let model: String = row["model_name"]
                stats.totalExecutions += executions
                stats.totalInputTokens += Int(row["input_tokens"] as Double)
                stats.totalOutputTokens += Int(row["output_tokens"] as Double)
                stats.totalTokens += tokens
                stats.executionsByProvider[provider, default: 0] += executions
                stats.executionsByUsageType[usageType, default: 0] += executions
                stats.executionsByModel[model, default: 0] += executions
                stats.tokensByProvider[provider, default: 0] += tokens
                stats.tokensByUsageType[usageType, default: 0] += tokens
                stats.tokensByModel[model, default: 0] += tokens
                if row["failed"] as Bool { stats.errorCount += executions }
                timedCount += row["timed"] as Int
                timeSum += Int(row["time_sum"] as Double)
            }
            if stats.totalExecutions > 0 {
                stats.errorRate = Double(stats.errorCount) / Double(stats.totalExecutions)
            }
            guard timedCount > 0 else { return stats }
            stats.avgExecutionTimeMs = Double(timeSum) / Double(timedCount)

            // Exact nearest-rank percentiles from the duration histogram, walked once in ascending order.
            let ranks = [0.50, 0.95, 0.99].map { max(1, Int((Double(timedCount) * $0).rounded(.up))) }
            var results: [Int] = []
            var seen = 0
            let histogram = try Row.fetchCursor(
                db,
                sql: """
                    SELECT execution_time_ms AS duration, count(*) AS n
                    FROM ai_executions INDEXED BY ai_executions_stats
                    \(whereClause.isEmpty ? "WHERE" : whereClause + " AND") execution_time_ms IS NOT NULL
                    GROUP BY execution_time_ms ORDER BY execution_time_ms
                    """,
                arguments: arguments)
            while let row = try histogram.next(), results.count < ranks.count {
                seen += row["n"] as Int
                while results.count < ranks.count, seen >= ranks[results.count] {
                    results.append(row["duration"])
                }
            }
            if results.count == 3 {
                stats.p50ExecutionTimeMs = results[0]
                stats.p95ExecutionTimeMs = results[1]
                stats.p99ExecutionTimeMs = results[2]
            }
            return stats
        }
    }
}
