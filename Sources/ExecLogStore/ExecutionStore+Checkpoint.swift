import Foundation
import GRDB

extension ExecutionStore {
    /// SQLite's WAL checkpoint modes (`PRAGMA wal_checkpoint(MODE)`).
    public enum CheckpointMode: String, Sendable, CaseIterable {
        /// Copies what it can from the WAL into the database file without waiting for anyone.
        case passive
        /// Copies everything; blocked by a reader that still needs older frames (then busy).
        case full
        /// Like `full`, and then makes the next writer start the WAL from its beginning.
        case restart
        /// Like `restart`, and truncates the `-wal` file to zero bytes.
        case truncate

        var sql: String { rawValue.uppercased() }
    }

    /// Runs a WAL checkpoint on the writing connection and returns SQLite's answer: `log` frames in the WAL,
    /// `checkpointed` frames copied into the database file (both -1 when the store is not in WAL mode or
    /// the checkpoint could not start), `busy` when a reader or another writer kept it from completing.
    ///
    /// It never waits: the busy timeout is off for its duration, so a CLI reader holding a long transaction
    /// makes a `restart` or `truncate` return busy at once instead of stalling the caller. Busy is not an
    /// error; try again later.
    public func checkpoint(_ mode: CheckpointMode) throws(StoreError) -> (log: Int, checkpointed: Int, busy: Bool) {
        do {
            return try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA busy_timeout = 0")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Int(Self.busyTimeout * 1_000))") }
                guard let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(mode.sql))") else {
                    return (log: -1, checkpointed: -1, busy: false)
                }
                let busy: Int = row[0]
                return (log: row[1], checkpointed: row[2], busy: busy != 0)
            }
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// SQLite's automatic checkpoint on the writing connection: a PASSIVE checkpoint run by the COMMIT
    /// that takes the WAL past this many pages (SQLite's default 1,000); 0 when it is off.
    public func automaticCheckpointPages() throws(StoreError) -> Int {
        do {
            return try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } ?? 0
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Sets `automaticCheckpointPages`; 0 turns the automatic checkpoint off, for a caller that runs
    /// its checkpoints itself (the writer, on a thread of its own).
    public func setAutomaticCheckpointPages(_ pages: Int) throws(StoreError) {
        do {
            try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(0, pages))") }
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// SQLite's page size in this file: a WAL frame holds one page.
    public func pageSize() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } ?? Self.newStorePageSize
    }

    /// The size of the `-wal` file in bytes; 0 when there is none.
    public var walFileBytes: Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The `synchronous` level in force on the writing connection (nil for a read-only store, or an
    /// unexpected value).
    public func synchronousInEffect() throws(StoreError) -> Synchronous? {
        guard mode != .readOnly else { return nil }
        do {
            let level = try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
            return level.flatMap(Synchronous.init(level:))
        } catch {
            throw Self.storeError(error, path: path)
        }
    }
}
