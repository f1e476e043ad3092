import ExecLogModel
import ExecLogPricing
import Foundation
import GRDB

extension ExecutionStore {
    /// What a reprice did.
    public struct RepriceResult: Sendable, Equatable {
        /// Executions read.
        public var examined = 0
        /// Executions whose stored cost changed.
        public var changed = 0
        /// Executions that are still unpriced (or report no usage) after it.
        public var unpriced = 0
    }

    /// The most rows one reprice transaction reads, and how long it may spend before it commits: like
    /// prune's chunks, so that the writer daemon never waits long for the lock.
    public static let repriceChunkSize = 1_000
    public static let repriceChunkBudget = Duration.milliseconds(20)

    /// Recomputes the stored cost of every execution matching `filter` with `prices`, oldest first, in
    /// short transactions, and moves the rollups' costs with them. Idempotent: a row whose cost is
    /// unchanged is not written. `progress` sees the running totals after each chunk.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func reprice(
        _ filter: ExecutionFilter = ExecutionFilter(), prices: PriceBook, chunkSize: Int = repriceChunkSize,
        progress: (RepriceResult) -> Void = { _ in }
    ) throws(StoreError) -> RepriceResult {
        var result = RepriceResult()
        var position: (createdAt: String, id: String)?
        let (conditions, filterArguments) = filter.sqlConditions
        repeat {
            let started = ContinuousClock.now
            position = try write { db in
                var rollups = ExecutionRollups()
                var last = position
                let update = try db.cachedStatement(
                    sql: "UPDATE ai_executions SET \(CostColumns.names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE rowid = ?")
                while ContinuousClock.now - started < Self.repriceChunkBudget {
                    var where_ = conditions
                    var arguments = filterArguments
                    if let last {
                        where_.append("created_at >= ? AND (created_at > ? OR id > ?)")
                        arguments += [last.createdAt, last.createdAt, last.id]
                    }
                    arguments += [min(chunkSize, 200)]
                    let rows = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT rowid, id, \(ExecutionRollups.countedColumns), cached_input_tokens,
                                   cache_creation_input_tokens, cost_usd, \(CostColumns.names.joined(separator: ", "))
                            FROM ai_executions \(where_.isEmpty ? "" : "WHERE " + where_.joined(separator: " AND "))
                            ORDER BY created_at, id LIMIT ?
                            """,
                        arguments: arguments)
                    guard let lastRow = rows.last else { return nil }
                    for row in rows {
                        result.examined += 1
                        let createdAt: String = try row[checked: "created_at"]
                        let cost = prices.cost(of: try Self.pricedExecution(row), createdAt: createdAt)
                        if !cost.isKnown { result.unpriced += 1 }
                        if try CostColumns.cost(row) == cost { continue }
                        result.changed += 1
                        try rollups.count(row: row, sign: -1)
                        var entry = try ExecutionRollups.Entry(row: row)
                        entry.costNanoUSD = cost.totalNanoUSD
                        rollups.count(entry, sign: 1)
                        try update.execute(arguments: StatementArguments(CostColumns.values(cost) + [try row[checked: "rowid"] as Int64]))
                    }
                    last = (try lastRow[checked: "created_at"], try lastRow[checked: "id"])
                    if rows.count < min(chunkSize, 200) {
                        try rollups.apply(in: db)
                        return nil
                    }
                }
                try rollups.apply(in: db)
                return last
            }
            progress(result)
            if position != nil { usleep(2_000) }
        } while position != nil
        return result
    }

    /// The fields pricing reads, from a reprice row.
    private static func pricedExecution(_ row: Row) throws(StoreError) -> Execution {
        var execution = Execution(
            id: Execution.placeholderID, usageType: "", provider: try row[checked: "provider"],
            modelName: try row[checked: "model_name"])
        execution.inputTokens = try row[checked: "input_tokens"]
        execution.outputTokens = try row[checked: "output_tokens"]
        execution.cachedInputTokens = try row[checked: "cached_input_tokens"]
        execution.cacheCreationInputTokens = try row[checked: "cache_creation_input_tokens"]
        execution.costUSD = try row[checked: "cost_usd"]
        let failed: Bool = try row[checked: "failed"]
        execution.errorMessage = failed ? "" : nil
        return execution
    }

    /// The providers and models whose executions have no price, with how many (from the rollups: no
    /// row is read). Includes rows stored before costs existed, until they are repriced.
    @available(*, noasync, message: "blocks on SQLite")
    public func unpricedModels() throws(StoreError) -> [(provider: String, model: String, executions: Int)] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT provider, model_name, sum(unpriced_executions) AS unpriced FROM execution_rollups_daily
                    GROUP BY provider, model_name HAVING unpriced > 0 ORDER BY unpriced DESC, provider, model_name
                    """)
            return try rows.map { row throws(StoreError) in
                (try row[checked: "provider"], try row[checked: "model_name"], try row[checked: "unpriced"])
            }
        }
    }
}
