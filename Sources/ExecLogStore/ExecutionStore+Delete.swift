import ExecLogModel
import Foundation
import GRDB

extension ExecutionStore {
    /// Deletes one execution by id or unique id prefix; returns the full id it deleted.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func delete(_ idOrPrefix: String) throws(StoreError) -> String {
        let id = try execution(idOrPrefix).idString
        try write { db in try db.execute(sql: "DELETE FROM ai_executions WHERE id = ?", arguments: [id]) }
        return id
    }

    /// Rows one prune transaction deletes: small enough that the writer daemon never waits long for the lock.
    public static let pruneChunkSize = 2_000

    /// Deletes every execution created before `cutoff`, oldest first, in transactions of `chunkSize` rows.
    ///
    /// Between chunks the write lock is released and the thread pauses briefly, so that the writer daemon,
    /// waiting in its busy handler, gets its turn: pruning millions of rows never stalls ingestion.
    /// `progress` sees the running total after each chunk; `maxChunks` lets a caller with other work
    /// (the writer) take one chunk at a time. Returns how many rows went.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func prune(
        olderThan cutoff: Date, chunkSize: Int = pruneChunkSize, maxChunks: Int = .max, progress: (Int) -> Void = { _ in }
    ) throws(StoreError) -> Int {
        var deleted = 0
        for chunkNumber in 1...max(1, maxChunks) {
            let chunk = try write { db in
                try db.execute(
                    sql: """
                        DELETE FROM ai_executions WHERE rowid IN (
                            SELECT rowid FROM ai_executions WHERE created_at < ? ORDER BY created_at LIMIT ?)
                        """,
                    arguments: [Timestamp.format(cutoff), chunkSize])
                return db.changesCount
            }
            deleted += chunk
            progress(deleted)
            if chunk < chunkSize || chunkNumber == maxChunks { return deleted }
            usleep(2_000)
        }
        return deleted
    }
}
