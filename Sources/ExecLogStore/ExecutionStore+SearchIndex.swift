import Foundation
import GRDB

extension ExecutionStore {
    /// Whether the store has a full-text index, and whether every row is in it yet.
    public enum SearchIndexState: Sendable, Equatable {
        /// No index: the writer runs with `--no-search-index`.
        case absent
        /// Rows stored before the index existed are being added; about this many remain.
        case building(remainingRows: Int)
        case ready
    }

    @available(*, noasync, message: "blocks on SQLite")
    public func searchIndexState() throws(StoreError) -> SearchIndexState {
        try read { db in try Self.searchIndexState(db) }
    }

    static func searchIndexState(_ db: Database) throws -> SearchIndexState {
        guard try SearchIndex.exists(in: db) else { return .absent }
        // Rowids are dense but for deleted rows: their range is the estimate (a count would read every row).
        guard let row = try Row.fetchOne(db, sql: "SELECT next_rowid, end_rowid FROM \(SearchIndex.backfillTable)") else {
            return .ready
        }
        let next: Int64 = try row[checked: "next_rowid"]
        let end: Int64 = try row[checked: "end_rowid"]
        return .building(remainingRows: Int(max(0, end - next + 1)))
    }

    /// Rows one backfill statement indexes, and how long a transaction may spend on them (at least one
    /// slice): short transactions, as prune's, so that the writer never waits long for the lock.
    public static let searchBackfillSlice = 100
    public static let searchBackfillBudget = Duration.milliseconds(20)

    /// Adds the rows stored before the index existed, oldest first, in short transactions; returns how
    /// many remain (0 when the index is complete, or when there is none). `maxChunks` lets the writer
    /// take one transaction at a time between commits; a command run by hand may take a longer `budget`
    /// (fewer, larger transactions index faster). `progress` sees the rows remaining after each.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func buildSearchIndex(
        maxChunks: Int = .max, budget: Duration = searchBackfillBudget, progress: (Int) -> Void = { _ in }
    ) throws(StoreError) -> Int {
        for chunk in 1...max(1, maxChunks) {
            let remaining = try write { db -> Int in
                guard try SearchIndex.exists(in: db) else { return 0 }
                let started = ContinuousClock.now
                var remaining = 0
                repeat {
                    remaining = try SearchIndex.backfill(count: Self.searchBackfillSlice, in: db)
                } while remaining > 0 && ContinuousClock.now - started < budget
                return remaining
            }
            progress(remaining)
            if remaining == 0 || chunk == maxChunks { return remaining }
            usleep(2_000)
        }
        return 0
    }

    /// Creates the index when `enabled` and there is none (every stored row is then left to
    /// `buildSearchIndex`), or drops it when not. Returns true when it changed something.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func setSearchIndex(enabled: Bool) throws(StoreError) -> Bool {
        try write { db in
            let exists = try SearchIndex.exists(in: db)
            guard exists != enabled else { return false }
            if enabled { try SearchIndex.create(in: db) } else { try SearchIndex.drop(in: db) }
            return true
        }
    }

    /// Empties the index and leaves every row to `buildSearchIndex`: the repair after the table's
    /// rowids changed (a VACUUM may renumber them) or the index was damaged by hand.
    @available(*, noasync, message: "blocks on SQLite")
    public func resetSearchIndex() throws(StoreError) {
        try write { db in
            try SearchIndex.drop(in: db)
            try SearchIndex.create(in: db)
        }
    }
}
