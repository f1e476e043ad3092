extension ExecutionStore {
    /// Recomputes the rollups (`execution_rollups`, `execution_rollups_daily`) from the rows, in one transaction. Needed
    /// only after rows were inserted or deleted by other means than execlog (the sqlite3 shell):
    /// execlog's own writes keep them exact. Reads every row's small columns once.
    @available(*, noasync, message: "blocks on SQLite")
    public func rebuildRollups() throws(StoreError) {
        try write { db in try ExecutionRollups.rebuild(in: db) }
    }
}
