import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Testing

@Suite struct DeleteTests {
    @Test func deletesOneExecutionByIdOrPrefix() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let executions = Fixtures.executions(10)
        try store.insert(executions)
        #expect(try store.delete(executions[3].idString) == executions[3].idString)
        #expect(try store.delete(String(executions[4].idString.prefix(13))) == executions[4].idString)
        #expect(try store.count() == 8)
        #expect(throws: StoreError.executionNotFound(executions[3].idString)) { try store.delete(executions[3].idString) }
    }

    @Test func prunesOlderExecutionsInChunksAndKeepsTheRest() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let executions = Fixtures.executions(1_000)
        try store.insert(executions)
        let cutoff = Fixtures.start.addingTimeInterval(Double(730) * 60)
        var progress: [Int] = []
        let deleted = try store.prune(olderThan: cutoff, chunkSize: 100, chunkBudget: .seconds(600)) { progress.append($0.deleted) }
        #expect(deleted == 730)
        #expect(progress == [100, 200, 300, 400, 500, 600, 700, 730])
        #expect(try store.count() == 270)
        #expect(try store.count(ExecutionFilter(to: cutoff)) == 0)
        let remaining = try store.list(limit: 1_000).executions.map(\.id)
        #expect(Set(remaining) == Set(executions[730...].map(\.idString)))
        #expect(try store.prune(olderThan: cutoff) == 0)
    }

    /// A chunk ends when its time is up, whatever its row limit; it still deletes a slice (100 rows),
    /// so that a prune on a slow machine progresses.
    @Test func aPruneChunkStopsWhenItsTimeIsUpAndStillProgresses() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.insert(Fixtures.executions(1_000))
        let cutoff = Fixtures.start.addingTimeInterval(Double(650) * 60)
        #expect(try store.prune(olderThan: cutoff, chunkSize: 10_000, chunkBudget: .zero, maxChunks: 1) == 100)
        var progress: [Int] = []
        #expect(try store.prune(olderThan: cutoff, chunkSize: 10_000, chunkBudget: .zero) { progress.append($0.deleted) } == 550)
        #expect(progress == [100, 200, 300, 400, 500, 550])
        #expect(try store.count() == 350)
        try RollupTests.expectMatchesRows(store)
    }
}
