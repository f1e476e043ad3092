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

    static let insertedColumns = [
        "id", "created_at", "usage_type", "provider", "model_name", "input_tokens", "output_tokens",
        "total_tokens", "execution_time_ms", "temperature", "max_tokens", "error_message", "ai_model_id",
        "execution_metadata", "system_prompt", "input_messages", "response_content", "trace_id", "session_id",
        "user_id", "tags", "cached_input_tokens", "finish_reason", "time_to_first_token_ms", "system_prompt_id",
    ]
    static let systemPromptColumn = insertedColumns.firstIndex(of: "system_prompt")!
    static let systemPromptIDColumn = insertedColumns.firstIndex(of: "system_prompt_id")!

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

    /// The values of `insertedColumns`, in their order.
    static func columnValues(_ execution: Execution, createdAt: String) -> [(any DatabaseValueConvertible)?] {
        [
            execution.idString,
            createdAt,
            execution.usageType,
            execution.provider,
            execution.modelName,
            execution.inputTokens,
            execution.outputTokens,
            execution.totalTokensOrSum,
            execution.executionTimeMs,
            execution.temperature,
            execution.maxTokens,
            storable(execution.errorMessage),
            execution.aiModelID?.uuidString.lowercased(),
            execution.executionMetadata?.serialized(),
            storable(execution.systemPrompt),
            execution.inputMessages.serialized(),
            storable(execution.responseContent),
            execution.traceID,
            execution.sessionID,
            execution.userID,
            execution.tags.isEmpty ? nil : JSONValue.array(execution.tags.map(JSONValue.string)).serialized(),
            execution.cachedInputTokens,
            execution.finishReason,
            execution.timeToFirstTokenMs,
            nil,  // system_prompt_id: set by insert for a long prompt
        ]
    }
}
