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
            var removal = Removal()
            if let row = try Row.fetchOne(
                db, sql: "SELECT \(Removal.columns) FROM ai_executions WHERE id = ?", arguments: [id])
            {
                try removal.count(row)
            }
            try db.execute(sql: "DELETE FROM ai_executions WHERE id = ?", arguments: [id])
            try removal.apply(in: db)
        }
        return id
    }

    /// The most rows one prune transaction deletes…
    public static let pruneChunkSize = 2_000
    /// …and how long it may spend deleting before it commits: the writer daemon waits for the lock
    /// while a chunk runs, so a chunk is bounded in time rather than in rows. The commit that follows
    /// costs more than the deletes (it writes every page they changed to the WAL: about two per row,
    /// and SQLite's secure delete, on in Debian's build, zeroes the freed ones). On a busy machine a
    /// chunk holds fewer rows.
    public static let pruneChunkBudget = Duration.milliseconds(20)

    /// Where a prune is, after each chunk.
    public struct PruneProgress: Sendable {
        /// Executions deleted so far.
        public var deleted: Int
        /// How long the chunk's transaction held the write lock, from its BEGIN to the end of its COMMIT:
        /// what a writer waiting for the lock waited at most because of it.
        public var transaction: Duration
    }

    /// Deletes every execution created before `cutoff`, oldest first, in transactions of at most
    /// `chunkSize` rows and `chunkBudget` of deleting, and the drop reports (`emitter_drops`) whose
    /// period ended before it, so that they age out with the executions of their time. Dead letters
    /// are kept.
    ///
    /// Between chunks the write lock is released and the thread pauses briefly, so that the writer daemon,
    /// waiting in its busy handler, gets its turn: pruning millions of rows never stalls ingestion. The
    /// WAL is checkpointed between chunks too, with the lock released, rather than by SQLite's automatic
    /// checkpoint inside a chunk's COMMIT (unless that checkpoint is off on this connection). `progress`
    /// sees each chunk; `maxChunks` lets a caller with other work (the writer) take one chunk at a time.
    /// Returns how many executions went.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func prune(
        olderThan cutoff: Date, chunkSize: Int = pruneChunkSize, chunkBudget: Duration = pruneChunkBudget,
        maxChunks: Int = .max, progress: (PruneProgress) -> Void = { _ in }
    ) throws(StoreError) -> Int {
        let automaticCheckpoints = try automaticCheckpointPages()
        try setAutomaticCheckpointPages(0)
        defer { try? setAutomaticCheckpointPages(automaticCheckpoints) }
        var deleted = 0
        let cutoffText = Timestamp.format(cutoff)
        let chunkSize = max(1, chunkSize)
        // Rows are read and deleted a slice at a time, so that the budget is checked often.
        let slice = min(chunkSize, 100)
        for chunkNumber in 1...max(1, maxChunks) {
            let transactionStart = ContinuousClock.now
            let (executions, reports, exhausted) = try write { db in
                let started = ContinuousClock.now
                var removal = Removal()
                let select = try db.cachedStatement(
                    sql: """
                        SELECT rowid, \(Removal.columns) FROM ai_executions
                        WHERE created_at < ? ORDER BY created_at LIMIT ?
                        """)
                let delete = try db.cachedStatement(sql: "DELETE FROM ai_executions WHERE rowid = ?")
                var executions = 0
                var exhausted = false
                // At least one slice per chunk, however small the budget: a prune always progresses.
                repeat {
                    // Their small columns first, to take them off the rollups.
                    let wanted = min(slice, chunkSize - executions)
                    var rowids: [Int64] = []
                    let rows = try Row.fetchCursor(select, arguments: [cutoffText, wanted])
                    while let row = try rows.next() {
                        rowids.append(try row[checked: "rowid"])
                        try removal.count(row)
                    }
                    for rowid in rowids { try delete.execute(arguments: [rowid]) }
                    executions += rowids.count
                    if rowids.count < wanted {
                        exhausted = true
                        break
                    }
                } while executions < chunkSize && ContinuousClock.now - started < chunkBudget
                try removal.apply(in: db)
                try db.execute(
                    sql: """
                        DELETE FROM emitter_drops WHERE rowid IN (
                            SELECT rowid FROM emitter_drops WHERE until < ? ORDER BY until LIMIT ?)
                        """,
                    arguments: [cutoffText, chunkSize])
                return (executions, db.changesCount, exhausted)
            }
            let transaction = ContinuousClock.now - transactionStart
            deleted += executions
            progress(PruneProgress(deleted: deleted, transaction: transaction))
            // What SQLite's automatic checkpoint would have done after the COMMIT (a chunk writes about
            // a thousand WAL pages or more, past its threshold), so that it is not timed as the chunk's.
            // A connection that has it off runs its checkpoints elsewhere (the writer, on its checkpoint
            // thread), so it gets none here either.
            if automaticCheckpoints > 0 { _ = try? checkpoint(.passive) }
            if (exhausted && reports < chunkSize) || chunkNumber == maxChunks { return deleted }
            usleep(2_000)
        }
        return deleted
    }
}

/// What deleting executions takes off, collected from their rows before they go: their rollup
/// counts, and the stored system prompts they used (deleted if no other execution uses them).
private struct Removal {
    /// The columns `count` reads.
    static let columns = "system_prompt_id, \(ExecutionRollups.countedColumns)"

    private var rollups = ExecutionRollups()
    private var prompts: Set<Int64> = []

    mutating func count(_ row: Row) throws(StoreError) {
        try rollups.count(row: row, sign: -1)
        if let prompt = try row[checked: "system_prompt_id"] as Int64? { prompts.insert(prompt) }
    }

    /// In the transaction that deleted the rows.
    func apply(in db: Database) throws {
        try rollups.apply(in: db)
        try SystemPrompts.deleteUnused(prompts, in: db)
    }
}
