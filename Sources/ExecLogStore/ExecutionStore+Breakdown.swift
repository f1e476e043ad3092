import ExecLogModel
import GRDB

extension ExecutionStore {
    /// The top `limit` values of `dimension` among the executions `filter` matches. Providers, models
    /// and usage types come from the rollups, like stats; users, sessions, traces and tags from the
    /// matching rows (bound the time range on a big store).
    @available(*, noasync, message: "blocks on SQLite")
    public func breakdown(
        _ dimension: ExecutionBreakdown.Dimension, _ filter: ExecutionFilter = ExecutionFilter(),
        by measure: ExecutionBreakdown.Measure = .executions, limit: Int = 20
    ) throws(StoreError) -> ExecutionBreakdown {
        try read { db in
            try Self.checkSearch(filter, db)
            let entries = switch dimension {
            case .model, .provider, .usageType: try Self.rollupBreakdown(dimension, filter, db)
            case .user, .session, .trace, .tag: try Self.rowBreakdown(dimension, filter, db)
            }
            return ExecutionBreakdown(dimension: dimension, measure: measure, all: entries, limit: max(0, limit))
        }
    }

    private static func rollupBreakdown(
        _ dimension: ExecutionBreakdown.Dimension, _ filter: ExecutionFilter, _ db: Database
    ) throws -> [ExecutionBreakdown.Entry] {
        var entries: [String: ExecutionBreakdown.Entry] = [:]
        for (group, totals) in try statsGroups(filter, db).0 where totals.executions > 0 {
            let key = switch dimension {
            case .provider: group.provider
            case .usageType: group.usageType
            default: group.modelName
            }
            var entry = entries[key] ?? .init(key: key)
            entry.executions = entry.executions.saturatingAdd(totals.executions)
            if group.failed { entry.errors = entry.errors.saturatingAdd(totals.executions) }
            entry.totalTokens = entry.totalTokens.saturatingAdd(totals.totalTokens)
            entry.executionTimeMs = entry.executionTimeMs.saturatingAdd(totals.executionTimeMsSum)
            entry.costNanoUSD = entry.costNanoUSD.saturatingAdd(totals.costNanoUSD)
            entry.unpricedExecutions = entry.unpricedExecutions.saturatingAdd(totals.unpricedExecutions)
            entries[key] = entry
        }
        return Array(entries.values)
    }

    private static func rowBreakdown(
        _ dimension: ExecutionBreakdown.Dimension, _ filter: ExecutionFilter, _ db: Database
    ) throws -> [ExecutionBreakdown.Entry] {
        var (conditions, arguments) = filter.sqlConditions
        let measured = "error_message, total_tokens, input_tokens, output_tokens, execution_time_ms, cost_nano_usd"
        let source: String
        if let column = dimension.column {
            // `+`: not through the column's index, which would group without sorting but fetch every
            // row at random for its measures (seconds on a million rows); a time range's index, or a
            // scan, reads them in order.
            conditions.append("+\(column) IS NOT NULL")
            source = "(SELECT \(column) AS key, \(measured) FROM ai_executions WHERE \(conditions.joined(separator: " AND ")))"
        } else {
            // A tagged row counts once for each of its tags.
            conditions.append("tags IS NOT NULL")
            source = """
                (SELECT t.value AS key, e.* FROM
                    (SELECT tags, \(measured) FROM ai_executions WHERE \(conditions.joined(separator: " AND "))) AS e,
                    json_each(CASE WHEN json_valid(e.tags) THEN e.tags END) AS t
                WHERE t.type = 'text')
                """
        }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT key, count(*) AS executions, count(error_message) AS errors,
                       total(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0))) AS total_tokens,
                       total(execution_time_ms) AS execution_time_ms, coalesce(sum(cost_nano_usd), 0) AS cost_nano_usd,
                       count(*) - count(cost_nano_usd) AS unpriced_executions
                FROM \(source)
                GROUP BY key
                """,
            arguments: arguments)
        var entries: [ExecutionBreakdown.Entry] = []
        while let row = try rows.next() {
            var entry = ExecutionBreakdown.Entry(key: try row[checked: "key"])
            entry.executions = try row[checked: "executions"]
            entry.errors = try row[checked: "errors"]
            entry.totalTokens = Int(saturating: try row[checked: "total_tokens"] as Double)
            entry.executionTimeMs = Int(saturating: try row[checked: "execution_time_ms"] as Double)
            entry.costNanoUSD = try row[checked: "cost_nano_usd"]
            entry.unpricedExecutions = try row[checked: "unpriced_executions"]
            entries.append(entry)
        }
        return entries
    }
}
