import ExecLogModel
import ExecLogPricing
import Foundation
import GRDB

/// What one received message asks the store to keep: a batch's valid executions and its rejected
/// events, or an emitter's drop report.
///
/// Making one does all the work that needs no database (`ExecutionRow`, the rollup counts), so the
/// writer makes it on the thread that decodes, and its commit thread only runs the statements.
public struct StoreBatch: Sendable {
    public let rows: [ExecutionRow]
    public let deadLetters: [DeadLetter]
    public let dropReports: [StoredDropReport]
    /// What `rows` add to the rollups, all of them counted as stored (the insert takes duplicates back out).
    let rollups: ExecutionRollups

    /// `prices` computes each execution's cost (docs/COST.md); nil stores them without one (`ExecutionRow`).
    public init(
        executions: [Execution], deadLetters: [DeadLetter] = [], dropReports: [StoredDropReport] = [],
        prices: PriceBook? = .bundled
    ) {
        let rows = executions.map { ExecutionRow($0, prices: prices) }
        var rollups = ExecutionRollups()
        for row in rows { rollups.count(row.rollup, sign: 1) }
        self.rows = rows
        self.rollups = rollups
        self.deadLetters = deadLetters
        self.dropReports = dropReports
    }
}

extension ExecutionStore {
    /// Stores a batch's valid executions and its rejected events in one transaction, so that an
    /// acknowledgement can report both exactly.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func insert(
        _ executions: [Execution], deadLetters: [DeadLetter], prices: PriceBook = .bundled
    ) throws(StoreError) -> InsertResult {
        try insert([StoreBatch(executions: executions, deadLetters: deadLetters, prices: prices)])[0]
    }

    /// Stores several batches in ONE transaction (the writer's group commit) and reports each batch's
    /// own counts. An id repeated in a later batch of the group counts as that batch's duplicate; so
    /// does a drop report's.
    @available(*, noasync, message: "blocks on SQLite")
    public func insert(_ batches: [StoreBatch]) throws(StoreError) -> [InsertResult] {
        try write { db in
            let deadLetterStatement = try db.cachedStatement(
                sql: "INSERT INTO dead_letters (received_at, reason, event_id, payload_size, payload) VALUES (?, ?, ?, ?, ?)"
            )
            // One pass over the rollup tables for the whole group, not one per batch, and one statement
            // that indexes the group's rows for search (`SearchIndex.BatchIndexing`).
            var rollups = ExecutionRollups()
            let indexing = batches.contains { !$0.rows.isEmpty } ? try SearchIndex.BatchIndexing.begin(in: db) : nil
            let results = try batches.map { batch in
                rollups.merge(batch.rollups)
                var result = try Self.insert(batch.rows, rollups: &rollups, in: db)
                result.dropReportsStored = try Self.insert(batch.dropReports, in: db)
                result.dropReportDuplicates = batch.dropReports.count - result.dropReportsStored
                for letter in batch.deadLetters {
                    try deadLetterStatement.execute(arguments: [
                        Timestamp.format(letter.receivedAt), letter.reason, letter.eventID, letter.payloadSize,
                        Data(letter.payload),
                    ])
                }
                return result
            }
            try indexing?.finish(in: db)
            try rollups.apply(in: db)
            return results
        }
    }

    /// The most recent dead letters, newest first.
    @available(*, noasync, message: "blocks on SQLite")
    public func deadLetters(limit: Int = 100) throws(StoreError) -> [DeadLetter] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT received_at, reason, event_id, payload_size, payload FROM dead_letters ORDER BY id DESC LIMIT ?",
                arguments: [limit]
            ).map { row in
                var letter = try DeadLetter(
                    receivedAt: Timestamp.parse(row[checked: "received_at"]) ?? Date(timeIntervalSince1970: 0),
                    reason: row[checked: "reason"], eventID: row[checked: "event_id"], payload: (row[checked: "payload"] as Data?) ?? Data())
                letter.payloadSize = try row[checked: "payload_size"]
                return letter
            }
        }
    }

    /// How many dead letters the store holds.
    @available(*, noasync, message: "blocks on SQLite")
    public func deadLetterCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM dead_letters") ?? 0 }
    }
}
