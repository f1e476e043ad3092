import ExecLogModel
import Foundation
import GRDB

/// Totals per provider × usage type × model × status (tokens, cost, latency), per UTC hour in `execution_rollups` and per
/// UTC day in `execution_rollups_daily`, kept in the same transaction as every insert and delete of
/// `ai_executions`, so that stats never read raw rows but at the edges of a time range that does not
/// fall on whole hours. Stats read whole days from the daily table, so their cost does not grow with
/// the span of the range.
///
/// A value collects the changes of one transaction, by hour, then `apply(in:)` adds them to both
/// tables (the daily one folds the hours of a day together).
struct ExecutionRollups: Sendable {
    /// One rollup table: its name, its period column, and the `created_at` prefix that names a period.
    enum Level: CaseIterable {
        case hourly, daily

        var table: String {
            switch self {
            case .hourly: "execution_rollups"
            case .daily: "execution_rollups_daily"
            }
        }

        var column: String {
            switch self {
            case .hourly: "hour"
            case .daily: "day"
            }
        }

        /// The table's definition, for the migrations that create it (v4 hourly, v5 daily): the two
        /// tables are one shape. A public contract (docs/STORE.md §7): change it only by a new migration.
        var createTableSQL: String {
            """
            CREATE TABLE \(table) (
                \(column) TEXT NOT NULL,
                provider TEXT NOT NULL,
                usage_type TEXT NOT NULL,
                model_name TEXT NOT NULL,
                failed INTEGER NOT NULL,
                executions INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                total_tokens INTEGER NOT NULL,
                timed_executions INTEGER NOT NULL,
                execution_time_ms_sum INTEGER NOT NULL,
                latency_histogram BLOB NOT NULL,
                PRIMARY KEY (\(column), provider, usage_type, model_name, failed)
            ) WITHOUT ROWID;
            """
        }

        /// `2026-11-27T14` (13 characters) or `2026-11-27` (10).
        var prefixLength: Int {
            switch self {
            case .hourly: 13
            case .daily: 10
            }
        }

        /// The period a `created_at` (or a finer period) falls in: its first `prefixLength` characters.
        func period(of timestamp: String) -> String {
            String(timestamp.utf8.prefix(prefixLength))!
        }
    }

    struct Key: Hashable, Sendable {
        /// `created_at`'s first 13 characters: `2026-11-27T14` (10, `2026-11-27`, once folded to days).
        var hour: String
        var provider: String
        var usageType: String
        var modelName: String
        var failed: Bool
    }

    struct Totals: Sendable {
        var executions = 0
        var inputTokens = 0
        var outputTokens = 0
        /// `total_tokens` as reported, else input + output: what stats calls total tokens.
        var totalTokens = 0
        var timedExecutions = 0
        var executionTimeMsSum = 0
        var latency = LatencyHistogram()
        /// The summed cost of the priced executions (and of those whose caller gave one), nanodollars.
        var costNanoUSD = 0
        /// Executions whose cost is unknown (no price, no usage, or stored before costs): never $0.
        var unpricedExecutions = 0

        mutating func merge(_ other: Totals, sign: Int = 1) {
            executions += sign * other.executions
            inputTokens = inputTokens.saturatingAdd(sign * other.inputTokens)
            outputTokens = outputTokens.saturatingAdd(sign * other.outputTokens)
            totalTokens = totalTokens.saturatingAdd(sign * other.totalTokens)
            timedExecutions += sign * other.timedExecutions
            executionTimeMsSum = executionTimeMsSum.saturatingAdd(sign * other.executionTimeMsSum)
            latency.merge(other.latency, sign: sign)
            costNanoUSD = costNanoUSD.saturatingAdd(sign * other.costNanoUSD)
            unpricedExecutions += sign * other.unpricedExecutions
        }

