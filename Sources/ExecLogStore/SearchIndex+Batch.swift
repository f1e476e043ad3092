import GRDB

extension SearchIndex {
    /// Indexing a writer's transaction in one statement instead of one trigger run per row.
    ///
    /// Why: every INSERT statement that may fire the insert trigger opens a statement savepoint, and
    /// FTS5 writes its pending terms to disk at each savepoint (SQLite 3.40, `fts5SavepointMethod`).
    /// Row by row, that is a new index segment for every execution, and merges to match: it made the
    /// writer's commits about twice as slow as the same rows indexed in one statement
    /// (docs/PERFORMANCE.md, row 1w). So for the length of a batched insert the backfill range is widened
    /// to cover the rows to come (the triggers leave such rows alone, as they do for a backfill), and
    /// `finish` indexes them all in one `INSERT … SELECT` and puts the range back as it was, in the same
    /// transaction: whoever reads the store sees exactly what the triggers would have written.
    /// Deletes and updates keep their triggers; only this insert path is batched.
    struct BatchIndexing {
        /// Rows with a larger rowid are the ones this transaction inserts.
        private let lastRowidBefore: Int64
        /// The backfill's range before this transaction widened it; nil when there was none.
        private let previousRange: (next: Int64, end: Int64)?

        /// Widens the range, or returns nil when rows cannot be batched: no index, or a table whose
        /// rowids have reached the maximum (SQLite then picks new rowids at random, not above the last).
        static func begin(in db: Database) throws -> BatchIndexing? {
            guard try exists(in: db) else { return nil }
            let lastRowid = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM ai_executions") ?? 0
            guard lastRowid < Int64.max else { return nil }
            var previous: (next: Int64, end: Int64)?
            if let row = try Row.fetchOne(db, sql: "SELECT next_rowid, end_rowid FROM \(backfillTable)") {
                previous = (try row[checked: "next_rowid"], try row[checked: "end_rowid"])
            }
            // From the first new rowid (or the backfill's start, when it is lower) to the end of the range.
            let next = min(previous?.next ?? lastRowid + 1, lastRowid + 1)
            try db.execute(
                sql: """
                    INSERT INTO \(backfillTable) (id, next_rowid, end_rowid) VALUES (1, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET next_rowid = excluded.next_rowid, end_rowid = excluded.end_rowid
                    """,
                arguments: [next, Int64.max])
            return BatchIndexing(lastRowidBefore: lastRowid, previousRange: previous)
        }

        /// Indexes every row inserted since `begin` and puts the backfill's range back.
        func finish(in db: Database) throws {
            if let previousRange {
                try db.execute(
                    sql: "UPDATE \(backfillTable) SET next_rowid = ?, end_rowid = ?",
                    arguments: [previousRange.next, previousRange.end])
            } else {
                try db.execute(sql: "DELETE FROM \(backfillTable)")
            }
            try db.execute(sql: indexRowsSQL("execution_rowid > ?"), arguments: [lastRowidBefore])
        }
    }
}
