import Foundation
import GRDB

/// The SQLite file that holds every execution: one table `ai_executions`, plus `dead_letters` for
/// rejected events (docs/STORE.md).
///
/// Every method blocks on SQLite. Call them from a thread of your own (the writer's, the CLI's main
/// thread), never from the Swift concurrency pool.
public final class ExecutionStore: Sendable {
    public enum Mode: Sendable {
        /// Opens an existing store for queries only; never writes to the file.
        case readOnly
        /// Opens an existing store for writing, upgrading its schema when needed.
        case readWrite
        /// Like `readWrite`, but creates the file (and its folder) when missing.
        case create
    }

    /// SQLite's `synchronous` level on the connections execlog opens for writing (docs/STORE.md).
    public enum Synchronous: String, Sendable, CaseIterable {
        /// In WAL mode: no fsync per commit. A process crash loses nothing committed; a power loss or
        /// kernel crash may lose the last commits, acked ones included. Never corrupts the file.
        case normal
        /// An fsync of the WAL at every commit: a commit that returned survives a power loss.
        case full

        var sql: String { rawValue.uppercased() }

        /// From the value `PRAGMA synchronous` returns (1 NORMAL, 2 FULL).
        init?(level: Int) {
            switch level {
            case 1: self = .normal
            case 2: self = .full
            default: return nil
            }
        }
    }

    public let path: String
    public let mode: Mode
    /// The mode of a folder created for a new store: owner and group (the daemon's), nobody else.
    public static let folderPermissions: mode_t = 0o750
    let database: any DatabaseWriter

    /// How long a write waits for another writer (a CLI delete while the daemon writes).
    public static let busyTimeout: TimeInterval = 5

    /// SQLite's page size for a store this version creates (docs/STORE.md). Executions are 1–3 KB: on
    /// 4 KiB pages a page holds one or two and a fifth of the table is space left at page ends; 16 KiB
    /// pages hold eight and leave a twentieth. A store keeps the page size it was created with.
    public static let newStorePageSize = 16_384

    /// SQLite's page cache on a writing connection (SQLite's default is 2 MB). An insert updates seven
    /// indexes, two of them (`trace_id`, `session_id`) at random places: with 2 MB, most of those
    /// pages are read again from the file at every insert. Allocated as pages are used.
    public static let writerCacheBytes = 64 << 20

    @available(*, noasync, message: "blocks on SQLite: open the store from a thread of your own")
    public init(path: String, mode: Mode, synchronous: Synchronous = .normal) throws(StoreError) {
        self.path = path
        self.mode = mode
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists, mode != .create { throw .fileNotFound(path: path) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "execlog"
        do {
            // An existing file is checked through a read-only connection first: a write connection would
            // switch a foreign file to WAL mode before we could tell it is not ours.
            if exists { try Self.checkIdentity(path: path, configuration: configuration, mode: mode) }
            if mode == .readOnly {
                configuration.readonly = true
                database = try DatabaseQueue(path: path, configuration: configuration)
            } else {
                if !exists {
                    let folder = (path as NSString).deletingLastPathComponent
                    if !folder.isEmpty {
                        // 0750 whatever the umask, as the socket folder: the store holds every prompt.
                        try PrivateFolder.create(folder, mode: Self.folderPermissions)
                    }
                }
                // Passed to the WAL: readers never block the writer. NORMAL is durable across a process crash;
                // a power loss may lose the last commits, never corrupt the file. FULL: an fsync per commit,
                // and a commit that returned survives a power loss (docs/STORE.md).
                let synchronousSQL = synchronous.sql
                configuration.prepareDatabase { db in
                    // Before the pool turns on WAL, which writes the file's header. A no-op on a file that
                    // already has content.
                    try db.execute(sql: "PRAGMA page_size = \(Self.newStorePageSize)")
                    try db.execute(sql: "PRAGMA synchronous = \(synchronousSQL)")
                    // The pool's readers keep SQLite's default.
                    if !db.configuration.readonly {
                        try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheBytes / 1024)")
                    }
                }
                let pool = try DatabasePool(path: path, configuration: configuration)
                // GRDB sets NORMAL on the writer connection when it enables WAL, after prepareDatabase: set
                // the level again on that connection, the pool's only writer for its whole life.
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(synchronousSQL)") }
                database = pool
                try StoreSchema.migrator.migrate(database)
            }
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Verifies that an existing file is an execlog store whose schema this version can read (and, for a
    /// read-only open, does not need upgrading). An empty file counts as a new store only in `create` mode.
    private static func checkIdentity(path: String, configuration: Configuration, mode: Mode) throws {
        var configuration = configuration
        configuration.readonly = true
        let migrator = StoreSchema.migrator
        try DatabaseQueue(path: path, configuration: configuration).read { db in
            let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let isEmpty = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") == 0
            guard applicationID == StoreSchema.applicationID || (isEmpty && mode == .create) else {
                throw StoreError.notAnExeclogStore(path: path)
            }
            guard !isEmpty else { return }
            if try migrator.hasBeenSuperseded(db) { throw StoreError.schemaTooNew(path: path) }
            if mode == .readOnly, try !migrator.hasCompletedMigrations(db) {
                throw StoreError.schemaOutdated(path: path)
            }
        }
    }

    /// The migrations applied to this file, oldest first (e.g. `["v1", "v2", "v3"]`).
    public func schemaVersions() throws(StoreError) -> [String] {
        try read { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    /// Runs `body` in a read transaction, turning SQLite errors into `StoreError`.
    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.read(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Runs `body` in one IMMEDIATE transaction: it takes the write lock at once, so it waits for another
    /// writer (busy timeout) up front instead of failing half-way. Rolls back if `body` throws.
    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Any error of the layers below, as the one-line `StoreError` callers see.
    static func storeError(_ error: any Error, path: String) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as DatabaseError where error.resultCode == .SQLITE_NOTADB: .notAnExeclogStore(path: path)
        case let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN: .fileNotFound(path: path)
        case let error as DatabaseError: .database(error.message ?? "\(error.resultCode)")
        default: .database("\(error)")
        }
    }
}
