import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

/// The writer's inserts index their rows in one statement per transaction (`SearchIndex.BatchIndexing`)
/// instead of the insert trigger's one per row: the index must come out exactly as the triggers write it,
/// whatever else is going on in the store.
@Suite struct SearchIndexBatchTests {
    typealias Base = SearchIndexTests

    func hits(_ store: ExecutionStore, _ query: String) throws -> [String] {
        try store.list(ExecutionFilter(query: query), limit: 100).executions.map(\.id)
    }

    func backfillRows(_ path: String) throws -> [[Int64]] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT next_rowid, end_rowid FROM search_index_backfill").map {
                [$0["next_rowid"], $0["end_rowid"]]
            }
        }
    }

    @Test func batchesRowsByTheShellAndDuplicatesMakeOneIndex() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.db")
        let store = try ExecutionStore(path: path, mode: .create)
        try store.insert(Array(Base.executions.prefix(3)))
        #expect(try backfillRows(path).isEmpty, "a batch leaves no range behind")
        // A row written as the sqlite3 shell writes one: the trigger indexes it.
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    INSERT INTO ai_executions (id, created_at, usage_type, provider, model_name, input_messages, response_content)
                    VALUES ('0190aaaa-0000-7000-8000-000000000001', '2026-09-21T10:00:00.000Z', 'general', 'openai', 'gpt-5',
                        '[{"role":"user","content":"shell question"}]', 'A wombat by hand.')
                    """)
        }
        // The last rows deleted: the next batch's rowids start below the largest ever used.
        try store.delete(Base.executions[2].idString)
        // A batch with a resend of a stored row and a row repeated inside it.
        let late = Base.execution(20, response: "A late quokka.")
        let result = try store.insert(Array(Base.executions[2...]) + [Base.executions[0], late, late])
        #expect(result.stored == 5 && result.duplicates == 2)
        #expect(try hits(store, "wombat").count == 1)
        #expect(try hits(store, "quokka") == [late.idString])
        #expect(try hits(store, "lighthouse") == [Base.executions[2].idString])
        #expect(try hits(store, "zebra") == [Base.executions[0].idString], "a duplicate is not indexed twice")
        #expect(try store.count(ExecutionFilter(query: "plain OR wombat OR quokka OR zebra OR timeout")) == 8)
        try Base.checkIntegrity(path)
    }

    @Test func aBatchDuringABackfillLeavesItsRangeAsItWas() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.db")
        let store = try ExecutionStore(path: path, mode: .create)
        try store.setSearchIndex(enabled: false)
        // More rows than one backfill slice, the distinctive ones last (the backfill goes by rowid).
        try store.insert(Fixtures.executions(ExecutionStore.searchBackfillSlice + 50, errorRatio: 0))
        try store.insert(Base.executions)
        try store.setSearchIndex(enabled: true)
        try store.buildSearchIndex(maxChunks: 1, budget: .zero)
        let before = try backfillRows(path)
        #expect(before.count == 1)
        try store.insert([Base.execution(30, response: "A late quokka."), Base.execution(31, response: "A tapir.")])
        #expect(try backfillRows(path) == before, "the backfill's own range, not the new rows")
        #expect(try hits(store, "quokka").count == 1 && hits(store, "tapir").count == 1, "new rows are searchable at once")
        #expect(try hits(store, "zebra").isEmpty, "rows left to the backfill stay left to it")
        try store.buildSearchIndex()
        #expect(try hits(store, "zebra") == [Base.executions[0].idString])
        #expect(try store.searchIndexState() == .ready)
        try Base.checkIntegrity(path)
    }

    @Test func aStoreWithoutTheIndexTakesBatchesAsBefore() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.setSearchIndex(enabled: false)
        #expect(try store.insert(Base.executions).stored == Base.executions.count)
        #expect(try store.searchIndexState() == .absent)
    }
}
