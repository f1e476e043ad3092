import ExecLogModel
import Foundation
import GRDB

/// What one batched insert did: every execution is either stored or a duplicate of one stored before,
/// and so is every drop report.
public struct InsertResult: Sendable, Equatable {
    public var stored: Int
    public var duplicates: Int
    public var dropReportsStored: Int
    public var dropReportDuplicates: Int

    public init(stored: Int = 0, duplicates: Int = 0, dropReportsStored: Int = 0, dropReportDuplicates: Int = 0) {
        self.stored = stored
        self.duplicates = duplicates
        self.dropReportsStored = dropReportsStored
        self.dropReportDuplicates = dropReportDuplicates
    }
}

extension ExecutionStore {
    /// Inserts the executions in one transaction with one reused prepared statement.
    ///
    /// Idempotent: an id already stored (an emitter's resend) is counted as a duplicate, never a second row
    /// and never an error. Either every row of the batch is committed or none is.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func insert(_ executions: [Execution]) throws(StoreError) -> InsertResult {
        try insert([StoreBatch(executions: executions)])[0]
    }

    /// The insert itself, inside the caller's transaction. `rollups` holds every row's part already
    /// (counted when the batch was made, off this thread); a duplicate's part is taken back out. A long
    /// system prompt is stored once in `system_prompts`.
    static func insert(_ rows: [ExecutionRow], rollups: inout ExecutionRollups, in db: Database) throws -> InsertResult {
        let statement = try db.cachedStatement(sql: Self.insertSQL)
        var result = InsertResult()
        for row in rows {
            var promptID: Int64?
            if let prompt = row.storedPrompt {
                let id = try SystemPrompts.id(of: prompt.text, hash: prompt.hash, in: db)
                var values = row.values
                values[Self.systemPromptIDColumn] = id.databaseValue
                statement.setUncheckedArguments(StatementArguments(values))
                promptID = id
            } else {
                statement.setUncheckedArguments(StatementArguments(row.values))
            }
            try statement.execute()
            if db.changesCount == 1 {
                result.stored += 1
            } else {
                result.duplicates += 1
                rollups.count(row.rollup, sign: -1)
                // The stored original may hold its prompt inline (stored before v6): a prompt row
                // just made for the duplicate would point nowhere.
                if let promptID { try SystemPrompts.deleteUnused([promptID], in: db) }
            }
        }
        return result
    }

    /// The columns an insert sets: the event's fields under the same names (`Execution.fieldNames`), then
    /// `system_prompt_id`. A new field is a column of its own (and a migration), nothing here.
    static let insertedColumns = Execution.fieldNames + ["system_prompt_id"]
    static let systemPromptColumn = column("system_prompt")
    static let systemPromptIDColumn = column("system_prompt_id")
    static let createdAtColumn = column("created_at")
    static let totalTokensColumn = column("total_tokens")

    /// The position of a column the code names (a programming error if it is not inserted).
    private static func column(_ name: String) -> Int {
        guard let index = insertedColumns.firstIndex(of: name) else { preconditionFailure("no inserted column \(name)") }
        return index
    }

    static let insertSQL = """
        INSERT INTO ai_executions (\(insertedColumns.joined(separator: ", ")))
        VALUES (\(insertedColumns.map { _ in "?" }.joined(separator: ", ")))
        ON CONFLICT(id) DO NOTHING
        """

    /// SQLite's C API ends text at a NUL character; the free-text columns keep U+FFFD in its place rather
    /// than lose the rest of the text. (JSON columns escape it as \u0000 and keep it exactly.)
    static func storable(_ text: String?) -> String? {
        guard let text, text.utf8.contains(0) else { return text }
        return text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }

    /// The values of `insertedColumns`, in their order: each field as its JSON form writes it (text,
    /// integers, reals; arrays and objects as compact JSON), and `total_tokens` as the store keeps it
    /// (`Execution.totalTokensOrSum`). `system_prompt_id` is NULL: the insert sets it for a long prompt.
    static func columnValues(_ execution: Execution) -> [DatabaseValue] {
        var values: [DatabaseValue] = []
        values.reserveCapacity(insertedColumns.count)
        execution.forEachField { _, value in values.append(databaseValue(value)) }
        values.append(.null)
        values[totalTokensColumn] = execution.totalTokensOrSum?.databaseValue ?? .null
        return values
    }

    private static func databaseValue(_ value: JSONValue?) -> DatabaseValue {
        switch value {
        case nil, .null?: .null
        case .string(let text)?: (storable(text) ?? text).databaseValue
        case .int(let number)?: number.databaseValue
        case .double(let number)?: number.databaseValue
        case .bool(let flag)?: flag.databaseValue
        case .array?, .object?: (value ?? .null).serialized().databaseValue
        }
    }
}
