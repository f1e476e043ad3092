import ExecLogModel
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

@testable import ExecLogStore

@Suite struct MigrationTests {
    @Test func createsTheLatestSchemaInAnEmptyFile() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("new/store.db"), mode: .create)
        #expect(try store.schemaVersions() == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"])
        let queue = try DatabaseQueue(path: store.path)
        try queue.read { db in
            #expect(try db.tableExists("ai_executions"))
            #expect(try db.tableExists("dead_letters"))
            let columns = Set(try db.columns(in: "ai_executions").map(\.name))
            #expect(columns == Set(Execution.fieldNames).union(["system_prompt_id"]).union(CostColumns.names))
            // The view has every field of an execution, the system prompt resolved, and the cost.
            let viewColumns = Set(try db.columns(in: "ai_executions_full").map(\.name))
            #expect(viewColumns == Set(Execution.fieldNames).union(CostColumns.names))
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Int.fetchOne(db, sql: "PRAGMA page_size") == 16_384)
        }
        #expect(try store.pageSize() == ExecutionStore.newStorePageSize)
        let cacheSize = try store.database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(cacheSize == -ExecutionStore.writerCacheBytes / 1024, "negative: KiB, on the writing connection")
    }

    @Test func upgradesAStoreMadeByTheFirstSchemaWithoutLosingRows() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("v1.db")
        // A store as the first release wrote it: schema v1 only, rows inserted with v1's columns.
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO ai_executions (id, created_at, usage_type, provider, model_name, input_tokens,
                            output_tokens, total_tokens, execution_time_ms, error_message, input_messages)
                        VALUES ('0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f', '2026-11-01T10:00:00.000Z', 'interview',
                            'openai', 'gpt-5', 10, 20, 30, 400, NULL, '[{"content":"hi","role":"user"}]')
                        """)
            }
        }
        #expect(throws: StoreError.schemaOutdated(path: path)) { try ExecutionStore(path: path, mode: .readOnly) }

        let store = try ExecutionStore(path: path, mode: .readWrite)
        #expect(try store.schemaVersions() == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"])
        #expect(try store.pageSize() == 4_096, "a store keeps the page size it was created with")
        // v9's search index starts empty; the rows stored before are indexed after the migration.
        #expect(try store.searchIndexState() == .building(remainingRows: 1))
        #expect(try store.list(ExecutionFilter(query: "hi")).executions.isEmpty)
        #expect(try store.buildSearchIndex() == 0)
        #expect(try store.list(ExecutionFilter(query: "hi")).executions.map(\.id) == ["0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f"])
        let old = try store.execution("0192f0c1")
        #expect(old.totalTokens == 30)
        #expect(old.inputMessages == [["role": "user", "content": "hi"]])
        #expect(old.traceID == nil && old.tags.isEmpty)

        var new = Fixtures.executions(1)[0]
        new.traceID = "trace-1"
        new.tags = ["x"]
        try store.insert([new])
        #expect(try store.execution(new.idString).traceID == "trace-1")
        #expect(try store.count() == 2)
        let daily = try DatabaseQueue(path: path).read { db in
            try Row.fetchOne(db, sql: "SELECT executions, total_tokens FROM execution_rollups_daily WHERE day = '2026-11-01'")
        }
        #expect(daily.map { [$0["executions"], $0["total_tokens"]] as [Int] } == [1, 30], "the v1 row, in the daily rollups")
    }

    @Test func v5FillsTheDailyRollupsFromTheHourlyOnes() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("v4.db")
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v4")
            try queue.write { db in
                // 300 rows, 37 minutes apart: about 8 days, a few models, some failed.
                for index in 0..<300 {
                    let created = Timestamp.format(Fixtures.start.addingTimeInterval(Double(index) * 37 * 60))
                    try db.execute(
                        sql: """
                            INSERT INTO ai_executions (id, created_at, usage_type, provider, model_name, input_tokens,
                                output_tokens, execution_time_ms, error_message, input_messages)
                            VALUES (?, ?, 'general', 'openai', ?, ?, 5, ?, ?, '[]')
                            """,
                        arguments: [UUID.v7().uuidString.lowercased(), created, "m\(index % 3)", index, index * 7,
                                    index % 11 == 0 ? "boom" : nil])
                }
                try ExecutionRollups.rebuild(in: db, levels: [.hourly], costs: false)
            }
        }
        let store = try ExecutionStore(path: path, mode: .readWrite)
        #expect(try store.schemaVersions().contains("v5"))
        try RollupTests.expectDailyIsHourlyFolded(store)
        try RollupTests.expectMatchesRows(store)
        let days = try DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT count(DISTINCT day) FROM execution_rollups_daily")!
        }
        #expect(days >= 8)
    }

    @Test func refusesAFileThatIsNotAnExeclogStore() throws {
        let folder = try TemporaryFolder()
        let garbage = folder.path("garbage.db")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: garbage))
        #expect(throws: StoreError.notAnExeclogStore(path: garbage)) { try ExecutionStore(path: garbage, mode: .readOnly) }
        #expect(throws: StoreError.notAnExeclogStore(path: garbage)) { try ExecutionStore(path: garbage, mode: .readWrite) }

        let other = folder.path("other.db")
        try DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE notes (text TEXT)") }
        #expect(throws: StoreError.notAnExeclogStore(path: other)) { try ExecutionStore(path: other, mode: .readWrite) }
        #expect(throws: StoreError.notAnExeclogStore(path: other)) { try ExecutionStore(path: other, mode: .readOnly) }
    }

    @Test func refusesAMissingFileUnlessAskedToCreateIt() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("missing.db")
        #expect(throws: StoreError.fileNotFound(path: path)) { try ExecutionStore(path: path, mode: .readOnly) }
        #expect(throws: StoreError.fileNotFound(path: path)) { try ExecutionStore(path: path, mode: .readWrite) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func refusesAStoreFromANewerExeclog() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("future.db")
        _ = try ExecutionStore(path: path, mode: .create)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        }
        #expect(throws: StoreError.schemaTooNew(path: path)) { try ExecutionStore(path: path, mode: .readOnly) }
        #expect(throws: StoreError.schemaTooNew(path: path)) { try ExecutionStore(path: path, mode: .readWrite) }
    }
}
