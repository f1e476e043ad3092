import GRDB

extension ExecutionStore {
    /// The most executions a timeline holds: a trace is one request's calls; a session that ran for
    /// months is cut here (newest left out) rather than read whole.
    public static let timelineLimit = 5_000

    /// Every execution of a trace or session, in time order, found through its index (v2).
    @available(*, noasync, message: "blocks on SQLite")
    public func timeline(_ kind: ExecutionTimeline.Kind, id: String, limit: Int = timelineLimit) throws(StoreError) -> ExecutionTimeline {
        let column = kind == .trace ? "trace_id" : "session_id"
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.summaryColumns) FROM ai_executions WHERE \(column) = ? ORDER BY created_at, id LIMIT ?",
                arguments: [id, limit + 1])
        }
        let executions = try rows.prefix(limit).map(Self.summary)
        return ExecutionTimeline(kind: kind, id: id, executions: executions, truncated: rows.count > limit)
    }
}
