import ExecLogModel
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

@testable import ExecLogStore

/// The `emitter_drops` table (schema v3): emitters' drop reports, stored once, summed by time, pruned with age.
@Suite struct DropReportStoreTests {
    static func report(_ emitter: String, dropped: Int, minutes: Double) -> StoredDropReport {
        StoredDropReport(
            DropReport(
                emitter: emitter, dropped: dropped, queueFull: dropped,
                since: Fixtures.start.addingTimeInterval(minutes * 60 - 1), until: Fixtures.start.addingTimeInterval(minutes * 60)),
            receivedAt: Fixtures.start.addingTimeInterval(minutes * 60 + 5))
    }

    @Test func upgradesAVersion2StoreWithoutLosingRows() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("v2.db")
        // A store as the previous release wrote it: schema v2, executions and a dead letter in it.
        let executions = Fixtures.executions(50)
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v2")
            try queue.write { db in
                // As v2 inserted them: rows only (v4's rollups are built from them by the upgrade), with
                // v2's columns: not system_prompt_id (v6) nor the usage and cost columns (v8).
                let later: Set<String> = ["system_prompt_id", "cache_creation_input_tokens", "reasoning_tokens", "cost_usd"]
                let kept = Execution.fieldNames.indices.filter { !later.contains(Execution.fieldNames[$0]) }
                let columns = kept.map { Execution.fieldNames[$0] }
                for execution in executions {
                    let values = ExecutionStore.columnValues(execution)
                    try db.execute(
                        sql: """
                            INSERT INTO ai_executions (\(columns.joined(separator: ", ")))
                            VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
                            """,
                        arguments: StatementArguments(kept.map { values[$0] }))
                }
                try db.execute(
                    sql: "INSERT INTO dead_letters (received_at, reason, payload_size, payload) VALUES (?, ?, ?, ?)",
                    arguments: ["2026-11-01T10:00:00.000Z", "invalid JSON", 1, Data([0x7B])])
            }
        }
        // The read-only commands refuse it until a writer upgrades it.
        #expect(throws: StoreError.schemaOutdated(path: path)) { try ExecutionStore(path: path, mode: .readOnly) }

        let store = try ExecutionStore(path: path, mode: .readWrite)
        #expect(try store.schemaVersions() == ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"])
        #expect(try store.count() == 50)
        #expect(try store.stats().totalExecutions == 50)  // the rollups were built from the rows
        #expect(try store.execution(executions[17].idString).usageType == executions[17].usageType)
        #expect(try store.deadLetterCount() == 1)
        #expect(try store.emitterDrops() == EmitterDropTotals())

        try store.insert([Self.report("h/1", dropped: 4, minutes: 1)])
        let reader = try ExecutionStore(path: path, mode: .readOnly)
        #expect(try reader.emitterDrops() == EmitterDropTotals(dropped: 4, emitters: 1, reports: 1))

        // The table as docs/STORE.md shows it.
        try DatabaseQueue(path: path).read { db in
            let columns = try db.columns(in: "emitter_drops").map(\.name)
            #expect(columns == [
                "id", "received_at", "emitter", "dropped", "queue_full", "spool_full", "spool_unreadable", "shutdown",
                "since", "until",
            ])
            #expect(try db.indexes(on: "emitter_drops").map(\.name).contains("emitter_drops_until"))
        }
    }

    @Test func aReportIsStoredOnceAndReadBackExactly() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let first = Self.report("worker-1/100", dropped: 9, minutes: 3)
        // In the writer's group commit: a batch, then the report, then its resend in the same transaction.
        let results = try store.insert([
            StoreBatch(executions: Fixtures.executions(3)),
            StoreBatch(executions: [], dropReports: [first]),
            StoreBatch(executions: [], dropReports: [first]),
        ])
        #expect(results[0] == InsertResult(stored: 3))
        #expect(results[1] == InsertResult(dropReportsStored: 1))
        #expect(results[2] == InsertResult(dropReportDuplicates: 1))
        // A later resend, in a commit of its own.
        #expect(try store.insert([first]) == 0)
        #expect(try store.dropReports() == [first])
        #expect(try store.emitterDrops() == EmitterDropTotals(dropped: 9, emitters: 1, reports: 1))
    }

    @Test func dropsAreSummedOverATimeWindowByTheirEnd() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.insert([
            Self.report("a/1", dropped: 1, minutes: 0),
            Self.report("a/1", dropped: 2, minutes: 10),
            Self.report("b/2", dropped: 4, minutes: 20),
            Self.report("c/3", dropped: 0, minutes: 25),
            Self.report("b/2", dropped: 8, minutes: 30),
        ])
        func window(_ from: Double?, _ to: Double?) throws -> EmitterDropTotals {
            try store.emitterDrops(
                from: from.map { Fixtures.start.addingTimeInterval($0 * 60) }, to: to.map { Fixtures.start.addingTimeInterval($0 * 60) })
        }
        #expect(try window(nil, nil) == EmitterDropTotals(dropped: 15, emitters: 2, reports: 5))
        #expect(try window(10, 30) == EmitterDropTotals(dropped: 6, emitters: 2, reports: 3))  // from inclusive, to exclusive
        #expect(try window(21, nil) == EmitterDropTotals(dropped: 8, emitters: 1, reports: 2))
        #expect(try window(31, nil) == EmitterDropTotals())
    }

    @Test func pruneDeletesOldReportsWithOldExecutions() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.insert(Fixtures.executions(40))  // one a minute
        try store.insert((0..<40).map { Self.report("a/1", dropped: 1, minutes: Double($0)) })
        let deleted = try store.prune(olderThan: Fixtures.start.addingTimeInterval(25 * 60), chunkSize: 10)
        #expect(deleted == 25)
        #expect(try store.count() == 15)
        #expect(try store.emitterDrops() == EmitterDropTotals(dropped: 15, emitters: 1, reports: 15))
    }
}
