import GRDB

extension ExecutionStore {
    /// The most distinct values `facets()` returns per column: a filter menu longer than this is no use.
    public static let facetLimit = 500

    /// The distinct usage types, providers and models, sorted.
    ///
    /// Each is a skip-scan of the column's index, one seek per distinct value (`min(x) WHERE x > previous`),
    /// so it costs the same on a million executions as on a hundred. `SELECT DISTINCT` would walk every entry.
    @available(*, noasync, message: "blocks on SQLite")
    public func facets() throws(StoreError) -> ExecutionFacets {
        try read { db in
            func distinct(_ column: String) throws -> [String] {
                try String.fetchAll(
                    db,
                    sql: """
                        WITH RECURSIVE names(name) AS (
                            SELECT min(\(column)) FROM ai_executions
                            UNION ALL
                            SELECT (SELECT min(\(column)) FROM ai_executions WHERE \(column) > names.name)
                            FROM names WHERE names.name IS NOT NULL
                        )
                        SELECT name FROM names WHERE name IS NOT NULL LIMIT ?
                        """,
                    arguments: [Self.facetLimit])
            }
            return ExecutionFacets(
                usageTypes: try distinct("usage_type"), providers: try distinct("provider"),
                modelNames: try distinct("model_name"))
        }
    }
}