        /// Adds `count` executions with these values (negative `count` to remove them).
        mutating func add(
            count: Int, inputTokens: Int?, outputTokens: Int?, totalTokens: Int?, executionTimeMs: Int?,
            costNanoUSD: Int?
        ) {
            executions += count
            if let costNanoUSD {
                self.costNanoUSD = self.costNanoUSD.saturatingAdd(costNanoUSD.saturatingMultiply(count))
            } else {
                unpricedExecutions += count
            }
            self.inputTokens = self.inputTokens.saturatingAdd((inputTokens ?? 0).saturatingMultiply(count))
            self.outputTokens = self.outputTokens.saturatingAdd((outputTokens ?? 0).saturatingMultiply(count))
            let total = totalTokens ?? (inputTokens ?? 0).saturatingAdd(outputTokens ?? 0)
            self.totalTokens = self.totalTokens.saturatingAdd(total.saturatingMultiply(count))
            if let executionTimeMs {
                timedExecutions += count
                executionTimeMsSum = executionTimeMsSum.saturatingAdd(executionTimeMs.saturatingMultiply(count))
                latency.add(executionTimeMs, count: count)
            }
        }
    }

    private(set) var changes: [Key: Totals] = [:]

    var isEmpty: Bool { changes.isEmpty }

    /// One execution as the rollups count it: its group (at its hour) and the values summed.
    struct Entry: Sendable {
        var key: Key
        var inputTokens: Int?
        var outputTokens: Int?
        var totalTokens: Int?
        var executionTimeMs: Int?
        /// nil: unpriced.
        var costNanoUSD: Int?

        init(
            createdAt: String, provider: String, usageType: String, modelName: String, failed: Bool,
            inputTokens: Int?, outputTokens: Int?, totalTokens: Int?, executionTimeMs: Int?, costNanoUSD: Int?
        ) {
            key = Key(
                hour: Level.hourly.period(of: createdAt), provider: provider, usageType: usageType,
                modelName: modelName, failed: failed)
            self.inputTokens = inputTokens
            self.outputTokens = outputTokens
            self.totalTokens = totalTokens
            self.executionTimeMs = executionTimeMs
            self.costNanoUSD = costNanoUSD
        }

        /// A row read with `countedColumns`.
        init(row: Row) throws(StoreError) {
            try self.init(
                createdAt: row[checked: "created_at"], provider: row[checked: "provider"], usageType: row[checked: "usage_type"],
                modelName: row[checked: "model_name"], failed: row[checked: "failed"], inputTokens: row[checked: "input_tokens"],
                outputTokens: row[checked: "output_tokens"], totalTokens: row[checked: "total_tokens"],
                executionTimeMs: row[checked: "execution_time_ms"], costNanoUSD: row[checked: "cost_nano_usd"])
        }

        init(_ execution: Execution, createdAt: String, costNanoUSD: Int?) {
            self.init(
                createdAt: createdAt, provider: execution.provider, usageType: execution.usageType,
                modelName: execution.modelName, failed: execution.errorMessage != nil,
                inputTokens: execution.inputTokens, outputTokens: execution.outputTokens,
                totalTokens: execution.totalTokensOrSum, executionTimeMs: execution.executionTimeMs,
                costNanoUSD: costNanoUSD)
        }
    }

    /// Counts one execution stored (`sign` 1) or deleted (-1).
    mutating func count(_ entry: Entry, sign: Int) {
        changes[entry.key, default: Totals()].add(
            count: sign, inputTokens: entry.inputTokens, outputTokens: entry.outputTokens,
            totalTokens: entry.totalTokens, executionTimeMs: entry.executionTimeMs, costNanoUSD: entry.costNanoUSD)
    }

    /// Adds the changes collected in `other` (another batch of the same transaction).
    mutating func merge(_ other: ExecutionRollups) {
        if changes.isEmpty {
            changes = other.changes
            return
        }
        for (key, change) in other.changes { changes[key, default: Totals()].merge(change) }
    }

