import ExecLogModel
import Foundation
import GRDB

extension ExecutionStore {
    /// Deletes one execution by id or unique id prefix; returns the full id it deleted.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func delete(_ idOrPrefix: String) throws(StoreError) -> String {
        let id = try execution(idOrPrefix).idString
        try write { db in
            var rollups = ExecutionRollups()
            if let row = try Row.fetchOne(
                db, sql: "SELECT \(ExecutionRollups.countedColumns) FROM ai_executions WHERE id = ?", arguments: [id])
            {
                rollups.count(row: row, sign: -1)
            }
            try db.execute(sql: "DELETE FROM ai_executions WHERE id = ?", arguments: [id])
            try rollups.apply(in: db)
        }
        return id
    }

    /// Rows one prune transaction deletes: small enough that the writer daemon never waits long for the
    /// lock (each row leaves the table and 7 indexes: about 100 ms for 500 rows on a busy 2-core machine).
    public static let pruneChunkSize = 500

    /// Deletes every execution created before `cutoff`, oldest first, in transactions of `chunkSize` rows,
    /// and the drop reports (`emitter_drops`) whose period ended before it, so that they age out with
    /// the executions of their time. Dead letters are kept.
    ///
    /// Between chunks the write lock is released and the thread pauses briefly, so that the writer daemon,
    /// waiting in its busy handler, gets its turn: pruning millions of rows never stalls ingestion.
    /// `progress` sees the running total after each chunk; `maxChunks` lets a caller with other work
    /// (the writer) take one chunk at a time. Returns how many executions went.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func prune(
        olderThan cutoff: Date, chunkSize: Int = pruneChunkSize, maxChunks: Int = .max, progress: (Int) -> Void = { _ in }
    ) throws(StoreError) -> Int {
        var deleted = 0
        let cutoffText = Timestamp.format(cutoff)
        for chunkNumber in 1...max(1, maxChunks) {
            let (executions, reports) = try write { db in
                // The chunk's rows are read first (their small columns only) to take them off the rollups.
                var rollups = ExecutionRollups()
                var rowids: [Int64] = []
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT rowid, \(ExecutionRollups.countedColumns) FROM ai_executions
                        WHERE created_at < ? ORDER BY created_at LIMIT ?
                        """,
                    arguments: [cutoffText, chunkSize])
                while let row = try rows.next() {
                    rowids.append(row["rowid"])
                    rollups.count(row: row, sign: -1)
                }
                let delete = try db.cachedStatement(sql: "DELETE FROM ai_executions WHERE rowid = ?")
                for rowid in rowids { try delete.execute(arguments: [rowid]) }
                try rollups.apply(in: db)
                let executions = rowids.count
                try db.execute(
                    sql: """
                        DELETE FROM emitter_drops WHERE rowid IN (
                            SELECT rowid FROM emitter_drops WHERE until < ? ORDER BY until LIMIT ?)
                        """,
                    arguments: [cutoffText, chunkSize])
                return (executions, db.changesCount)
            }
            deleted += executions
            progress(deleted)
            if max(executions, reports) < chunkSize || chunkNumber == maxChunks { return deleted }
            usleep(2_000)
        }
        return deleted
    }
}
