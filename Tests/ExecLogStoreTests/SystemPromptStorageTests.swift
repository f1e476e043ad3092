import ExecLogModel
import ExecLogPricing
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

@testable import ExecLogStore

/// Long system prompts are stored once (schema v6); executions read back exactly as they were sent,
/// and deleting the last execution of a prompt deletes the prompt.
@Suite struct SystemPromptStorageTests {
    static func counts(_ store: ExecutionStore) throws -> (prompts: Int, inline: Int, pointing: Int) {
        try DatabaseQueue(path: store.path).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM system_prompts")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions WHERE system_prompt IS NOT NULL")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions WHERE system_prompt_id IS NOT NULL")!)
        }
    }

    @Test func aRepeatedLongPromptIsStoredOnceAndReadBackWhole() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let long = "You are a careful reviewer. 🚀 " + String(repeating: "Check every line. ", count: 500)
        var executions = Fixtures.executions(300)
        for index in executions.indices {
            switch index % 3 {
            case 0: executions[index].systemPrompt = long
            case 1: executions[index].systemPrompt = "Short and inline."
            default: executions[index].systemPrompt = nil
            }
        }
        // A second long prompt that differs only at its end.
        executions[3].systemPrompt = long + "!"
        try store.insert(executions)
        try store.insert(Array(executions[0..<50]))  // duplicates: nothing more stored

        #expect(try Self.counts(store) == (prompts: 2, inline: 100, pointing: 100))
        for execution in executions[0..<12] {
            #expect(try store.execution(execution.idString) == execution)
        }
        let viewed = try DatabaseQueue(path: store.path).read { db in
            try String.fetchOne(db, sql: "SELECT system_prompt FROM ai_executions_full WHERE id = ?", arguments: [executions[0].idString])
        }
        #expect(viewed == long, "the view resolves the prompt for the sqlite3 shell")

        let size = try DatabaseQueue(path: store.path).read { db in
            try Int.fetchOne(db, sql: "SELECT sum(length(text)) FROM system_prompts")!
        }
        #expect(size < 2 * long.utf8.count + 10, "\(size) bytes of prompts for 99 executions of one prompt")
    }

    @Test func deletingTheLastExecutionOfAPromptDeletesThePrompt() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let shared = String(repeating: "shared prompt ", count: 40)
        let secret = String(repeating: "a prompt with a secret in it ", count: 20)
        var executions = Fixtures.executions(600)
        for index in executions.indices { executions[index].systemPrompt = shared }
        executions[10].systemPrompt = secret
        try store.insert(executions)
        #expect(try Self.counts(store).prompts == 2)

        try store.delete(executions[10].idString)
        #expect(try Self.counts(store).prompts == 1)
        let left = try DatabaseQueue(path: store.path).read { db in try String.fetchAll(db, sql: "SELECT text FROM system_prompts") }
        #expect(left == [shared])

        try store.delete(executions[11].idString)
        #expect(try Self.counts(store).prompts == 1, "others still point at it")
        try store.prune(olderThan: Fixtures.start.addingTimeInterval(300 * 60), chunkSize: 50)
        #expect(try Self.counts(store).prompts == 1)
        #expect(try store.execution(executions[599].idString).systemPrompt == shared)
        try store.prune(olderThan: .distantFuture)
        #expect(try Self.counts(store) == (prompts: 0, inline: 0, pointing: 0))
    }

    /// A resend of an execution stored before v6 (its prompt inline) is a duplicate: it must not
    /// leave a prompt row behind that nothing points at.
    @Test func aDuplicateOfARowWithAnInlinePromptLeavesNoPromptBehind() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        var execution = Fixtures.executions(1)[0]
        execution.systemPrompt = String(repeating: "stored before v6 ", count: 30)
        let queue = try DatabaseQueue(path: store.path)
        try queue.write { db in
            try db.execute(
                sql: ExecutionStore.insertSQL,
                arguments: StatementArguments(
                    ExecutionStore.columnValues(execution)
                        + CostColumns.values(PriceBook.bundled.cost(of: execution, createdAt: Timestamp.format(execution.createdAt)))))
        }
        #expect(try Self.counts(store) == (prompts: 0, inline: 1, pointing: 0))
        #expect(try store.insert([execution]) == InsertResult(duplicates: 1))
        #expect(try Self.counts(store) == (prompts: 0, inline: 1, pointing: 0))
        #expect(try store.execution(execution.idString) == execution)
    }

    @Test func fingerprintsAreStableAcrossProcessesAndVersions() {
        // Stored in the file: a change would split every prompt in two. FNV-1a 64's reference values.
        #expect(SystemPrompts.fingerprint("") == 0xCBF2_9CE4_8422_2325)
        #expect(SystemPrompts.fingerprint("a") == 0xAF63_DC4C_8601_EC8C)
        #expect(SystemPrompts.fingerprint("foobar") == 0x8594_4171_F739_67E8)
    }
}