    /// The columns `count(row:sign:)` reads, for a SELECT over rows about to be deleted.
    static let countedColumns =
        "created_at, provider, usage_type, model_name, error_message IS NOT NULL AS failed, input_tokens, output_tokens, total_tokens, execution_time_ms, cost_nano_usd"

    mutating func count(row: Row, sign: Int) throws(StoreError) {
        count(try Entry(row: row), sign: sign)
    }

    /// Adds the collected changes to the rollup tables of `levels`: one read and one write per key
    /// touched (a batch of a thousand executions touches a few dozen). A row whose executions fall to
    /// zero goes.
    ///
    /// `costs` false is for the migrations older than the cost columns (v4, v5), which run before v8
    /// adds them.
    func apply(in db: Database, levels: [Level] = Level.allCases, costs: Bool = true) throws {
        for level in levels {
            try apply(level == .hourly ? changes : folded(to: level), to: level, costs: costs, in: db)
        }
    }

    /// The changes with their hours cut to `level`'s periods, those of one period merged.
    private func folded(to level: Level) -> [Key: Totals] {
        var result: [Key: Totals] = [:]
        for (key, change) in changes {
            var periodKey = key
            periodKey.hour = level.period(of: key.hour)
            result[periodKey, default: Totals()].merge(change)
        }
        return result
    }

    private func apply(_ changes: [Key: Totals], to level: Level, costs: Bool, in db: Database) throws {
        let keyColumns = "\(level.column) = ? AND provider = ? AND usage_type = ? AND model_name = ? AND failed = ?"
        let costColumns = costs ? ", cost_nano_usd, unpriced_executions" : ""
        let select = try db.cachedStatement(
            sql: """
                SELECT executions, input_tokens, output_tokens, total_tokens, timed_executions,
                       execution_time_ms_sum, latency_histogram\(costColumns)
                FROM \(level.table) WHERE \(keyColumns)
                """)
        let upsert = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO \(level.table) (\(level.column), provider, usage_type, model_name, failed, executions,
                    input_tokens, output_tokens, total_tokens, timed_executions, execution_time_ms_sum, latency_histogram\(costColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?\(costs ? ", ?, ?" : ""))
                """)
        let delete = try db.cachedStatement(sql: "DELETE FROM \(level.table) WHERE \(keyColumns)")
        for (key, change) in changes {
            let keyArguments: StatementArguments = [key.hour, key.provider, key.usageType, key.modelName, key.failed]
            var totals = Totals()
            if let row = try Row.fetchOne(select, arguments: keyArguments) {
                totals = try Self.totals(row, costs: costs)
            }
            totals.merge(change)
            if totals.executions <= 0 {
                try delete.execute(arguments: keyArguments)
                continue
            }
            var arguments = keyArguments + [
                totals.executions, totals.inputTokens, totals.outputTokens, totals.totalTokens,
                totals.timedExecutions, totals.executionTimeMsSum, Data(totals.latency.encoded),
            ]
            if costs { arguments += [totals.costNanoUSD, totals.unpricedExecutions] }
            try upsert.execute(arguments: arguments)
        }
    }

    /// A row of `execution_rollups` (the columns of `apply`'s SELECT).
    static func totals(_ row: Row, costs: Bool = true) throws(StoreError) -> Totals {
        var totals = Totals()
        totals.executions = try row[checked: "executions"]
        totals.inputTokens = try row[checked: "input_tokens"]
        totals.outputTokens = try row[checked: "output_tokens"]
        totals.totalTokens = try row[checked: "total_tokens"]
        totals.timedExecutions = try row[checked: "timed_executions"]
        totals.executionTimeMsSum = try row[checked: "execution_time_ms_sum"]
        let blob = (try row[checked: "latency_histogram"] as Data?) ?? Data()
        totals.latency = LatencyHistogram(encoded: Array(blob)) ?? LatencyHistogram()
        if costs {
            totals.costNanoUSD = try row[checked: "cost_nano_usd"]
            totals.unpricedExecutions = try row[checked: "unpriced_executions"]
        }
        return totals
    }

    /// Recomputes the tables of `levels` from `ai_executions`: the v4 migration (hourly, the only
    /// level then), and `execlog migrate --rebuild-rollups` after rows were changed by hand (the
    /// sqlite3 shell does not maintain them).
    static func rebuild(in db: Database, levels: [Level] = Level.allCases, costs: Bool = true) throws {
        for level in levels { try db.execute(sql: "DELETE FROM \(level.table)") }
        var rollups = ExecutionRollups()
        // Grouped as finely as the histograms need, so the pass reads each row once and holds little.
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT substr(created_at, 1, 13) AS hour, provider, usage_type, model_name,
                       error_message IS NOT NULL AS failed, execution_time_ms, count(*) AS n,
                       total(input_tokens) AS input_tokens, total(output_tokens) AS output_tokens,
                       total(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0))) AS total_tokens
                       \(costs ? ", coalesce(sum(cost_nano_usd), 0) AS cost_nano_usd, count(*) - count(cost_nano_usd) AS unpriced_executions" : "")
                FROM ai_executions
                GROUP BY hour, provider, usage_type, model_name, failed, execution_time_ms
                """)
        while let row = try rows.next() {
            let key = try Key(
                hour: row[checked: "hour"], provider: row[checked: "provider"], usageType: row[checked: "usage_type"],
                modelName: row[checked: "model_name"], failed: row[checked: "failed"])
            try rollups.changes[key, default: Totals()].add(row, costs: costs)
        }
        try rollups.apply(in: db, levels: levels, costs: costs)
    }

