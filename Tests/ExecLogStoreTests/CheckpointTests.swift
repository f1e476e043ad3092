import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

@Suite struct CheckpointTests {
    @Test func aGrownWALShrinksToNothingAfterATruncateCheckpointWithNoReader() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let executions = Fixtures.executions(3_000)
        for start in stride(from: 0, to: executions.count, by: 500) {
            try store.insert(Array(executions[start..<start + 500]))
        }
        #expect(try store.count() == 3_000)
        let grown = store.walFileBytes
        #expect(grown > 100_000, "the WAL should have grown: \(grown) bytes")

        let result = try store.checkpoint(.truncate)
        #expect(!result.busy)
        #expect(result.log == result.checkpointed)
        #expect(store.walFileBytes == 0)
        // Nothing was lost on the way into the main file.
        #expect(try store.count() == 3_000)
        #expect(try ExecutionStore(path: store.path, mode: .readOnly).count() == 3_000)
    }

    @Test func aReaderInATransactionMakesRestartBusyWithoutAnErrorOrAWait() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let executions = Fixtures.executions(1_000)
        try store.insert(Array(executions[0..<500]))

        var readerConfiguration = Configuration()
        readerConfiguration.readonly = true
        let reader = try DatabaseQueue(path: store.path, configuration: readerConfiguration)
        try reader.inDatabase { db in
            // The reader's snapshot predates the next commit: the WAL cannot be reset under it.
            try db.execute(sql: "BEGIN DEFERRED")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions") == 500)
            try store.insert(Array(executions[500..<1_000]))

            let started = ContinuousClock.now
            let busy = try store.checkpoint(.restart)
            #expect(busy.busy)
            // The busy timeout (5 s) is off for a checkpoint: busy comes back at once.
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(try store.checkpoint(.passive).busy == false)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions") == 500)
            try db.execute(sql: "COMMIT")
        }
        let done = try store.checkpoint(.restart)
        #expect(!done.busy)
        #expect(done.log == done.checkpointed)
        #expect(try store.count() == 1_000)
        // The busy timeout is back for ordinary writes.
        try store.insert(Fixtures.executions(10, seed: 99))
        #expect(try store.count() == 1_010)
    }

    @Test func synchronousIsNormalByDefaultAndFullOnRequest() throws {
        let folder = try TemporaryFolder()
        let normal = try ExecutionStore(path: folder.path("n.db"), mode: .create)
        #expect(try normal.synchronousInEffect() == .normal)
        let full = try ExecutionStore(path: folder.path("f.db"), mode: .create, synchronous: .full)
        #expect(try full.synchronousInEffect() == .full)
        try full.insert(Fixtures.executions(5))
        #expect(try ExecutionStore(path: folder.path("f.db"), mode: .readOnly).synchronousInEffect() == nil)
    }
}
