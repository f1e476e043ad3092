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
        /// Executions that were priced by a user's price file and no longer are: a reprice run without
        /// the file the writer uses (`--prices`) undoes its prices.
        public var leftUserPrices = 0
    }

    /// How many rows a reprice reads at a time, and how long one transaction may spend reading and
    /// updating them before it commits (at least one slice): like prune's chunks, so that the writer
    /// daemon never waits long for the lock.
    public static let repriceSliceSize = 200
    public static let repriceChunkBudget = Duration.milliseconds(20)

    /// Recomputes the stored cost of every execution matching `filter` with `prices`, oldest first, in
    /// short transactions, and moves the rollups' costs with them. Idempotent: a row whose cost is
    /// unchanged is not written. `progress` sees the running totals after each chunk.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func reprice(
        _ filter: ExecutionFilter = ExecutionFilter(), prices: PriceBook, sliceSize: Int = repriceSliceSize,
        progress: (RepriceResult) -> Void = { _ in }
    ) throws(StoreError) -> RepriceResult {
        try read { db in try Self.checkSearch(filter, db) }
        var result = RepriceResult()
        var position: (createdAt: String, id: String)?
        let (conditions, filterArguments) = filter.sqlConditions
        let sliceSize = max(1, sliceSize)
        repeat {
            position = try write { db in
                // Timed from inside the transaction: waiting for the lock is not work done.
                let started = ContinuousClock.now
                var rollups = ExecutionRollups()
                var last = position
                let update = try db.cachedStatement(
                    sql: "UPDATE ai_executions SET \(CostColumns.names.map { "\($0) = ?" }.joined(separator: ", ")) WHERE rowid = ?")
                repeat {
                    var where_ = conditions
                    var arguments = filterArguments
                    if let last {
                        where_.append("created_at >= ? AND (created_at > ? OR id > ?)")
                        arguments += [last.createdAt, last.createdAt, last.id]
                    }
                    arguments += [sliceSize]
                    let rows = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT rowid, id, \(ExecutionRollups.countedColumns), cached_input_tokens,
                                   cache_creation_input_tokens, cost_usd, \(CostColumns.names.joined(separator: ", "))
                            FROM ai_executions \(where_.isEmpty ? "" : "WHERE " + where_.joined(separator: " AND "))
                            ORDER BY created_at, id LIMIT ?
                            """,
                        arguments: arguments)
                    guard let lastRow = rows.last else {
                        try rollups.apply(in: db)
                        return nil
                    }
                    for row in rows {
                        result.examined += 1
                        let createdAt: String = try row[checked: "created_at"]
                        let cost = prices.cost(of: try Self.pricedExecution(row), createdAt: createdAt)
                        if !cost.isKnown { result.unpriced += 1 }
                        let old = try CostColumns.cost(row)
                        if old == cost { continue }
                        result.changed += 1
                        if let old, prices.isFromUserFile(old), !prices.isFromUserFile(cost) { result.leftUserPrices += 1 }
                        try rollups.count(row: row, sign: -1)
                        var entry = try ExecutionRollups.Entry(row: row)
                        entry.costNanoUSD = cost.totalNanoUSD
                        rollups.count(entry, sign: 1)
                        try update.execute(arguments: StatementArguments(CostColumns.values(cost) + [try row[checked: "rowid"] as Int64]))
                    }
                    last = (try lastRow[checked: "created_at"], try lastRow[checked: "id"])
                    if rows.count < sliceSize {
                        try rollups.apply(in: db)
                        return nil
                    }
                } while ContinuousClock.now - started < Self.repriceChunkBudget
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