    /// Fills the daily table from the hourly one, which holds the same totals finer: the v5 migration.
    /// Folded to days as it reads, so it holds one entry per day and group, not per hour.
    static func buildDailyFromHourly(in db: Database, costs: Bool = true) throws {
        var rollups = ExecutionRollups()
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT hour, provider, usage_type, model_name, failed, executions, input_tokens, output_tokens,
                       total_tokens, timed_executions, execution_time_ms_sum, latency_histogram
                       \(costs ? ", cost_nano_usd, unpriced_executions" : "")
                FROM execution_rollups
                """)
        while let row = try rows.next() {
            let key = try Key(
                hour: Level.daily.period(of: row[checked: "hour"]), provider: row[checked: "provider"], usageType: row[checked: "usage_type"],
                modelName: row[checked: "model_name"], failed: row[checked: "failed"])
            try rollups.changes[key, default: Totals()].merge(totals(row, costs: costs))
        }
        try rollups.apply(in: db, levels: [.daily], costs: costs)
    }
}

extension ExecutionRollups.Totals {
    /// Adds a group of rows: `n` executions with one `execution_time_ms`, and their token sums (SQLite's
    /// `total()`, a double, so that no sum overflows in SQL).
    mutating func add(_ row: Row, costs: Bool = true) throws(StoreError) {
        let count: Int = try row[checked: "n"]
        executions += count
        inputTokens = inputTokens.saturatingAdd(Int(saturating: try row[checked: "input_tokens"] as Double))
        outputTokens = outputTokens.saturatingAdd(Int(saturating: try row[checked: "output_tokens"] as Double))
        totalTokens = totalTokens.saturatingAdd(Int(saturating: try row[checked: "total_tokens"] as Double))
        if let milliseconds = try row[checked: "execution_time_ms"] as Int? {
            timedExecutions += count
            executionTimeMsSum = executionTimeMsSum.saturatingAdd(milliseconds.saturatingMultiply(count))
            latency.add(milliseconds, count: count)
        }
        if costs {
            costNanoUSD = costNanoUSD.saturatingAdd(try row[checked: "cost_nano_usd"])
            unpricedExecutions += try row[checked: "unpriced_executions"] as Int
        }
    }
}
