import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

/// A store is a file people open with the sqlite3 shell: a row changed by hand to something execlog
/// never writes is an error answer naming the execution and the column, never a stopped process.
@Suite struct HandEditedRowTests {
    static func store(editing sql: String) throws -> (TemporaryFolder, ExecutionStore, Execution) {
        let folder = try TemporaryFolder()
        let path = folder.path("s.db")
        let execution = Execution(
            usageType: "general", inputMessages: [["role": "user", "content": "hi"]], inputTokens: 3, provider: "openai",
            modelName: "gpt-5", createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        try ExecutionStore(path: path, mode: .create).insert([execution])
        try DatabaseQueue(path: path).write { db in try db.execute(sql: sql, arguments: [execution.idString]) }
        return (folder, try ExecutionStore(path: path, mode: .readOnly), execution)
    }

    @Test(arguments: [
        ("UPDATE ai_executions SET input_tokens = 'lots' WHERE id = ?", "input_tokens"),
        ("UPDATE ai_executions SET input_messages = '[[[' WHERE id = ?", "input_messages"),
        ("UPDATE ai_executions SET execution_metadata = x'00ff' WHERE id = ?", "execution_metadata"),
        ("UPDATE ai_executions SET ai_model_id = 'model-7' WHERE id = ?", "ai_model_id"),
        ("UPDATE ai_executions SET temperature = 'warm' WHERE id = ?", "temperature"),
    ])
    func theDetailOfABadRowIsAnErrorNamingTheColumn(_ sql: String, _ column: String) throws {
        let (_, store, execution) = try Self.store(editing: sql)
        #expect {
            try store.execution(execution.idString)
        } throws: { error in
            guard case .database(let message)? = error as? StoreError else { return false }
            return message.hasPrefix("execution \(execution.idString): column \(column)")
        }
    }

    @Test func aListOverABadRowIsAnError() throws {
        let (_, store, _) = try Self.store(editing: "UPDATE ai_executions SET execution_time_ms = 'slow' WHERE id = ?")
        #expect {
            try store.list()
        } throws: { error in
            guard case .database(let message)? = error as? StoreError else { return false }
            return message.contains("column execution_time_ms holds \"slow\"")
        }
    }

    /// Counts and histograms edited past what any store holds sum to the largest integer, never trap.
    @Test func rollupsEditedToHugeCountsDoNotStopStats() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.db")
        let executions = ["openai", "anthropic", "google"].map { provider in
            Execution(
                usageType: "general", provider: provider, modelName: "m", executionTimeMs: 40,
                createdAt: Date(timeIntervalSince1970: 1_790_000_000))
        }
        try ExecutionStore(path: path, mode: .create).insert(executions)
        try DatabaseQueue(path: path).write { db in
            for table in ["execution_rollups", "execution_rollups_daily"] {
                try db.execute(
                    sql: "UPDATE \(table) SET executions = 9223372036854775807, timed_executions = 9223372036854775807")
            }
            // A histogram whose bucket deltas overflow.
            try db.execute(sql: "UPDATE execution_rollups SET latency_histogram = x'ffffffffffffffff7f01ffffffffffffffff7f01'")
        }
        let store = try ExecutionStore(path: path, mode: .readOnly)
        let stats = try store.stats()
        #expect(stats.totalExecutions == Int.max)
        _ = try store.timeSeries(bucket: .day)
        _ = try store.timeSeries(bucket: .hour)
    }
}
