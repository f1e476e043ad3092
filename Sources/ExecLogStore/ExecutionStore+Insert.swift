import ExecLogModel
import ExecLogPricing
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
    public func insert(_ executions: [Execution], prices: PriceBook? = .bundled) throws(StoreError) -> InsertResult {
        try insert([StoreBatch(executions: executions, prices: prices)])[0]
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
    /// `system_prompt_id` and the cost's columns. A new field is a column of its own (and a migration),
    /// nothing here.
    static let insertedColumns = Execution.fieldNames + ["system_prompt_id"] + CostColumns.names
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
        guard let text, text.containsNUL else { return text }
        return text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }

    /// The values of `insertedColumns`, in their order (`Execution.visitFields`): text, integers, reals,
    /// JSON as its compact text, `total_tokens` as the store keeps it (`Execution.totalTokensOrSum`).
    /// `system_prompt_id` is NULL: the insert sets it for a long prompt. The cost's columns follow
    /// (`CostColumns.values`).
    static func columnValues(_ execution: Execution) -> [DatabaseValue] {
        var binder = ColumnBinder()
        binder.values.reserveCapacity(insertedColumns.count)
        execution.visitFieldValues(&binder)
        binder.values.append(.null)
        binder.values[totalTokensColumn] = execution.totalTokensOrSum?.databaseValue ?? .null
        return binder.values
    }
}

/// Each field's column value, in the fields' order.
private struct ColumnBinder: ExecutionFieldVisitor {
    typealias Failure = Never
    var values: [DatabaseValue] = []

    private mutating func text(_ value: String?) {
        values.append(ExecutionStore.storable(value)?.databaseValue ?? .null)
    }

    private mutating func json(_ value: JSONValue?) {
        values.append(value?.serialized().databaseValue ?? .null)
    }

    mutating func id(_ name: StaticString, _ value: inout UUID) { text(value.canonicalString) }
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) { text(value?.canonicalString) }
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) { text(value) }
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) { text(value) }
    mutating func count(_ name: StaticString, _ value: inout Int?) { values.append(value?.databaseValue ?? .null) }
    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) { values.append(value?.databaseValue ?? .null) }
    mutating func time(_ name: StaticString, _ value: inout Date) { text(Timestamp.format(value)) }
    mutating func tags(_ name: StaticString, _ value: inout [String]) {
        json(value.isEmpty ? nil : .array(value.map(JSONValue.string)))
    }
    mutating func object(_ name: StaticString, _ value: inout JSONValue?) { json(value) }
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) { json(value) }
}
